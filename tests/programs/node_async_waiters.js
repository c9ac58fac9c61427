// Asynchronous fs calls run on libuv's worker threads, where no JavaScript frame made
// them: a finding names the JavaScript waiting for the result instead. Nine calls a
// Python child's mapping refuses on Windows (ERROR_USER_MAPPED_FILE), each awaited or
// called back in another way, and one made only off Windows (no finding). Prints the
// holder's pid.
const fs = require('fs'); const fsp = require('fs/promises'); const path = require('path'); const cp = require('child_process');
const d = process.argv[2];
const names = ['awaited', 'then', 'called-back', 'written', 'resolved', 'truncated', 'again', 'generated', 'yielded', 'posix'].map((n) => path.join(d, n));
for (const p of names) fs.writeFileSync(p, 'data');
const child = cp.spawn('python3', ['-c',
  "import sys, mmap; fs = [open(p, 'r+b') for p in sys.argv[1:]]; ms = [mmap.mmap(f.fileno(), 0) for f in fs]; print('ready', flush=True); sys.stdin.read()", ...names],
  { stdio: ['pipe', 'pipe', 'inherit'] });

class Store {
  async remove(p) {
    await fsp.unlink(p); // awaited in remove
  }
}

async function cleanup(store) {
  await store.remove(names[0]); // awaited in cleanup
}

async function* removing(ps) {
  for (const p of ps) {
    await fsp.unlink(p); // in an async generator
    yield p;
  }
}

function callBack(p, done) {
  fs.unlink(p, function removed(err) { // the callback
    done(err);
  });
}

// Code compiled from a string with a line offset (a template engine's): its lines count
// from there.
const viaVm = require('vm').runInThisContext('(async function viaVm(fsp, p) {\n  await fsp.unlink(p);\n})',
  { filename: '/virtual/generated.js', lineOffset: 100 });

child.stdout.once('data', async () => {
  await cleanup(new Store());
  await fsp.unlink(names[1]).then(() => {}, (err) => err); // the then handlers
  await new Promise((resolve) => callBack(names[2], resolve));
  await new Promise((resolve) => callBack(names[6], resolve)); // once its callback is compiled
  await new Promise((resolve) => fs.writeFile(names[3], 'new', resolve)); // resolved by writeFile
  const renamed = fsp.rename(names[4], path.join(d, 'renamed'));
  await renamed; // awaited later
  await new Promise((resolve) => fs.truncate(names[5], 0, function truncated() { // truncated by fd
    resolve();
  }));
  await viaVm(fsp, names[7]); // awaited through vm
  for await (const p of removing([names[8]])) { // consumed by for await
    void p;
  }
  if (process.platform !== 'win32') {
    await fsp.unlink(names[9]);
  }
  child.stdin.end();
  child.on('exit', () => console.log(child.pid));
});
