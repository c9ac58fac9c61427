# One fd number, two directories: unlinking through a dirfd must resolve the directory the
# fd names at the time of the call. a/x is free; b/x is held open (no FILE_SHARE_DELETE
# for CPython). Deleting b/x through a reused fd number is the one finding.
import os, sys
w = sys.argv[1]
for d in ("a", "b"):
    os.mkdir(os.path.join(w, d))
    open(os.path.join(w, d, "x"), "w").close()
held = open(os.path.join(w, "b", "x"))
fd = os.open(os.path.join(w, "a"), os.O_RDONLY | os.O_DIRECTORY)
os.unlink("x", dir_fd=fd)
os.close(fd)
fd2 = os.open(os.path.join(w, "b"), os.O_RDONLY | os.O_DIRECTORY)
print(fd == fd2)
os.unlink("x", dir_fd=fd2)
