# go build -o over a program that is running, and over one a Python process reads. On
# Linux the go command renames the new binary into place; on Windows it copies instead
# (cmd/go moveOrCopyFile), renaming a running old binary aside to prog~ first, and
# truncating one that is only open for reading. Both builds work there: no finding.
cp "$(dirname "$0")/go_sleep.go" "$1/main.go"
cd "$1" || exit 1
export GO111MODULE=off GOCACHE="$1/.cache"
go build -o prog main.go || exit 1
./prog > /dev/null &
bg=$!
until [ "$(cat /proc/$bg/comm 2>/dev/null)" = prog ]; do :; done
sed -i 's/v1/v2/' main.go
go build -o prog main.go || exit 1
python3 -c 'import sys, time; f = open(sys.argv[1], "rb"); print("reading", flush=True); time.sleep(3)' prog2 > ready 2>/dev/null &
cp prog prog2
until [ -s ready ]; do sleep 0.05; done
sed -i 's/v2/v3/' main.go
go build -o prog2 main.go || exit 1
kill $bg 2>/dev/null
wait
./prog2
