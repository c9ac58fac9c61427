# Removals of files still open (on Windows: PermissionError, WinError 32), each a
# finding, and where the program catches that PermissionError: not at all; by an
# `except OSError`; by an `except PermissionError` in a caller; by an outer `try` of the
# same frame after an inner `except FileNotFoundError`; by `contextlib.suppress`;
# through `shutil.rmtree(ignore_errors=True)` of a directory whose file another
# process holds; by the caller's `except OSError` around `shutil.rmtree`, whose default
# handler raises it again. Not caught: an `except FileNotFoundError` alone, an
# `except OSError` whose body may raise again, a `suppress` of other classes, `shutil.rmtree` without ignore_errors, and one with an
# error handler of the program's (what it does is not known). A helper whose callers
# catch its error or not is two findings, each counted once more by a third call.
import contextlib, errno, os, shutil, subprocess, sys

d = sys.argv[1]
held = []


def held_file(name):
    p = os.path.join(d, name)
    held.append(open(p, "w"))
    return p


os.remove(held_file("uncaught"))  # uncaught

try:
    os.remove(held_file("oserror"))  # by except OSError
except OSError:
    pass


try:
    os.remove(held_file("reraised"))  # an except that may raise again
except OSError as e:
    if e.errno != errno.ENOENT:
        raise


def remove(p):
    os.remove(p)  # in a helper


def caller():
    try:
        remove(held_file("caller"))  # caught in the caller
    except PermissionError:
        pass


caller()

try:
    os.remove(held_file("not-found"))  # only FileNotFoundError
except FileNotFoundError:
    pass


def nested():
    try:
        try:
            os.remove(held_file("nested"))  # inner FileNotFoundError, outer OSError
        except FileNotFoundError:
            pass
    except (ValueError, os.error):  # the outer try
        pass


nested()

with contextlib.suppress(FileNotFoundError, PermissionError):
    os.remove(held_file("suppressed"))  # by suppress

with contextlib.suppress(FileNotFoundError):
    os.remove(held_file("suppress-other"))  # suppress of another class


def tree(name):
    # A directory with a file that a child process keeps open for writing.
    root = os.path.join(d, name)
    os.mkdir(root)
    child = subprocess.Popen(
        [sys.executable, "-c", "import sys; f = open(sys.argv[1], 'w'); print(flush=True); sys.stdin.read()",
         os.path.join(root, "held")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    child.stdout.readline()
    return root, child


root, child = tree("ignored")
shutil.rmtree(root, ignore_errors=True)  # rmtree ignoring errors
child.communicate(b"")

root, child = tree("raised")
shutil.rmtree(root)  # rmtree raising them
child.communicate(b"")

root, child = tree("raised-caught")
try:
    shutil.rmtree(root)  # rmtree raising to an except
except OSError:
    pass
child.communicate(b"")

root, child = tree("handler")
handler = "onexc" if sys.version_info >= (3, 12) else "onerror"
shutil.rmtree(root, **{handler: lambda *args: None})  # rmtree with a handler
child.communicate(b"")


def twice():
    p = os.path.join(d, "twice")
    for catching in (True, False, True):
        f = open(p, "w")
        if catching:
            try:
                remove(p)  # caught in one caller
            except OSError:
                pass
        else:
            remove(p)  # not in the other
        f.close()


twice()

print(sorted(os.listdir(d)))
