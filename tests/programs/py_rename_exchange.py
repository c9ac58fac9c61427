# renameat2(RENAME_EXCHANGE) swaps two names; on Windows both names are replaced, so an
# open file under either name is in the way. A child holds "b" open. Prints its pid.
import ctypes, os, subprocess, sys
d = sys.argv[1]
a, b = os.path.join(d, "a"), os.path.join(d, "b")
open(a, "w").write("a"); open(b, "w").write("b")
child = subprocess.Popen([sys.executable, "-c",
    "import sys; f = open(sys.argv[1]); print('ready', flush=True); sys.stdin.read()", b],
    stdin=subprocess.PIPE, stdout=subprocess.PIPE)
child.stdout.readline()
libc = ctypes.CDLL(None, use_errno=True)
AT_FDCWD, RENAME_EXCHANGE = -100, 2
if libc.renameat2(AT_FDCWD, a.encode(), AT_FDCWD, b.encode(), RENAME_EXCHANGE) != 0:
    raise OSError(ctypes.get_errno(), "renameat2")
child.stdin.close(); child.wait()
print(child.pid)
