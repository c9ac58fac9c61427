// Source: The Rust Reference, "Conditional compilation" (`#[cfg]` keeps an item, block or
// statement out of a build for a target its predicate is false for; `cfg!` is a constant
// of the target) and Microsoft's RemoveDirectoryW (a directory that is a process's current
// directory is held open without FILE_SHARE_DELETE: ERROR_SHARING_VIOLATION). Removing its
// own working directory is refused on Windows; in code a Windows build leaves out or never
// runs, it is no finding. Two findings, each with its line: `everywhere` and `plain`.
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

#[cfg(unix)]
fn unix_only(d: &str) {
    remove_own_cwd(d, "unix-fn");
}

#[cfg(any(unix, windows))]
fn everywhere(d: &str) {
    remove_own_cwd(d, "everywhere");
}

fn returns_on_windows(d: &str) {
    if cfg!(windows) {
        // Windows keeps a process's working directory open.
        return;
    }
    remove_own_cwd(d, "after-return");
}

#[cfg(not(windows))]
mod posix {
    pub fn clean(d: &str) {
        super::remove_own_cwd(d, "posix-mod");
    }
}

fn main() {
    let d = env::args().nth(1).unwrap();
    unix_only(&d);
    everywhere(&d);
    #[cfg(target_os = "linux")]
    {
        remove_own_cwd(&d, "linux-block");
    }
    if cfg!(unix) {
        remove_own_cwd(&d, "cfg-macro");
    }
    if cfg!(windows) {
        println!("windows");
    } else {
        remove_own_cwd(&d, "else-branch");
    }
    returns_on_windows(&d);
    posix::clean(&d);
    remove_own_cwd(&d, "plain");
    println!("done");
}
