# Negative: exec of a file that is open for writing fails on Linux too (ETXTBSY, for any
# process), as the image section creation fails on Windows: no finding.
import errno, os, shutil, subprocess, sys
p = os.path.join(sys.argv[1], "prog")
shutil.copy("/bin/true", p)
f = open(p, "r+b")
try:
    subprocess.run([p])
    print("ran")
except OSError as e:
    print(errno.errorcode[e.errno])
f.close()
print(subprocess.run([p]).returncode)
