# A program runs while it has two hard links (as cargo leaves target/debug/app and
# target/debug/deps/app-HASH). Deleting the second name is allowed on NTFS even though the
# file is a running image (only the file's last name is protected); deleting the last name
# is refused (WinError 5). One finding: the second os.remove.
import os, shutil, subprocess, sys
d = sys.argv[1]
exe, link = os.path.join(d, "app"), os.path.join(d, "app-link")
shutil.copy("/bin/sleep", exe)
os.link(exe, link)
child = subprocess.Popen([exe, "30"])
os.remove(link)
os.remove(exe)
child.kill(); child.wait()
print(child.pid)
