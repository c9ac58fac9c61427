# A NamedTemporaryFile reopened by name for writing: by the program itself, then by a
# Python child. On Windows the file is open with O_TEMPORARY (DELETE access,
# delete-on-close), so an open that does not share delete fails with a sharing
# violation (PermissionError: [Errno 13]); on Linux both work. python/cpython#58451.
import subprocess, sys, tempfile
with tempfile.NamedTemporaryFile(dir=sys.argv[1], suffix=".cfg") as f:
    with open(f.name, "w") as again:
        again.write("x")
    child = subprocess.run([sys.executable, "-c", "import sys; open(sys.argv[1], 'a').write('y')", f.name])
    print(open(f.name).read(), child.returncode)
