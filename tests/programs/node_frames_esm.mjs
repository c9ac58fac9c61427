// An ES module (named by its file: URL in V8) renames onto a file a Python child holds
// open: the finding names the module's file and the line of fs.renameSync.
// Prints the holder's pid.
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';

const dir = path.join(process.argv[2], 'a dir');
fs.mkdirSync(dir);
const target = path.join(dir, 'state.json');
fs.writeFileSync(target, '{}');
const child = spawn('python3', ['-c',
  "import sys; f = open(sys.argv[1]); print('ready', flush=True); sys.stdin.read()", target],
  { stdio: ['pipe', 'pipe', 'inherit'] });
child.stdout.once('data', () => {
  fs.writeFileSync(target + '.tmp', '{"a":1}');
  fs.renameSync(target + '.tmp', target); // the call
  child.stdin.end();
  child.on('exit', () => console.log(child.pid));
});
