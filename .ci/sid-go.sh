#!/usr/bin/env bash
# Usage: .ci/sid-go.sh VERSION DIR
#
# Puts Debian unstable's Go toolchain VERSION (1.27: newer than the machine's 1.19) in DIR
# and prints its GOROOT. winsan names a Go caller's frames from the binary's function
# tables (pclntab) and tells the Go runtime by its build information, both of which the
# linker lays out anew from time to time, so CI runs the Go programs with a current Go
# too. The toolchain is statically linked: nothing else is needed. Debian's packages are
# one of the machine's registries. Exits non-zero, saying why, when it cannot.
set -euo pipefail
ver=$1
dest=$2/go-$ver
goroot="$dest/usr/lib/go-$ver"
if [ -x "$goroot/bin/go" ] && "$goroot/bin/go" version >/dev/null 2>&1; then
  echo "$goroot"
  exit 0
fi
rm -rf "$dest"
"$(dirname "$0")/sid-fetch.sh" "$dest" "golang-$ver-go" "golang-$ver-src"
"$goroot/bin/go" version >&2
echo "$goroot"
