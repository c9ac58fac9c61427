# rm of a file that a background `sleep` reads through fd 3 (`exec 3<file`).
f="$1/log.txt"
echo hello > "$f"
(exec 3<"$f"; exec sleep 30) &
bg=$!
until [ "$(cat /proc/$bg/comm 2>/dev/null)" = sleep ]; do :; done
rm "$f"
kill $bg; wait
echo $bg
