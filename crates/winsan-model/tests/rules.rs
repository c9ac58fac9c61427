//! Rules of nt-rules.md checked directly against the model's API (the scenario suite in
//! `tests/scenarios/` covers them again through the scenario runner).

use winsan_model::consts::{
    access::*, attributes::*, disposition::*, flags::*, movefile::*, nt_disposition::*, options::*, section::*,
    share::*, win32_disposition::*,
};
use winsan_model::{BlockerKind, Config, DeleteSemantics, NtStatus::*, System, Win32Error::*, WindowsVersion};

fn sys(windows: WindowsVersion) -> System {
    let mut s = System::new(Config { windows, delete: None });
    s.create_directory(r"C:\t").unwrap();
    s
}

/// An image file written the way scenarios write one (WriteFile of 4096 bytes).
fn make_image(s: &mut System, path: &str) {
    let h = s
        .create_file(path, GENERIC_WRITE, 0, CREATE_NEW, FILE_ATTRIBUTE_NORMAL)
        .unwrap();
    s.write_file(h, 4096).unwrap();
    s.close_handle(h).unwrap();
}

/// Seed 000 and nt-rules G33/G34/G35: a running executable cannot be deleted or opened for
/// writing, but it can be renamed and opened for append.
#[test]
fn running_image_cannot_be_deleted_but_can_be_renamed_and_appended() {
    let mut s = sys(WindowsVersion::Win11);
    make_image(&mut s, r"C:\t\app.exe");
    let p = s.create_process(r"C:\t\app.exe").unwrap();
    let e = s.delete_file(r"C:\t\app.exe").unwrap_err();
    assert_eq!((e.status, e.win32), (STATUS_CANNOT_DELETE, ERROR_ACCESS_DENIED));
    assert_eq!(e.reason.blockers()[0].what, BlockerKind::Process);
    let e = s
        .create_file(r"C:\t\app.exe", GENERIC_WRITE, 7, OPEN_EXISTING, 0)
        .unwrap_err();
    assert_eq!(e.win32, ERROR_SHARING_VIOLATION);
    let a = s
        .create_file(r"C:\t\app.exe", FILE_APPEND_DATA, 7, OPEN_EXISTING, 0)
        .unwrap();
    s.write_file(a, 4).unwrap();
    s.close_handle(a).unwrap();
    s.move_file(r"C:\t\app.exe", r"C:\t\old.exe").unwrap();
    assert!(s.exists(r"C:\t\old.exe") && !s.exists(r"C:\t\app.exe"));
    s.exit_process(p).unwrap();
    s.delete_file(r"C:\t\old.exe").unwrap();
    s.close_handle(p).unwrap();
    assert!(s.held_files().is_empty());
    s.check_invariants().unwrap();
}

/// nt-rules G31: a mapped view keeps a data-mapped file from being deleted even after every
/// handle is closed; unmapping allows it.
#[test]
fn mapped_view_outlives_handles_and_blocks_delete() {
    let mut s = sys(WindowsVersion::Win11);
    let h = s
        .create_file(r"C:\t\d.bin", GENERIC_READ | GENERIC_WRITE, 0, CREATE_NEW, 0)
        .unwrap();
    assert_eq!(
        s.create_file_mapping(h, PAGE_READONLY).unwrap_err().win32,
        ERROR_FILE_INVALID
    );
    s.write_file(h, 10).unwrap();
    let m = s.create_file_mapping(h, PAGE_READWRITE).unwrap();
    let v = s.map_view_of_file(m, FILE_MAP_WRITE).unwrap();
    s.close_handle(m).unwrap();
    s.close_handle(h).unwrap();
    let e = s.delete_file(r"C:\t\d.bin").unwrap_err();
    assert_eq!((e.status, e.win32), (STATUS_CANNOT_DELETE, ERROR_ACCESS_DENIED));
    let e = s
        .create_file(r"C:\t\d.bin", GENERIC_WRITE, 7, CREATE_ALWAYS, 0)
        .unwrap_err();
    assert_eq!(e.win32, ERROR_USER_MAPPED_FILE);
    s.unmap_view_of_file(v).unwrap();
    s.delete_file(r"C:\t\d.bin").unwrap();
    s.check_invariants().unwrap();
}

