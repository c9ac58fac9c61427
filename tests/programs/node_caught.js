// Removals (fs.unlinkSync) of files a Python child holds open (no FILE_SHARE_DELETE:
// EBUSY on Windows), each a finding, and where the program catches the error: not at
// all; by a try/catch around the call; by one in the caller of a helper; by a catch
// around a try/finally. Not caught: a catch whose block throws again (`if (e.code !==
// 'ENOENT') throw e`), and a call in an arrow function defined inside a try (it runs
// later, from elsewhere).
const fs = require('fs');
const path = require('path');
const cp = require('child_process');

const d = process.argv[2];
const names = ['uncaught', 'caught', 'caller', 'rethrown', 'finally', 'later'];
const p = (n) => path.join(d, n);
for (const n of names) fs.writeFileSync(p(n), 'x');
const child = cp.spawn('python3', ['-c',
  "import sys; held = [open(f, 'a') for f in sys.argv[1:]]; print('ready', flush=True); sys.stdin.read()",
  ...names.map(p)], { stdio: ['pipe', 'pipe', 'inherit'] });

function remove(file) {
  fs.unlinkSync(file); // in a helper
}

function caller() {
  try {
    remove(p('caller')); // caught in the caller
  } catch (err) {
    console.log('kept', err.code);
  }
}

child.stdout.once('data', () => {
  fs.unlinkSync(p('uncaught')); // uncaught
  try {
    fs.unlinkSync(p('caught')); // caught here
  } catch (e) {
    console.log('kept', e.code);
  }
  caller();
  try {
    fs.unlinkSync(p('rethrown')); // rethrown
  } catch (e) {
    if (e.code !== 'ENOENT') throw e;
  }
  try {
    try {
      fs.unlinkSync(p('finally')); // finally
    } finally {
      console.log('finally');
    }
  } catch {
    console.log('kept');
  }
  try {
    setImmediate(() => fs.unlinkSync(p('later'))); // later
  } catch {
    console.log('kept');
  }
  setImmediate(() => child.stdin.end());
});
