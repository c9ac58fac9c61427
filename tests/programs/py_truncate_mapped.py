# Rewriting (O_TRUNC) a file that is mapped: STATUS_USER_MAPPED_FILE on Windows.
import mmap, os, sys
p = os.path.join(sys.argv[1], "m.bin")
open(p, "wb").write(b"y" * 4096)
f = open(p, "rb")
m = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
f.close()
open(p, "wb").write(b"z")
m.close()
