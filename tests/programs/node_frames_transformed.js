// Code a test runner transformed (lines added, an inline source map back to the file):
// V8's lines are the transformed code's; the finding gives the file's line, and the
// unlink under a platform test in the file is no finding. Prints the holder's pid.
const fs = require('fs'); const path = require('path'); const cp = require('child_process');
const vm = require('vm');
const dir = process.argv[2];
const file = path.join(__dirname, 'node_transformed_module.js');
const original = fs.readFileSync(file, 'utf8');
const lines = original.split('\n').length;
// Three lines of the runner's own above the module; each of the module's lines maps to
// itself (source 0, column 0).
const map = {
  version: 3, sources: [path.basename(file)], names: [],
  mappings: ';;;AAAA' + ';AACA'.repeat(lines - 1),
};
const code = '(function (fs) {\n"use strict";\nconst __runner = 1;\n' + original +
  '\nreturn removeBoth;\n})\n//# sourceMappingURL=data:application/json;base64,' +
  Buffer.from(JSON.stringify(map)).toString('base64') + '\n';
const removeBoth = vm.runInThisContext(code, { filename: file })(fs);

const files = ['posix', 'everywhere'].map((n) => path.join(dir, n));
files.forEach((p) => fs.writeFileSync(p, 'x'));
const child = cp.spawn('python3', ['-c',
  "import sys; fs = [open(p) for p in sys.argv[1:]]; print('ready', flush=True); sys.stdin.read()",
  ...files], { stdio: ['pipe', 'pipe', 'inherit'] });
child.stdout.once('data', () => {
  removeBoth(files[0], files[1]);
  child.stdin.end();
  child.on('exit', () => console.log(child.pid));
});
