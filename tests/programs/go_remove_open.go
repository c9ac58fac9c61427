// Go opens files without FILE_SHARE_DELETE on Windows (syscall.Open: sharemode is
// FILE_SHARE_READ|FILE_SHARE_WRITE), so os.Remove of a file the program still has open is
// a sharing violation there (golang/go#32088). Prints the fd that holds the file.
package main

import (
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	p := filepath.Join(os.Args[1], "g.dat")
	f, err := os.Create(p)
	if err != nil {
		panic(err)
	}
	fmt.Println(f.Fd())
	if err := os.Remove(p); err != nil {
		panic(err)
	}
	f.Close()
}
