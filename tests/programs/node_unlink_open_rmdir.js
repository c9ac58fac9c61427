// Node unlinks a file it still has open, then removes its directory. libuv before 1.49
// (Node 20) sets the legacy disposition: the name stays, delete-pending, until the fd is
// closed, so the rmdir fails with ENOTEMPTY on Windows; from 1.49 on (Node 22+) the
// unlink is a POSIX delete and both succeed.
const fs = require('fs'); const path = require('path');
const d = path.join(process.argv[2], 'd');
fs.mkdirSync(d);
const fd = fs.openSync(path.join(d, 'f.txt'), 'w');
fs.writeSync(fd, 'x');
fs.unlinkSync(path.join(d, 'f.txt'));
fs.rmdirSync(d);
fs.closeSync(fd);
console.log(process.versions.uv);
