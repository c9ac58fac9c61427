# One thread holds the file open, another thread deletes it.
import os, sys, threading
p = os.path.join(sys.argv[1], "t.txt")
f = open(p, "w")
t = threading.Thread(target=os.remove, args=(p,))
t.start(); t.join()
print(f.fileno())
f.close()
