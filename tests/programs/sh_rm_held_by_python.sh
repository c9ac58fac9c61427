# rm of a file that a Python program keeps open for writing (no FILE_SHARE_DELETE).
f="$1/held.txt"
python3 -c 'import sys, time; f = open(sys.argv[1], "w"); print("open", flush=True); time.sleep(30)' "$f" > "$1/ready" &
bg=$!
until [ -s "$1/ready" ]; do sleep 0.01; done
rm "$f"
kill $bg; wait
echo $bg
