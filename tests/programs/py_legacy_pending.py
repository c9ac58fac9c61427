# Node holds the file open (sharing delete); Python deletes it and creates it again.
# Legacy delete semantics leave the name delete-pending: the re-create is refused.
# With POSIX semantics (Windows 10 1903+ DeleteFileW) the name is gone at once.
# Prints the node child's pid and the fd it holds.
import os, subprocess, sys
p = os.path.join(sys.argv[1], "p.txt")
open(p, "w").write("x")
child = subprocess.Popen(["node", "-e",
    "const fs=require('fs'); console.log(fs.openSync(process.argv[1],'r')); process.stdin.resume()", p],
    stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
fd = child.stdout.readline().strip()
os.remove(p)
open(p, "w").write("y")
child.stdin.close(); child.wait()
os.remove(p)
print(child.pid, fd)
