//! Throughput of the model (criterion). Run: `cargo bench -p winsan-model --bench model`.
//!
//! * `open_close`: `CreateFile(OPEN_EXISTING, share all)` + `CloseHandle` of one file.
//! * `open_delete_close`: `CreateFile(CREATE_ALWAYS, FILE_SHARE_DELETE)`, `DeleteFile`,
//!   `CloseHandle` (legacy delete: the name goes at the close; the next `CREATE_ALWAYS`
//!   creates the file again).
//! * `share_check/{refused,admitted}/N`: one `CreateFile` of a file that already has `N`
//!   handles open on it (all sharing everything, with read access): refused (its share mode
//!   leaves out read) or admitted (then closed). The cost should not depend on `N`.
//!
//! Throughput is reported in model calls (elements) per second.

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use winsan_model::consts::{access::*, share::*, win32_disposition::*};
use winsan_model::{Config, DeleteSemantics, System, WindowsVersion};

const FILE: &str = r"C:\t\a.txt";

fn machine(delete: DeleteSemantics) -> System {
    let mut s = System::new(Config {
        windows: WindowsVersion::Win11,
        delete: Some(delete),
    });
    s.set_event_recording(false);
    s.create_directory(r"C:\t").unwrap();
    let h = s
        .create_file(FILE, GENERIC_WRITE, FILE_SHARE_VALID_FLAGS, CREATE_NEW, 0)
        .unwrap();
    s.close_handle(h).unwrap();
    s
}

fn open_close(c: &mut Criterion) {
    let mut g = c.benchmark_group("open_close");
    g.throughput(Throughput::Elements(2));
    let mut s = machine(DeleteSemantics::Legacy);
    g.bench_function("CreateFile+CloseHandle", |b| {
        b.iter(|| {
            let h = s
                .create_file(
                    black_box(FILE),
                    GENERIC_READ | GENERIC_WRITE,
                    FILE_SHARE_VALID_FLAGS,
                    OPEN_EXISTING,
                    0,
                )
                .unwrap();
            s.close_handle(h).unwrap();
        })
    });
    g.finish();
}

fn open_delete_close(c: &mut Criterion) {
    let mut g = c.benchmark_group("open_delete_close");
    g.throughput(Throughput::Elements(3));
    for (name, sem) in [("legacy", DeleteSemantics::Legacy), ("posix", DeleteSemantics::Posix)] {
        let mut s = machine(sem);
        g.bench_function(name, |b| {
            b.iter(|| {
                let h = s
                    .create_file(
                        black_box(FILE),
                        GENERIC_READ | GENERIC_WRITE,
                        FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                        CREATE_ALWAYS,
                        0,
                    )
                    .unwrap();
                s.delete_file(FILE).unwrap();
                s.close_handle(h).unwrap();
            })
        });
    }
    g.finish();
}

fn share_check(c: &mut Criterion) {
    let mut g = c.benchmark_group("share_check");
    for n in [0usize, 1_000, 100_000] {
        let mut s = machine(DeleteSemantics::Legacy);
        for _ in 0..n {
            s.create_file(FILE, GENERIC_READ, FILE_SHARE_VALID_FLAGS, OPEN_EXISTING, 0)
                .unwrap();
        }
        g.throughput(Throughput::Elements(1));
        g.bench_with_input(BenchmarkId::new("refused", n), &n, |b, &n| {
            b.iter(|| {
                // Leaves out FILE_SHARE_READ: refused when readers are open.
                let r = s.create_file(black_box(FILE), GENERIC_WRITE, FILE_SHARE_WRITE, OPEN_EXISTING, 0);
                if n > 0 {
                    assert!(r.is_err());
                } else {
                    s.close_handle(r.unwrap()).unwrap();
                }
            })
        });
        g.throughput(Throughput::Elements(2));
        g.bench_with_input(BenchmarkId::new("admitted", n), &n, |b, _| {
            b.iter(|| {
                let h = s
                    .create_file(black_box(FILE), GENERIC_READ, FILE_SHARE_VALID_FLAGS, OPEN_EXISTING, 0)
                    .unwrap();
                s.close_handle(h).unwrap();
            })
        });
    }
    g.finish();
}

criterion_group!(benches, open_close, open_delete_close, share_check);
criterion_main!(benches);
