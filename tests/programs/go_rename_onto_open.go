// os.Rename is MoveFileExW(MOVEFILE_REPLACE_EXISTING) on Windows; it cannot replace a file
// that is open (nt-rules H39), here one the program itself reads. Prints the reader's fd.
package main

import (
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	a := filepath.Join(os.Args[1], "new.txt")
	b := filepath.Join(os.Args[1], "cur.txt")
	for _, p := range []string{a, b} {
		if err := os.WriteFile(p, []byte(p), 0o644); err != nil {
			panic(err)
		}
	}
	r, err := os.Open(b)
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Fd())
	if err := os.Rename(a, b); err != nil {
		panic(err)
	}
	r.Close()
}
