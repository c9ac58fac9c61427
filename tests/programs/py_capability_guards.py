# Code guarded by a capability CPython's Windows build lacks (os.fork, os.getuid,
# os.fchown, signal.SIGKILL, shutil.rmtree's fd-based implementation, a test skipped
# without os.geteuid) never runs on Windows: what it does on Linux is no finding. The
# same code guarded by a capability Windows has (os.symlink, os.link, os.kill, os.fchmod
# since 3.13) runs there too: each is a finding. Each removes a file it still holds open
# (a sharing violation on Windows).
import io, os, shutil, signal, sys, unittest

d = sys.argv[1]
_HAS_FCHOWN = hasattr(os, "fchown")
_HAS_SYMLINK = hasattr(os, "symlink")


def remove_open(name):
    p = os.path.join(d, name)
    with open(p, "w"):
        os.remove(p)  # the call


def guarded():
    if hasattr(os, "fork"):
        remove_open("fork")
    if hasattr(os, "symlink"):
        remove_open("symlink")  # runs on Windows
    if getattr(signal, "SIGKILL", None) is not None:
        remove_open("sigkill")
    if hasattr(os, "fchmod"):
        remove_open("fchmod")  # runs on Windows (3.13 and later)
    if shutil.rmtree.avoids_symlink_attacks:
        remove_open("rmtree")
    if _HAS_FCHOWN:
        remove_open("fchown")
    if _HAS_SYMLINK and d:
        remove_open("symlink-flag")  # runs on Windows


def needs_getuid():
    if not hasattr(os, "getuid"):
        return
    remove_open("getuid")


def needs_link():
    if not hasattr(os, "link"):
        return
    remove_open("link")  # runs on Windows


class TestCapabilities(unittest.TestCase):
    @unittest.skipIf(not hasattr(os, "geteuid"), "needs geteuid")
    def test_geteuid(self):
        remove_open("geteuid")

    @unittest.skipIf(not hasattr(os, "kill"), "needs kill")
    def test_kill(self):
        remove_open("kill")  # runs on Windows


guarded()
needs_getuid()
needs_link()
result = unittest.TextTestRunner(stream=io.StringIO()).run(
    unittest.defaultTestLoader.loadTestsFromTestCase(TestCapabilities)
)
print(result.testsRun, len(result.errors), len(result.failures))
