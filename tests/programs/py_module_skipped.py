# A module that stops where it is imported on Windows (a test module's
# `pytest.skip(..., allow_module_level=True)` under `if sys.platform == "win32":`, as
# send2trash's tests/test_plat_other.py does, or unittest's `raise SkipTest`): nothing
# below the skip runs there, so what it does on Linux is no finding. The same delete
# made above the skip runs on Windows too: a finding.
import os, sys, unittest

d = sys.argv[1]


def remove_open(name):
    p = os.path.join(d, name)
    f = open(p, "w")
    os.remove(p)
    f.close()


remove_open("above")

if sys.platform == "win32":
    raise unittest.SkipTest("POSIX only")


class Volume:
    def cleanup(self, name):
        remove_open(name)


remove_open("below")
Volume().cleanup("method")
