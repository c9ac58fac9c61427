// The fixed version of go_remove_open.go: close first, then remove. No finding.
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
	f.WriteString("data")
	f.Close()
	if err := os.Remove(p); err != nil {
		panic(err)
	}
}
