# shutil.rmtree of a git clone: its object files are read-only, and CPython's os.unlink
# is DeleteFileW, which refuses a read-only file (PermissionError: [WinError 5]). The
# classic Windows failure of cleaning up a checkout; git itself, run first, is not.
import os, shutil, subprocess, sys
repo = os.path.join(sys.argv[1], "repo")
git = ["git", "-C", repo, "-c", "user.email=t@example.com", "-c", "user.name=t"]
subprocess.run(["git", "init", "-q", repo], check=True)
with open(os.path.join(repo, "f"), "w") as f:
    f.write("x\n")
subprocess.run(git + ["add", "f"], check=True)
subprocess.run(git + ["commit", "-qm", "one"], check=True)
objects = sorted(
    os.path.join(d, n) for d, _, ns in os.walk(os.path.join(repo, ".git", "objects")) for n in ns
)
print(len(objects))
shutil.rmtree(repo)
