# Code that branches on the platform (filelock's release, atomicwrites' rename, filelock's
# strict lock testing dir_fd support, empty on Windows): what the POSIX branch does never
# happens on Windows, so it is no finding. The same delete outside such a branch is one.
import os, sys

d = sys.argv[1]
_UNLINK_SUPPORTS_DIR_FD = os.unlink in os.supports_dir_fd


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

def claim(path, f):
    if _UNLINK_SUPPORTS_DIR_FD:
        fd = os.open(d, os.O_RDONLY)
        os.unlink(os.path.basename(path), dir_fd=fd)
        os.close(fd)
        f.close()
    else:
        f.close()
        os.unlink(path)


for name, fn in (("marker", release), ("lock", cleanup), ("claim", claim)):
    p = os.path.join(d, name)
    fn(p, open(p, "w"))
q = os.path.join(d, "plain")
g = open(q, "w")
os.remove(q)
g.close()
