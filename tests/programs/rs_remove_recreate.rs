// Rust std opens with FILE_SHARE_DELETE and deletes with DeleteFileW: deleting its own
// open file is fine on Windows. Under legacy delete semantics the name stays
// delete-pending while the handle is open, so creating it again fails.
use std::io::Write;
fn main() {
    let d = std::env::args().nth(1).unwrap();
    let p = format!("{d}/r.txt");
    let mut f = std::fs::File::create(&p).unwrap();
    f.write_all(b"x").unwrap();
    std::fs::remove_file(&p).unwrap();
    std::fs::write(&p, b"again").unwrap();
    drop(f);
    println!("{}", std::fs::read_to_string(&p).unwrap());
}
