//! Snapshots of the `winsan explain` narrative (`cargo insta review`, or
//! `INSTA_UPDATE=always cargo test -p winsan-scenario --test explain` to accept changes).

use winsan_scenario::narrate::explain;
use winsan_scenario::report::run_source;
use winsan_scenario::RunOptions;

fn narrate(display: &str, text: &str) -> String {
    explain(&run_source(display, text, &RunOptions::default()))
}

#[test]
fn mkstemp_remove() {
    let text = include_str!("../../../examples/mkstemp-remove.scenario");
    insta::assert_snapshot!(narrate("examples/mkstemp-remove.scenario", text));
}

#[test]
fn mapped_exe_delete() {
    let text = include_str!("../../../examples/mapped-exe-delete.scenario");
    insta::assert_snapshot!(narrate("examples/mapped-exe-delete.scenario", text));
}

#[test]
fn wrong_expectations() {
    let text = include_str!("data/selftest/wrong-expectations.scenario");
    insta::assert_snapshot!(narrate("wrong-expectations.scenario", text));
}

#[test]
fn legacy_delete_pending_story() {
    let text = r#"@windows 10-1809
CreateDirectory("C:\t") -> OK
a = CreateFile("C:\t\f.txt", GENERIC_READ, FILE_SHARE_READ|FILE_SHARE_DELETE, CREATE_NEW, FILE_ATTRIBUTE_NORMAL) -> OK
DeleteFile("C:\t\f.txt") -> OK
expect exists "C:\t\f.txt"
expect delete_pending a
b = CreateFile("C:\t\f.txt", GENERIC_READ, FILE_SHARE_READ|FILE_SHARE_DELETE, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL) -> STATUS_DELETE_PENDING
RemoveDirectory("C:\t") -> ERROR_DIR_NOT_EMPTY
CloseHandle(a) -> OK
expect missing "C:\t\f.txt"
RemoveDirectory("C:\t") -> OK
"#;
    insta::assert_snapshot!(narrate("legacy.scenario", text));
}

#[test]
fn parse_error_story() {
    let text = include_str!("data/selftest/syntax-error.scenario");
    insta::assert_snapshot!(narrate("syntax-error.scenario", text));
}
