# Negative: eight threads each write a temp file, close it, and replace their own target.
import os, sys, threading
d = sys.argv[1]
def work(i):
    for j in range(20):
        t = os.path.join(d, f"t{i}.tmp")
        with open(t, "w") as f:
            f.write(f"{i}:{j}")
        os.replace(t, os.path.join(d, f"out{i}"))
ts = [threading.Thread(target=work, args=(i,)) for i in range(8)]
for t in ts: t.start()
for t in ts: t.join()
print(sorted(open(os.path.join(d, f"out{i}")).read() for i in range(8)))
