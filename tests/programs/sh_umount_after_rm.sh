# A tmpfs mounted, filled and emptied with `rm -rf` (unlinks through dirfds), then
# unmounted: the supervisor's copies of those dirfds must not keep it busy (EBUSY).
# Needs a private mount namespace (unshare -m) and the right to mount.
set -e
d="$1/mnt"
mkdir -p "$d"
mount -t tmpfs winsan-test "$d"
mkdir -p "$d/a/b/c"
for i in 1 2 3; do echo $i > "$d/a/b/c/f$i"; echo $i > "$d/a/b/g$i"; done
rm -rf "$d/a"
umount "$d"
echo unmounted
