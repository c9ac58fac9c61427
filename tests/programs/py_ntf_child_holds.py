# NamedTemporaryFile deletes the file when closed; here a child process has reopened it by
# name for appending. On Windows the reopen already fails: NamedTemporaryFile opens with
# O_TEMPORARY, i.e. DELETE access, and the child's CRT open does not share delete. Without
# --enforce the child goes on holding the file, whose handle then stands in the way of the
# delete at close (with --enforce the child's open fails, as on Windows, and the close is
# fine). Prints the child's pid.
import subprocess, sys, tempfile
tf = tempfile.NamedTemporaryFile(dir=sys.argv[1])
child = subprocess.Popen([sys.executable, "-c",
    "import sys; f = open(sys.argv[1], 'a'); print('ready', flush=True); sys.stdin.read()", tf.name],
    stdin=subprocess.PIPE, stdout=subprocess.PIPE)
child.stdout.readline()
tf.close()
child.stdin.close(); child.wait()
print(child.pid)
