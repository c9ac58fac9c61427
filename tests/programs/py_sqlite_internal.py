# SQLite's own file handling that differs between its Unix and Windows VFS: a database it
# has memory-mapped is truncated by its auto-vacuum (winTruncate unmaps first), and its
# temporary files (sorts, indexes, VACUUM) are unlinked while open on Unix but opened
# delete-on-close on Windows. No finding.
import os, sqlite3, sys
d = sys.argv[1]
c = sqlite3.connect(os.path.join(d, "m.db"), isolation_level=None)
c.execute("pragma mmap_size=67108864")
c.execute("pragma auto_vacuum=FULL")
c.execute("create table t(b blob)")
c.execute("insert into t values(zeroblob(200000))")
c.execute("delete from t")
c.close()
c = sqlite3.connect(os.path.join(d, "s.db"))
c.execute("pragma temp_store=FILE")
c.execute("pragma cache_size=10")
c.execute("create table t(a, b)")
c.executemany("insert into t values(?, ?)", ((i, os.urandom(100)) for i in range(20000)))
c.commit()
c.execute("select * from t order by b").fetchall()
c.execute("create index ib on t(b)")
c.execute("vacuum")
c.close()
print(sorted(os.listdir(d)))
