# The atomic-write idiom with os.rename instead of os.replace. Linux replaces the target;
# on Windows os.rename is MoveFileExW without MOVEFILE_REPLACE_EXISTING, so every write
# after the first raises FileExistsError [WinError 183] (Python docs, os.rename).
import os, sys
d = sys.argv[1]
for i in range(5):
    tmp = os.path.join(d, "out.tmp")
    with open(tmp, "w") as f:
        f.write(str(i))
    os.rename(tmp, os.path.join(d, "out.txt"))
