//! Memory per open handle, measured with a counting global allocator.
//! Run: `cargo bench -p winsan-model --bench memory`.
//!
//! Opens 100,000 handles (a) on one file, all sharing everything, and (b) on 100,000
//! different files (one handle each, the file created by the open), and prints the heap
//! bytes still allocated per handle. The target is at most 256 bytes per open handle.

use std::alloc::{GlobalAlloc, Layout, System as SysAlloc};
use std::sync::atomic::{AtomicIsize, Ordering};
use winsan_model::consts::{access::*, share::*, win32_disposition::*};
use winsan_model::{Config, System};

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        LIVE.fetch_add(l.size() as isize, Ordering::Relaxed);
        unsafe { SysAlloc.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size() as isize, Ordering::Relaxed);
        unsafe { SysAlloc.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        LIVE.fetch_add(new as isize - l.size() as isize, Ordering::Relaxed);
        unsafe { SysAlloc.realloc(p, l, new) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const N: usize = 100_000;

fn live() -> isize {
    LIVE.load(Ordering::Relaxed)
}

fn main() {
    // (a) N handles on one file.
    let mut s = System::new(Config::default());
    s.set_event_recording(false);
    s.create_directory(r"C:\t").unwrap();
    let h = s
        .create_file(r"C:\t\a.txt", GENERIC_WRITE, FILE_SHARE_VALID_FLAGS, CREATE_NEW, 0)
        .unwrap();
    s.close_handle(h).unwrap();
    let before = live();
    let mut handles = Vec::with_capacity(N);
    let after_vec = live();
    for _ in 0..N {
        handles.push(
            s.create_file(r"C:\t\a.txt", GENERIC_READ, FILE_SHARE_VALID_FLAGS, OPEN_EXISTING, 0)
                .unwrap(),
        );
    }
    let used = live() - after_vec;
    let _ = before;
    println!(
        "one file, {N} handles: {} bytes live in the model, {:.1} bytes per open handle",
        used,
        used as f64 / N as f64
    );
    for h in handles.drain(..) {
        s.close_handle(h).unwrap();
    }
    println!(
        "after closing them: {} bytes still live (capacity kept by the model's tables)",
        live() - after_vec
    );
    drop(s);

    // (b) N files, one handle each.
    let mut s = System::new(Config::default());
    s.set_event_recording(false);
    s.create_directory(r"C:\t").unwrap();
    let names: Vec<String> = (0..N).map(|i| format!(r"C:\t\f{i:06}.dat")).collect();
    let start = live();
    for name in &names {
        handles.push(
            s.create_file(name, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ, CREATE_NEW, 0)
                .unwrap(),
        );
    }
    let used = live() - start;
    println!(
        "{N} files, one handle each: {} bytes, {:.1} bytes per file (name, directory entry, file, file object, handle)",
        used,
        used as f64 / N as f64
    );
    drop(s);
}
