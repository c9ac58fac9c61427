# Writes, renames, deletes and prints; used to compare runs with and without winsan.
import hashlib, os, subprocess, sys
d = sys.argv[1]
h = hashlib.sha256()
for i in range(50):
    p = os.path.join(d, f"f{i}")
    with open(p, "w") as f:
        f.write(str(i) * i)
    os.rename(p, p + ".x")
    h.update(open(p + ".x").read().encode())
    os.unlink(p + ".x")
print(h.hexdigest())
print(subprocess.run(["sh", "-c", "echo child; exit 0"], capture_output=True, text=True).stdout.strip())
sys.stderr.write("to stderr\n")
sys.exit(7)
