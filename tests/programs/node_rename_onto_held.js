// fs.renameSync onto a file another process holds open (a Python reader): the target is
// in use on Windows. Prints the holder's pid.
const fs = require('fs'); const path = require('path'); const cp = require('child_process');
const d = process.argv[2];
const target = path.join(d, 'config.json'), tmp = path.join(d, 'config.json.tmp');
fs.writeFileSync(target, '{}');
const child = cp.spawn('python3', ['-c',
  "import sys; f = open(sys.argv[1]); print('ready', flush=True); sys.stdin.read()", target],
  { stdio: ['pipe', 'pipe', 'inherit'] });
child.stdout.once('data', () => {
  fs.writeFileSync(tmp, '{"a":1}');
  fs.renameSync(tmp, target);
  child.stdin.end();
  child.on('exit', () => console.log(child.pid));
});
