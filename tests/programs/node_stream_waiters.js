// A file stream opens its file on a libuv worker thread, where no JavaScript frame made
// the call: a finding names the JavaScript waiting for the stream instead, its listeners
// and the callbacks it keeps. Three opens for writing that a Python child's mapping
// refuses on Windows (ERROR_USER_MAPPED_FILE), and one made only off Windows (no
// finding). Prints the holder's pid.
const fs = require('fs'); const path = require('path'); const cp = require('child_process');
const { pipeline } = require('stream/promises'); const { Readable } = require('stream');
const d = process.argv[2];
const names = ['piped', 'handled', 'finished', 'posix'].map((n) => path.join(d, n));
for (const p of names) fs.writeFileSync(p, 'data');
const child = cp.spawn('python3', ['-c',
  "import sys, mmap; fs = [open(p, 'r+b') for p in sys.argv[1:]]; ms = [mmap.mmap(f.fileno(), 0) for f in fs]; print('ready', flush=True); sys.stdin.read()", ...names],
  { stdio: ['pipe', 'pipe', 'inherit'] });

async function save(file) {
  await pipeline(Readable.from(['new']), fs.createWriteStream(file)); // awaited pipeline
}

function saveWithHandler(file, done) {
  const out = fs.createWriteStream(file);
  out.on('error', function failed(err) { // the error listener
    done(err);
  });
  out.end('new', done);
}

function saveAndLog(file, done) {
  const out = fs.createWriteStream(file);
  out.on('finish', function logged() { // the finish listener
    done();
  });
  out.on('error', done);
  out.end('new');
}

child.stdout.once('data', async () => {
  await save(names[0]); // saved
  await new Promise((resolve) => saveWithHandler(names[1], resolve));
  await new Promise((resolve) => saveAndLog(names[2], resolve));
  if (process.platform !== 'win32') {
    await new Promise((resolve) => fs.createWriteStream(names[3]).end('new', resolve));
  }
  child.stdin.end();
  child.on('exit', () => console.log(child.pid));
});
