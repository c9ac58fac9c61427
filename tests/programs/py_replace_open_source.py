# Replacing with a temporary file that is still open: MoveFileEx opens the source for
# DELETE, which the open handle does not share.
import os, sys
d = sys.argv[1]
tmp = os.path.join(d, "out.tmp")
f = open(tmp, "w"); f.write("x"); f.flush()
os.replace(tmp, os.path.join(d, "out.txt"))
f.close()
