// Negative: the atomic-write pattern done right (close, then rename).
const fs = require('fs'); const path = require('path');
const d = process.argv[2];
for (let i = 0; i < 20; i++) {
  const t = path.join(d, 'state.tmp');
  fs.writeFileSync(t, String(i));
  fs.renameSync(t, path.join(d, 'state'));
}
fs.mkdirSync(path.join(d, 'sub'));
fs.rmSync(path.join(d, 'sub'), { recursive: true });
console.log(fs.readFileSync(path.join(d, 'state'), 'utf8'));
