# Renaming a running program aside is allowed on Windows (the loader shares delete).
cp /bin/sleep "$1/prog"
"$1/prog" 30 &
bg=$!
until [ "$(cat /proc/$bg/comm 2>/dev/null)" = prog ]; do :; done
mv "$1/prog" "$1/prog.old"
kill $bg 2>/dev/null
wait
