# A multiprocessing pool started while a file is open (a log, a data file): on Linux the
# fork workers hold copies of the fd; on Windows multiprocessing spawns fresh interpreters
# that inherit no handle. Closing the file and deleting it is no finding. The workers'
# own open file, deleted by the parent while they still hold it, is one.
import multiprocessing as mp, os, sys, time

def hold(path):
    f = open(path, "w")  # the worker's own handle
    f.write("w")
    f.flush()
    time.sleep(1.0)
    f.close()
    return 0

def work(x):
    time.sleep(0.3)
    return x * 2

if __name__ == "__main__":
    mp.set_start_method("fork")
    d = sys.argv[1]
    p = os.path.join(d, "data.txt")
    f = open(p, "w")
    f.write("x")
    with mp.Pool(2) as pool:
        f.close()
        os.remove(p)  # Windows: fine, the workers hold no handle
        own = os.path.join(d, "own.txt")
        res = pool.map_async(hold, [own])
        while not os.path.exists(own):  # the worker has it open from here for 1 s
            time.sleep(0.01)
        os.remove(own)  # Windows: a worker holds it
        res.get()
        print(pool.map(work, range(4)))
