# Opening a read-only file (no owner write bit: FILE_ATTRIBUTE_READONLY) for writing is
# refused on Windows (PermissionError [Errno 13]); on Linux only root gets through, as in
# most CI containers: that open is the finding. Prints whether the write went through.
import os, stat, sys
p = os.path.join(sys.argv[1], "settings.ini")
with open(p, "w") as f:
    f.write("a=1\n")
os.chmod(p, stat.S_IREAD)
try:
    with open(p, "w") as f:
        f.write("a=2\n")
    print("written")
except PermissionError:
    print("refused")
