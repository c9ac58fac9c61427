# The fix from the seed's answer: close first. No finding.
import os, sys, tempfile
fd, p = tempfile.mkstemp(dir=sys.argv[1])
os.close(fd)
os.remove(p)
