#!/usr/bin/env bash
# Usage: .ci/sid-fetch.sh DIR PACKAGE...
#
# Downloads Debian unstable's PACKAGEs (amd64) and unpacks them into DIR (over what is
# there); nothing is installed. Debian's packages are one of the machine's
# registries; apt runs with a state of its own in a temporary directory, so the
# machine's sources and lists are left alone. Used by sid-python.sh, sid-jdk.sh and
# sid-go.sh for the runtimes newer than the machine's.
set -euo pipefail
dest=$1
shift
[ "$(uname -m)" = x86_64 ] || { echo "sid-fetch: x86_64 only" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/debs"
echo 'deb [trusted=yes] http://deb.debian.org/debian sid main' >"$work/sources.list"
apt=(-o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache" -o APT::Architecture=amd64
  -o APT::Architectures::=amd64 -o APT::Sandbox::User=root)
apt-get "${apt[@]}" update -qq >/dev/null
(cd "$work/debs" && apt-get "${apt[@]}" download -qq "$@" >/dev/null)
mkdir -p "$dest"
for deb in "$work"/debs/*.deb; do dpkg-deb -x "$deb" "$dest"; done
