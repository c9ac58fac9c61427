# A child started just after an earlier scan of the process tree inherits an fd of the
# file the parent then deletes: the child must be seen as a holder (the tree is re-read
# whenever a process was started since). Prints the child's pid.
import os, subprocess, sys
d = sys.argv[1]
g = open(os.path.join(d, "l1"), "w")
os.rename(os.path.join(d, "l1"), os.path.join(d, "l3"))  # a finding: scans the tree
g.close()
f = open(os.path.join(d, "l2"), "w")
p = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(1)"], stdout=f)
f.close()
os.remove(os.path.join(d, "l2"))
p.wait()
print(p.pid)
