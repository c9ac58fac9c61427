# pip's cachecontrol: a NamedTemporaryFile(delete=True) is mapped, then closed while the
# map lives. On Linux close() unlinks the name (the map keeps its own dup of the fd); on
# Windows the file was opened with O_TEMPORARY (delete-on-close, sharing delete), mmap
# duplicated that handle, and close() makes no unlink: nothing fails.
import mmap, sys, tempfile
f = tempfile.NamedTemporaryFile("wb+", dir=sys.argv[1], delete=True)
f.write(b"x" * 100)
f.flush()
m = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
f.close()
print(len(m))
m.close()
