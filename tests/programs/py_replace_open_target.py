# os.replace onto a file another process has open: MoveFileEx refuses to replace an open target.
import os, subprocess, sys, time
d = sys.argv[1]
cfg, new = os.path.join(d, "cfg.json"), os.path.join(d, "cfg.json.tmp")
open(cfg, "w").write("{}")
child = subprocess.Popen([sys.executable, "-c",
    "import sys, time; f = open(sys.argv[1]); print('ready', flush=True); time.sleep(2)", cfg],
    stdout=subprocess.PIPE)
child.stdout.readline()
open(new, "w").write('{"a": 1}')
os.replace(new, cfg)
print(child.pid)
child.kill(); child.wait()
