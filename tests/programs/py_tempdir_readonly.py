# TemporaryDirectory's cleanup meets read-only files; its rmtree error handler clears the
# attribute and tries again, so on Windows the cleanup succeeds: no finding.
import os, sys, tempfile
with tempfile.TemporaryDirectory(dir=sys.argv[1]) as d:
    p = os.path.join(d, "ro.txt")
    open(p, "w").close()
    os.chmod(p, 0o444)
    os.mkdir(os.path.join(d, "sub"))
    q = os.path.join(d, "sub", "ro2")
    open(q, "w").close()
    os.chmod(q, 0o444)
print(os.path.exists(d))
