// A module that ends on Windows before its POSIX-only part (`if (isWindows) {
// process.exit(0) }`, as a tap suite does after `t.plan(0, reason)`) does none of that
// part there: of two unlinks of files a Python child holds open, the one made after the
// exit is no finding; the one before it is.
const fs = require('fs'); const path = require('path'); const cp = require('child_process');
const dir = process.argv[2];
const isWindows = process.platform === 'win32';
const files = ['everywhere', 'after-exit'].map((n) => path.join(dir, n));
files.forEach((p) => fs.writeFileSync(p, 'x'));
const child = cp.spawn('python3', ['-c',
  "import sys; fs = [open(p) for p in sys.argv[1:]]; print('ready', flush=True); sys.stdin.read()",
  ...files], { stdio: ['pipe', 'pipe', 'inherit'] });
const ready = new Promise((resolve) => child.stdout.once('data', resolve));
ready.then(() => {
  fs.unlinkSync(files[0]); // refused on Windows
});

if (isWindows) {
  console.log('1..0 # SKIP files in use cannot be deleted on Windows');
  process.exit(0);
}

ready.then(() => {
  fs.unlinkSync(files[1]);
  child.stdin.end();
  console.log('done');
});
