# shutil.rmtree of trees with a read-only file. With an error handler that clears the
# attribute and retries (the shutil documentation's recipe; a bound method; 3.12's onexc)
# the program recovers on Windows: no finding. Without one, rmtree raises
# PermissionError [WinError 5] there: one finding, for the last tree.
import os, shutil, stat, sys

def tree(name):
    d = os.path.join(sys.argv[1], name)
    os.makedirs(d)
    p = os.path.join(d, "ro.txt")
    open(p, "w").close()
    os.chmod(p, stat.S_IREAD)
    return d

def remove_readonly(func, path, _):
    os.chmod(path, stat.S_IWRITE)
    func(path)

class Cleaner:
    def handler(self, func, path, _):
        remove_readonly(func, path, _)

if sys.version_info >= (3, 12):
    shutil.rmtree(tree("a"), onexc=remove_readonly)
else:
    shutil.rmtree(tree("a"), onerror=remove_readonly)
shutil.rmtree(tree("b"), onerror=Cleaner().handler)
shutil.rmtree(tree("c"))
print(sorted(os.listdir(sys.argv[1])))
