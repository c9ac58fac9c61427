# The command exits at once; a background process it started outlives it, still traced,
# and deletes a file it holds open itself once the command is gone. The orphan writes its
# pid to orphan.pid.
f="$1/orphan.log"
main=$$
(
  exec 3>"$f"
  sh -c 'echo $PPID' > "$1/orphan.pid"
  while kill -0 $main 2>/dev/null; do sleep 0.01; done
  rm "$f"
  echo done > "$1/orphan.done"
) &
echo started
