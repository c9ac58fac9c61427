# A read-only file (no owner write bit) cannot be deleted by DeleteFileW.
echo data > "$1/ro.txt"
chmod 444 "$1/ro.txt"
rm -f "$1/ro.txt"
