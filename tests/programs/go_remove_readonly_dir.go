// Directories made read-only with os.Chmod (on Windows: FILE_ATTRIBUTE_READONLY). os.RemoveAll
// gets past it there (removeall_noat.go chmods the path writable and removes it again);
// os.Remove does not (golang/go#26295): one finding, for "plain".
package main

import (
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	d := os.Args[1]
	tree := filepath.Join(d, "tree")
	os.MkdirAll(filepath.Join(tree, "sub"), 0o755)
	os.Chmod(filepath.Join(tree, "sub"), 0o555)
	fmt.Println(os.RemoveAll(tree))
	plain := filepath.Join(d, "plain")
	os.Mkdir(plain, 0o755)
	os.Chmod(plain, 0o555)
	fmt.Println(os.Remove(plain))
}
