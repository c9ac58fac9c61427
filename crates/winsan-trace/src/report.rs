//! Findings and how they are shown: sanitizer-style text, JSON, GitHub annotations, SARIF.
//!
//! [`translate()`] picks the per-runtime error text and the errno `--enforce` answers with
//! from `winsan_model::translate`.

use crate::oracle::{Kind, Tool};
use crate::runtime::Runtime;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use winsan_model::translate::{self, PyVia};
use winsan_model::Win32Error;

/// Something in the way, as the report shows it.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct BlockerReport {
    pub pid: u32,
    pub process: String,
    /// `handle`, `mapping`, `image`, `cwd` or `pending`.
    pub what: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fd: Option<i32>,
    pub access: Vec<String>,
    pub share: Vec<String>,
    /// The runtime whose share mode the handle has (for an inherited fd, the opener's;
    /// `sqlite` for a database or WAL that SQLite opened, in any runtime).
    pub runtime: String,
    /// For an inherited fd: the pid of the process that opened it (see `runtime`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inherited_from: Option<u32>,
    pub path: String,
    /// One line for people, e.g. `fd 3 of python3[4242], opened read/write, ...`.
    #[serde(skip)]
    pub description: String,
}

/// Where the program catches the error a finding's call would raise on Windows: its
/// own error handling runs there (a finding all the same: the operation is refused).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Caught {
    pub file: String,
    pub line: u32,
    pub function: String,
    /// What catches it: the `except` clause as written (`except OSError`, `except:`),
    /// `contextlib.suppress(PermissionError)`, `shutil.rmtree(ignore_errors=True)`; in
    /// JavaScript the `catch` clause (`catch (e)`).
    pub by: String,
}

/// One operation Windows would refuse.
#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    pub kind: String,
    pub operation: String,
    pub path: String,
    /// The new name, for renames.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    pub pid: u32,
    pub tid: u32,
    pub process: String,
    pub runtime: String,
    pub windows_call: String,
    pub error: String,
    pub win32: u32,
    pub ntstatus: String,
    /// The runtime's own error text, keyed by the runtime's name (`"python": ...`).
    #[serde(flatten)]
    pub message: BTreeMap<String, String>,
    pub blockers: Vec<BlockerReport>,
    pub enforced: bool,
    pub explanation: String,
    pub rule: String,
    /// How many times this same finding happened (identical ones are reported once).
    pub count: u32,
    /// Where in the program: the caller's Python frames, innermost first, when the
    /// caller is a CPython winsan can read (`crate::pyframe`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stack: Vec<crate::pyframe::PyFrame>,
    /// The stack goes on past its last frame: the walk stopped at its limit of frames
    /// (a deep recursion) with more below, which are not named.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub stack_truncated: bool,
    /// Where the program catches the error (Python: `crate::pyframe::PyFrames::catcher`;
    /// JavaScript: `crate::jssource::JsSources::catcher`); absent when it does not, or
    /// that is not known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caught: Option<Caught>,
}

impl Finding {
    /// Same operation on the same path by the same process, in the way of the same
    /// holders, from the same place (its innermost frame: a loop repeats one finding, two
    /// call sites are two findings to mend).
    pub fn same_as(&self, o: &Finding) -> bool {
        fn place(f: &Finding) -> Option<(&str, u32, &str)> {
            f.stack.first().map(|s| (s.file.as_str(), s.line, s.function.as_str()))
        }
        self.kind == o.kind
            && self.operation == o.operation
            && self.path == o.path
            && self.target == o.target
            && self.pid == o.pid
            && self.windows_call == o.windows_call
            && self.blockers == o.blockers
            && place(self) == place(o)
    }

    pub fn runtime_message(&self) -> &str {
        self.message.values().next().map(String::as_str).unwrap_or("")
    }

