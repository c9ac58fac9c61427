// Rust std's remove_file of a read-only file: DeleteFileW fails with ERROR_ACCESS_DENIED
// and std falls back to a POSIX delete that ignores the read-only attribute, so even under
// legacy delete semantics, and with the program's own handle still open, no delete-pending
// name is left: creating the file again works on Windows too.
use std::io::Read;
fn main() {
    let d = std::env::args().nth(1).unwrap();
    let p = format!("{d}/ro.txt");
    std::fs::write(&p, b"x").unwrap();
    let mut held = std::fs::File::open(&p).unwrap();
    let mut perms = std::fs::metadata(&p).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&p, perms).unwrap();
    std::fs::remove_file(&p).unwrap();
    std::fs::write(&p, b"again").unwrap();
    let mut old = String::new();
    held.read_to_string(&mut old).unwrap();
    println!("{old} {}", std::fs::read_to_string(&p).unwrap());
}