/// nt-rules B11/C13/C14: DeleteFile is legacy before 1903 (the name stays while a
/// share-delete handle is open) and POSIX from 1903 (the name goes at once).
#[test]
fn deletefile_semantics_follow_the_version() {
    for (v, stays) in [
        (WindowsVersion::Win7, true),
        (WindowsVersion::Win10_1809, true),
        (WindowsVersion::Win10_1903, false),
        (WindowsVersion::Win11, false),
    ] {
        let mut s = sys(v);
        let h = s
            .create_file(
                r"C:\t\a",
                GENERIC_READ,
                FILE_SHARE_READ | FILE_SHARE_DELETE,
                CREATE_NEW,
                0,
            )
            .unwrap();
        s.delete_file(r"C:\t\a").unwrap();
        assert_eq!(s.exists(r"C:\t\a"), stays, "windows {v}");
        assert!(s.delete_pending(h).unwrap());
        let again = s.create_file(r"C:\t\a", GENERIC_WRITE, 0, CREATE_NEW, 0);
        if stays {
            assert_eq!(again.unwrap_err().status, STATUS_DELETE_PENDING);
        } else {
            s.close_handle(again.unwrap()).unwrap();
        }
        s.close_handle(h).unwrap();
        s.check_invariants().unwrap();
    }
}

/// FAT volumes always delete with legacy semantics (nt-rules B11) and have no hard links (I46).
#[test]
fn fat_is_always_legacy() {
    let mut s = System::new(Config {
        windows: WindowsVersion::Win11,
        delete: Some(DeleteSemantics::Posix),
    });
    s.add_volume('D', winsan_model::FileSystem::Fat).unwrap();
    let h = s.create_file(r"D:\a", GENERIC_READ, 7, CREATE_NEW, 0).unwrap();
    s.delete_file(r"D:\a").unwrap();
    assert!(s.exists(r"D:\a"));
    assert_eq!(
        s.create_hard_link(r"D:\b", r"D:\a").unwrap_err().status,
        STATUS_DELETE_PENDING
    );
    s.close_handle(h).unwrap();
    assert!(!s.exists(r"D:\a"));
}

/// nt-rules H39/H41/H43: legacy rename refuses an open target; POSIX rename replaces a
/// target whose handles all share delete; an open source must share delete.
#[test]
fn rename_rules() {
    let mut s = sys(WindowsVersion::Win11);
    for n in ["a", "b"] {
        let h = s
            .create_file(&format!(r"C:\t\{n}"), GENERIC_WRITE, 0, CREATE_NEW, 0)
            .unwrap();
        s.close_handle(h).unwrap();
    }
    let r = s.create_file(r"C:\t\b", GENERIC_READ, 7, OPEN_EXISTING, 0).unwrap();
    let e = s
        .move_file_ex(r"C:\t\a", r"C:\t\b", MOVEFILE_REPLACE_EXISTING)
        .unwrap_err();
    assert_eq!(e.win32, ERROR_ACCESS_DENIED);
    assert_eq!(
        s.move_file_ex(r"C:\t\a", r"C:\t\b", 0).unwrap_err().win32,
        ERROR_ALREADY_EXISTS
    );
    let src = s.create_file(r"C:\t\a", DELETE, 7, OPEN_EXISTING, 0).unwrap();
    s.set_rename_info_ex(src, r"C:\t\b", 0x1 | 0x2).unwrap();
    assert_eq!(s.listing(r"C:\t").unwrap(), vec!["b".to_string()]);
    s.close_handle(src).unwrap();
    s.close_handle(r).unwrap();
    let holder = s
        .create_file(r"C:\t\b", GENERIC_READ, FILE_SHARE_READ, OPEN_EXISTING, 0)
        .unwrap();
    assert_eq!(
        s.move_file(r"C:\t\b", r"C:\t\c").unwrap_err().win32,
        ERROR_SHARING_VIOLATION
    );
    s.close_handle(holder).unwrap();
    s.check_invariants().unwrap();
}

