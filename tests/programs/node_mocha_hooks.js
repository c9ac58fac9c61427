// A Mocha suite whose `before` hook calls `this.skip()` on Windows runs none of its tests
// there: two tests unlink files a Python child holds open, one in such a suite; only the
// other is reported. The few lines below stand in for Mocha's BDD interface (`describe`,
// `before`, `it`, `this.skip()` in a hook marking the suite's tests pending) so that the
// program needs no package.
const fs = require('fs'); const path = require('path'); const cp = require('child_process');
const dir = process.argv[2];
const isWindows = process.platform === 'win32';
const files = ['hooked', 'everywhere'].map((n) => path.join(dir, n));
files.forEach((p) => fs.writeFileSync(p, 'x'));

const suites = [];
let current = null;
function describe(title, fn) {
  current = { title, hooks: [], tests: [] };
  suites.push(current);
  fn.call(current);
}
function before(fn) { current.hooks.push(fn); }
function it(title, fn) { current.tests.push({ title, fn }); }
function run() {
  let passed = 0;
  let pending = 0;
  for (const suite of suites) {
    let skipped = false;
    const context = { skip() { skipped = true; } };
    suite.hooks.forEach((hook) => hook.call(context));
    for (const test of suite.tests) {
      if (skipped) {
        pending += 1;
      } else {
        test.fn.call(context);
        passed += 1;
      }
    }
  }
  console.log(`${passed} passing, ${pending} pending`);
}

describe('posix delete semantics', function () {
  before(function () {
    if (isWindows) this.skip();
  });
  it('removes a file another process holds', function () {
    fs.unlinkSync(files[0]);
  });
});

describe('cleanup', function () {
  it('removes the last file', function () {
    fs.unlinkSync(files[1]); // refused on Windows
  });
});

const child = cp.spawn('python3', ['-c',
  "import sys; fs = [open(p) for p in sys.argv[1:]]; print('ready', flush=True); sys.stdin.read()",
  ...files], { stdio: ['pipe', 'pipe', 'inherit'] });
child.stdout.once('data', () => {
  run();
  child.stdin.end();
});
