// Tests run through a function that chooses `it` or `it.skip` by a condition (node:test
// here; the Jest and Mocha idiom): `itIf(platform !== 'win32')('...', fn)` (`platform`
// imported from 'node:process'), `skipOn(isWindows)`, and `itWhen(!isWindows)` declared
// as a function, are skipped on Windows: their unlinks of files a Python child holds open
// are no finding. `itIf(platform !== 'darwin')` runs its test on Windows too, and so
// does `skipOn(platform === 'darwin')`: both are reported.
import { it } from 'node:test';
import { platform } from 'node:process';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';

const isWindows = platform === 'win32';
const dir = process.argv[2];
const names = ['itif', 'skipon', 'itwhen', 'itif-darwin', 'skipon-darwin'];
const files = names.map((n) => path.join(dir, n));
files.forEach((p) => fs.writeFileSync(p, 'x'));
const child = spawn('python3', ['-c',
  "import sys; fs = [open(p) for p in sys.argv[1:]]; print('ready', flush=True); sys.stdin.read()",
  ...files], { stdio: ['pipe', 'pipe', 'inherit'] });
const ready = new Promise((resolve) => child.stdout.once('data', resolve));

const itIf = (condition) => (condition ? it : it.skip);
const skipOn = (condition) => condition ? it.skip : it;
function itWhen(condition) {
  return condition ? it : it.skip;
}

itIf(platform !== 'win32')('posix delete semantics', async () => {
  await ready;
  fs.unlinkSync(files[0]);
});

skipOn(isWindows)('posix delete semantics, skipped', async () => {
  await ready;
  fs.unlinkSync(files[1]);
});

itWhen(!isWindows)('posix delete semantics, declared', async () => {
  await ready;
  fs.unlinkSync(files[2]);
});

itIf(platform !== 'darwin')('not on macOS', async () => {
  await ready;
  fs.unlinkSync(files[3]); // refused on Windows: itIf darwin
});

skipOn(platform === 'darwin')('skipped on macOS', async () => {
  await ready;
  fs.unlinkSync(files[4]); // refused on Windows: skipOn darwin
  child.stdin.end();
});
