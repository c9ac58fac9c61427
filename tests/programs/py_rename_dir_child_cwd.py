# Renaming a directory while a child process works inside a subdirectory of it.
import os, subprocess, sys
d = sys.argv[1]
os.makedirs(os.path.join(d, "build", "obj"))
# Popen returns once the child has exec'd, so it is already in its working directory.
child = subprocess.Popen(["sleep", "30"], cwd=os.path.join(d, "build", "obj"))
os.rename(os.path.join(d, "build"), os.path.join(d, "build.old"))
child.kill(); child.wait()
