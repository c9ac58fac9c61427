// A finding of a Node program names the JavaScript frames that made the call:
// fs.unlinkSync in removeEntry, called by cleanup, called from the callback that runs
// once a Python child holds the file open. Prints the holder's pid.
const fs = require('fs'); const path = require('path'); const cp = require('child_process');
const held = path.join(process.argv[2], 'held');
fs.writeFileSync(held, 'data');

function removeEntry(p) {
  fs.unlinkSync(p); // the call
}

function cleanup(p) {
  removeEntry(p); // its caller
}

const child = cp.spawn('python3', ['-c',
  "import sys; f = open(sys.argv[1]); print('ready', flush=True); sys.stdin.read()", held],
  { stdio: ['pipe', 'pipe', 'inherit'] });
child.stdout.once('data', () => {
  cleanup(held); // the callback
  child.stdin.end();
  child.on('exit', () => console.log(child.pid));
});
