# Negative: CreateHardLinkW opens the file for FILE_WRITE_ATTRIBUTES only, which takes part
# in no sharing check: linking a file that is open is fine.
import os, sys
d = sys.argv[1]
p = os.path.join(d, "data")
f = open(p, "w"); f.write("x"); f.flush()
os.link(p, os.path.join(d, "data.bak"))
f.close()
print(os.stat(p).st_nlink)
