# Functions handed to the runtime only under a POSIX-only guard never run on Windows: an
# atexit function, a signal handler and a thread's target registered there remove files
# this process holds open (on Windows a refusal: no FILE_SHARE_DELETE), yet no frame on
# their stacks is at a guarded line. No finding. The same atexit function and thread
# target handed on without a guard are one each.
import atexit, os, signal, sys, threading

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
UNGUARDED = held_file("unguarded")
UNGUARDED_THREAD = held_file("unguarded-thread")


def _remove_at_exit():
    os.remove(AT_EXIT)


def _on_sigterm(signum, frame):
    os.remove(SIGNALLED)


def remove_in_thread():
    os.remove(THREADED)


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

atexit.register(_remove_unguarded)
unguarded = threading.Thread(target=_remove_in_unguarded_thread)
unguarded.start()
unguarded.join()
# The signal comes from outside in a real program; here the handler runs on top of this
# unguarded line.
os.kill(os.getpid(), signal.SIGTERM)
