// A delete-pending name lives while the deleted file is open, not while its inode number
// is. Node before libuv 1.49 (Node 20) unlinks an open file with the legacy disposition:
// the name stays until the fd closes. Here the fd is closed at once, and the next file
// opened gets the same fd number and (on the same file system) the freed inode number:
// that new file keeps nothing pending, so re-creating the name and removing its directory
// are fine on Windows. A name whose deleted file is still open is refused: one finding,
// at `held` (none from libuv 1.49 on, whose unlink is a POSIX delete). Found by a sweep
// of uv (reflink-copy's AutoRemovedFile) under --windows 10-1809.
const fs = require('fs'); const path = require('path');
const at = (...p) => path.join(process.argv[2], ...p);
fs.mkdirSync(at('d'));
const fd = fs.openSync(at('d', 'f'), 'wx');
const ino = fs.fstatSync(fd).ino;
fs.unlinkSync(at('d', 'f'));
fs.closeSync(fd); // the name is free now
const other = fs.openSync(at('other'), 'w');
const reused = other === fd && fs.fstatSync(other).ino === ino;
fs.writeFileSync(at('d', 'f'), 'x'); // fine on Windows
fs.unlinkSync(at('d', 'f'));
fs.rmdirSync(at('d')); // fine on Windows
const held = fs.openSync(at('held'), 'w');
fs.unlinkSync(at('held'));
fs.writeFileSync(at('held'), 'x'); // refused on Windows: delete-pending
fs.closeSync(held);
fs.closeSync(other);
console.log(process.versions.uv, reused);
