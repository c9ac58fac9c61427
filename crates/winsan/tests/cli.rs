//! The `winsan scenario` and `winsan explain` command lines: output lines and exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn winsan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_winsan"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run winsan")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap()
}

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("winsan-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn selftest_directory() {
    let o = winsan(&["scenario", "tests/data"]);
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    let fails: Vec<&&str> = lines.iter().filter(|l| l.starts_with("FAIL ")).collect();
    let errors: Vec<&&str> = lines.iter().filter(|l| l.starts_with("ERROR ")).collect();
    for want in [
        "FAIL tests/data/wrong-expectations.scenario:4: DeleteFile(\"C:\\t\\a.txt\") -> got ERROR_SHARING_VIOLATION, expected OK",
        "FAIL tests/data/wrong-expectations.scenario:5: CreateFile(\"C:\\t\\a.txt\", GENERIC_WRITE, FILE_SHARE_READ|FILE_SHARE_WRITE, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL) -> got STATUS_SHARING_VIOLATION, expected STATUS_ACCESS_DENIED",
        "FAIL tests/data/wrong-expectations.scenario:7: expect missing \"C:\\t\\a.txt\" -> got exists, expected missing",
        "FAIL tests/data/wrong-expectations.scenario:8: expect listing \"C:\\t\" = \"a.txt\" \"b.txt\" -> got \"a.txt\", expected \"a.txt\" \"b.txt\"",
        // The model agrees with Windows where Wine 8 does not (README item 6): no FAIL.
    ] {
        assert!(lines.contains(&want), "missing line {want}\nin:\n{out}");
    }
    assert!(errors.contains(
        &&"ERROR tests/data/syntax-error.scenario:3:43: unknown constant GENRIC_WRITE (did you mean GENERIC_WRITE?)"
    ));
    assert!(
        !out.contains("dir-dispo-twice-wine-bug"),
        "the Wine bug probe passes on the model:\n{out}"
    );
    // images-and-sections: LoadLibrary of an empty file is ERROR_BAD_EXE_FORMAT on Windows
    // (the Wine tool copies a real image in first), so its line 23 fails and line 24 cannot run.
    assert!(lines.contains(
        &"FAIL tests/data/images-and-sections.scenario:23: LoadLibrary(\"C:\\t\\empty.dll\") -> got ERROR_BAD_EXE_FORMAT, expected OK"
    ));
    assert_eq!(fails.len(), 5, "{out}");
    assert_eq!(errors.len(), 2, "{out}");
    assert_eq!(lines.last(), Some(&"1 passed, 2 failed, 1 errors"));
    assert_eq!(code(&o), 1);
}

