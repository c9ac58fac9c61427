# bash opens a log for a background Python program's stdout (`> log &`) and removes it
# while the program runs. On Windows the program's stdout is bash's handle, which Git
# Bash (Cygwin) opens sharing everything: the delete succeeds, although Python's own
# opens would not share delete. No finding.
log="$1/server.log"
python3 -c 'import time; print("ready", flush=True); time.sleep(30)' > "$log" &
bg=$!
until [ -s "$log" ]; do sleep 0.01; done
rm "$log"
kill $bg; wait
test ! -e "$log" && echo removed
