# shutil.rmtree of a git clone: its object files are read-only, and CPython's os.unlink
# is DeleteFileW, which refuses a read-only file (PermissionError: [WinError 5]). The
# classic Windows failure of cleaning up a checkout; git itself, run first, is not.
import os, shutil, subprocess, sys
repo = os.path.join(sys.argv[1], "repo")
# No automatic maintenance: git 2.47 may leave `git maintenance run --auto` running in
# the background after the commit, whose working directory is the repository (on Windows
# that would be a finding of its own, and a race here).
git = ["git", "-C", repo, "-c", "user.email=t@example.com", "-c", "user.name=t",
       "-c", "maintenance.auto=false", "-c", "gc.auto=0"]
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
