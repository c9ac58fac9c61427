# Deleting the executable of a running program: the image section refuses the delete.
cp /bin/sleep "$1/prog"
"$1/prog" 30 &
bg=$!
until [ "$(cat /proc/$bg/comm 2>/dev/null)" = prog ]; do :; done
rm "$1/prog"
kill $bg 2>/dev/null
wait
