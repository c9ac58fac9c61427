# The atomic-write idiom done right: write, close, replace. No finding.
import os, sys
d = sys.argv[1]
for i in range(20):
    tmp = os.path.join(d, "out.tmp")
    with open(tmp, "w") as f:
        f.write(str(i))
    os.replace(tmp, os.path.join(d, "out.txt"))
