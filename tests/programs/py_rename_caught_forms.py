# Renames onto existing names (FileExistsError on Windows) under every shape of handler
# that catches it: a bare except, a try/finally or a with block inside try/except
# OSError, a comprehension inside a try (inlined into its function from 3.12): none is a
# finding. Two are findings: one whose only handler is the standard library's catch-all
# around a thread pool's work (it keeps the error for the caller, which never asks), and
# one in a child that multiprocessing forked (Windows spawns it; the fork machinery, defined
# for POSIX only, is its parent's).
import concurrent.futures, multiprocessing, os, sys

d = sys.argv[1]


def pair(name):
    paths = [os.path.join(d, name + ".new"), os.path.join(d, name)]
    for p in paths:
        with open(p, "w") as f:
            f.write(p)
    return paths


try:
    os.rename(*pair("bare"))
except:  # noqa: E722
    pass

try:
    try:
        os.rename(*pair("finally"))
    finally:
        pass
except OSError:
    pass

try:
    with open(os.path.join(d, "lock"), "w"):
        os.rename(*pair("with"))
except OSError:
    pass


def comprehension():
    try:
        [os.rename(*pair(n)) for n in ("comprehension",)]
    except OSError:
        pass


comprehension()

with concurrent.futures.ThreadPoolExecutor(1) as pool:
    pool.submit(lambda: os.rename(*pair("pool")))


def forked():
    os.rename(*pair("forked"))


if __name__ == "__main__":
    p = multiprocessing.get_context("fork").Process(target=forked)
    p.start()
    p.join()
    print(sorted(n for n in os.listdir(d) if not n.endswith(".new")))
