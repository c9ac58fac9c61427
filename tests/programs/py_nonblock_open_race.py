# With `--holders scan` winsan opens nothing of the files it judges: a child that opens a
# file with O_NONBLOCK while its parent replaces that file in a loop never sees EAGAIN
# (with the lease probe it can, for the microsecond the lease is held), and a holder is
# still found: the parent replaces a file it holds open itself (rename-target-in-use).
import os, sys, time

d = sys.argv[1]
p = os.path.join(d, "x")
open(p, "w").close()
pid = os.fork()
if pid == 0:
    eagain = 0
    end = time.time() + 1
    while time.time() < end:
        try:
            os.close(os.open(p, os.O_RDONLY | os.O_NONBLOCK))
        except FileNotFoundError:
            pass
        except BlockingIOError:
            eagain += 1
    print("EAGAIN", eagain, flush=True)
    os._exit(0)
end = time.time() + 1
while time.time() < end:
    t = p + ".tmp"
    with open(t, "w") as f:
        f.write("x")
    os.replace(t, p)
os.waitpid(pid, 0)
held = os.path.join(d, "held")
open(held, "w").close()
reader = open(held)
t = held + ".tmp"
open(t, "w").close()
os.replace(t, held)
