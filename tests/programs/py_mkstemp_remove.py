# The seed (StackOverflow): mkstemp returns an open fd; removing the file while it is
# open is a sharing violation on Windows (CPython opens without FILE_SHARE_DELETE).
import os, sys, tempfile
fd, p = tempfile.mkstemp(dir=sys.argv[1])
print(fd)
os.remove(p)
