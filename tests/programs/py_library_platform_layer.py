# An installed package's implementation of its API for other systems than Windows: the
# package defines `discard` under `if sys.platform != "win32":` and another `discard` for
# Windows, both removing the file (as atomicwrites does with its `_replace_atomic`). The
# program calls `discard` on a file it still has open: on Windows the package's other
# `discard` runs and its removal is refused just the same, so the finding stays (at the
# package's frame). The same call under the program's own POSIX-only guard, the
# program's own function defined only off Windows, and a function the package defines
# only off Windows (no such name on Windows: code calling it does not run there) are
# no finding.
import os, sys

d = sys.argv[1]
pkg = os.path.join(d, "lib", "python3", "site-packages", "platlayer")
os.makedirs(pkg)
with open(os.path.join(pkg, "__init__.py"), "w") as f:
    f.write(
        "import os, sys\n"
        "if sys.platform != 'win32':\n"
        "    def discard(path):\n"
        "        os.remove(path)  # the package's POSIX implementation\n"
        "    def posix_helper(path):\n"
        "        os.remove(path)\n"
        "else:\n"
        "    def discard(path):\n"
        "        os.remove(path)\n"
    )
sys.path.insert(0, os.path.dirname(pkg))
import platlayer


def held(name):
    p = os.path.join(d, name)
    f = open(p, "w")
    return p, f


p, f = held("api")
platlayer.discard(p)  # the finding
f.close()

p, f = held("posix-api")
platlayer.posix_helper(p)
f.close()

p, f = held("guarded")
if sys.platform != "win32":
    platlayer.discard(p)
f.close()

if sys.platform != "win32":

    def own_discard(path):
        os.remove(path)

else:

    def own_discard(path):
        pass


p, f = held("own")
own_discard(p)
f.close()
