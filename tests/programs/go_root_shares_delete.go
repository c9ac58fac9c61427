// Files opened through os.Root (Go 1.24 and later) are opened sharing delete on Windows
// (internal/syscall/windows.Openat: FILE_SHARE_READ|FILE_SHARE_WRITE|FILE_SHARE_DELETE),
// so removing or renaming one such a handle holds succeeds there; a file os.Create holds
// (syscall.Open: no FILE_SHARE_DELETE) cannot be removed. One finding: plain.dat.
package main

import (
	"os"
	"path/filepath"
)

func main() {
	d := os.Args[1]
	root, err := os.OpenRoot(d)
	if err != nil {
		panic(err)
	}
	defer root.Close()

	viaRoot, err := root.Create("root.dat")
	if err != nil {
		panic(err)
	}
	if err := os.Remove(filepath.Join(d, "root.dat")); err != nil {
		panic(err)
	}
	viaRoot.Close()

	renamed, err := root.OpenFile("renamed.dat", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		panic(err)
	}
	if err := os.Rename(filepath.Join(d, "renamed.dat"), filepath.Join(d, "moved.dat")); err != nil {
		panic(err)
	}
	if err := root.Remove("moved.dat"); err != nil {
		panic(err)
	}
	renamed.Close()

	plain, err := os.Create(filepath.Join(d, "plain.dat"))
	if err != nil {
		panic(err)
	}
	if err := os.Remove(filepath.Join(d, "plain.dat")); err != nil { // the finding
		panic(err)
	}
	plain.Close()
}
