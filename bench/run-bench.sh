#!/usr/bin/env bash
# Benchmark `winsan run` against native and `strace -f --seccomp-bpf` on the same calls.
# Usage: bench/run-bench.sh [path/to/winsan]   (default: target/release/winsan)
# Prints one compact table: per workload, the native median of ROUNDS (default 3)
# interleaved rounds, winsan's and strace's ratio to it, the target ratio, the number of
# calls winsan trapped and the supervisor's peak RSS (VmHWM).
# With gcc on x86_64 it also measures the floor of the mechanism with bench/floor.c, a
# minimal C supervisor on the same trap set: `floor0` answers CONTINUE at once, `floorC`
# first does the least a decision needs (read the path, resolve the dirfd, stat, the
# lease probe). winsan's ratio cannot go below floorC without trapping fewer calls.
set -euo pipefail
cd "$(dirname "$0")/.."
WINSAN=${1:-target/release/winsan}
[ -x "$WINSAN" ] || cargo build --release -p winsan >&2
ROUNDS=${ROUNDS:-3}
SHM=${BENCH_DIR:-/dev/shm}/winsan-bench.$$
mkdir -p "$SHM"
trap 'rm -rf "$SHM"' EXIT

# The interpreter itself: `python3` on PATH may be a launcher (a pyenv shim is a bash script
# that runs `pyenv`, ~60 ms and a dozen processes per start), whose start-up would dilute
# every ratio of (2) and (3). PYTHON overrides. When PATH's `python3` is another file, (2)
# is measured through it too (`replace.path`), as the sessions before the eleventh did.
PY=${PYTHON:-$(python3 -c 'import sys; print(sys.executable)')}
PATH_PY=$(command -v python3)
WORKLOADS="untar replace starts"
[ "$(readlink -f "$PATH_PY")" = "$(readlink -f "$PY")" ] || WORKLOADS+=" replace.path"
STDLIB=$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')
# The standard library proper, as in shared/research/interception.md (no site-packages).
tar -C "$(dirname "$STDLIB")" --exclude=site-packages --exclude=__pycache__ -cf "$SHM/stdlib.tar" "$(basename "$STDLIB")"
FLOOR=""
if command -v gcc >/dev/null && [ "$(uname -m)" = x86_64 ]; then
  gcc -O2 -pthread -o "$SHM/floor" bench/floor.c && FLOOR="$SHM/floor"
fi
CONFIGS="native winsan strace${FLOOR:+ floor0 floorC}"
TRACE=open,openat,creat,openat2,unlink,unlinkat,rmdir,rename,renameat,renameat2,truncate,ftruncate,fallocate,execve,execveat,link,linkat,mkdir,mkdirat,chmod,fchmod,fchmodat

cat > "$SHM/replace.py" <<'PY'
import os, shutil, sys, tempfile
for _ in range(20):
    d = tempfile.mkdtemp(dir=sys.argv[1])
    for i in range(100):
        t = os.path.join(d, "f.tmp")
        with open(t, "w") as f:
            f.write(str(i))
        os.replace(t, os.path.join(d, f"f{i % 10}"))
    shutil.rmtree(d)
PY

workload() {
  case "$1" in
    untar) mkdir -p "$SHM/x" && tar -C "$SHM/x" -xf "$SHM/stdlib.tar" && rm -rf "$SHM/x" ;;
    replace) "$PY" "$SHM/replace.py" "$SHM" ;;
    replace.path) "$PATH_PY" "$SHM/replace.py" "$SHM" ;;
    starts) for _ in $(seq 10); do "$PY" -c "import asyncio, json, email, email.parser, sqlite3, http.client, xml.etree.ElementTree, decimal"; done ;;
  esac
}
export -f workload; export SHM PY PATH_PY

run_one() { # config workload -> seconds
  local t0 t1
  t0=$(date +%s.%N)
  case "$1" in
    native) bash -c "workload $2" ;;
    winsan) "$WINSAN" run --quiet -- bash -c "workload $2" 2>/dev/null ;;
    strace) strace -f -qq --seccomp-bpf -e trace=$TRACE -o /dev/null bash -c "workload $2" ;;
    floor0) "$FLOOR" continue bash -c "workload $2" ;;
    floorC) "$FLOOR" minimal bash -c "workload $2" ;;
  esac
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc -l
}

declare -A T
for r in $(seq "$ROUNDS"); do
  for w in $WORKLOADS; do
    for c in $CONFIGS; do
      T[$w,$c]+="$(run_one $c $w) "
    done
  done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
declare -A TARGET=([untar]=1.25 [replace]=1.30 [replace.path]=1.30 [starts]=1.02)
# Trapped calls and supervisor peak RSS (VmHWM) from one extra run with --stats.
declare -A TRAPS RSS
for w in $WORKLOADS; do
  line=$("$WINSAN" run --quiet --stats -- bash -c "workload $w" 2>&1 | grep 'trapped calls' || true)
  TRAPS[$w]=$(echo "$line" | sed -n 's/.* \([0-9]*\) trapped calls.*/\1/p')
  RSS[$w]=$(echo "$line" | sed -n 's/.*peak RSS \([0-9]*\) KiB.*/\1/p')
done
echo "median of $ROUNDS interleaved rounds; ratios to native; python: $PY"
[[ $WORKLOADS == *replace.path* ]] && echo "replace.path: (2) through $PATH_PY"
ratio() { if [ -n "${T[$1,$2]:-}" ]; then printf "%7.2fx" "$(echo "$(echo "${T[$1,$2]}" | median)/$3" | bc -l)"; else printf "%8s" -; fi; }
printf "%-12s %9s %8s %8s %8s %8s %7s %7s %9s\n" workload native_s winsan strace floor0 floorC target traps peak_RSS
for w in $WORKLOADS; do
  n=$(echo "${T[$w,native]}" | median)
  printf "%-12s %9.3f %s %s %s %s %6sx %7s %6s KiB\n" "$w" "$n" "$(ratio $w winsan $n)" "$(ratio $w strace $n)" \
    "$(ratio $w floor0 $n)" "$(ratio $w floorC $n)" "${TARGET[$w]}" "${TRAPS[$w]:-?}" "${RSS[$w]:-?}"
done
