//! Which language runtime a process is, and what that runtime does on Windows: the share
//! mode its opens use and the Win32 calls behind its delete and rename.
//!
//! Facts from `shared/research/runtimes-and-anchors.md` §3: CPython, the C runtime, Go,
//! Java's `java.io` and .NET open without `FILE_SHARE_DELETE`; Rust std and Node/libuv
//! share delete.

use crate::oracle::{FileSpec, Op, Tool};
use std::collections::HashMap;
use winsan_model::consts::share::*;

pub use winsan_model::translate::Runtime;

/// The `--runtime` spellings besides `auto`.
pub const NAMES: &[&str] = &[
    "crt", "python", "rust", "go", "node", "java", "dotnet", "git", "llvm", "cygwin",
];

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
    /// The share mode of the handle a process of this runtime keeps on its working
    /// directory: `SetCurrentDirectoryW` shares read and write; Cygwin reopens it sharing
    /// everything so that it can be deleted (`cwdstuff::set`, `winsup/cygwin/path.cc`).
    fn cwd_share_mode(self) -> u32;
}

impl OnWindows for Runtime {
    fn share_mode(self) -> u32 {
        match self {
            Runtime::Rust | Runtime::Node | Runtime::Llvm | Runtime::Cygwin => {
                FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE
            }
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
            Runtime::Llvm => "shares delete: LLVM's openNativeFile",
            Runtime::Cygwin => "shares everything: Cygwin/MSYS2 opens with FILE_SHARE_VALID_FLAGS",
        }
    }

    fn mapping_keeps_handle(self) -> bool {
        // LLVM's mapped_file_region keeps a duplicate of the file handle to flush it.
        matches!(self, Runtime::Python | Runtime::Llvm)
    }

    fn cwd_share_mode(self) -> u32 {
        match self {
            Runtime::Cygwin => FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
            _ => FILE_SHARE_READ | FILE_SHARE_WRITE,
        }
    }
}

/// The shells and POSIX tools a shell script runs, which on Windows are the MSYS2 builds
/// Git for Windows ships (`usr/bin`: what Git Bash and GitHub Actions' `shell: bash` on
/// Windows run): they are [`Runtime::Cygwin`] programs there.
const POSIX_TOOLS: &[&str] = &[
    "sh", "bash", "dash", "zsh", "ksh", "mksh", "rm", "mv", "cp", "ln", "install", "mkdir", "rmdir", "touch", "cat",
    "tee", "chmod", "dd", "truncate", "split", "mktemp", "shred", "sort", "sed", "awk", "gawk", "grep", "find",
    "xargs", "tar", "gzip", "gunzip", "bzip2", "xz", "unzip", "patch", "diff", "cmp", "head", "tail", "cut", "tr",
    "wc", "uniq", "env", "nohup", "timeout", "sleep", "perl",
];

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
        // LLVM's tools, whether linked to libLLVM (found by `elf_runtime` too) or static.
        "clang" | "clang++" | "clang-cl" | "opt" | "llc" => Some(Runtime::Llvm),
        _ if is_lld(n) => Some(Runtime::Llvm),
        _ if n.starts_with("clang-") || n.starts_with("llvm-") => Some(Runtime::Llvm),
        "dotnet" => Some(Runtime::DotNet),
        // git and its helpers (git-remote-https, git-upload-pack...), as Git for Windows
        // builds them all on compat/mingw.c.
        _ if n == "git" || n.starts_with("git-") => Some(Runtime::Git),
        _ if POSIX_TOOLS.contains(&n) => Some(Runtime::Cygwin),
        _ => None,
    }
}

/// Reads the ELF section names: `.go.buildinfo` marks Go; a `.comment` that says
/// `rustc version` marks Rust (rustc writes it into every object it emits). Otherwise the
/// libraries it needs (`DT_NEEDED`): `libjli.so` is the JDK's launcher library (`java`,
/// `javac`, `jar`, `jshell`... are all launchers of one JVM) and `libjvm.so` the JVM
/// itself; `libLLVM` marks a program built on LLVM's Support library.
fn elf_runtime(path: &str) -> Option<Runtime> {
    let elf = crate::elf::Elf::open(std::fs::File::open(path).ok()?)?;
    let names = elf.section_names()?;
    if names
        .iter()
        .any(|n| matches!(n.as_str(), ".go.buildinfo" | ".gopclntab" | ".note.go.buildid"))
    {
        return Some(Runtime::Go);
    }
    if let Some(comment) = names.iter().position(|n| n == ".comment") {
        if elf.contents(comment, 4096)?.windows(13).any(|w| w == b"rustc version") {
            return Some(Runtime::Rust);
        }
    }
    elf.needed()?.iter().find_map(|lib| {
        if lib.starts_with(b"libjli.so") || lib.starts_with(b"libjvm.so") {
            Some(Runtime::Java)
        } else if lib.starts_with(b"libLLVM") {
            Some(Runtime::Llvm)
        } else {
            None
        }
    })
}