    /// The line saying where the program catches the error, if it does: `the program
    /// catches this PermissionError (except OSError) at t.py:4 in main`.
    pub fn caught_text(&self) -> Option<String> {
        let c = self.caught.as_ref()?;
        let error = self.runtime_message().split(':').next().unwrap_or("error");
        let at = crate::pyframe::PyFrame {
            file: c.file.clone(),
            function: c.function.clone(),
            line: c.line,
            at: Default::default(),
        };
        Some(format!("the program catches this {error} ({}) at {at}", c.by))
    }
}

/// What the caller's runtime would show for the Windows error `e` of `operation` on
/// `path` (and `target`, for renames and links), and the Linux errno `--enforce` answers
/// with so that the program's own error handling runs as on Windows.
///
/// All texts and errnos come from `winsan_model::translate`; this function only picks the
/// runtime's call style: CPython's `open()` goes through the C runtime (`[Errno 13]`),
/// its `os.*` calls through Win32 (`[WinError 32]`); Node names the libuv syscall; Go
/// prints an `*os.PathError` or, for two names, an `*os.LinkError`.
pub fn translate(
    runtime: Runtime,
    tool: Option<Tool>,
    operation: &str,
    e: Win32Error,
    path: &str,
    target: Option<&str>,
) -> (String, i32) {
    let errno = translate::enforce_errno(e, runtime);
    let text = match runtime {
        Runtime::Python => {
            let via = if operation == "open" { PyVia::Crt } else { PyVia::WinApi };
            translate::python_os_error_with_dest(e, Some(path), target, via).to_string()
        }
        Runtime::Node => {
            let (syscall, path) = match operation {
                "unlink" | "rmdir" | "rename" | "mkdir" | "link" => (operation, Some(path)),
                // `fs.truncate` opens the file, then truncates the descriptor: its error
                // is `ftruncate`'s, which names no path.
                "truncate" => ("ftruncate", None),
                _ => ("open", Some(path)),
            };
            format!("Error: {}", translate::node_message(e, syscall, path, target))
        }
        Runtime::Go => {
            let op = match operation {
                "unlink" | "rmdir" => "remove",
                "rename" | "mkdir" | "link" | "truncate" => operation,
                _ => "open",
            };
            match target {
                Some(t) => translate::go_link_error(e, op, path, t),
                None => translate::go_error(e, op, path),
            }
        }
        Runtime::Rust => translate::rust_error(e).display,
        Runtime::Java => java_message(tool, operation, e, path, target),
        Runtime::DotNet => {
            if e == Win32Error::ERROR_SHARING_VIOLATION {
                format!("System.IO.IOException: The process cannot access the file '{path}' because it is being used by another process.")
            } else {
                format!("System.UnauthorizedAccessException: Access to the path '{path}' is denied.")
            }
        }
        Runtime::Git => {
            let n = translate::crt_errno(e);
            let failed = format!("errno {} ({}): {}", n.windows_number(), n.name(), n.crt_strerror());
            // compat/mingw.c retries a file that is in use (ERROR_ACCESS_DENIED or
            // ERROR_SHARING_VIOLATION), then asks when it can.
            let in_use = matches!(e, Win32Error::ERROR_ACCESS_DENIED | Win32Error::ERROR_SHARING_VIOLATION);
            match (operation, target) {
                ("unlink", _) if in_use => {
                    format!("Unlink of file '{path}' failed. Should I try again? (y/n), then {failed}")
                }
                ("rename", Some(t)) if in_use => {
                    format!("Rename from '{path}' to '{t}' failed. Should I try again? (y/n), then {failed}")
                }
                _ => failed,
            }
        }
        Runtime::Crt => {
            let n = translate::crt_errno(e);
            format!("errno {} ({}): {}", n.windows_number(), n.name(), n.crt_strerror())
        }
        // Cygwin's errno (its own table), printed as rm and mv print it.
        Runtime::Cygwin => {
            let n = translate::cygwin_errno(e);
            format!("{}: {}", n.name(), n.linux_strerror())
        }
        // mapWindowsError's std::errc, printed through std::error_code::message().
        Runtime::Llvm => {
            let n = translate::crt_errno(e);
            format!(
                "std::error_code {} ({}): {}",
                n.windows_number(),
                n.name(),
                n.crt_strerror().to_lowercase()
            )
        }
    };
    (text, errno)
}

