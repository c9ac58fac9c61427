# Functions handed to the runtime only under a POSIX-only guard never run on Windows: an
# atexit function, a signal handler, a thread's target, a weakref.finalize function and an
# event loop's callback registered there remove files this process holds open (on Windows
# a refusal: no FILE_SHARE_DELETE), yet no frame of their stacks is at a guarded line. No
# finding. The same atexit function and thread target handed on without a guard are one
# each.
import asyncio, atexit, os, signal, sys, threading, weakref

d = sys.argv[1]
held = []


def held_file(name):
    p = os.path.join(d, name)
    open(p, "w").close()
    held.append(open(p))
    return p


AT_EXIT = held_file("at-exit")
SIGNALLED = held_file("signalled")
THREADED = held_file("threaded")
FINALIZED = held_file("finalized")
SOON = held_file("soon")
UNGUARDED = held_file("unguarded")
UNGUARDED_THREAD = held_file("unguarded-thread")


def _remove_at_exit():
    os.remove(AT_EXIT)


def _on_sigterm(signum, frame):
    os.remove(SIGNALLED)


def remove_in_thread():
    os.remove(THREADED)


def _on_finalize():
    os.remove(FINALIZED)


def _remove_soon():
    os.remove(SOON)


async def _main():
    if sys.platform != "win32":
        asyncio.get_running_loop().call_soon(_remove_soon)
    await asyncio.sleep(0.01)


class Resource:
    pass


def _remove_unguarded():
    os.remove(UNGUARDED)  # the atexit finding


def _remove_in_unguarded_thread():
    os.remove(UNGUARDED_THREAD)  # the thread's finding


if sys.platform != "win32":
    atexit.register(_remove_at_exit)
    signal.signal(signal.SIGTERM, _on_sigterm)
    worker = threading.Thread(target=remove_in_thread)
    worker.start()
    worker.join()
resource = Resource()
if sys.platform != "win32":
    weakref.finalize(resource, _on_finalize)
del resource
asyncio.run(_main())

atexit.register(_remove_unguarded)
unguarded = threading.Thread(target=_remove_in_unguarded_thread)
unguarded.start()
unguarded.join()
# The signal comes from outside in a real program; here the handler runs on top of this
# unguarded line.
os.kill(os.getpid(), signal.SIGTERM)
