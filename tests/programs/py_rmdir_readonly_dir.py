# A directory made read-only with os.chmod: on Windows that sets FILE_ATTRIBUTE_READONLY
# (directories too), and os.rmdir (RemoveDirectoryW) then fails with PermissionError
# [WinError 5] (golang/go#26295, dotnet/runtime#98807, microsoft/wil#565). One finding.
# A directory created without the write bit (Windows' mkdir ignores the mode) or made
# writable again before the rmdir is none; nor is one Node removes (libuv >= 1.49 ignores
# the attribute) -- not tested here.
import os, stat, sys
d = sys.argv[1]
ro = os.path.join(d, "ro")
os.mkdir(ro)
os.chmod(ro, 0o555)
os.rmdir(ro)
made = os.path.join(d, "made")
os.mkdir(made, 0o555)
os.rmdir(made)
again = os.path.join(d, "again")
os.mkdir(again)
os.chmod(again, 0o555)
os.chmod(again, 0o755)
os.rmdir(again)
print(os.listdir(d))
