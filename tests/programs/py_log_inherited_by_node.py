# A log file Python opens and hands to a Node child as its stdout, then closes; Python
# deletes the log while the child runs. On Windows the child's stdout is Python's handle
# (subprocess passes it through STARTUPINFO), opened without FILE_SHARE_DELETE:
# DeleteFileW fails with a sharing violation although Node itself shares delete.
import os, subprocess, sys, time
p = os.path.join(sys.argv[1], "server.log")
log = open(p, "w")
child = subprocess.Popen(["node", "-e", "console.log('ready'); setTimeout(() => {}, 5000)"], stdout=log)
log.close()
while os.path.getsize(p) == 0:
    time.sleep(0.01)
try:
    os.remove(p)
finally:
    child.kill(); child.wait()
print(child.pid)
