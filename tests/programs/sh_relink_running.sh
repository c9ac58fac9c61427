# Linking over a program that is running: on Windows LLVM's rename moves a target in
# use aside, but a running image cannot be opened for delete, so lld fails
# ("permission denied"). On Linux the rename replaces the name.
rustc --edition 2021 -o "$1/prog" "$(dirname "$0")/rs_sleep.rs" || exit 1
"$1/prog" &
bg=$!
until [ "$(cat /proc/$bg/comm 2>/dev/null)" = prog ]; do :; done
rustc --edition 2021 -o "$1/prog" "$(dirname "$0")/rs_sleep.rs"
kill $bg 2>/dev/null
wait
