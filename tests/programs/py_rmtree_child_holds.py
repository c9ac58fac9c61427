# shutil.rmtree while a child process holds a file of the tree open. Prints its pid.
import os, shutil, subprocess, sys
d = os.path.join(sys.argv[1], "tree")
os.makedirs(os.path.join(d, "sub"))
for n in ["a", "sub/b", "sub/c"]:
    open(os.path.join(d, n), "w").write(n)
child = subprocess.Popen([sys.executable, "-c",
    "import sys; f = open(sys.argv[1]); print('ready', flush=True); sys.stdin.read()", os.path.join(d, "sub", "b")],
    stdin=subprocess.PIPE, stdout=subprocess.PIPE)
child.stdout.readline()
shutil.rmtree(d)
child.stdin.close(); child.wait()
print(child.pid)
