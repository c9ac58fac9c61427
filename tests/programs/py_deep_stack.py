# A Python finding made deep in a recursion: winsan names 64 frames of a finding's
# stack (it decides from the innermost 16), and says when the stack goes on past the
# last frame it names. Each call removes a file the program still has open (a sharing
# violation on Windows): 5 deep, named whole; 40 deep, named whole down to the function
# that started it (past 16 frames); 100 deep, cut at 64 frames with the mark. And 40
# deep under a guard 42 frames out that Windows does not take: no finding (the frames
# past the 16 the decisions read are read on for it). And 40 deep inside a `try` 42
# frames out: a finding the program catches there.
import os, sys

d = sys.argv[1]


def down(p, depth):
    if depth > 0:
        down(p, depth - 1)  # recursing
    else:
        os.remove(p)  # the call


def test_remove(name, depth):
    p = os.path.join(d, name)
    with open(p, "w"):
        down(p, depth)  # the test's call


test_remove("shallow", 5)  # shallow
test_remove("forty", 40)  # forty
test_remove("deep", 100)  # deep
if sys.platform != "win32":
    test_remove("guarded", 40)  # guarded
try:
    test_remove("caught", 40)  # caught
except OSError:
    pass
