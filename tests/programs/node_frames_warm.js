// A function that has run a few hundred times runs as baseline (Sparkplug) machine code,
// whose frames keep no bytecode offset: its line comes from the code's bytecode offset
// table. remove deletes 200 files of its own (no finding), then one a Python child
// holds open (the test also runs it with --always-sparkplug: every frame baseline).
// Prints the holder's pid.
const fs = require('fs'); const path = require('path'); const cp = require('child_process');
const d = process.argv[2];

function remove(p) {
  fs.unlinkSync(p); // the call
}

function churn(n) {
  for (let i = 0; i < n; i++) {
    const p = path.join(d, 'f' + (i % 7));
    fs.writeFileSync(p, 'x');
    remove(p);
  }
}

churn(200);
const held = path.join(d, 'held');
fs.writeFileSync(held, 'x');
const child = cp.spawn('python3', ['-c',
  "import sys; f = open(sys.argv[1]); print('ready', flush=True); sys.stdin.read()", held],
  { stdio: ['pipe', 'pipe', 'inherit'] });
child.stdout.once('data', () => {
  remove(held); // the callback
  child.stdin.end();
  child.on('exit', () => console.log(child.pid));
});
