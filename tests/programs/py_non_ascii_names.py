# Frames whose file and function names are not ASCII (CPython keeps them as one-, two- or
# four-byte characters): the finding names them as a traceback would, and the source of a
# file in a directory named so is read for its platform branches. One finding, in fé.
import os, sys

d = os.path.join(sys.argv[1], "dé_дир_😀")
os.makedirs(d)
with open(os.path.join(d, "modülé.py"), "w", encoding="utf-8") as f:
    f.write(
        "import os, sys\n"
        "def fé(a, b):\n"
        "    os.rename(a, b)\n"
        "def fд(a, b):\n"
        "    if sys.platform != 'win32':\n"
        "        os.rename(a, b)\n"
    )
sys.path.insert(0, d)
import modülé


def pair(name):
    paths = [os.path.join(sys.argv[1], name + ".new"), os.path.join(sys.argv[1], name)]
    for p in paths:
        with open(p, "w") as f:
            f.write(p)
    return paths


modülé.fé(*pair("one"))
modülé.fд(*pair("two"))
