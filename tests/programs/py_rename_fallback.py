# A program that handles the Windows error: os.rename, and on FileExistsError remove the
# target and rename again. On Linux the handler never runs; under --enforce it does.
import os, sys
d = sys.argv[1]
src, dst = os.path.join(d, "new.cfg"), os.path.join(d, "app.cfg")
for p in (src, dst):
    with open(p, "w") as f:
        f.write(p)
try:
    os.rename(src, dst)
    print("renamed")
except FileExistsError:
    os.remove(dst)
    os.rename(src, dst)
    print("recovered")