#[test]
fn exit_codes() {
    // all pass
    let o = winsan(&["scenario", "tests/data/dir-dispo-twice-wine-bug.scenario"]);
    assert_eq!(stdout(&o), "1 passed, 0 failed\n");
    assert_eq!(code(&o), 0);
    // only errors: nothing could be run
    let o = winsan(&["scenario", "tests/data/syntax-error.scenario"]);
    assert_eq!(code(&o), 2);
    assert_eq!(stdout(&o).lines().last(), Some("0 passed, 0 failed, 1 errors"));
    // no scenario found
    let empty = tmpdir("empty");
    let o = winsan(&["scenario", empty.to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    assert_eq!(stdout(&o), "0 passed, 0 failed\n");
    // a missing file is an ERROR
    let o = winsan(&["scenario", "no/such.scenario"]);
    assert_eq!(code(&o), 2);
    assert!(stdout(&o).starts_with("ERROR no/such.scenario:1:1: cannot read the file"));
    // some failed
    let o = winsan(&["scenario", "tests/data/wrong-expectations.scenario"]);
    assert_eq!(code(&o), 1);
}

#[test]
fn recursive_sorted_search_and_display_names() {
    let d = tmpdir("tree");
    std::fs::create_dir_all(d.join("b/c")).unwrap();
    let ok = "CreateDirectory(\"C:\\t\") -> OK\n";
    let bad = "CreateDirectory(\"C:\\t\") -> ERROR_ACCESS_DENIED\n";
    std::fs::write(d.join("b/c/z.scenario"), bad).unwrap();
    std::fs::write(d.join("a.scenario"), bad).unwrap();
    std::fs::write(d.join("b/m.scenario"), ok).unwrap();
    std::fs::write(d.join("notes.txt"), "not a scenario").unwrap();
    let o = winsan(&["scenario", d.to_str().unwrap()]);
    let out = stdout(&o);
    let shown = |rel: &str| Path::new(&d).join(rel).to_string_lossy().into_owned();
    let want = format!(
        "FAIL {}:1: CreateDirectory(\"C:\\t\") -> got OK, expected ERROR_ACCESS_DENIED\n\
         FAIL {}:1: CreateDirectory(\"C:\\t\") -> got OK, expected ERROR_ACCESS_DENIED\n\
         1 passed, 2 failed\n",
        shown("a.scenario"),
        shown("b/c/z.scenario")
    );
    assert_eq!(out, want);
}

#[test]
fn json_lines() {
    let o = winsan(&["scenario", "--json", "tests/data"]);
    let out = stdout(&o);
    let objs: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(objs.len(), 4);
    let by_file = |f: &str| objs.iter().find(|o| o["file"] == f).unwrap().clone();
    let w = by_file("tests/data/wrong-expectations.scenario");
    assert_eq!(w["passed"], false);
    assert_eq!(w["steps"], 7);
    assert_eq!(w["error"], serde_json::Value::Null);
    assert_eq!(w["failures"].as_array().unwrap().len(), 4);
    assert_eq!(w["failures"][0]["line"], 4);
    assert_eq!(w["failures"][0]["call"], "DeleteFile(\"C:\\t\\a.txt\")");
    assert_eq!(w["failures"][0]["got"], "ERROR_SHARING_VIOLATION");
    assert_eq!(w["failures"][0]["expected"], "OK");
    let s = by_file("tests/data/syntax-error.scenario");
    assert_eq!(s["error"]["line"], 3);
    assert_eq!(s["error"]["col"], 43);
    assert_eq!(s["steps"], 0);
    let d = by_file("tests/data/dir-dispo-twice-wine-bug.scenario");
    assert_eq!(d["passed"], true);
    assert!(String::from_utf8_lossy(&o.stderr).contains("1 passed, 2 failed, 1 errors"));
    assert_eq!(code(&o), 1);
}

#[test]
fn overrides_and_verbose() {
    // Under legacy semantics the name stays after DeleteFile while a handle is open.
    let d = tmpdir("override");
    let f = d.join("x.scenario");
    std::fs::write(
        &f,
        "CreateDirectory(\"C:\\t\") -> OK\n\
         h = CreateFile(\"C:\\t\\a\", GENERIC_READ, FILE_SHARE_READ|FILE_SHARE_DELETE, CREATE_NEW, 0) -> OK\n\
         DeleteFile(\"C:\\t\\a\") -> OK\n\
         expect missing \"C:\\t\\a\"\n",
    )
    .unwrap();
    let f = f.to_str().unwrap();
    assert_eq!(code(&winsan(&["scenario", "--delete", "posix", f])), 0);
    let o = winsan(&["scenario", "--delete", "legacy", f]);
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains("-> got exists, expected missing"));
    assert_eq!(code(&winsan(&["scenario", "--windows", "7", f])), 1);
    let o = winsan(&["scenario", "-v", f]);
    assert!(stdout(&o).contains(":3: DeleteFile(\"C:\\t\\a\") -> OK"));
    let o = winsan(&["scenario", "--windows", "12", f]);
    assert_eq!(code(&o), 2, "clap usage error");
}

#[test]
fn explain_examples() {
    let o = winsan(&["explain", "../../examples/mkstemp-remove.scenario"]);
    let out = stdout(&o);
    assert_eq!(code(&o), 0);
    assert!(out.contains("ERROR_SHARING_VIOLATION (STATUS_SHARING_VIOLATION)  ✓"));
    assert!(out.contains("handle h has it open for"));
    assert!(out.contains("PermissionError [WinError 32] in Python"));
    let o = winsan(&["explain", "../../examples/mapped-exe-delete.scenario"]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("ERROR_ACCESS_DENIED (STATUS_CANNOT_DELETE)  ✓"));
    let o = winsan(&["explain", "tests/data/wrong-expectations.scenario"]);
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains("✗ expected OK"));
    let o = winsan(&["explain", "tests/data/syntax-error.scenario"]);
    assert_eq!(code(&o), 2);
}

#[test]
fn help_answers_the_basics() {
    let o = winsan(&["scenario", "--help"]);
    let h = stdout(&o);
    for needle in [
        "WHAT A SCENARIO IS",
        "EXIT STATUS",
        "--json",
        "FAIL file.scenario:LINE",
        "@volume",
    ] {
        assert!(h.contains(needle), "scenario --help lacks {needle}");
    }
    let h = stdout(&winsan(&["explain", "--help"]));
    assert!(h.contains("WHAT IT PRINTS"));
    let h = stdout(&winsan(&["--help"]));
    assert!(h.contains("winsan explain examples/mkstemp-remove.scenario"));
}

/// A report path that cannot be written stops `winsan run` before the program starts
/// (exit 125), rather than after a long run.
#[test]
fn run_refuses_an_unwritable_report_before_running() {
    let dir = tmpdir("report-unwritable");
    let marker = dir.join("ran");
    let o = winsan(&[
        "run",
        "--report",
        "/nonexistent-dir-of-winsan/r.json",
        "--",
        "touch",
        marker.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 125);
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot write the report to /nonexistent-dir-of-winsan/r.json"));
    assert!(!marker.exists(), "the program must not have run");
}
