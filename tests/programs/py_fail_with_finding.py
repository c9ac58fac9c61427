# The program fails (exit 3) and has a finding: winsan exits with the program's status.
import os, sys, tempfile
fd, p = tempfile.mkstemp(dir=sys.argv[1])
os.remove(p)
sys.exit(3)
