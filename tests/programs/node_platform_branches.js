// Code a Node program runs only off Windows is no finding: six unlinks of files a
// Python child holds open, five of them under a test of the platform (a branch, an
// else, an early return, an else-if chain, the right operand of `&&`); only the sixth
// is reported.
const fs = require('fs'); const path = require('path'); const cp = require('child_process');
const dir = process.argv[2];
const isWindows = process.platform === 'win32';
const files = ['branch', 'else', 'return', 'chain', 'and', 'plain'].map((n) => path.join(dir, n));
files.forEach((p) => fs.writeFileSync(p, 'x'));

function removeOffWindows(p) {
  if (isWindows) return;
  fs.unlinkSync(p);
}

const child = cp.spawn('python3', ['-c',
  "import sys; fs = [open(p) for p in sys.argv[1:]]; print('ready', flush=True); sys.stdin.read()",
  ...files], { stdio: ['pipe', 'pipe', 'inherit'] });
child.stdout.once('data', () => {
  if (process.platform !== 'win32') {
    fs.unlinkSync(files[0]);
  }
  if (isWindows) {
    console.log('windows');
  } else {
    fs.unlinkSync(files[1]);
  }
  removeOffWindows(files[2]);
  if (process.platform === 'darwin') {
    console.log('mac');
  } else if (process.platform === 'win32') {
    console.log('windows');
  } else {
    fs.unlinkSync(files[3]);
  }
  process.platform !== 'win32' && fs.unlinkSync(files[4]);
  fs.unlinkSync(files[5]); // refused on Windows
  child.stdin.end();
  child.on('exit', () => console.log('done'));
});
