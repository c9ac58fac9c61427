// A TypeScript file run as it is (node strips its types: node 23.6 and later): its
// frames are named at the file's own lines, though V8's copy of the source has the
// types blanked out and a `//# sourceURL=` line after it. Prints the holder's pid.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';

const held: string = path.join(process.argv[2], 'held.ts.txt');
fs.writeFileSync(held, 'data');

interface Store {
  root: string;
}

function removeEntry(store: Store, name: string): void {
  fs.unlinkSync(path.join(store.root, name)); // the call
}

function cleanup(store: Store): void {
  removeEntry(store, 'held.ts.txt'); // its caller
}

const child = spawn('python3', ['-c',
  "import sys; f = open(sys.argv[1]); print('ready', flush=True); sys.stdin.read()", held],
  { stdio: ['pipe', 'pipe', 'inherit'] });
child.stdout.once('data', (): void => {
  cleanup({ root: process.argv[2] }); // the callback
  child.stdin.end();
  child.on('exit', () => console.log(child.pid));
});
