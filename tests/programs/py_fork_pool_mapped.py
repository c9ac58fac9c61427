# multiprocessing fork workers copy the parent's views (and fds) along with its address
# space; on Windows the workers are spawned and have none, so removing the file once the
# parent has closed its own view is fine (the two workers' copies are at the same
# addresses). A view a worker maps itself is a real one: removing that file is refused
# (mapped-file).
import mmap, multiprocessing as mp, os, sys

views = []

def map_it(path):
    f = open(path, "r+b")
    views.append((f, mmap.mmap(f.fileno(), 0)))
    return os.getpid()

if __name__ == "__main__":
    d = sys.argv[1]
    inherited, own = os.path.join(d, "inherited.bin"), os.path.join(d, "own.bin")
    for p in (inherited, own):
        with open(p, "wb") as f:
            f.write(b"x" * 4096)
    f = open(inherited, "r+b")
    m = mmap.mmap(f.fileno(), 0)
    pool = mp.get_context("fork").Pool(2)
    print(pool.map(abs, [-1, -2]))
    m.close()
    f.close()
    os.remove(inherited)
    print(pool.apply(map_it, (own,)))
    os.remove(own)
    pool.terminate()
