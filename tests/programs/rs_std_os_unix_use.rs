// Source: std's library/std/src/os/mod.rs (`std::os::unix` is declared only for `any(unix,
// doc)`, `std::os::linux` only for Linux) and Microsoft's RemoveDirectoryW (a process's
// working directory is held open without FILE_SHARE_DELETE: ERROR_SHARING_VIOLATION). A
// module or a function that uses `std::os::unix` with no `cfg` of its own cannot be
// compiled for Windows, so none of its code runs there: its removal of its working
// directory is no finding. One finding, `plain`.
use std::{env, fs};

/// Make `d/name`, enter it, remove it (Linux allows an empty working directory to go),
/// and leave.
fn remove_own_cwd(d: &str, name: &str) {
    let x = format!("{d}/{name}");
    fs::create_dir(&x).unwrap();
    env::set_current_dir(&x).unwrap();
    fs::remove_dir(&x).unwrap(); // the call
    env::set_current_dir(d).unwrap();
}

/// Tests of permission bits: a module only a Unix build can compile.
mod modes {
    use std::os::unix::fs::PermissionsExt;

    pub fn check(d: &str) {
        let mode = std::fs::metadata(d).unwrap().permissions().mode();
        assert!(mode & 0o700 != 0);
        super::remove_own_cwd(d, "unix-module");
    }
}

/// A function only a Unix build can compile.
fn inode_of(d: &str) -> u64 {
    use std::os::linux::fs::MetadataExt;
    remove_own_cwd(d, "linux-fn");
    std::fs::metadata(d).unwrap().st_ino()
}

fn main() {
    let d = env::args().nth(1).unwrap();
    modes::check(&d);
    assert!(inode_of(&d) > 0);
    remove_own_cwd(&d, "plain");
    println!("done");
}
