// A Rust program that uses SQLite (as rusqlite does, SQLite's C code in the process)
// removes its database while the connection is open: on Windows SQLite's VFS opens the
// database sharing read and write only (os_win.c winOpen), so Rust's DeleteFileW gets a
// sharing violation although Rust's own opens share delete. After sqlite3_close the same
// remove is fine.
use std::ffi::{c_char, c_int, c_void, CString};

#[link(name = "libsqlite3.so.0", kind = "dylib", modifiers = "+verbatim")]
extern "C" {
    fn sqlite3_open(filename: *const c_char, db: *mut *mut c_void) -> c_int;
    fn sqlite3_exec(db: *mut c_void, sql: *const c_char, cb: *const c_void, arg: *mut c_void, err: *mut *mut c_char) -> c_int;
    fn sqlite3_close(db: *mut c_void) -> c_int;
}

fn open(path: &str) -> *mut c_void {
    let mut db = std::ptr::null_mut();
    let name = CString::new(path).unwrap();
    // SAFETY: a NUL-terminated name and a valid out-pointer.
    assert_eq!(unsafe { sqlite3_open(name.as_ptr(), &mut db) }, 0);
    let sql = CString::new("create table t(x); insert into t values (1);").unwrap();
    // SAFETY: an open connection and a NUL-terminated statement.
    let rc = unsafe { sqlite3_exec(db, sql.as_ptr(), std::ptr::null(), std::ptr::null_mut(), std::ptr::null_mut()) };
    assert_eq!(rc, 0);
    db
}

fn main() {
    let d = std::env::args().nth(1).unwrap();
    let closed = format!("{d}/closed.db");
    let db = open(&closed);
    // SAFETY: the connection opened above, closed once.
    assert_eq!(unsafe { sqlite3_close(db) }, 0);
    std::fs::remove_file(&closed).unwrap();

    let held = format!("{d}/held.db");
    let db = open(&held);
    std::fs::remove_file(&held).unwrap();
    // SAFETY: as above.
    assert_eq!(unsafe { sqlite3_close(db) }, 0);
    println!("removed");
}
