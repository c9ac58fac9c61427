# Unlinking an open file in a loop while SIGALRM and SIGUSR1 interrupt the process: every
# trapped call completes once, the findings are one, counted, and the output is the same
# as without winsan.
#
# The handlers are SA_RESTART (siginterrupt(False), the default of C's signal() and of
# Go). Known limitation: a handler *without* SA_RESTART (Python's default) can see EINTR
# from a trapped call that never fails so natively (unlink, rename) when the signal lands
# before the supervisor has received the notification (the kernel then answers
# -ERESTARTSYS; only after the receipt does SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV hold
# signals back). os.unlink does not retry EINTR.
import os, signal, sys
d = sys.argv[1]
hits = {"alrm": 0, "usr1": 0}
signal.signal(signal.SIGALRM, lambda *_: hits.__setitem__("alrm", hits["alrm"] + 1))
signal.signal(signal.SIGUSR1, lambda *_: hits.__setitem__("usr1", hits["usr1"] + 1))
for sig in (signal.SIGALRM, signal.SIGUSR1):
    signal.siginterrupt(sig, False)
signal.setitimer(signal.ITIMER_REAL, 0.001, 0.001)
p = os.path.join(d, "spool")
N = 200
for i in range(N):
    f = open(p, "w")
    os.unlink(p)
    f.close()
    if i % 10 == 0:
        os.kill(os.getpid(), signal.SIGUSR1)
signal.setitimer(signal.ITIMER_REAL, 0)
print(N, hits["usr1"], os.listdir(d))
