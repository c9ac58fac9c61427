# Unlinking an open file in a loop while SIGALRM and SIGUSR1 interrupt the process: every
# trapped call still completes once (Python retries EINTR, PEP 475), the findings are one,
# counted, and the output is the same as without winsan.
import os, signal, sys
d = sys.argv[1]
hits = {"alrm": 0, "usr1": 0}
signal.signal(signal.SIGALRM, lambda *_: hits.__setitem__("alrm", hits["alrm"] + 1))
signal.signal(signal.SIGUSR1, lambda *_: hits.__setitem__("usr1", hits["usr1"] + 1))
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
