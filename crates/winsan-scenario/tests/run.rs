//! Runner tests: result namespaces, bindings of failed calls, unexpected successes.

use winsan_scenario::report::run_source;
use winsan_scenario::{RunOptions, Status};

fn lines(src: &str) -> String {
    run_source("t.scenario", src, &RunOptions::default()).lines()
}

#[test]
fn got_is_printed_in_the_expectations_namespace() {
    let src = r#"CreateDirectory("C:\t") -> OK
h = CreateFile("C:\t\a", GENERIC_READ, 0, CREATE_NEW, 0) -> OK
DeleteFile("C:\t\a") -> STATUS_ACCESS_DENIED
DeleteFile("C:\t\a") -> ERROR_ACCESS_DENIED
DeleteFile("C:\t\a") -> OK
g = NtOpenFile("C:\t\nope", DELETE, 0, 0) -> OK
"#;
    assert_eq!(
        lines(src),
        "FAIL t.scenario:3: DeleteFile(\"C:\\t\\a\") -> got STATUS_SHARING_VIOLATION, expected STATUS_ACCESS_DENIED\n\
         FAIL t.scenario:4: DeleteFile(\"C:\\t\\a\") -> got ERROR_SHARING_VIOLATION, expected ERROR_ACCESS_DENIED\n\
         FAIL t.scenario:5: DeleteFile(\"C:\\t\\a\") -> got ERROR_SHARING_VIOLATION, expected OK\n\
         FAIL t.scenario:6: NtOpenFile(\"C:\\t\\nope\", DELETE, 0, 0) -> got STATUS_OBJECT_NAME_NOT_FOUND, expected OK\n"
    );
}

#[test]
fn using_a_name_whose_call_failed_stops_the_scenario() {
    let src = r#"h = CreateFile("C:\nope\a", GENERIC_READ, 0, CREATE_NEW, 0) -> OK
CloseHandle(h) -> OK
CreateDirectory("C:\t") -> OK
"#;
    let r = run_source("t.scenario", src, &RunOptions::default());
    assert_eq!(
        r.lines(),
        "FAIL t.scenario:1: CreateFile(\"C:\\nope\\a\", GENERIC_READ, 0, CREATE_NEW, 0) -> got ERROR_PATH_NOT_FOUND, expected OK\n\
         ERROR t.scenario:2:13: `h` is not bound: its call on line 1 failed with ERROR_PATH_NOT_FOUND, so this step cannot run\n"
    );
    assert_eq!(r.status(), Status::Failed);
    assert_eq!(r.outcome.unwrap().records.len(), 1, "nothing after the error runs");
}

#[test]
fn an_unexpected_success_binds_nothing_and_is_released() {
    // The open is expected to fail but succeeds: it must not stay open and block the delete.
    let src = r#"CreateDirectory("C:\t") -> OK
h = CreateFile("C:\t\a", GENERIC_READ, 0, CREATE_NEW, 0) -> ERROR_FILE_EXISTS
DeleteFile("C:\t\a") -> OK
"#;
    assert_eq!(
        lines(src),
        "FAIL t.scenario:2: CreateFile(\"C:\\t\\a\", GENERIC_READ, 0, CREATE_NEW, 0) -> got OK, expected ERROR_FILE_EXISTS\n"
    );
}

#[test]
fn unchecked_steps_run_but_never_fail() {
    let src = r#"CreateDirectory("C:\t")
CreateDirectory("C:\t")
expect exists "C:\t"
"#;
    let r = run_source("t.scenario", src, &RunOptions::default());
    assert_eq!(r.status(), Status::Passed);
    let out = r.outcome.unwrap();
    assert_eq!(out.records[1].check, None);
    assert_eq!(out.records[1].got, "ERROR_ALREADY_EXISTS");
}

#[test]
fn volumes_and_overrides() {
    let src = r#"@volume D: fat
CreateDirectory("D:\t") -> OK
MoveFileEx("D:\t", "C:\t", 0) -> ERROR_NOT_SAME_DEVICE
"#;
    assert_eq!(lines(src), "");
    let r = run_source(
        "t.scenario",
        "@windows 7\nCreateDirectory(\"C:\\t\") -> OK\n",
        &RunOptions {
            windows: Some(winsan_model::WindowsVersion::Win11),
            delete: Some(winsan_model::DeleteSemantics::Legacy),
        },
    );
    let cfg = r.outcome.unwrap().config;
    assert_eq!(cfg.windows, winsan_model::WindowsVersion::Win11);
    assert_eq!(cfg.delete, Some(winsan_model::DeleteSemantics::Legacy));
}
