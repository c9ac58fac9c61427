// A Go finding made deep in a recursion: winsan reads at most 32 frames of a Go stack
// and says when the program's frames go on past the last it names (the runtime's
// runtime.main and runtime.goexit below main.main do not count). Each call removes a
// file the program still has open (a sharing violation on Windows: Go does not share
// delete): 5 deep, named whole; 100 deep, cut with the mark.
package main

import (
	"os"
	"path/filepath"
)

//go:noinline
func down(p string, depth int) {
	if depth > 0 {
		down(p, depth-1) // recursing
	} else {
		os.Remove(p) // the call
	}
}

func main() {
	for _, c := range []struct {
		name  string
		depth int
	}{{"shallow", 5}, {"deep", 100}} {
		p := filepath.Join(os.Args[1], c.name)
		f, err := os.Create(p)
		if err != nil {
			panic(err)
		}
		down(p, c.depth) // main's call
		f.Close()
	}
}
