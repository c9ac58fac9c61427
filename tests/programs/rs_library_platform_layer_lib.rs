// A library with one API for every system, implemented per system (as tempfile's
// `NamedTempFile::persist`, atomic-write-file's `commit` and cap-std's `Dir::remove_dir`
// are): the test copies it into a directory laid out as cargo's registry, where cargo
// puts a program's dependencies, and builds it as the crate `dirkit`.
use std::io;
use std::path::Path;

/// Remove the empty directory `d`, on every system, each its own way.
pub fn remove_dir(d: &Path) -> io::Result<()> {
    imp::remove_dir(d)
}

/// Tidy up `d`: only a Unix build removes it, in a branch of a function every system has.
pub fn tidy(d: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        std::fs::remove_dir(d)?; // the library's POSIX-only branch
    }
    let _ = d;
    Ok(())
}

#[cfg(unix)]
mod imp {
    pub fn remove_dir(d: &std::path::Path) -> std::io::Result<()> {
        std::fs::remove_dir(d) // the Unix implementation
    }
}

#[cfg(windows)]
mod imp {
    pub fn remove_dir(d: &std::path::Path) -> std::io::Result<()> {
        std::fs::remove_dir(d)
    }
}
