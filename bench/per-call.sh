#!/usr/bin/env bash
# Per-call cost of trapped calls: native, the floor of the mechanism (bench/floor.c:
# CONTINUE at once; the least decision) and winsan, the minimum of RUNS (default 7) runs
# of N (default 10000) calls each, in microseconds. Needs gcc; x86_64 (floor.c).
# Usage: bench/per-call.sh [path/to/winsan]
set -euo pipefail
cd "$(dirname "$0")/.."
WINSAN=${1:-target/release/winsan}
[ -x "$WINSAN" ] || cargo build --release -p winsan >&2
RUNS=${RUNS:-7}; N=${N:-10000}
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
gcc -O2 -o "$TMP/calls" bench/calls.c
gcc -O2 -pthread -o "$TMP/floor" bench/floor.c
min() { sort -g | head -1; }
printf "%-22s %8s %12s %8s\n" config unlink open+rename rmdir
for config in native floor0 floorC winsan; do
  case $config in
    native) pre=() ;;
    floor0) pre=("$TMP/floor" continue) ;;
    floorC) pre=("$TMP/floor" minimal) ;;
    winsan) pre=("$WINSAN" run --quiet --) ;;
  esac
  out=$(for _ in $(seq "$RUNS"); do "${pre[@]}" "$TMP/calls" "$N" 2>/dev/null; done)
  printf "%-22s %8s %12s %8s\n" "$config" "$(cut -d' ' -f1 <<<"$out" | min)" \
    "$(cut -d' ' -f2 <<<"$out" | min)" "$(cut -d' ' -f3 <<<"$out" | min)"
done
