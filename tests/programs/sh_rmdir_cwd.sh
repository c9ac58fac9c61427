# A process's working directory cannot be removed on Windows.
d="$1/work"
mkdir "$d"
(cd "$d" && exec sleep 30) &
bg=$!
until [ "$(cat /proc/$bg/comm 2>/dev/null)" = sleep ]; do :; done
rmdir "$d"
kill $bg 2>/dev/null
wait
