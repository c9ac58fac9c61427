# Renaming a directory while a child process works inside a subdirectory of it.
import os, subprocess, sys
d = sys.argv[1]
os.makedirs(os.path.join(d, "build", "obj"))
child = subprocess.Popen(["sleep", "2"], cwd=os.path.join(d, "build", "obj"))
import time; time.sleep(0.5)
os.rename(os.path.join(d, "build"), os.path.join(d, "build.old"))
child.kill(); child.wait()
