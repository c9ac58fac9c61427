# Code that branches on the platform (filelock's release, atomicwrites' rename): what the
# POSIX branch does never happens on Windows, so it is no finding. The same delete outside
# such a branch is one.
import os, sys

d = sys.argv[1]


def release(path, f):
    if sys.platform == "win32":
        f.close()
        os.remove(path)
    else:
        # Unlink while the descriptor is still open, then close.
        os.remove(path)
        f.close()


if os.name != "nt":
    def cleanup(path, f):
        os.remove(path)
        f.close()
else:
    def cleanup(path, f):
        f.close()
        os.remove(path)

for name, fn in (("marker", release), ("lock", cleanup)):
    p = os.path.join(d, name)
    fn(p, open(p, "w"))
q = os.path.join(d, "plain")
g = open(q, "w")
os.remove(q)
g.close()
