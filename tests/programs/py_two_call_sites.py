# One refusal made from two places is two findings, each with its own frames; made
# again from one place (a loop) it is one finding counted again. Overwriting a file this
# process maps (CPython's mmap keeps a handle, the section stays) is refused on Windows.
import mmap, os, sys

p = os.path.join(sys.argv[1], "mapped")
with open(p, "wb") as f:
    f.write(b"data")
held = open(p, "r+b")
view = mmap.mmap(held.fileno(), 0)


def overwrite_in_a_loop():
    for _ in range(3):
        open(p, "wb").close()  # the loop's site


def overwrite_once():
    open(p, "wb").close()  # the other site


overwrite_in_a_loop()
overwrite_once()
