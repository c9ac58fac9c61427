// Source: The Rust Reference, "Conditional compilation", and Microsoft's RemoveDirectoryW
// (a process's working directory is held open without FILE_SHARE_DELETE:
// ERROR_SHARING_VIOLATION). The library `dirkit` (rs_library_platform_layer_lib.rs, a
// dependency in cargo's registry) removes a directory through `#[cfg(unix)] mod imp` on
// Linux and through `#[cfg(windows)] mod imp` on Windows: the program's call of its API
// happens on Windows too, and is refused there. Its own POSIX-only branch (`tidy`), and
// the program's own function built only off Windows, never run on Windows. Two findings,
// `api` and `plain`.
use std::{env, fs, io, path::Path};

/// Make `d/name`, enter it, have `remove` remove it (Linux allows an empty working
/// directory to go), and leave.
fn in_own_cwd(d: &str, name: &str, remove: fn(&Path) -> io::Result<()>) {
    let x = Path::new(d).join(name);
    fs::create_dir(&x).unwrap();
    env::set_current_dir(&x).unwrap();
    remove(&x).unwrap(); // the call
    env::set_current_dir(d).unwrap();
}

#[cfg(unix)]
fn own_unix_only(d: &str) {
    in_own_cwd(d, "own-unix", dirkit::remove_dir);
}

fn main() {
    let d = env::args().nth(1).unwrap();
    in_own_cwd(&d, "api", dirkit::remove_dir);
    in_own_cwd(&d, "branch", dirkit::tidy);
    own_unix_only(&d);
    in_own_cwd(&d, "plain", |x| fs::remove_dir(x));
    println!("done");
}
