// Replacing a file another handle has open (sharing delete, as Rust std opens). std's
// fs::rename falls back to a POSIX rename on Windows, which may replace it; the tempfile
// crate's NamedTempFile::persist (a file named ".tmp" and six random characters) is
// MoveFileExW alone there, which refuses (tempfile src/file/imp/windows.rs; Stebalien/
// tempfile#131). One finding: the persist.
use std::fs;

fn main() {
    let d = std::env::args().nth(1).unwrap();
    let target = format!("{d}/target.txt");
    fs::write(&target, "old").unwrap();
    let _first = fs::File::open(&target).unwrap();
    let a = format!("{d}/new.txt");
    fs::write(&a, "a").unwrap();
    fs::rename(&a, &target).unwrap();
    let _second = fs::File::open(&target).unwrap();
    let b = format!("{d}/.tmpX7bQ2z");
    fs::write(&b, "b").unwrap();
    fs::rename(&b, &target).unwrap();
    println!("{}", fs::read_to_string(&target).unwrap());
}
