# pathlib.Path.rename (os.rename underneath) onto an existing file, from a worker thread:
# FileExistsError [WinError 183] on Windows. The main thread's os.replace is fine.
import os, pathlib, sys, threading
d = pathlib.Path(sys.argv[1])
(d / "a").write_text("a")
(d / "b").write_text("b")
(d / "c").write_text("c")
os.replace(d / "c", d / "b")

def worker():
    (d / "a").rename(d / "b")

t = threading.Thread(target=worker)
t.start()
t.join()
