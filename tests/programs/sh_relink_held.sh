# Linking over an output that another program has open for reading (Python: no
# FILE_SHARE_DELETE). lld's Windows build first renames the old output aside, which needs
# DELETE access that the reader does not share; the old file then keeps the name and lld's
# final rename onto it fails ("failed to write output ...: permission denied").
src="$(dirname "$0")/rs_sleep.rs"
rustc --edition 2021 -o "$1/prog" "$src" || exit 1
python3 -c 'import sys, time; f = open(sys.argv[1], "rb"); print(f.fileno(), flush=True); time.sleep(30)' "$1/prog" > "$1/ready" &
bg=$!
until [ -s "$1/ready" ]; do sleep 0.01; done
rustc --edition 2021 -o "$1/prog" "$src"
kill $bg 2>/dev/null
wait
cat "$1/ready"
