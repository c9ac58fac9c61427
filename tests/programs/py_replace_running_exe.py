# os.replace over an executable that is running (a self-updater): the target is an image.
import os, shutil, subprocess, sys
d = sys.argv[1]
exe, new = os.path.join(d, "tool"), os.path.join(d, "tool.new")
shutil.copy("/bin/sleep", exe); shutil.copy("/bin/sleep", new)
child = subprocess.Popen([exe, "30"])
os.replace(new, exe)
child.kill(); child.wait()
print(child.pid)
