# Replacing a read-only file by rename: MoveFileExW refuses a read-only target.
import os, sys
d = sys.argv[1]
p, src = os.path.join(d, "settings.ini"), os.path.join(d, "settings.ini.new")
open(p, "w").write("old")
os.chmod(p, 0o444)
open(src, "w").write("new")
os.replace(src, p)
print(open(p).read())
