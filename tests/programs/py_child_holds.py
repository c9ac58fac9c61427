# A child process holds the file open; the parent deletes it.
import os, subprocess, sys
p = os.path.join(sys.argv[1], "shared.log")
open(p, "w").write("x")
child = subprocess.Popen([sys.executable, "-c",
    "import sys, time; f = open(sys.argv[1], 'a'); print('ready', flush=True); time.sleep(2)", p],
    stdout=subprocess.PIPE)
child.stdout.readline()
os.remove(p)
print(child.pid)
child.kill(); child.wait()
