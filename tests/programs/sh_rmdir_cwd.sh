# A process's working directory cannot be removed on Windows.
d="$1/work"
mkdir "$d"
(cd "$d" && exec sleep 2) &
sleep 0.5
rmdir "$d"
kill $! 2>/dev/null
wait
