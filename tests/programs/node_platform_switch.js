// A `switch` on the platform: a clause Windows never enters is no finding. Six unlinks
// of files a Python child holds open: in the 'linux' clause, in a `default` after a
// 'win32' case (Windows takes that case, so never the default), in a 'darwin' clause the
// win32 clause cannot fall into (it breaks first), and in a clause of a switch without
// 'win32' or `default`, none is reported; one in a clause that the 'win32' clause falls
// through into, and one in the `default` of a switch without a 'win32' case (Windows
// takes the default), run on Windows too and are reported.
const fs = require('fs'); const path = require('path'); const cp = require('child_process');
const os = require('os');
const dir = process.argv[2];
const names = ['linux', 'default', 'no-fall', 'unlisted', 'fallen-into', 'default-taken'];
const files = names.map((n) => path.join(dir, n));
files.forEach((p) => fs.writeFileSync(p, 'x'));

function removeOffWindows() {
  switch (process.platform) {
    case 'linux':
      fs.unlinkSync(files[0]);
      break;
    case 'win32':
      console.log('windows');
  }
  switch (process.platform) {
    case 'win32':
      console.log('windows');
      break;
    default:
      fs.unlinkSync(files[1]);
  }
  switch (os.platform()) {
    case 'win32':
      console.log('windows');
      break;
    case 'darwin':
    case 'linux': {
      fs.unlinkSync(files[2]);
      break;
    }
  }
  switch (process.platform) {
    case 'linux':
    case 'freebsd':
      fs.unlinkSync(files[3]);
  }
}

function removeEverywhere() {
  switch (process.platform) {
    case 'win32':
      console.log('windows');
    case 'linux':
      fs.unlinkSync(files[4]); // refused on Windows: fallen into
      break;
  }
  switch (process.platform) {
    case 'darwin':
      console.log('mac');
      break;
    default:
      fs.unlinkSync(files[5]); // refused on Windows: default
  }
}

const child = cp.spawn('python3', ['-c',
  "import sys; fs = [open(p) for p in sys.argv[1:]]; print('ready', flush=True); sys.stdin.read()",
  ...files], { stdio: ['pipe', 'pipe', 'inherit'] });
child.stdout.once('data', () => {
  removeOffWindows();
  removeEverywhere();
  child.stdin.end();
  child.on('exit', () => console.log('done'));
});
