# CPython 3.12+: NamedTemporaryFile(delete_on_close=False) is opened without O_TEMPORARY
# on Windows (Lib/tempfile.py: `if _os.name == 'nt' and delete and delete_on_close`), so
# reopening it by name while it is open works, and leaving the block unlinks the closed
# file (`_TemporaryFileCloser.cleanup`). No finding. On 3.11 there is no such argument.
import os, sys, tempfile
if sys.version_info < (3, 12):
    print("3.11")
    sys.exit(0)
with tempfile.NamedTemporaryFile(dir=sys.argv[1], delete_on_close=False) as f:
    f.write(b"x")
    f.flush()
    with open(f.name, "w") as again:
        again.write("y")
print(os.listdir(sys.argv[1]))
