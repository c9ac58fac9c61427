# Renames onto existing names (FileExistsError on Windows) inside try blocks whose
# handlers are `except*` clauses (PEP 654: an exception raised in the try is matched as
# an ExceptionGroup of one). Caught by a clause naming its class, or a base of it, first
# or after another clause: no finding. One whose clauses name only other classes is a
# finding: `other.new`.
import os, sys

d = sys.argv[1]


def pair(name):
    paths = [os.path.join(d, name + ".new"), os.path.join(d, name)]
    for p in paths:
        with open(p, "w") as f:
            f.write(p)
    return paths


try:
    os.rename(*pair("first"))
except* FileExistsError:
    print("recovered")

try:
    os.rename(*pair("second"))
except* ValueError:
    pass
except* (KeyError, OSError) as group:
    print("recovered", group)

try:
    os.rename(*pair("other"))  # the finding
except* ValueError:
    pass
except* KeyError:
    pass
print("done")
