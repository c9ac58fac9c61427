// Functions run from V8's microtask queue, registered only off Windows: a promise
// reaction (`.then(removeOnResolve)`), one further down a chain, and async functions
// handed to a timer that unlink after an `await`, synchronously or through
// fs.promises, each a file a Python child holds open. No JavaScript frame called them
// (the microtask queue did, or they resumed after the `await`), yet every mention of
// their names is under the platform test: no finding. The same reaction registered
// without the test too, and an async function also called outside it, are reported.
const fs = require('fs'); const path = require('path'); const cp = require('child_process');
const dir = process.argv[2];
const names = ['reaction', 'chained', 'resumed', 'awaited', 'unguarded', 'called-too'];
const files = names.map((n) => path.join(dir, n));
files.forEach((p) => fs.writeFileSync(p, 'x'));
const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

function removeOnResolve() {
  fs.unlinkSync(files[0]);
}

function removeDownTheChain(value) {
  fs.unlinkSync(files[1]);
  return value;
}

async function removeAfterAwait() {
  await tick();
  fs.unlinkSync(files[2]);
}

async function removeAwaiting() {
  await fs.promises.unlink(files[3]);
}

function removeUnguarded() {
  fs.unlinkSync(files[4]); // refused on Windows: unguarded
}

async function removeCalledToo(when) {
  await tick();
  if (when === 'now') fs.unlinkSync(files[5]); // refused on Windows: called too
}

const child = cp.spawn('python3', ['-c',
  "import sys; fs = [open(p) for p in sys.argv[1:]]; print('ready', flush=True); sys.stdin.read()",
  ...files], { stdio: ['pipe', 'pipe', 'inherit'] });
child.stdout.once('data', () => {
  if (process.platform !== 'win32') {
    Promise.resolve().then(removeOnResolve);
    fs.promises.stat(dir).then(() => 1).then(removeDownTheChain);
    setTimeout(removeAfterAwait, 1);
    setTimeout(removeAwaiting, 1);
    setTimeout(() => removeCalledToo('later'), 1);
  }
  tick().then(removeUnguarded);
  removeCalledToo('now');
  setTimeout(() => {
    child.stdin.end();
    console.log('done');
  }, 100);
});
