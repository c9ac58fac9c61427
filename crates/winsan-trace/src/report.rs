//! Findings and how they are shown: sanitizer-style text, JSON, GitHub annotations, SARIF.
//!
//! [`translate`] holds the per-runtime error texts and the errno `--enforce` answers with.
//! It is the one function to switch over to `winsan_model::translate` when that lands.

use crate::oracle::Kind;
use crate::runtime::Runtime;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;

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
    pub runtime: String,
    pub path: String,
    /// One line for people, e.g. `fd 3 of python3[4242], opened read/write, ...`.
    #[serde(skip)]
    pub description: String,
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
}

impl Finding {
    /// Same operation on the same path by the same process, in the way of the same holders.
    pub fn same_as(&self, o: &Finding) -> bool {
        self.kind == o.kind
            && self.operation == o.operation
            && self.path == o.path
            && self.target == o.target
            && self.pid == o.pid
            && self.windows_call == o.windows_call
            && self.blockers == o.blockers
    }

    pub fn runtime_message(&self) -> &str {
        self.message.values().next().map(String::as_str).unwrap_or("")
    }
}

/// The Win32 error message text (FormatMessage, en-US).
pub fn win32_text(code: u32) -> &'static str {
    match code {
        5 => "Access is denied.",
        32 => "The process cannot access the file because it is being used by another process.",
        145 => "The directory is not empty.",
        183 => "Cannot create a file when that file already exists.",
        1224 => "The requested operation cannot be performed on a file with a user-mapped section open.",
        _ => "The operation failed.",
    }
}

/// What the caller's runtime would show for the Windows error, and the errno `--enforce`
/// answers with so that the program's own error handling runs.
pub fn translate(runtime: Runtime, operation: &str, win32: u32, path: &str, target: Option<&str>) -> (String, i32) {
    let text = win32_text(win32);
    let bare = text.trim_end_matches('.');
    let paths = match target {
        Some(t) => format!("'{path}' -> '{t}'"),
        None => format!("'{path}'"),
    };
    let crt_errno = match win32 {
        145 => libc::ENOTEMPTY,
        1224 => libc::EINVAL,
        _ => libc::EACCES,
    };
    match runtime {
        Runtime::Python => {
            if operation == "open" {
                let (cls, errno, s) = if win32 == 1224 {
                    ("OSError", libc::EINVAL, "Invalid argument")
                } else {
                    ("PermissionError", libc::EACCES, "Permission denied")
                };
                (format!("{cls}: [Errno {errno}] {s}: '{path}'"), errno)
            } else {
                let cls = match win32 {
                    5 | 32 => "PermissionError",
                    183 => "FileExistsError",
                    _ => "OSError",
                };
                (format!("{cls}: [WinError {win32}] {bare}: {paths}"), crt_errno)
            }
        }
        Runtime::Node => {
            let (code, errno, s) = match win32 {
                32 => ("EBUSY", libc::EBUSY, "resource busy or locked"),
                145 => ("ENOTEMPTY", libc::ENOTEMPTY, "directory not empty"),
                183 => ("EEXIST", libc::EEXIST, "file already exists"),
                _ => ("EPERM", libc::EPERM, "operation not permitted"),
            };
            let syscall = match operation {
                "unlink" => "unlink",
                "rmdir" => "rmdir",
                "rename" => "rename",
                "mkdir" => "mkdir",
                _ => "open",
            };
            let p = match target {
                Some(t) => format!("'{path}' -> '{t}'"),
                None => format!("'{path}'"),
            };
            (format!("Error: {code}: {s}, {syscall} {p}"), errno)
        }
        Runtime::Go => {
            let verb = match operation {
                "unlink" | "rmdir" => "remove",
                "rename" => "rename",
                "mkdir" => "mkdir",
                _ => "open",
            };
            let p = match target {
                Some(t) => format!("{path} {t}"),
                None => path.to_owned(),
            };
            (format!("{verb} {p}: {text}"), crt_errno)
        }
        Runtime::Rust => (format!("{bare}. (os error {win32})"), crt_errno),
        Runtime::Java => (format!("java.nio.file.FileSystemException: {path}: {bare}"), crt_errno),
        Runtime::Dotnet => {
            let m = if win32 == 32 {
                format!("System.IO.IOException: The process cannot access the file '{path}' because it is being used by another process.")
            } else {
                format!("System.UnauthorizedAccessException: Access to the path '{path}' is denied.")
            };
            (m, crt_errno)
        }
        Runtime::Crt => {
            let name = match crt_errno {
                libc::ENOTEMPTY => "ENOTEMPTY",
                libc::EINVAL => "EINVAL",
                _ => "EACCES",
            };
            (
                format!(
                    "errno {crt_errno} ({name}): {}",
                    std::io::Error::from_raw_os_error(crt_errno)
                        .to_string()
                        .split(" (os error")
                        .next()
                        .unwrap_or("")
                ),
                crt_errno,
            )
        }
    }
}

/// How the runtime "fails", for the human report.
fn verb(runtime: &str) -> &'static str {
    match runtime {
        "python" | "java" | "dotnet" => "would raise",
        "node" => "would throw",
        "crt" => "would fail with",
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
    let _ = writeln!(s, "{p}   {} {}: {}", f.runtime, verb(&f.runtime), f.runtime_message());
    for b in &f.blockers {
        let _ = writeln!(s, "{p}   in the way: {}", b.description);
    }
    let _ = writeln!(s, "{p}   rule: {}", f.rule);
    if f.enforced {
        let _ = writeln!(s, "{p}   enforced: the call failed in the program as on Windows");
    }
    s
}

/// A GitHub Actions `::error` annotation.
pub fn github(f: &Finding) -> String {
    let msg = human(f).replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A");
    format!("::error title=winsan {}::{}\n", f.kind, msg)
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
    format!(
        "winsan: {} finding{} ({}) in {} process{}; {exit}",
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
pub fn sarif(findings: &[Finding]) -> serde_json::Value {
    let results: Vec<serde_json::Value> = findings
        .iter()
        .map(|f| {
            serde_json::json!({
                "ruleId": f.kind,
                "level": "error",
                "message": {"text": format!("{}(\"{}\") by {}[{}]: {} -> {}. {}", f.operation, f.path, f.process, f.pid, f.windows_call, f.error, f.explanation)},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": format!("file://{}", f.path)}}}],
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

    #[test]
    fn python_texts() {
        let (m, e) = translate(Runtime::Python, "unlink", 32, "/tmp/a", None);
        assert_eq!(m, "PermissionError: [WinError 32] The process cannot access the file because it is being used by another process: '/tmp/a'");
        assert_eq!(e, libc::EACCES);
        let (m, _) = translate(Runtime::Python, "open", 32, "/tmp/a", None);
        assert_eq!(m, "PermissionError: [Errno 13] Permission denied: '/tmp/a'");
    }

    #[test]
    fn node_codes() {
        let (m, e) = translate(Runtime::Node, "unlink", 32, "/tmp/a", None);
        assert_eq!(m, "Error: EBUSY: resource busy or locked, unlink '/tmp/a'");
        assert_eq!(e, libc::EBUSY);
        assert_eq!(translate(Runtime::Node, "unlink", 5, "/a", None).1, libc::EPERM);
        assert_eq!(translate(Runtime::Crt, "rmdir", 145, "/a", None).1, libc::ENOTEMPTY);
    }
}