/// nt-rules D17-D20: delete-on-close needs every other handle to share delete, is not
/// cancelled by FileDispositionInfo FALSE, and leaves the name pending while others are open.
#[test]
fn delete_on_close_rules() {
    let mut s = sys(WindowsVersion::Win11);
    let h = s
        .create_file(
            r"C:\t\x",
            GENERIC_READ | GENERIC_WRITE,
            FILE_SHARE_READ | FILE_SHARE_DELETE,
            CREATE_NEW,
            FILE_FLAG_DELETE_ON_CLOSE,
        )
        .unwrap();
    assert_eq!(
        s.create_file(r"C:\t\x", GENERIC_READ, FILE_SHARE_READ, OPEN_EXISTING, 0)
            .unwrap_err()
            .win32,
        ERROR_SHARING_VIOLATION
    );
    let o = s
        .create_file(
            r"C:\t\x",
            GENERIC_READ,
            FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
            OPEN_EXISTING,
            0,
        )
        .unwrap();
    s.set_disposition_info(h, false).unwrap();
    s.close_handle(h).unwrap();
    assert!(s.exists(r"C:\t\x"));
    assert!(s.delete_pending(o).unwrap());
    assert_eq!(
        s.create_file(r"C:\t\x", GENERIC_READ, 7, OPEN_EXISTING, 0)
            .unwrap_err()
            .status,
        STATUS_DELETE_PENDING
    );
    s.close_handle(o).unwrap();
    assert!(!s.exists(r"C:\t\x"));
    // D22: a non-empty directory opened delete-on-close is not removed.
    s.create_directory(r"C:\t\d").unwrap();
    s.create_directory(r"C:\t\d\e").unwrap();
    let d = s
        .nt_create_file(
            r"C:\t\d",
            DELETE | SYNCHRONIZE,
            0,
            7,
            FILE_OPEN,
            FILE_DIRECTORY_FILE | FILE_DELETE_ON_CLOSE,
        )
        .unwrap();
    s.nt_close(d).unwrap();
    assert!(s.exists(r"C:\t\d\e"));
    s.check_invariants().unwrap();
}

/// nt-rules E23/E24: read-only files: no write open, no delete, but IGNORE_READONLY deletes.
#[test]
fn read_only_rules() {
    let mut s = sys(WindowsVersion::Win11);
    let h = s
        .create_file(r"C:\t\r", GENERIC_WRITE, 0, CREATE_NEW, FILE_ATTRIBUTE_READONLY)
        .unwrap();
    s.close_handle(h).unwrap();
    assert_eq!(
        s.create_file(r"C:\t\r", GENERIC_WRITE, 7, OPEN_EXISTING, 0)
            .unwrap_err()
            .win32,
        ERROR_ACCESS_DENIED
    );
    assert_eq!(s.delete_file(r"C:\t\r").unwrap_err().status, STATUS_CANNOT_DELETE);
    let d = s.create_file(r"C:\t\r", DELETE, 0, OPEN_EXISTING, 0).unwrap();
    s.set_disposition_info_ex(
        d,
        FILE_DISPOSITION_FLAG_DELETE
            | FILE_DISPOSITION_FLAG_POSIX_SEMANTICS
            | FILE_DISPOSITION_FLAG_IGNORE_READONLY_ATTRIBUTE,
    )
    .unwrap();
    s.close_handle(d).unwrap();
    assert!(!s.exists(r"C:\t\r"));
}
