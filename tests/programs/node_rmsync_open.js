// fs.rmSync(dir, {recursive: true}) while a child process (Python: the C runtime share
// mode) holds a file inside: libuv's delete asks for DELETE access,
// which the holder does not share. Prints the holder's pid.
const fs = require('fs'); const path = require('path'); const cp = require('child_process');
const d = path.join(process.argv[2], 'cache');
fs.mkdirSync(path.join(d, 'x'), { recursive: true });
const held = path.join(d, 'x', 'blob');
fs.writeFileSync(held, 'data');
fs.writeFileSync(path.join(d, 'other'), 'data');
const child = cp.spawn('python3', ['-c',
  "import sys; f = open(sys.argv[1], 'a'); print('ready', flush=True); sys.stdin.read()", held],
  { stdio: ['pipe', 'pipe', 'inherit'] });
child.stdout.once('data', () => {
  fs.rmSync(d, { recursive: true });
  child.stdin.end();
  child.on('exit', () => console.log(child.pid));
});
