# A here-document larger than a pipe: bash writes it to a temporary file, opens it for
# reading and unlinks it while open. Under Git Bash (MSYS2, sharing everything, POSIX
# unlink) that is fine, as on Linux.
big=$(head -c 100000 /dev/zero | tr '\0' a)
cat > "$1/out.txt" <<END
$big
END
wc -c < "$1/out.txt" > /dev/null