/// What a JVM shows for the Windows error `e` of `operation`, by the API that made the
/// call (`tool`: [`Tool::JavaIo`] or [`Tool::JavaNio`], told by the JNI library; a call
/// of neither is shown as NIO's). The JDK's native code drops the system message's final
/// period (`getLastErrorString`, `WindowsNativeDispatcher.FormatMessage`).
///
/// * `java.io` (OpenJDK `WinNTFileSystem_md.c`, `io_util_md.c`): `File.delete`,
///   `File.renameTo` and `File.mkdir` return `false`; `FileOutputStream` and
///   `RandomAccessFile` throw `FileNotFoundException("PATH (REASON)")`;
///   `RandomAccessFile.setLength` an `IOException` with the reason.
/// * `java.nio.file` (`WindowsException.translateToIOException`): `NoSuchFileException`,
///   `FileAlreadyExistsException`, `AccessDeniedException` with the names only
///   (`SOURCE -> TARGET` for a move), else `FileSystemException` with the reason;
///   `Files.delete` of a directory that is not empty: `DirectoryNotEmptyException`.
fn java_message(tool: Option<Tool>, operation: &str, e: Win32Error, path: &str, target: Option<&str>) -> String {
    use Win32Error::*;
    let reason = translate::message(e).trim_end_matches('.');
    if tool == Some(Tool::JavaIo) {
        return match operation {
            "unlink" | "rmdir" => "false (File.delete)".to_owned(),
            "rename" => "false (File.renameTo)".to_owned(),
            "mkdir" => "false (File.mkdir)".to_owned(),
            "open" => format!("java.io.FileNotFoundException: {path} ({reason})"),
            _ => format!("java.io.IOException: {reason}"),
        };
    }
    let names = match target {
        Some(t) => format!("{path} -> {t}"),
        None => path.to_owned(),
    };
    match e {
        ERROR_DIR_NOT_EMPTY | ERROR_ALREADY_EXISTS if matches!(operation, "unlink" | "rmdir") => {
            format!("java.nio.file.DirectoryNotEmptyException: {path}")
        }
        ERROR_FILE_NOT_FOUND | ERROR_PATH_NOT_FOUND => format!("java.nio.file.NoSuchFileException: {names}"),
        ERROR_FILE_EXISTS | ERROR_ALREADY_EXISTS => format!("java.nio.file.FileAlreadyExistsException: {names}"),
        ERROR_ACCESS_DENIED => format!("java.nio.file.AccessDeniedException: {names}"),
        _ => format!("java.nio.file.FileSystemException: {names}: {reason}"),
    }
}

/// How the runtime "fails" with `message`, for the human report.
fn verb(runtime: &str, message: &str) -> &'static str {
    if message.starts_with("false ") {
        return "would return";
    }
    match runtime {
        "python" | "java" | "dotnet" => "would raise",
        "node" => "would throw",
        "crt" | "git" | "llvm" | "cygwin" => "would fail with",
        _ => "would return",
    }
}

/// The per-finding output formats.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Format {
    Human,
    Json,
    Github,
    Sarif,
}

