# mv onto a file that a background `sleep` holds open for reading through fd 3.
f="$1/current"
echo v1 > "$f"; echo v2 > "$1/next"
(exec 3<"$f"; exec sleep 30) &
bg=$!
until [ "$(cat /proc/$bg/comm 2>/dev/null)" = sleep ]; do :; done
mv "$1/next" "$f"
kill $bg; wait
echo $bg
