//! Which language runtime a process is, and what that runtime does on Windows: the share
//! mode its opens use and the Win32 calls behind its delete and rename.
//!
//! Facts from `shared/research/runtimes-and-anchors.md` §3: CPython, the C runtime, Go,
//! Java's `java.io` and .NET open without `FILE_SHARE_DELETE`; Rust std and Node/libuv
//! share delete.

use std::collections::HashMap;
use std::io::Read;
use winsan_model::consts::share::*;

pub use winsan_model::translate::Runtime;

/// The `--runtime` spellings besides `auto`.
pub const NAMES: &[&str] = &["crt", "python", "rust", "go", "node", "java", "dotnet", "git"];

/// Parse a `--runtime` value (not `auto`).
pub fn parse(s: &str) -> Result<Runtime, String> {
    Runtime::from_name(s)
        .ok_or_else(|| format!("unknown runtime `{s}` (expected auto or one of: {})", NAMES.join(", ")))
}

/// What a runtime does on Windows that decides sharing: the share mode of its opens and
/// whether its mappings keep a handle. (Its error texts are in `winsan_model::translate`.)
pub trait OnWindows {
    /// The share mode of an ordinary open by this runtime on Windows.
    fn share_mode(self) -> u32;
    /// Why [`OnWindows::share_mode`] is what it is, for reports.
    fn share_why(self) -> &'static str;
    /// A memory mapping made by this runtime keeps its own file handle on Windows
    /// (CPython's mmap duplicates the handle "so the Python code can close it on us").
    fn mapping_keeps_handle(self) -> bool;
}

impl OnWindows for Runtime {
    fn share_mode(self) -> u32 {
        match self {
            Runtime::Rust | Runtime::Node => FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
            // FileStream's default FileShare.Read
            Runtime::DotNet => FILE_SHARE_READ,
            Runtime::Crt | Runtime::Python | Runtime::Go | Runtime::Java | Runtime::Git => {
                FILE_SHARE_READ | FILE_SHARE_WRITE
            }
        }
    }

    fn share_why(self) -> &'static str {
        match self {
            Runtime::Crt => "no FILE_SHARE_DELETE: the C runtime's default",
            Runtime::Python => "no FILE_SHARE_DELETE: CPython opens through the C runtime",
            Runtime::Go => "no FILE_SHARE_DELETE: Go's syscall.Open",
            Runtime::Java => "no FILE_SHARE_DELETE: java.io streams",
            Runtime::DotNet => "FileShare.Read: .NET FileStream's default",
            Runtime::Rust => "shares delete: Rust std's default",
            Runtime::Node => "shares delete: libuv's default",
            Runtime::Git => "no FILE_SHARE_DELETE: Git for Windows opens through the C runtime",
        }
    }

    fn mapping_keeps_handle(self) -> bool {
        self == Runtime::Python
    }
}

/// The runtime of an executable, from its name, or from its ELF sections.
pub fn detect(exe_path: &str, argv0: Option<&str>) -> Runtime {
    let base = |p: &str| p.rsplit('/').next().unwrap_or(p).to_owned();
    for name in std::iter::once(base(exe_path)).chain(argv0.map(base)) {
        if let Some(r) = by_name(&name) {
            return r;
        }
    }
    elf_runtime(exe_path).unwrap_or(Runtime::Crt)
}

fn by_name(name: &str) -> Option<Runtime> {
    let n = name.trim_end_matches(" (deleted)");
    if n == "python" || n.starts_with("python3") || n.starts_with("pypy") {
        return Some(Runtime::Python);
    }
    match n {
        "node" | "nodejs" => Some(Runtime::Node),
        "java" => Some(Runtime::Java),
        "dotnet" => Some(Runtime::DotNet),
        // git and its helpers (git-remote-https, git-upload-pack...), as Git for Windows
        // builds them all on compat/mingw.c.
        _ if n == "git" || n.starts_with("git-") => Some(Runtime::Git),
        _ => None,
    }
}

