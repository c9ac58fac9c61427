# fork without exec: the child inherits the fd and keeps it; the parent closes its copy
# and deletes the file while the child still holds it.
import os, sys, time
p = os.path.join(sys.argv[1], "f.txt")
fd = os.open(p, os.O_CREAT | os.O_WRONLY)
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(r); os.write(w, b"k"); time.sleep(2); os._exit(0)
os.close(w); os.read(r, 1)
os.close(fd)
os.remove(p)
print(pid, fd)
os.kill(pid, 9); os.waitpid(pid, 0)
