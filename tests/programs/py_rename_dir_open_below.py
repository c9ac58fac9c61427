# Renaming a directory while a child process has a file below it open: Windows refuses
# any rename of a directory with an open file below it (nt-rules F28), whatever the
# share mode. Prints the child's pid.
import os, subprocess, sys
d = sys.argv[1]
os.makedirs(os.path.join(d, "build", "obj"))
p = os.path.join(d, "build", "obj", "a.o")
open(p, "w").write("x")
child = subprocess.Popen([sys.executable, "-c",
    "import sys; f = open(sys.argv[1]); print('ready', flush=True); sys.stdin.read()", p],
    stdin=subprocess.PIPE, stdout=subprocess.PIPE)
child.stdout.readline()
os.rename(os.path.join(d, "build"), os.path.join(d, "build.old"))
child.stdin.close(); child.wait()
print(child.pid)
