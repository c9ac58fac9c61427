# SQLite: a WAL database closed by both connections and deleted is fine on Windows (the
# Windows VFS unmaps and closes the -shm file before deleting it; Linux's unlinks it while
# mapped). A database still open (`with` commits, it does not close) cannot be deleted.
import os, sqlite3, sys
os.chdir(sys.argv[1])
c = sqlite3.connect("w.db")
c.execute("pragma journal_mode=wal")
c.execute("create table t(x)")
c.executemany("insert into t values (?)", [(i,) for i in range(100)])
c.commit()
c2 = sqlite3.connect("w.db")
print(c2.execute("select count(*) from t").fetchone()[0])
c2.close()
c.close()
os.remove("w.db")
with sqlite3.connect("r.db") as c:
    c.execute("create table t(x)")
os.remove("r.db")
c.close()
