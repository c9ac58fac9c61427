# NamedTemporaryFile deletes the file when closed; here a child process has reopened it by
# name for appending. On Windows the child's CRT handle does not share delete, so the
# delete-on-close fails. (The reopen itself also fails on Windows, because
# NamedTemporaryFile opens with O_TEMPORARY, i.e. DELETE access; the tracer cannot tell
# O_TEMPORARY from a Linux open, so it reports the delete.) Prints the child's pid.
import subprocess, sys, tempfile
tf = tempfile.NamedTemporaryFile(dir=sys.argv[1])
child = subprocess.Popen([sys.executable, "-c",
    "import sys; f = open(sys.argv[1], 'a'); print('ready', flush=True); sys.stdin.read()", tf.name],
    stdin=subprocess.PIPE, stdout=subprocess.PIPE)
child.stdout.readline()
tf.close()
child.stdin.close(); child.wait()
print(child.pid)
