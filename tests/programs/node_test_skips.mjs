// Tests (node:test) skipped on Windows are no finding: five tests unlink files a Python
// child holds open; one is skipped there by its options, one by its options in
// shorthand (`{ skip }`), one by `it.skip` chosen by platform; the fourth calls
// `this.skip()` on Windows, which in node:test only marks the test skipped and goes on,
// so it is reported, as the fifth is.
import { test, it } from 'node:test';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';

const isWindows = process.platform === 'win32';
const dir = process.argv[2];
const files = ['options', 'shorthand', 'chosen', 'goes-on', 'everywhere'].map((n) => path.join(dir, n));
files.forEach((p) => fs.writeFileSync(p, 'x'));
const child = spawn('python3', ['-c',
  "import sys; fs = [open(p) for p in sys.argv[1:]]; print('ready', flush=True); sys.stdin.read()",
  ...files], { stdio: ['pipe', 'pipe', 'inherit'] });
const ready = new Promise((resolve) => child.stdout.once('data', resolve));

test('posix delete semantics', { skip: isWindows && 'files in use cannot be deleted' }, async () => {
  await ready;
  fs.unlinkSync(files[0]);
});

const skip = isWindows && 'no delete sharing';
test('posix delete semantics, shorthand', { skip }, async () => {
  await ready;
  fs.unlinkSync(files[1]);
});

(isWindows ? it.skip : it)('removes an open file', async () => {
  await ready;
  fs.unlinkSync(files[2]);
});

it('marks itself skipped', async function () {
  await ready;
  if (isWindows) this.skip();
  fs.unlinkSync(files[3]); // still runs on Windows
});

test('cleanup', async () => {
  await ready;
  fs.unlinkSync(files[4]); // refused on Windows
  child.stdin.end();
});
