# Code after an early exit on Windows (`if sys.platform == "win32": return`, a skip, a
# `continue`) runs only elsewhere: removing a file this process holds open there is no
# finding. The same removal without the exit is one (no FILE_SHARE_DELETE on Windows).
import os, sys

d = sys.argv[1]
held = []


def held_file(name):
    p = os.path.join(d, name)
    open(p, "w").close()
    held.append(open(p))
    return p


def release(path):
    if sys.platform == "win32":
        return
    os.remove(path)


def release_all(paths):
    for path in paths:
        if os.name == "nt":
            continue
        os.remove(path)


def remove(path):
    os.remove(path)  # the finding


release(held_file("returned"))
release_all([held_file("continued")])
remove(held_file("removed"))
