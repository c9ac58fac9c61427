// fs.watch holds a directory handle on Windows (libuv's ReadDirectoryChangesW); on Linux
// it is an inotify watch with no fd. Renaming a directory with a watched directory below
// it is refused there (EPERM): one finding. Renaming the watched directory itself, or a
// directory beside it, is not.
const fs = require('fs'); const path = require('path');
const d = process.argv[2];
fs.mkdirSync(path.join(d, 'p', 'watched'), { recursive: true });
fs.mkdirSync(path.join(d, 'other'));
const w = fs.watch(path.join(d, 'p', 'watched'), () => {});
fs.renameSync(path.join(d, 'other'), path.join(d, 'other2'));
fs.renameSync(path.join(d, 'p', 'watched'), path.join(d, 'p', 'watched2'));
fs.renameSync(path.join(d, 'p'), path.join(d, 'p2'));
w.close();
console.log(fs.readdirSync(d).sort().join(' '));