/// A POSIX IPC object: glibc keeps `sem_open` semaphores (`sem.NAME`) and `shm_open`
/// memory directly in `/dev/shm`, and multiprocessing unlinks its semaphores as soon as
/// they exist. Their Windows counterparts are kernel objects (CPython's `SemLock` is a
/// `CreateSemaphore`, shared memory a pagefile-backed `CreateFileMapping`), not files, so
/// nothing done to these names is a Windows file operation. (Files in directories below
/// `/dev/shm` are ordinary files.)
pub fn is_posix_ipc_object(path: &str) -> bool {
    path.strip_prefix("/dev/shm/").is_some_and(|name| !name.contains('/'))
}

/// SQLite's WAL index (`DB-shm`) deleted by the connection that closes it last. The Unix
/// VFS unlinks it while it still has it open and mapped (`unixShmPurge`/`unixShmUnmap` in
/// `os_unix.c`); the Windows VFS unmaps and closes it first and deletes it then
/// (`winShmPurge` in `os_win.c`). Only when the caller itself is all that holds it, and
/// not from a Python `shutil` frame (an `rmtree` of the database's directory while the
/// connection is still open, which fails on Windows); the supervisor also leaves out a
/// Python caller's own `os.remove` of the file.
pub fn is_sqlite_shm_close(path: &str, only_the_caller_holds_it: bool, stack: &[crate::pyframe::PyFrame]) -> bool {
    only_the_caller_holds_it && path.ends_with("-shm") && !stack.iter().any(|f| f.file.ends_with("/shutil.py"))
}

/// A temporary file of SQLite's Unix VFS (`etilqs_` and random characters, in the temp
/// directory: sorts, indexes, `VACUUM`), which it unlinks at once while it keeps it open
/// (`unixOpen` in `os_unix.c`, `isDelete`). The Windows VFS opens these with
/// `FILE_FLAG_DELETE_ON_CLOSE` and never deletes them by name (`winOpen` in `os_win.c`).
/// Only when the caller itself is all that holds it.
pub fn is_sqlite_temp_file(path: &str) -> bool {
    path.rsplit('/').next().is_some_and(|name| name.starts_with("etilqs_"))
}

/// A SQLite database (its header, "SQLite format 3" and a NUL, at offset 0), or its WAL or
/// WAL index. SQLite truncates a database it has memory-mapped (`PRAGMA mmap_size`;
/// incremental vacuum, checkpoints): on Windows `winTruncate` (`os_win.c`) unmaps the file
/// first and remaps it after, and ignores `ERROR_USER_MAPPED_FILE`, so its own mapping is
/// never in the way. Only when the caller itself is all that holds it.
pub fn is_sqlite_database(path: &str) -> bool {
    use std::io::Read;
    let base = sqlite_base(path);
    use std::os::unix::fs::OpenOptionsExt;
    let mut header = [0u8; 16];
    // Without blocking on a FIFO or taking a terminal; only a regular file is read.
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(base)
        .and_then(|f| {
            if !f.metadata()?.is_file() {
                return Err(std::io::ErrorKind::InvalidInput.into());
            }
            Ok(f)
        })
        .and_then(|mut f| f.read_exact(&mut header))
        .is_ok_and(|_| &header == SQLITE_HEADER)
}

/// The database of a SQLite file: `x.db` of `x.db-wal` and `x.db-shm`, else the path.
pub fn sqlite_base(path: &str) -> &str {
    path.strip_suffix("-wal")
        .or_else(|| path.strip_suffix("-shm"))
        .unwrap_or(path)
}

