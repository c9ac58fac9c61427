# A directory listing still in progress (an os.scandir iterator not exhausted) below a
# directory that is then renamed: on Windows the iterator is a FindFirstFileW handle on
# the listed directory, a file object below the renamed one, so MoveFileExW fails with
# ERROR_ACCESS_DENIED (nt-rules F28). One finding. A listing that was closed is none.
import os, sys
d = sys.argv[1]
os.makedirs(os.path.join(d, "p", "c"))
os.makedirs(os.path.join(d, "q", "c"))
for n in range(3):
    open(os.path.join(d, "p", "c", f"f{n}"), "w").close()
with os.scandir(os.path.join(d, "q", "c")) as it:
    list(it)
os.rename(os.path.join(d, "q"), os.path.join(d, "q2"))
it = os.scandir(os.path.join(d, "p", "c"))
next(it)
os.rename(os.path.join(d, "p"), os.path.join(d, "p2"))
it.close()
print(sorted(os.listdir(d)))
