//! Parser tests: accepted forms, and every error kind with its exact line and column.

use winsan_model::consts::Info;
use winsan_model::{DeleteSemantics, FileSystem, NtStatus, Win32Error, WindowsVersion};
use winsan_scenario::{parse, CallKind, Expectation, Expected, StepKind, Value};

/// (line, col, message) of the parse error of `src`.
fn err(src: &str) -> (usize, usize, String) {
    match parse(src) {
        Ok(s) => panic!("expected an error, parsed {s:#?}"),
        Err(e) => (e.line, e.col, e.message),
    }
}

/// Assert the error position, and that the message contains `needle`.
#[track_caller]
fn assert_err(src: &str, line: usize, col: usize, needle: &str) {
    let (l, c, m) = err(src);
    assert_eq!((l, c), (line, col), "message: {m}");
    assert!(m.contains(needle), "message `{m}` lacks `{needle}`");
}

const OPEN: &str = r#"h = CreateFile("C:\t\a.txt", GENERIC_READ|GENERIC_WRITE, FILE_SHARE_READ, CREATE_NEW, FILE_ATTRIBUTE_NORMAL) -> OK"#;

#[test]
fn full_example_parses() {
    let src = r#"# comment
@windows 10-1809
@delete posix
@volume D: fat

CreateDirectory("C:\t") -> OK   # trailing comment
h = CreateFile("C:\t\a.txt", GENERIC_READ|GENERIC_WRITE, FILE_SHARE_READ|FILE_SHARE_WRITE, CREATE_NEW, FILE_ATTRIBUTE_NORMAL) -> OK
DeleteFile("C:\t\a.txt") -> ERROR_SHARING_VIOLATION
WriteFile(h, 4096)
SetFilePointer(h, 0x10) -> STATUS_SUCCESS
SetFileInformationByHandle(h, FileDispositionInfo, TRUE) -> OK
SetFileInformationByHandle(h, FileRenameInfoEx, "C:\t\b.txt", FILE_RENAME_FLAG_REPLACE_IF_EXISTS|FILE_RENAME_FLAG_POSIX_SEMANTICS)
NtSetInformationFile(h, FileLinkInformation, "D:\x", FALSE) -> STATUS_NOT_SAME_DEVICE
CloseHandle(h) -> OK
expect exists "C:\t\a.txt"
expect missing "C:\t\b.txt"
expect delete_pending h
expect not delete_pending h
expect listing "C:\t" = "a.txt" "b.txt"
expect listing "C:\t" =
expect attributes "C:\t\a.txt" has FILE_ATTRIBUTE_READONLY|FILE_ATTRIBUTE_ARCHIVE
expect attributes "C:\t\a.txt" lacks FILE_ATTRIBUTE_HIDDEN
"#;
    let s = parse(src).unwrap();
    assert_eq!(s.windows, Some(WindowsVersion::Win10_1809));
    assert_eq!(s.delete, Some(DeleteSemantics::Posix));
    assert_eq!(s.volumes.len(), 1);
    assert_eq!(s.volumes[0].letter, 'D');
    assert_eq!(s.volumes[0].fs, FileSystem::Fat);
    assert_eq!(s.steps.len(), 17);

    let StepKind::Call(c) = &s.steps[1].kind else { panic!() };
    assert_eq!(s.steps[1].line, 7);
    assert_eq!(c.bind.as_deref(), Some("h"));
    assert_eq!(c.call, CallKind::CreateFile);
    assert_eq!(c.args[1].value, Value::Int(0xC000_0000));
    assert_eq!(c.args[1].text, "GENERIC_READ|GENERIC_WRITE");
    assert_eq!(c.args[1].col, 30);
    assert_eq!(c.expected, Some(Expected::Ok));
    assert!(s.steps[1].text.starts_with("CreateFile(\"C:\\t\\a.txt\""));
    assert!(s.steps[1].text.ends_with("FILE_ATTRIBUTE_NORMAL)"));

    let StepKind::Call(c) = &s.steps[2].kind else { panic!() };
    assert_eq!(c.expected, Some(Expected::Win32(Win32Error::ERROR_SHARING_VIOLATION)));
    assert_eq!(s.steps[2].text, r#"DeleteFile("C:\t\a.txt")"#);
    let StepKind::Call(c) = &s.steps[3].kind else { panic!() };
    assert_eq!(c.expected, None);
    let StepKind::Call(c) = &s.steps[4].kind else { panic!() };
    assert_eq!(c.expected, Some(Expected::Ok), "STATUS_SUCCESS is OK");
    assert_eq!(c.args[1].value, Value::Int(16));
    let StepKind::Call(c) = &s.steps[5].kind else { panic!() };
    assert_eq!(c.info, Some(Info::Disposition));
    assert_eq!(c.args[2].value, Value::Int(1));
    let StepKind::Call(c) = &s.steps[6].kind else { panic!() };
    assert_eq!(c.info, Some(Info::RenameEx));
    assert_eq!(c.args[3].value, Value::Int(3));
    let StepKind::Call(c) = &s.steps[7].kind else { panic!() };
    assert_eq!(c.info, Some(Info::Link));
    assert_eq!(c.expected, Some(Expected::Status(NtStatus::STATUS_NOT_SAME_DEVICE)));

    let StepKind::Expect(e) = &s.steps[13].kind else {
        panic!()
    };
    assert_eq!(
        *e,
        Expectation::Listing {
            dir: r"C:\t".into(),
            names: vec!["a.txt".into(), "b.txt".into()]
        }
    );
    assert_eq!(s.steps[13].text, r#"expect listing "C:\t" = "a.txt" "b.txt""#);
    let StepKind::Expect(e) = &s.steps[14].kind else {
        panic!()
    };
    assert_eq!(
        *e,
        Expectation::Listing {
            dir: r"C:\t".into(),
            names: vec![]
        }
    );
    let StepKind::Expect(Expectation::Attributes { has, flags, .. }) = &s.steps[15].kind else {
        panic!()
    };
    assert!(*has);
    assert_eq!(*flags, 0x21);
    let StepKind::Expect(Expectation::DeletePending { pending, .. }) = &s.steps[12].kind else {
        panic!()
    };
    assert!(!*pending);
}

#[test]
fn hash_inside_a_string_is_not_a_comment() {
    let s = parse(r#"CreateDirectory("C:\a#b") -> OK # comment"#).unwrap();
    let StepKind::Call(c) = &s.steps[0].kind else { panic!() };
    assert_eq!(c.args[0].value, Value::Path(r"C:\a#b".into()));
}

#[test]
fn crlf_and_tabs() {
    let s = parse("\tCreateDirectory(\"C:\\t\")\t->\tOK\r\nexpect exists \"C:\\t\"\r\n").unwrap();
    assert_eq!(s.steps.len(), 2);
    assert_eq!(s.steps[0].col, 2);
    let (l, c, _) = err("\tDeleteFile(\"C:\\a\", 1)\r\n");
    assert_eq!((l, c), (1, 21));
}

#[test]
fn selftest_syntax_error_position() {
    let src = include_str!("data/selftest/syntax-error.scenario");
    let (l, c, m) = err(src);
    assert_eq!((l, c), (3, 43));
    assert_eq!(m, "unknown constant GENRIC_WRITE (did you mean GENERIC_WRITE?)");
}

#[test]
fn selftest_files_parse() {
    for src in [
        include_str!("data/selftest/dir-dispo-twice-wine-bug.scenario"),
        include_str!("data/selftest/images-and-sections.scenario"),
        include_str!("data/selftest/wrong-expectations.scenario"),
    ] {
        parse(src).unwrap();
    }
}

// ----- every error kind, with its position -----

#[test]
fn error_no_steps() {
    assert_err("# only a comment\n@windows 11\n", 1, 1, "no steps");
    assert_err("", 1, 1, "no steps");
}

#[test]
fn error_unknown_call() {
    assert_err("  Frobnicate(1)", 1, 3, "unknown call Frobnicate");
    assert_err(
        r#"CreateFileW("C:\a", 0, 0, 1, 0)"#,
        1,
        1,
        "without the A/W suffix: CreateFile",
    );
    assert_err(r#"DeleteFlie("C:\a")"#, 1, 1, "did you mean DeleteFile?");
    assert_err("x = ZwClose(x)", 1, 5, "did you mean NtClose?");
}

#[test]
fn error_unknown_constant() {
    assert_err(
        r#"h = CreateFile("C:\a", GENERIC_READ|GENRIC_WRITE, 0, CREATE_NEW, 0)"#,
        1,
        37,
        "unknown constant GENRIC_WRITE (did you mean GENERIC_WRITE?)",
    );
    assert_err(
        r#"h = CreateFile("C:\a", 0, 0, CREATE_NEW, FOO_BAR)"#,
        1,
        42,
        "unknown constant FOO_BAR",
    );
    assert_err(
        "CreateDirectory(\"C:\\t\")\nexpect attributes \"C:\\t\" has FILE_ATTRIBUTE_RAEDONLY",
        2,
        30,
        "did you mean FILE_ATTRIBUTE_READONLY?",
    );
}

#[test]
fn error_argument_count() {
    assert_err(
        r#"h = CreateFile("C:\a", 0, 0, CREATE_NEW)"#,
        1,
        40,
        "CreateFile takes 5 arguments (path, access, share, disposition, flags_and_attributes), got 4",
    );
    assert_err(
        r#"DeleteFile("C:\a", "C:\b")"#,
        1,
        20,
        "DeleteFile takes 1 argument (path), got 2",
    );
    assert_err("CreateDirectory()", 1, 17, "takes 1 argument (path), got 0");
    assert_err(
        &format!("{OPEN}\nSetFileInformationByHandle(h, FileRenameInfo, \"C:\\b\")"),
        2,
        53,
        "SetFileInformationByHandle with FileRenameInfo takes 4 arguments (handle, class, to, replace), got 3",
    );
    assert_err(
        &format!("{OPEN}\nSetFileInformationByHandle(h)"),
        2,
        29,
        "takes a handle, an information class",
    );
}

#[test]
fn error_info_class() {
    assert_err(
        &format!("{OPEN}\nNtSetInformationFile(h, FileDispositionInfo, TRUE)"),
        2,
        25,
        "FileDispositionInfo is a Win32 class (SetFileInformationByHandle); NtSetInformationFile takes FileDispositionInformation",
    );
    assert_err(
        &format!("{OPEN}\nSetFileInformationByHandle(h, FileDispositionInformation, TRUE)"),
        2,
        31,
        "is an NT class (NtSetInformationFile); SetFileInformationByHandle takes FileDispositionInfo",
    );
    assert_err(
        &format!("{OPEN}\nSetFileInformationByHandle(h, FileLinkInformation, \"C:\\b\", FALSE)"),
        2,
        31,
        "use CreateHardLink",
    );
    assert_err(
        &format!("{OPEN}\nSetFileInformationByHandle(h, FileDispositionInf, TRUE)"),
        2,
        31,
        "unknown information class FileDispositionInf for SetFileInformationByHandle (did you mean FileDispositionInfo?)",
    );
}

#[test]
fn error_names() {
    assert_err(
        "CloseHandle(h) -> OK",
        1,
        13,
        "unknown name `h`: no earlier step binds it",
    );
    assert_err(&format!("{OPEN}\nCloseHandle(hh)"), 2, 13, "(did you mean h?)");
    // a name bound only by a step that is expected to fail
    assert_err(
        "g = CreateFile(\"C:\\a\", 0, 0, OPEN_EXISTING, 0) -> ERROR_FILE_NOT_FOUND\nCloseHandle(g)",
        2,
        13,
        "`g` is bound only by the step on line 1, which is expected to fail",
    );
    // rebinding by a failing step hides the earlier successful binding
    assert_err(
        &format!("{OPEN}\nh = CreateFile(\"C:\\t\\a.txt\", 0, 0, CREATE_NEW, 0) -> ERROR_FILE_EXISTS\nexpect delete_pending h"),
        3,
        23,
        "bound only by the step on line 2",
    );
    assert_err(r#"CloseHandle(NULL)"#, 1, 13, "found the constant NULL");
    assert_err(r#"CloseHandle("C:\a")"#, 1, 13, "not a string");
    assert_err(r#"CloseHandle(3)"#, 1, 13, "not a number");
    assert_err(
        r#"h = DeleteFile("C:\a")"#,
        1,
        1,
        "DeleteFile returns nothing to bind to `h`",
    );
    assert_err(
        r#"DELETE = CreateFile("C:\a", 0, 0, CREATE_NEW, 0)"#,
        1,
        1,
        "is a constant",
    );
}

#[test]
fn error_results() {
    assert_err(
        r#"DeleteFile("C:\a") -> ERROR_NOPE"#,
        1,
        23,
        "unknown Win32 error ERROR_NOPE",
    );
    assert_err(
        r#"DeleteFile("C:\a") -> ERROR_ACCES_DENIED"#,
        1,
        23,
        "did you mean ERROR_ACCESS_DENIED?",
    );
    assert_err(
        r#"DeleteFile("C:\a") -> STATUS_NOPE"#,
        1,
        23,
        "unknown NTSTATUS STATUS_NOPE",
    );
    assert_err(r#"DeleteFile("C:\a") -> FAILED"#, 1, 23, "unknown result FAILED");
    assert_err(r#"DeleteFile("C:\a") -> "#, 1, 22, "expected a result after `->`");
    assert_err(
        r#"DeleteFile("C:\a") -> OK OK"#,
        1,
        26,
        "unexpected text after the result",
    );
    assert_err(
        r#"DeleteFile("C:\a") => OK"#,
        1,
        20,
        "expected `-> RESULT` or end of line",
    );
    assert_err(
        r#"h = NtOpenFile("C:\a", DELETE, 0, 0) -> ERROR_FILE_NOT_FOUND"#,
        1,
        41,
        "NtOpenFile returns an NTSTATUS: expect OK or a STATUS_* name, not ERROR_FILE_NOT_FOUND",
    );
    // ERROR_SUCCESS means OK for a Win32 call
    let s = parse(r#"DeleteFile("C:\a") -> ERROR_SUCCESS"#).unwrap();
    let StepKind::Call(c) = &s.steps[0].kind else { panic!() };
    assert_eq!(c.expected, Some(Expected::Ok));
}

#[test]
fn error_syntax() {
    assert_err(r#"DeleteFile("C:\a)"#, 1, 12, "unterminated string");
    assert_err(r#"DeleteFile "C:\a""#, 1, 12, "expected `(` after DeleteFile");
    assert_err(r#"DeleteFile("C:\a" "C:\b")"#, 1, 19, "expected `,` or `)`");
    assert_err(r#"DeleteFile("C:\a""#, 1, 18, "expected `,` or `)`, found end of line");
    assert_err(r#"MoveFile("C:\a", , "C:\b")"#, 1, 18, "expected an argument");
    assert_err(r#"MoveFileEx("C:\a", "C:\b", 12ab)"#, 1, 28, "bad number `12ab`");
    assert_err(r#"MoveFileEx("C:\a", "C:\b", 0x)"#, 1, 28, "bad number `0x`");
    assert_err(
        r#"MoveFileEx("C:\a", "C:\b", 0x1ffffffff)"#,
        1,
        28,
        "does not fit in 32 bits",
    );
    assert_err(
        r#"MoveFileEx("C:\a", "C:\b", 99999999999999999999999)"#,
        1,
        28,
        "too large",
    );
    assert_err(
        r#"MoveFileEx("C:\a", "C:\b", MOVEFILE_REPLACE_EXISTING|)"#,
        1,
        54,
        "expected an argument",
    );
    assert_err("= DeleteFile(\"C:\\a\")", 1, 1, "expected a call");
    assert_err(
        "% nonsense",
        1,
        1,
        "expected a call, `expect` or a directive, found `%`",
    );
    assert_err(r#"DeleteFile("a.txt")"#, 1, 12, "drive-rooted path");
    assert_err(r#"DeleteFile(C_PATH)"#, 1, 12, "drive-rooted path");
    assert_err(r#"MoveFileEx("C:\a", "C:\b", "x")"#, 1, 28, "not a string");
    // a non-ASCII character: the column counts characters
    assert_err("DeleteFile(\"C:\\é\") é", 1, 20, "expected `-> RESULT`");
}

#[test]
fn error_expectations() {
    assert_err("expect present \"C:\\a\"", 1, 8, "unknown expectation `present`");
    assert_err("expect", 1, 7, "unknown expectation");
    assert_err("expect exists C:\\a", 1, 15, "expected the path as a \"string\"");
    assert_err("expect exists \"a\"", 1, 15, "drive-rooted");
    assert_err(
        "expect exists \"C:\\a\" extra",
        1,
        22,
        "unexpected text after the expectation",
    );
    assert_err(
        "expect not exists \"C:\\a\"",
        1,
        12,
        "expected delete_pending after `expect not`",
    );
    assert_err("expect delete_pending \"C:\\a\"", 1, 23, "expected a bound name");
    assert_err("expect delete_pending h", 1, 23, "unknown name `h`");
    assert_err("expect listing \"C:\\\" \"a\"", 1, 22, "expected `=`");
    assert_err("expect listing \"C:\\\" = a", 1, 24, "expected a quoted name");
    assert_err("expect listing \"C:\\\" = \"a", 1, 24, "unterminated string");
    assert_err("expect attributes \"C:\\a\" is 1", 1, 26, "expected `has` or `lacks`");
    assert_err(
        "expect attributes \"C:\\a\" has",
        1,
        29,
        "expected FILE_ATTRIBUTE_* flags",
    );
    assert_err("expect attributes \"C:\\a\" has \"x\"", 1, 30, "not a string");
}

#[test]
fn error_directives() {
    assert_err(
        "@windows 12\nDeleteFile(\"C:\\a\")",
        1,
        10,
        "unknown Windows version `12`",
    );
    assert_err("@windows\nDeleteFile(\"C:\\a\")", 1, 9, "@windows needs a version");
    assert_err("@windows 11 10\n", 1, 13, "unexpected text after the directive");
    assert_err(
        "@windows 11\n@windows 7\n",
        2,
        1,
        "@windows given twice (first on line 1)",
    );
    assert_err("@delete maybe\n", 1, 9, "unknown delete semantics `maybe`");
    assert_err("@delete posix\n@delete legacy\n", 2, 1, "@delete given twice");
    assert_err("@volume D:\n", 1, 11, "@volume needs a drive and a file system");
    assert_err("@volume DD: fat\n", 1, 9, "bad drive `DD:`");
    assert_err("@volume C: ntfs\n", 1, 9, "C: is always there");
    assert_err(
        "@volume D: fat\n@volume d: ntfs\n",
        2,
        9,
        "D: is already added on line 1",
    );
    assert_err("@volume D: zfs\n", 1, 12, "unknown file system `zfs`");
    assert_err("  @frob 1\n", 1, 3, "unknown directive @frob");
}

#[test]
fn expect_as_a_bound_name_still_works() {
    // `expect` followed by `=` is a binding, not an expectation.
    let s = parse(r#"expect = CreateFile("C:\a", 0, 0, CREATE_NEW, 0)"#).unwrap();
    let StepKind::Call(c) = &s.steps[0].kind else { panic!() };
    assert_eq!(c.bind.as_deref(), Some("expect"));
}

#[test]
fn never_panics_on_odd_input() {
    for src in [
        "\"",
        "(",
        "a(",
        "a = ",
        "@",
        "@volume",
        "expect listing",
        "CreateFile(\"",
        "CreateFile(\"C:\\\", 0x",
        "\u{feff}CreateDirectory(\"C:\\t\")",
        "é(é",
        "h = CreateFile(\"C:\\é\", é",
        "x = NtCreateSection(",
        "CloseHandle(h|h)",
        "->",
        "a -> OK",
        "CreateDirectory(\"C:\\t\") -> STATUS_",
        "SetFileInformationByHandle(0, 0)",
        "expect attributes \"C:\\a\" has 0x|",
        "\0\0\0",
    ] {
        let _ = parse(src);
    }
}