/// The 16 bytes a SQLite database begins with.
pub const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// A read-only delete inside a Python `rmtree` whose error handler clears the attribute and
/// tries again, so that the program recovers on Windows: `TemporaryDirectory`'s cleanup
/// (`tempfile.py` `_rmtree`, whose handler chmods and retries on `PermissionError`) and
/// pytest's `rm_rf` (`_pytest/pathlib.py`, `on_rm_rf_error`).
pub fn rmtree_recovers_read_only(stack: &[crate::pyframe::PyFrame]) -> bool {
    stack.iter().any(|f| {
        (f.file.ends_with("/tempfile.py") && f.function == "_rmtree")
            || (f.file.ends_with("/_pytest/pathlib.py") && f.function == "rm_rf")
    })
}

/// A library inside a process that opens files itself, with a share mode of its own on
/// Windows whatever the runtime around it does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Library {
    /// SQLite, compiled into the program (rusqlite, better-sqlite3, `node:sqlite`) or
    /// linked: its Windows VFS opens the database and its WAL sharing read and write
    /// (`os_win.c`, `winOpen`).
    Sqlite,
    /// Java NIO: `WindowsChannelFactory` opens sharing read, write and delete (unless the
    /// program asks for `ExtendedOpenOption.NOSHARE_*`).
    JavaNio,
    /// Go's `os.Root` (Go 1.24 and later): on Windows its opens go through
    /// `internal/syscall/windows.Openat`, which shares read, write and delete; on Linux
    /// they are `openat` with `O_NOFOLLOW` (`os/root_unix.go`), which Go's other opens
    /// do not ask for.
    GoRoot,
}

impl Library {
    pub fn share_mode(self) -> u32 {
        match self {
            Library::Sqlite => FILE_SHARE_READ | FILE_SHARE_WRITE,
            Library::JavaNio | Library::GoRoot => FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
        }
    }

    /// Why [`Library::share_mode`] is what it is, for reports.
    pub fn share_why(self) -> &'static str {
        match self {
            Library::Sqlite => "no FILE_SHARE_DELETE: SQLite's Windows VFS (winOpen) shares read/write",
            Library::JavaNio => "shares delete: java.nio opens with FILE_SHARE_DELETE (WindowsChannelFactory)",
            Library::GoRoot => "shares delete: Go's os.Root opens with FILE_SHARE_DELETE (windows.Openat)",
        }
    }

    /// The name a report gives as the handle's runtime.
    pub fn name(self) -> &'static str {
        match self {
            Library::Sqlite => "sqlite",
            Library::JavaNio => "java",
            Library::GoRoot => "go",
        }
    }
}

/// Which [`Tool`] the caller is, for this operation: lld (by name, an LLVM program); the
/// go command (`go`, a Go program) renaming a build output out of its work directory
/// (`$WORK`: a `go-build*` directory in the temp directory, `cmd/go/internal/work`); a
/// Rust program renaming a file named as the `tempfile` crate names a `NamedTempFile`
/// (`.tmp` and six random letters or digits: `Builder`'s defaults), which is its persist.
/// `comm` (`/proc/PID/comm`) is read only for the runtimes that need it.
pub fn tool(rt: Runtime, comm: impl FnOnce() -> String, files: &[FileSpec], op: &Op) -> Option<Tool> {
    let tempfile_name = |path: &str| {
        let name = path.rsplit('/').next().unwrap_or(path);
        name.strip_prefix(".tmp")
            .is_some_and(|r| r.len() == 6 && r.bytes().all(|b| b.is_ascii_alphanumeric()))
    };
    match (rt, op) {
        (Runtime::Llvm, _) => is_lld(&comm()).then_some(Tool::Lld),
        (Runtime::Rust, Op::Rename { from, .. }) => tempfile_name(&files[*from].path).then_some(Tool::TempfilePersist),
        (Runtime::Go, Op::Rename { from, .. }) => {
            let from_work = files[*from].path.split('/').any(|c| c.starts_with("go-build"));
            (from_work && comm() == "go").then_some(Tool::GoCommandOutput)
        }
        _ => None,
    }
}

/// The linker lld, by the names it is run under (`/proc/PID/comm`, at most 15 bytes).
pub fn is_lld(comm: &str) -> bool {
    matches!(
        comm,
        "rust-lld" | "lld" | "ld.lld" | "ld64.lld" | "lld-link" | "wasm-ld"
    )
}

