# Negative: renameat2(RENAME_EXCHANGE) of two closed files.
import ctypes, os, sys
d = sys.argv[1]
a, b = os.path.join(d, "a"), os.path.join(d, "b")
open(a, "w").write("a"); open(b, "w").write("b")
libc = ctypes.CDLL(None, use_errno=True)
if libc.renameat2(-100, a.encode(), -100, b.encode(), 2) != 0:
    raise OSError(ctypes.get_errno(), "renameat2")
print(open(a).read(), open(b).read())
