// Source: Microsoft's RemoveDirectoryW (a process's current directory is held open
// without FILE_SHARE_DELETE: ERROR_SHARING_VIOLATION). Built without line tables (as
// `cargo build --release` builds): the finding names the program's own functions by
// their symbols, in its executable, without a line; std's and the C library's are left
// out. One finding.
use std::{env, fs};

#[inline(never)]
fn remove_own_cwd(d: &str) {
    let x = format!("{d}/gone");
    fs::create_dir(&x).unwrap();
    env::set_current_dir(&x).unwrap();
    fs::remove_dir(&x).unwrap();
    env::set_current_dir(d).unwrap();
}

fn main() {
    remove_own_cwd(&env::args().nth(1).unwrap());
    println!("done");
}
