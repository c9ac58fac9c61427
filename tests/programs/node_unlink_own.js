// libuv opens with FILE_SHARE_DELETE and deletes with POSIX semantics: no finding.
const fs = require('fs'); const path = require('path');
const p = path.join(process.argv[2], 'n.txt');
const fd = fs.openSync(p, 'w');
fs.writeSync(fd, 'x');
fs.unlinkSync(p);
fs.closeSync(fd);
