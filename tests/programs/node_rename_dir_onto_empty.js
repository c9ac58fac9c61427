// Publishing a freshly built directory by renaming it onto an existing empty one: Linux
// replaces an empty directory; Windows never replaces a directory (MoveFileExW with
// MOVEFILE_REPLACE_EXISTING fails with ERROR_ACCESS_DENIED: EPERM in Node).
const fs = require("fs");
const path = require("path");
const d = process.argv[2];
fs.mkdirSync(path.join(d, "build.tmp"));
fs.writeFileSync(path.join(d, "build.tmp", "index.html"), "<p>hi</p>");
fs.mkdirSync(path.join(d, "site"));
fs.renameSync(path.join(d, "build.tmp"), path.join(d, "site"));
console.log(fs.readdirSync(path.join(d, "site")).join(","));
