// Source: System V AMD64 psABI §3.7 (call frame information) and the Rust Reference,
// "Conditional compilation". Built without optimization (as `cargo test` builds): the
// call to `enter` just before each removal leaves its return address on the stack below
// the live frames, where a walk that guessed could take it for a caller; `enter` exists
// once per system (`#[cfg(unix)]` here), so a wrong frame would also hide the finding
// as POSIX-only. Both removals of the working directory are reported, each at its line,
// called from `main`; and through std's remove_dir_all (which tail-calls its recursive
// walk) the TempDir-like guard's drop is named.
use std::fs;
use std::path::{Path, PathBuf};

#[cfg(unix)]
fn enter(p: &Path) {
    fs::create_dir_all(p).unwrap();
    std::env::set_current_dir(p).unwrap();
}

#[cfg(windows)]
fn enter(p: &Path) {
    fs::create_dir_all(p).unwrap();
    std::env::set_current_dir(p).unwrap();
}

fn remove_after_enter(base: &Path) {
    let p: PathBuf = base.join("entered");
    enter(&p);
    fs::remove_dir(&p).unwrap(); // first
    std::env::set_current_dir(base).unwrap();
}

struct Guard(PathBuf);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0); // second
    }
}

fn guarded(base: &Path) {
    let p: PathBuf = base.join("guarded");
    enter(&p);
    fs::create_dir_all(p.join("a/b")).unwrap();
    let _g = Guard(p);
}

fn main() {
    let base = PathBuf::from(std::env::args().nth(1).unwrap());
    remove_after_enter(&base);
    guarded(&base);
    std::env::set_current_dir(&base).unwrap();
    println!("done");
}
