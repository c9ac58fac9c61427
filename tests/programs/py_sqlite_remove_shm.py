# Deleting a WAL database's index (-shm) by hand while its connection is still open: on
# Windows SQLite holds it open (winOpen shares read and write, not delete) and mapped, so
# os.remove fails. SQLite's own unlink of it when the connection closes is fine.
import os, sqlite3, sys
os.chdir(sys.argv[1])
c = sqlite3.connect("w.db")
c.execute("pragma journal_mode=wal")
c.execute("create table t(x)")
c.commit()
os.remove("w.db-shm")
c.close()
c = sqlite3.connect("v.db")
c.execute("pragma journal_mode=wal")
c.execute("create table t(x)")
c.commit()
c.close()
print(sorted(os.listdir(".")))