/// Whether `path` is the performance-data file of the JVM `pid`:
/// `<tmpdir>/hsperfdata_<user>/<pid>`.
///
/// HotSpot on Linux maps that file and unlinks it when the JVM exits
/// (`perfMemory_posix.cpp`), so every JVM would seem to delete a mapped file. Its Windows
/// build makes no such call: it creates the file with `FILE_FLAG_DELETE_ON_CLOSE`, sharing
/// read and delete, and only closes its handles at exit, leaving the deletion to the last
/// close (`perfMemory_windows.cpp`, `create_sharedmem_resources` and
/// `delete_file_mapping`). The JVM's own unlink of it is therefore not a Windows call.
pub fn is_jvm_perf_data(path: &str, pid: u32) -> bool {
    let mut parts = path.rsplit('/');
    let (Some(name), Some(dir)) = (parts.next(), parts.next()) else {
        return false;
    };
    dir.starts_with("hsperfdata_") && name.parse::<u32>() == Ok(pid)
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
        let meta = std::fs::metadata(format!("/proc/{pid}/exe"));
        if let Ok(m) = &meta {
            if let Some(&r) = self.by_exe.get(&(m.dev(), m.ino(), String::new())) {
                return r;
            }
        }
        let exe = std::fs::read_link(format!("/proc/{pid}/exe"))
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        let key = match meta {
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
        assert_eq!(crate::runtime::detect("/nonexistent/sh", None), Runtime::Cygwin);
        assert_eq!(crate::runtime::detect("/usr/bin/rm", None), Runtime::Cygwin);
        assert_eq!(crate::runtime::detect("/nonexistent/cc1", None), Runtime::Crt);
        assert_eq!(crate::runtime::detect("/usr/bin/git", None), Runtime::Git);
        assert_eq!(
            crate::runtime::detect("/usr/lib/git-core/git-remote-https", None),
            Runtime::Git
        );
        assert_eq!(crate::runtime::detect("/nonexistent/gitk", None), Runtime::Crt);
        assert_eq!(crate::runtime::detect("/nonexistent/ld.lld", None), Runtime::Llvm);
        assert_eq!(crate::runtime::detect("/nonexistent/clang-16", None), Runtime::Llvm);
        assert_eq!(crate::runtime::detect("/nonexistent/ld", None), Runtime::Crt);
    }

    /// The toolchain's own linker: `rust-lld` needs `libLLVM.so`; renamed, it is still
    /// found by what it links.
    #[test]
    fn rust_lld_is_llvm_by_what_it_links() {
        let Some(sysroot) = std::process::Command::new("rustc")
            .args(["--print", "sysroot"])
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        else {
            return;
        };
        let Some(lld) = std::fs::read_dir(format!("{sysroot}/lib/rustlib"))
            .into_iter()
            .flatten()
            .flatten()
            .map(|d| d.path().join("bin/rust-lld"))
            .find(|p| p.exists())
        else {
            eprintln!("SKIP: no rust-lld in {sysroot}");
            return;
        };
        assert_eq!(elf_runtime(lld.to_str().unwrap()), Some(Runtime::Llvm));
    }

    /// Every JDK tool is a launcher of the JVM (`libjli.so`), whatever its name.
    #[test]
    fn jdk_launchers_are_java() {
        let Ok(javac) = std::fs::canonicalize("/usr/bin/javac") else {
            eprintln!("SKIP: no javac here");
            return;
        };
        assert_eq!(elf_runtime(javac.to_str().unwrap()), Some(Runtime::Java));
        assert_eq!(detect(javac.to_str().unwrap(), None), Runtime::Java);
    }

    #[test]
    fn posix_ipc_objects() {
        assert!(is_posix_ipc_object("/dev/shm/sem.mp-abc123"));
        assert!(is_posix_ipc_object("/dev/shm/psm_1234"));
        assert!(!is_posix_ipc_object("/dev/shm/work/sem.x"), "an ordinary file below");
        assert!(!is_posix_ipc_object("/tmp/sem.x"));
    }

    #[test]
    fn jvm_perf_data() {
        assert!(is_jvm_perf_data("/tmp/hsperfdata_root/4242", 4242));
        assert!(
            !is_jvm_perf_data("/tmp/hsperfdata_root/4242", 4243),
            "another JVM's file"
        );
        assert!(!is_jvm_perf_data("/tmp/hsperfdata_root/4242x", 4242));
        assert!(!is_jvm_perf_data("/tmp/data/4242", 4242));
        assert!(!is_jvm_perf_data("4242", 4242));
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
