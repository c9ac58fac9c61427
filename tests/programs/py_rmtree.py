# shutil.rmtree holds directory fds on Linux while it removes; on Windows it lists with
# FindFirstFile (sharing delete). No finding.
import os, shutil, sys
root = os.path.join(sys.argv[1], "tree")
for i in range(3):
    os.makedirs(os.path.join(root, f"d{i}", "sub"))
    for j in range(3):
        open(os.path.join(root, f"d{i}", "sub", f"f{j}"), "w").write("x")
shutil.rmtree(root)
