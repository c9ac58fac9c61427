# Negative: a typical build script: copy, move into place, remove, all on closed files.
d="$1"
mkdir -p "$d/out/bin"
for i in 1 2 3 4 5; do
  echo "obj $i" > "$d/o$i.tmp"
  mv "$d/o$i.tmp" "$d/out/o$i"
done
cat "$d"/out/o* > "$d/out/bin/app"
cp "$d/out/bin/app" "$d/out/bin/app.bak"
mv -f "$d/out/bin/app.bak" "$d/out/bin/app"
rm -r "$d/out/o1" "$d/out/o2"
ln "$d/out/bin/app" "$d/out/bin/app.link"
ls "$d/out" "$d/out/bin"
