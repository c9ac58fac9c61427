# rmtree of a directory whose WAL database is still open (a test's tmp_path cleanup
# before the connection is closed): on Windows the database, its -wal and its -shm are all
# held by the connection (share read/write), so rmtree fails at the first of them. Linux
# deletes them; winsan reports each, the -shm (SQLite's own close would not) included.
import os, shutil, sqlite3, sys
d = os.path.join(sys.argv[1], "db")
os.makedirs(d)
c = sqlite3.connect(os.path.join(d, "w.db"))
c.execute("pragma journal_mode=wal")
c.execute("create table t(x)")
c.execute("insert into t values (1)")
c.commit()
shutil.rmtree(d)
c.close()
print(os.path.exists(d))
