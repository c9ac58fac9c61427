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
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/debs"
echo 'deb [trusted=yes] http://deb.debian.org/debian sid main' >"$work/sources.list"
apt=(-o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache" -o APT::Architecture=amd64
  -o APT::Architectures::=amd64 -o APT::Sandbox::User=root)
apt-get "${apt[@]}" update -qq >/dev/null
(cd "$work/debs" && apt-get "${apt[@]}" download -qq "golang-$ver-go" "golang-$ver-src" >/dev/null)
rm -rf "$dest"
mkdir -p "$dest"
for deb in "$work"/debs/*.deb; do dpkg-deb -x "$deb" "$dest"; done
"$goroot/bin/go" version >&2
echo "$goroot"
