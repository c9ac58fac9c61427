# Deleting the executable of a running program: the image section refuses the delete.
cp /bin/sleep "$1/prog"
"$1/prog" 2 &
sleep 0.5
rm "$1/prog"
kill $! 2>/dev/null
wait
