# The command exits at once; a background process waits until the test says go (after
# `winsan run` has itself exited and handed the seccomp listener to its helper), then
# creates and removes a file. Its trapped calls must still work: a seccomp listener that
# nobody answers would make them fail with ENOSYS.
(
  while [ ! -e "$1/go" ]; do sleep 0.02; done
  if touch "$1/victim" && rm "$1/victim"; then echo ok; else echo "failed"; fi > "$1/after.tmp"
  mv "$1/after.tmp" "$1/after.done"
) >/dev/null 2>&1 &
echo started
