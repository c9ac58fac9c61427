# Source: inotify(7) (every open, read and close of a file in a watched directory is an
# event) and SQLite's os_win.c (winOpen shares read and write only: the removal of an open
# database is a finding). To tell a SQLite database, winsan reads its header; where a traced
# process watches the directory, it reads it through a mapping of the program's own fd, so
# the watcher sees the same events with and without winsan. Prints the events.
import ctypes
import os
import sqlite3
import struct
import sys
import time

libc = ctypes.CDLL(None, use_errno=True)
os.chdir(sys.argv[1])
os.mkdir("w")
con = sqlite3.connect("w/data.db")
con.execute("create table t(x)")
con.execute("insert into t values (1)")
con.commit()
ino = libc.inotify_init1(os.O_NONBLOCK)
IN_ALL_EVENTS = 0xFFF
assert libc.inotify_add_watch(ino, b"w", IN_ALL_EVENTS) > 0
os.remove("w/data.db")  # refused on Windows: SQLite has it open
con.close()
time.sleep(0.05)
buf = os.read(ino, 65536)
at = 0
while at < len(buf):
    wd, mask, cookie, length = struct.unpack_from("iIII", buf, at)
    name = buf[at + 16 : at + 16 + length].rstrip(b"\0").decode()
    print(hex(mask), name)
    at += 16 + length