/// Sanitizer-style text, one block per finding.
pub fn human(f: &Finding) -> String {
    let p = format!("=={}==", f.pid);
    let mut s = String::new();
    let target = f.target.as_ref().map(|t| format!(", \"{t}\"")).unwrap_or_default();
    let _ = writeln!(
        s,
        "{p} winsan: {}: {}(\"{}\"{target}) by {}[{}]",
        f.kind, f.operation, f.path, f.process, f.pid
    );
    let _ = writeln!(
        s,
        "{p}   on Windows: {} -> {} ({})",
        f.windows_call, f.error, f.ntstatus
    );
    let _ = writeln!(
        s,
        "{p}   {} {}: {}",
        f.runtime,
        verb(&f.runtime, f.runtime_message()),
        f.runtime_message()
    );
    for (i, frame) in f.stack.iter().enumerate() {
        let _ = writeln!(s, "{p}   {} {frame}", if i == 0 { "at" } else { "  from" });
    }
    if f.stack_truncated {
        let _ = writeln!(s, "{p}     ... more frames, not read (the walk stops at its limit)");
    }
    for b in &f.blockers {
        let _ = writeln!(s, "{p}   in the way: {}", b.description);
    }
    let _ = writeln!(s, "{p}   rule: {}", f.rule);
    if let Some(caught) = f.caught_text() {
        let _ = writeln!(s, "{p}   caught: {caught}");
    }
    if f.enforced {
        let _ = writeln!(s, "{p}   enforced: the call failed in the program as on Windows");
    }
    s
}

/// The frame a finding is annotated at: the innermost with a line in the program's own
/// code, not in a dependency or the language's library (`node_modules`, `site-packages`,
/// a Python installation's `lib/python3.X`, cargo's registry and git checkouts wherever
/// `CARGO_HOME` is ([`crate::native::is_cargo_dependency`]: `/usr/local/cargo` in the
/// Rust project's Docker images), Go's module cache, Rust's std), where the program's
/// author can act; else the innermost with a line.
pub fn annotated(stack: &[crate::pyframe::PyFrame]) -> Option<&crate::pyframe::PyFrame> {
    const NOT_THE_PROGRAMS: [&str; 7] = [
        "/node_modules/",
        "/site-packages/",
        "/dist-packages/",
        "/lib/python3",
        "/.cargo/registry/",
        "/go/pkg/mod/",
        "/rustc/",
    ];
    let with_line = || stack.iter().filter(|s| s.line > 0);
    with_line()
        .find(|s| !NOT_THE_PROGRAMS.iter().any(|d| s.file.contains(d)) && !crate::native::is_cargo_dependency(&s.file))
        .or_else(|| with_line().next())
}

/// A GitHub Actions `::error` annotation, `::warning` for a finding the program catches
/// (it would not fail there on Windows).
/// With the caller's innermost source frame of its own code as the annotation's file and
/// line ([`annotated`]).
pub fn github(f: &Finding) -> String {
    let msg = human(f).replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A");
    let at = annotated(&f.stack)
        .map(|s| format!("file={},line={},", s.file.replace(',', "%2C"), s.line))
        .unwrap_or_default();
    let level = if f.caught.is_some() { "warning" } else { "error" };
    format!("::{level} {at}title=winsan {}::{}\n", f.kind, msg)
}

/// The summary line at exit.
pub fn summary(findings: &[Finding], exit: &str) -> String {
    if findings.is_empty() {
        return format!("winsan: no findings; {exit}");
    }
    let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
    for f in findings {
        *by_kind.entry(&f.kind).or_default() += 1;
    }
    let mut pids: Vec<u32> = findings.iter().map(|f| f.pid).collect();
    pids.sort_unstable();
    pids.dedup();
    let kinds: Vec<String> = by_kind.iter().map(|(k, n)| format!("{n} {k}")).collect();
    let caught = match findings.iter().filter(|f| f.caught.is_some()).count() {
        0 => String::new(),
        n if n == findings.len() && n == 1 => ", caught by the program".into(),
        n => format!(", {n} of them caught by the program"),
    };
    format!(
        "winsan: {} finding{} ({}) in {} process{}{caught}; {exit}",
        findings.len(),
        if findings.len() == 1 { "" } else { "s" },
        kinds.join(", "),
        pids.len(),
        if pids.len() == 1 { "" } else { "es" }
    )
}

/// The `--report` document (spec: `shared/spec/run.md`).
#[derive(Serialize)]
pub struct JsonReport<'a> {
    pub winsan: u32,
    pub command: Vec<String>,
    pub windows: String,
    pub delete: String,
    pub enforce: bool,
    pub exit_status: i32,
    pub findings: &'a [Finding],
}

