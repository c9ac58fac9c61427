//go:build !windows

// A file the go command never compiles for Windows (its build constraint): what it does
// never happens there. It removes a file it still has open, which on Windows would be a
// sharing violation (go_remove_open.go): no finding.
package main

import (
	"os"
	"path/filepath"
)

func main() {
	p := filepath.Join(os.Args[1], "g.dat")
	f, err := os.Create(p)
	if err != nil {
		panic(err)
	}
	if err := os.Remove(p); err != nil {
		panic(err)
	}
	f.Close()
}
