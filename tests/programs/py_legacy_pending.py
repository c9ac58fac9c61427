# Node holds the file open (sharing delete); Python deletes it and creates it again.
# Legacy delete semantics leave the name delete-pending: the re-create is refused.
# With POSIX semantics (Windows 10 1903+ DeleteFileW) the name is gone at once.
import os, subprocess, sys
p = os.path.join(sys.argv[1], "p.txt")
open(p, "w").write("x")
child = subprocess.Popen(["node", "-e",
    "const fs=require('fs'); fs.openSync(process.argv[1],'r'); console.log('ready'); setTimeout(()=>{}, 2000)", p],
    stdout=subprocess.PIPE)
child.stdout.readline()
os.remove(p)
open(p, "w").write("y")
child.kill(); child.wait()
os.remove(p)
