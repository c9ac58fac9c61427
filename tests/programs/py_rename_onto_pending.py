# Legacy semantics: renaming onto a name that is still delete-pending.
import os, subprocess, sys
d = sys.argv[1]
p, q = os.path.join(d, "p.txt"), os.path.join(d, "q.txt")
open(p, "w").write("x"); open(q, "w").write("q")
child = subprocess.Popen(["node", "-e",
    "require('fs').openSync(process.argv[1],'r'); console.log('ready'); process.stdin.resume()", p],
    stdin=subprocess.PIPE, stdout=subprocess.PIPE)
child.stdout.readline()
os.remove(p)
os.rename(q, p)
child.stdin.close(); child.wait()
