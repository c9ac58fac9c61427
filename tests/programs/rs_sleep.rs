// Waits (up to 30 s) to be killed: a running program for the link tests.
fn main() {
    std::thread::sleep(std::time::Duration::from_secs(30));
}
