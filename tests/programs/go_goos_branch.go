// Code under `if runtime.GOOS != "windows"` never runs on Windows: its removal of an open
// file is no finding. The same removal outside it, in a helper the compiler inlines, is
// one, reported at the helper's line and its caller's.
package main

import (
	"os"
	"path/filepath"
	"runtime"
)

func createRemove(p string) *os.File {
	f, err := os.Create(p)
	if err != nil {
		panic(err)
	}
	os.Remove(p) // the finding's line
	return f
}

func main() {
	if runtime.GOOS != "windows" {
		f := createRemove(filepath.Join(os.Args[1], "posix.dat"))
		f.Close()
	}
	f := createRemove(filepath.Join(os.Args[1], "all.dat")) // its caller's line
	f.Close()
}
