# Renaming a running program aside is allowed on Windows (the loader shares delete).
cp /bin/sleep "$1/prog"
"$1/prog" 2 &
sleep 0.5
mv "$1/prog" "$1/prog.old"
kill $! 2>/dev/null
wait
