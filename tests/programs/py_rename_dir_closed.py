# Negative: the same rename once every file below has been closed.
import os, subprocess, sys
d = sys.argv[1]
os.makedirs(os.path.join(d, "build", "obj"))
p = os.path.join(d, "build", "obj", "a.o")
with open(p, "w") as f:
    f.write("x")
subprocess.run([sys.executable, "-c", "import sys; open(sys.argv[1]).read()", p], check=True)
os.rename(os.path.join(d, "build"), os.path.join(d, "build.old"))
print(open(os.path.join(d, "build.old", "obj", "a.o")).read())
