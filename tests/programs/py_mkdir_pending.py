# Legacy semantics: mkdir of a name that is still delete-pending.
import os, subprocess, sys
p = os.path.join(sys.argv[1], "lock")
open(p, "w").write("x")
child = subprocess.Popen(["node", "-e",
    "require('fs').openSync(process.argv[1],'r'); console.log('ready'); process.stdin.resume()", p],
    stdin=subprocess.PIPE, stdout=subprocess.PIPE)
child.stdout.readline()
os.remove(p)
os.mkdir(p)
child.stdin.close(); child.wait()
