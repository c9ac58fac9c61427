// os.Remove on Windows clears FILE_ATTRIBUTE_READONLY and retries (src/os/file_windows.go),
// so removing a read-only file works in Go, unlike in Python. No finding.
package main

import (
	"os"
	"path/filepath"
)

func main() {
	p := filepath.Join(os.Args[1], "ro.txt")
	if err := os.WriteFile(p, []byte("x"), 0o444); err != nil {
		panic(err)
	}
	if err := os.Remove(p); err != nil {
		panic(err)
	}
}
