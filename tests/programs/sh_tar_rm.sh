# Unpack and remove a tree: nothing is held. No finding.
mkdir -p "$1/src/a/b" && echo 1 > "$1/src/a/b/f" && echo 2 > "$1/src/a/g"
tar -C "$1" -cf "$1/t.tar" src
mkdir "$1/out" && tar -C "$1/out" -xf "$1/t.tar"
rm -rf "$1/out" "$1/src" "$1/t.tar"
