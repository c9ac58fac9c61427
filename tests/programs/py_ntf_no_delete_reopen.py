# The Windows-safe forms: NamedTemporaryFile(delete=False) is opened without O_TEMPORARY,
# so reopening it by name works; mkstemp's file too. No finding.
import os, sys, tempfile
with tempfile.NamedTemporaryFile(dir=sys.argv[1], delete=False) as f:
    with open(f.name, "w") as again:
        again.write("x")
os.remove(f.name)
fd, p = tempfile.mkstemp(dir=sys.argv[1])
with open(p, "w") as again:
    again.write("y")
os.close(fd)
os.remove(p)
print(os.listdir(sys.argv[1]))
