// The platform tested through a name or another of node's platform values: six unlinks
// of files a Python child holds open under `platform !== 'win32'` (destructured from
// `process`), `plat === 'linux'` (renamed, from `require('node:process')`), `EOL ===
// '\n'` (`os.EOL` is '\r\n' on Windows), `path.sep === '/'` (`\` there), `sep !== '\\'`
// (destructured from `require('path')`) and `!isWindows` (`os.type() === 'Windows_NT'`)
// are no finding. A function whose parameter is named `platform` too tests its argument,
// not the module's: its unlink is reported, and so is one under `path.posix.sep === '/'`,
// the same everywhere.
const fs = require('fs'); const path = require('path'); const cp = require('child_process');
const os = require('os');
const { platform } = process;
const { platform: plat } = require('node:process');
const { EOL } = os;
const { sep } = require('path');
const isWindows = os.type() === 'Windows_NT';
const dir = process.argv[2];
const names = ['destructured', 'renamed', 'eol', 'path-sep', 'sep', 'os-type', 'parameter', 'posix-sep'];
const files = names.map((n) => path.join(dir, n));
files.forEach((p) => fs.writeFileSync(p, 'x'));

function removeFor(platform, p) {
  if (platform !== 'win32') {
    fs.unlinkSync(p); // refused on Windows: a parameter
  }
}

const child = cp.spawn('python3', ['-c',
  "import sys; fs = [open(p) for p in sys.argv[1:]]; print('ready', flush=True); sys.stdin.read()",
  ...files], { stdio: ['pipe', 'pipe', 'inherit'] });
child.stdout.once('data', () => {
  if (platform !== 'win32') {
    fs.unlinkSync(files[0]);
  }
  if (plat === 'linux') {
    fs.unlinkSync(files[1]);
  }
  if (EOL === '\n') {
    fs.unlinkSync(files[2]);
  }
  if (path.sep === '/') {
    fs.unlinkSync(files[3]);
  }
  if (sep !== '\\') {
    fs.unlinkSync(files[4]);
  }
  if (!isWindows) {
    fs.unlinkSync(files[5]);
  }
  removeFor('linux', files[6]);
  if (path.posix.sep === '/') {
    fs.unlinkSync(files[7]); // refused on Windows: posix sep
  }
  child.stdin.end();
  child.on('exit', () => console.log('done'));
});
