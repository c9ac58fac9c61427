# A fork Pool started while a WAL database is open (diskcache and fasteners test suites):
# the workers copy the connection's fds and its WAL index view. SQLite's own unlink of the
# -shm at close is fine on Windows, where the spawned workers hold nothing of it.
import multiprocessing as mp, os, sqlite3, sys

if __name__ == "__main__":
    os.chdir(sys.argv[1])
    c = sqlite3.connect("cache.db")
    c.execute("pragma journal_mode=wal")
    c.execute("create table t(x)")
    c.commit()
    pool = mp.get_context("fork").Pool(2)
    print(pool.map(abs, [-1, -2]))
    c.close()
    print(sorted(os.listdir(".")))
    pool.terminate()