/// Reads the ELF section names: `.go.buildinfo` marks Go; a `.comment` that says
/// `rustc version` marks Rust (rustc writes it into every object it emits).
fn elf_runtime(path: &str) -> Option<Runtime> {
    let mut f = std::fs::File::open(path).ok()?;
    let mut hdr = [0u8; 64];
    f.read_exact(&mut hdr).ok()?;
    if &hdr[..4] != b"\x7fELF" || hdr[4] != 2 || hdr[5] != 1 {
        return None; // only 64-bit little-endian
    }
    let u16at = |b: &[u8], o: usize| u16::from_le_bytes([b[o], b[o + 1]]) as usize;
    let u32at = |b: &[u8], o: usize| u32::from_le_bytes(b[o..o + 4].try_into().unwrap()) as usize;
    let u64at = |b: &[u8], o: usize| u64::from_le_bytes(b[o..o + 8].try_into().unwrap()) as usize;
    let shoff = u64at(&hdr, 0x28);
    let shentsize = u16at(&hdr, 0x3A);
    let shnum = u16at(&hdr, 0x3C);
    let shstrndx = u16at(&hdr, 0x3E);
    if shentsize != 64 || shnum == 0 || shnum > 4096 || shstrndx >= shnum {
        return None;
    }
    use std::os::unix::fs::FileExt;
    let mut sh = vec![0u8; shnum * 64];
    f.read_exact_at(&mut sh, shoff as u64).ok()?;
    let strtab = &sh[shstrndx * 64..shstrndx * 64 + 64];
    let (stroff, strsize) = (u64at(strtab, 0x18), u64at(strtab, 0x20));
    if strsize > 1 << 20 {
        return None;
    }
    let mut names = vec![0u8; strsize];
    f.read_exact_at(&mut names, stroff as u64).ok()?;
    let name_of = |i: usize| {
        let o = u32at(&sh, i * 64);
        let end = names[o.min(names.len())..].iter().position(|&b| b == 0)?;
        std::str::from_utf8(&names[o..o + end]).ok()
    };
    let mut comment = None;
    for i in 0..shnum {
        match name_of(i) {
            Some(".go.buildinfo") | Some(".gopclntab") | Some(".note.go.buildid") => return Some(Runtime::Go),
            Some(".comment") => comment = Some(i),
            _ => {}
        }
    }
    let i = comment?;
    let s = &sh[i * 64..i * 64 + 64];
    let (off, size) = (u64at(s, 0x18), u64at(s, 0x20).min(4096));
    let mut buf = vec![0u8; size];
    f.read_exact_at(&mut buf, off as u64).ok()?;
    buf.windows(13).any(|w| w == b"rustc version").then_some(Runtime::Rust)
}

/// Runtime per executable, so a program started many times is inspected once.
#[derive(Default)]
pub struct RuntimeCache {
    by_exe: HashMap<(u64, u64, String), Runtime>,
}

impl RuntimeCache {
    /// The runtime of process `pid` (a TID works too), from `/proc/PID/exe`.
    pub fn of_pid(&mut self, pid: u32) -> Runtime {
        use std::os::unix::fs::MetadataExt;
        let exe = std::fs::read_link(format!("/proc/{pid}/exe"))
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        let key = match std::fs::metadata(format!("/proc/{pid}/exe")) {
            Ok(m) => (m.dev(), m.ino(), String::new()),
            Err(_) => (0, 0, exe.clone()),
        };
        if let Some(&r) = self.by_exe.get(&key) {
            return r;
        }
        let argv0 = std::fs::read(format!("/proc/{pid}/cmdline")).ok().and_then(|c| {
            c.split(|&b| b == 0)
                .next()
                .map(|s| String::from_utf8_lossy(s).into_owned())
        });
        // Read the ELF through /proc so a deleted or replaced executable still works.
        let r = match by_name(exe.rsplit('/').next().unwrap_or("")) {
            Some(r) => r,
            None => {
                let by_argv0 = argv0
                    .as_deref()
                    .and_then(|a| by_name(a.rsplit('/').next().unwrap_or(a)));
                by_argv0
                    .or_else(|| elf_runtime(&format!("/proc/{pid}/exe")))
                    .unwrap_or(Runtime::Crt)
            }
        };
        self.by_exe.insert(key, r);
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(crate::runtime::detect("/usr/bin/python3.11", None), Runtime::Python);
        assert_eq!(crate::runtime::detect("/usr/bin/node", None), Runtime::Node);
        assert_eq!(crate::runtime::detect("/nonexistent/sh", None), Runtime::Crt);
        assert_eq!(crate::runtime::detect("/usr/bin/git", None), Runtime::Git);
        assert_eq!(
            crate::runtime::detect("/usr/lib/git-core/git-remote-https", None),
            Runtime::Git
        );
        assert_eq!(crate::runtime::detect("/nonexistent/gitk", None), Runtime::Crt);
    }

    #[test]
    fn our_own_test_binary_is_rust() {
        let me = std::env::current_exe().unwrap();
        assert_eq!(
            crate::runtime::detect(me.to_str().unwrap(), None),
            Runtime::Rust,
            "rustc writes `rustc version` into .comment"
        );
    }

    #[test]
    fn a_c_binary_is_crt() {
        if std::path::Path::new("/bin/true").exists() {
            assert_eq!(crate::runtime::detect("/bin/true", None), Runtime::Crt);
        }
    }
}
