// Optimized code: clean and remove run 20,000 times (a write and an unlink of a scratch
// file each), so that V8 optimizes clean with remove (and node's fs.unlinkSync) inlined
// into it; then clean unlinks a file a Python child holds open. The finding names both
// functions at their lines, read from the optimized code's source positions and
// inlining data. Prints the holder's pid.
const fs = require('fs'); const path = require('path'); const cp = require('child_process');
const dir = process.argv[2];
const N = Number(process.argv[3] || 20000);

function remove(p) {
  fs.unlinkSync(p); // the call
}

function clean(p) {
  remove(p); // its caller
}

const scratch = path.join(dir, 'scratch');
for (let i = 0; i < N; i++) {
  fs.writeFileSync(scratch, 'x');
  clean(scratch);
}
const held = path.join(dir, 'held');
fs.writeFileSync(held, 'x');
const child = cp.spawn('python3', ['-c',
  "import sys; f = open(sys.argv[1]); print('ready', flush=True); sys.stdin.read()", held],
  { stdio: ['pipe', 'pipe', 'inherit'] });
child.stdout.once('data', () => {
  clean(held); // the callback
  child.stdin.end();
  child.on('exit', () => console.log(child.pid));
});