/// A SARIF 2.1.0 log of the findings.
/// A SARIF location: the source line of the caller's innermost frame of its own code when
/// known (so code scanning annotates the program: [`annotated`]), otherwise the file
/// operated on.
fn location(f: &Finding) -> serde_json::Value {
    match annotated(&f.stack) {
        Some(s) => serde_json::json!({"physicalLocation": {
            "artifactLocation": {"uri": format!("file://{}", s.file)},
            "region": {"startLine": s.line.max(1)},
        }}),
        None => serde_json::json!({"physicalLocation": {"artifactLocation": {"uri": format!("file://{}", f.path)}}}),
    }
}

/// A finding the program catches is a `warning` (it would not fail there on Windows),
/// the others `error`s.
pub fn sarif(findings: &[Finding]) -> serde_json::Value {
    let results: Vec<serde_json::Value> = findings
        .iter()
        .map(|f| {
            let caught = f.caught_text().map(|c| format!(" Caught: {c}.")).unwrap_or_default();
            serde_json::json!({
                "ruleId": f.kind,
                "level": if f.caught.is_some() { "warning" } else { "error" },
                "message": {"text": format!("{}(\"{}\") by {}[{}]: {} -> {}. {}{caught}", f.operation, f.path, f.process, f.pid, f.windows_call, f.error, f.explanation)},
                "locations": [location(f)],
            })
        })
        .collect();
    let rules: Vec<serde_json::Value> = [
        Kind::SharingViolation,
        Kind::MappedFile,
        Kind::ImageInUse,
        Kind::ReadOnly,
        Kind::DeletePending,
        Kind::DirectoryNotEmpty,
        Kind::DirectoryInUse,
        Kind::RenameTargetInUse,
        Kind::RenameTargetExists,
    ]
    .iter()
    .map(|k| serde_json::json!({"id": k.as_str()}))
    .collect();
    serde_json::json!({
        "version": "2.1.0",
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "runs": [{"tool": {"driver": {"name": "winsan", "rules": rules}}, "results": results}],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    const SV: Win32Error = Win32Error::ERROR_SHARING_VIOLATION;

    #[test]
    fn annotations_point_at_the_programs_own_code() {
        let frame = |file: &str, line| crate::pyframe::PyFrame {
            file: file.into(),
            function: String::new(),
            line,
            at: Default::default(),
        };
        let stack = [
            frame("/app/node_modules/universalify/index.js", 8),
            frame("/root/.pyenv/versions/3.11.7/lib/python3.11/shutil.py", 0),
            frame("/usr/lib/python3.11/shutil.py", 725),
            frame("/app/src/clean.js", 21),
            frame("/app/src/main.js", 3),
        ];
        assert_eq!(annotated(&stack).unwrap().file, "/app/src/clean.js");
        // Only dependencies: the innermost with a line.
        assert_eq!(annotated(&stack[..3]).unwrap().line, 8);
        assert!(annotated(&stack[1..2]).is_none());
        // Cargo's registry under another CARGO_HOME (the rust Docker image's).
        let stack = [
            frame(
                "/usr/local/cargo/registry/src/index.crates.io-1949cf8c6b5b557f/tempfile-3.27.0/src/file/mod.rs",
                420,
            ),
            frame("/work/src/main.rs", 7),
        ];
        assert_eq!(annotated(&stack).unwrap().file, "/work/src/main.rs");
    }

    #[test]
    fn python_texts() {
        let (m, e) = translate(Runtime::Python, None, "unlink", SV, "/tmp/a", None);
        assert_eq!(m, "PermissionError: [WinError 32] The process cannot access the file because it is being used by another process: '/tmp/a'");
        assert_eq!(e, libc::EACCES);
        let (m, _) = translate(Runtime::Python, None, "open", SV, "/tmp/a", None);
        assert_eq!(m, "PermissionError: [Errno 13] Permission denied: '/tmp/a'");
    }

    #[test]
    fn node_codes() {
        let (m, e) = translate(Runtime::Node, None, "unlink", SV, "/tmp/a", None);
        assert_eq!(m, "Error: EBUSY: resource busy or locked, unlink '/tmp/a'");
        assert_eq!(e, libc::EBUSY);
        // A truncation fails in `ftruncate`, on the descriptor `fs.truncate` opened.
        let (m, _) = translate(Runtime::Node, None, "truncate", SV, "/tmp/a", None);
        assert_eq!(m, "Error: EBUSY: resource busy or locked, ftruncate");
        assert_eq!(
            translate(
                Runtime::Node,
                None,
                "unlink",
                Win32Error::ERROR_ACCESS_DENIED,
                "/a",
                None
            )
            .1,
            libc::EPERM
        );
        assert_eq!(
            translate(Runtime::Crt, None, "rmdir", Win32Error::ERROR_DIR_NOT_EMPTY, "/a", None).1,
            libc::ENOTEMPTY
        );
    }

    #[test]
    fn other_runtimes() {
        let (m, e) = translate(Runtime::Rust, None, "unlink", SV, "/a", None);
        assert_eq!(
            m,
            "The process cannot access the file because it is being used by another process. (os error 32)"
        );
        assert_eq!(e, libc::ENOLCK, "Uncategorized on Windows, Uncategorized on Linux");
        let (m, e) = translate(
            Runtime::Go,
            None,
            "rename",
            Win32Error::ERROR_ACCESS_DENIED,
            "/a",
            Some("/b"),
        );
        assert_eq!(m, "rename /a /b: Access is denied.");
        assert_eq!(e, libc::EACCES);
        let (m, _) = translate(Runtime::Crt, None, "unlink", SV, "/a", None);
        assert_eq!(m, "errno 13 (EACCES): Permission denied");
        let (m, _) = translate(
            Runtime::Python,
            None,
            "rename",
            Win32Error::ERROR_ACCESS_DENIED,
            "/a",
            Some("/b"),
        );
        assert_eq!(m, "PermissionError: [WinError 5] Access is denied: '/a' -> '/b'");
    }

    #[test]
    fn java_texts_by_api() {
        use Win32Error::*;
        let java = |tool, op, e, target| translate(Runtime::Java, tool, op, e, "/a", target).0;
        let (io, nio) = (Some(Tool::JavaIo), Some(Tool::JavaNio));
        assert_eq!(java(io, "unlink", SV, None), "false (File.delete)");
        assert_eq!(
            java(io, "rename", ERROR_ALREADY_EXISTS, Some("/b")),
            "false (File.renameTo)"
        );
        assert_eq!(java(io, "rename", SV, Some("/b")), "false (File.renameTo)");
        assert_eq!(
            java(io, "open", SV, None),
            "java.io.FileNotFoundException: /a (The process cannot access the file because it is being used by another process)"
        );
        assert_eq!(
            java(io, "truncate", ERROR_USER_MAPPED_FILE, None),
            "java.io.IOException: The requested operation cannot be performed on a file with a user-mapped section open"
        );
        assert_eq!(
            java(nio, "unlink", ERROR_ACCESS_DENIED, None),
            "java.nio.file.AccessDeniedException: /a"
        );
        assert_eq!(
            java(nio, "rename", ERROR_ACCESS_DENIED, Some("/b")),
            "java.nio.file.AccessDeniedException: /a -> /b"
        );
        assert_eq!(
            java(nio, "rmdir", ERROR_DIR_NOT_EMPTY, None),
            "java.nio.file.DirectoryNotEmptyException: /a"
        );
        assert_eq!(
            java(None, "unlink", SV, None),
            "java.nio.file.FileSystemException: /a: The process cannot access the file because it is being used by another process"
        );
        assert_eq!(verb("java", "false (File.delete)"), "would return");
    }
}
