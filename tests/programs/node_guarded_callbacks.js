// Functions handed to node only under a test of the platform never run on Windows: a
// timer's function, an event listener, a setImmediate arrow function and an 'exit'
// handler registered off Windows unlink files a Python child holds open, yet no frame of
// their stacks is at a guarded line. No finding. One registered without a guard, and one
// the module exports (another module may register it), are one each.
const fs = require('fs'); const path = require('path'); const cp = require('child_process');
const { EventEmitter } = require('events');
const dir = process.argv[2];
const names = ['timer', 'listener', 'immediate', 'exit', 'exported', 'plain'];
const files = names.map((n) => path.join(dir, n));
files.forEach((p) => fs.writeFileSync(p, 'x'));
const events = new EventEmitter();

function removeOnTimer() {
  fs.unlinkSync(files[0]);
}

function removeOnEvent() {
  fs.unlinkSync(files[1]);
}

const removeSoon = () => {
  fs.unlinkSync(files[2]);
};

function removeAtExit() {
  fs.unlinkSync(files[3]);
}

function removeExported() {
  fs.unlinkSync(files[4]); // refused on Windows: exported
}

function removePlain() {
  fs.unlinkSync(files[5]); // refused on Windows: unguarded
}

module.exports = { removeExported };

const child = cp.spawn('python3', ['-c',
  "import sys; fs = [open(p) for p in sys.argv[1:]]; print('ready', flush=True); sys.stdin.read()",
  ...files], { stdio: ['pipe', 'pipe', 'inherit'] });
child.stdout.once('data', () => {
  if (process.platform !== 'win32') {
    setTimeout(removeOnTimer, 1);
    events.on('done', removeOnEvent);
    setImmediate(removeSoon);
    process.on('exit', removeAtExit);
    setTimeout(removeExported, 1);
  }
  setTimeout(removePlain, 2);
  setTimeout(() => events.emit('done'), 5);
  setTimeout(() => {
    console.log('done');
    process.exit(0);
  }, 50);
});
