# Which os.rename onto an existing file is handled: the innermost try around the call
# (in its frame or a caller's) has an except clause for FileExistsError or a base of it.
import asyncio, os, sys
d = sys.argv[1]

def touch(*names):
    for n in names:
        open(os.path.join(d, n), "w").close()

def rename(a, b):
    os.rename(os.path.join(d, a), os.path.join(d, b))

def caught_here():
    touch("a", "b")
    try:
        rename("a", "b")
    except OSError:  # the cffi and Babel idiom
        os.remove(os.path.join(d, "b"))
        rename("a", "b")

def caught_by_a_later_clause():
    touch("c", "d")
    try:
        rename("c", "d")
    except KeyError:
        pass
    except (ValueError, FileExistsError):
        pass

def other_classes_only():
    touch("e", "f")
    try:
        rename("e", "f")
    except (KeyError, ValueError):
        pass

def finally_only():
    touch("g", "h")
    try:
        rename("g", "h")
    finally:
        pass

async def in_a_task():
    # asyncio's Handle._run has `except BaseException`, but the task's step (C code)
    # keeps the exception first and asyncio.run raises it: not handled.
    touch("i", "j")
    rename("i", "j")

for f in (caught_here, caught_by_a_later_clause, other_classes_only, finally_only):
    for _ in range(3):
        f()
asyncio.run(in_a_task())
