# `go test` of a package whose tests remove files they hold open, through a helper the
# compiler inlines. The go command links test binaries stripped (-s), so the Go frames
# come from the binary's own tables and module data. TestSkipped skips itself on Windows
# before the call, TestHelperSkips through a helper of the package's (no finding);
# TestRuns does not (one finding, located at the helper's line and the test's).
cd "$1" || exit 1
export GO111MODULE=on GOFLAGS=-mod=mod GOCACHE="$1/.cache" GOPATH="$1/.gopath" GOTOOLCHAIN=local
cat > go.mod <<'MOD'
module example.com/skips

go 1.19
MOD
cat > lib.go <<'GO'
package skips

import "os"

func remove(name string) { os.Remove(name) } // the helper's line

func Cleanup(name string) {
	remove(name)
}
GO
cat > lib_test.go <<'GO'
package skips

import (
	"os"
	"runtime"
	"testing"
)

func TestSkipped(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("POSIX only")
	}
	f, _ := os.Create("skipped.txt")
	defer f.Close()
	Cleanup("skipped.txt")
}

func TestRuns(t *testing.T) {
	f, _ := os.Create("runs.txt")
	defer f.Close()
	Cleanup("runs.txt") // the test's line
}

func TestHelperSkips(t *testing.T) {
	skipOnWindows(t)
	f, _ := os.Create("helper.txt")
	defer f.Close()
	Cleanup("helper.txt")
}
GO
cat > helpers_test.go <<'GO'
package skips

import (
	"runtime"
	"testing"
)

func skipOnWindows(t *testing.T) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("POSIX only")
	}
}
GO
go test -count=1 . > /dev/null || exit 1
echo ok
