# A file mapped with mmap cannot be deleted on Windows, even after its fd is closed.
import mmap, os, sys
p = os.path.join(sys.argv[1], "data.bin")
with open(p, "wb") as f:
    f.write(b"x" * 4096)
with open(p, "r+b") as f:
    m = mmap.mmap(f.fileno(), 4096)
os.remove(p)
m.close()
