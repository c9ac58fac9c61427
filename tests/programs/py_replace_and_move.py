# Renames that replace on Windows too, or that Linux refuses as well: no finding.
import os, shutil, sys
d = sys.argv[1]
j = lambda name: os.path.join(d, name)
def touch(*names):
    for n in names:
        open(j(n), "w").close()
touch("a", "b"); os.replace(j("a"), j("b"))          # MoveFileExW(REPLACE_EXISTING)
touch("c", "d"); shutil.move(j("c"), j("d"))         # os.rename fails, move copies
touch("e", "f"); swap = os.replace; swap(j("e"), j("f"))
touch("g"); os.rename(j("g"), j("h"))                # a new name
os.mkdir(j("D1")); os.mkdir(j("D2")); touch("D2/x")
try:
    os.rename(j("D1"), j("D2"))                      # ENOTEMPTY on Linux too
except OSError as e:
    print("linux refuses:", e.strerror)
