#!/usr/bin/env bash
# Usage: .ci/sid-python.sh VERSION DIR
#
# Puts Debian unstable's CPython VERSION (3.14, 3.15: newer than the machine's pyenv
# builds) in DIR and prints the path of its interpreter. winsan reads CPython's own
# structures, whose layout changes with each minor version, so CI runs the program tests
# with every version winsan knows. Debian's packages are one of the machine's registries;
# unstable's interpreter needs unstable's C library, so DIR gets that too and the
# interpreter is pointed at it (patchelf: its ELF interpreter and RUNPATH). Its ssl and
# hashlib modules need unstable's OpenSSL (trio imports ssl): DIR gets that too, and the
# two modules are pointed at it; without it they do not import, and the rest works. The
# other libraries (zlib, expat, libffi, sqlite) are the machine's. Nothing is installed
# system-wide but patchelf. Exits non-zero, saying why, when it cannot.
set -euo pipefail
ver=$1
dest=$2
py="$dest/usr/bin/python$ver"
lib="$dest/usr/lib/x86_64-linux-gnu"
[ "$(uname -m)" = x86_64 ] || { echo "sid-python: x86_64 only" >&2; exit 1; }
command -v patchelf >/dev/null || {
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends patchelf >/dev/null
}
# Unstable's OpenSSL for the ssl and hashlib modules, once. A RUNPATH applies to the
# object's own dependencies: the extension modules that load OpenSSL get theirs.
with_openssl() {
  "$py" -c 'import ssl' 2>/dev/null && return 0
  if "$(dirname "$0")/sid-fetch.sh" "$dest" libssl3t64 >&2; then
    for ext in "$dest/usr/lib/python$ver"/lib-dynload/_{ssl,hashlib}.*.so; do
      if [ -e "$ext" ]; then patchelf --set-rpath "$lib" "$ext"; fi
    done
  fi
  "$py" -c 'import ssl' 2>/dev/null || echo "sid-python: python$ver's ssl does not import (no OpenSSL from Debian unstable)" >&2
}
if [ -x "$py" ] && "$py" -c 'import sys' 2>/dev/null; then
  with_openssl
  echo "$py"
  exit 0
fi
"$(dirname "$0")/sid-fetch.sh" "$dest" "python$ver-minimal" "libpython$ver-minimal" \
  "libpython$ver-stdlib" libc6
patchelf --set-interpreter "$lib/ld-linux-x86-64.so.2" --set-rpath "$lib" "$py"
# What the program tests use: a version that cannot load these is not worth running.
"$py" -c 'import sqlite3, ctypes, mmap, multiprocessing, tempfile, shutil, json' >&2
with_openssl
echo "$py"
