// A Node finding made deep in a recursion: winsan reads at most 64 frames of a
// JavaScript stack and says when the program's frames go on past the last it names
// (node's own module loader below the main module does not count). Each call removes
// the directory the process works in (a directory in use on Windows): 5 deep, named
// whole; 100 deep, cut with the mark.
const fs = require('fs'); const path = require('path');
const d = process.argv[2];

function down(p, depth) {
  if (depth > 0) {
    down(p, depth - 1); // recursing
  } else {
    fs.rmdirSync(p); // the call
  }
}

for (const [name, depth] of [['shallow', 5], ['deep', 100]]) {
  const p = path.join(d, name);
  fs.mkdirSync(p);
  process.chdir(p);
  down(p, depth); // the main module's call
  process.chdir(d);
}
