//! The supervisor: start the program under the filter, answer every trapped call, reap
//! the tree, and hand over to a helper if descendants outlive the program.
//!
//! ```text
//! main thread: socketpair → spawn (pre_exec: NNP, filter, send listener) → reap loop
//! notif thread: recv listener → SYNC_WAKE_UP → loop { RECV; decode; read paths; stat;
//!               lease probe; if held: /proc scan, ID_VALID, oracle, report; SEND }
//! ```

use crate::gosource::GoSources;
use crate::gostack::{self, GoStacks};
use crate::java::{JavaApi, JavaCallers};
use crate::jssource::JsSources;
use crate::libuv::LibuvVersions;
use crate::native::{self, NativeSources, NativeStacks};
use crate::oracle::{self, FileSpec, Hold, HolderSpec, Op, Situation};
use crate::procscan::{self, FileId, LinuxHolder};
use crate::pyframe::{self, PyFrames};
use crate::pysource;
use crate::report::{self, BlockerReport, Caught, Finding, Format};
use crate::runtime::{self, Library, OnWindows, Runtime, RuntimeCache};
use crate::sys::{self, Exit, Listener, Notif, Ready, Stat};
use crate::syscalls::{self, Call};
use crate::v8stack::{self, V8Stacks};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ffi::{CStr, CString, OsString};
use std::io::Write;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::CommandExt;
use std::os::unix::thread::JoinHandleExt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use winsan_model::{Config, DeleteSemantics, FileSystem, Win32Error};

/// What `winsan run` was asked to do.
#[derive(Clone, Debug)]
pub struct Options {
    pub command: Vec<OsString>,
    pub config: Config,
    /// `None`: detect per process.
    pub runtime: Option<Runtime>,
    pub enforce: bool,
    pub format: Format,
    pub quiet: bool,
    /// No per-finding output for the findings the program catches (they are still
    /// findings: in the report, the summary and the exit status).
    pub hide_caught: bool,
    /// How long to keep supervising descendants after the program exits before handing
    /// the listener to a helper.
    pub linger: Duration,
    /// How "is anyone holding this file?" is asked before the `/proc` scan.
    pub holders: HolderProbe,
}

/// How the supervisor tells whether anyone holds a file, before it reads `/proc` to find
/// who.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum HolderProbe {
    /// A write lease (`F_SETLEASE`): granted only when no other open file description
    /// of the file exists anywhere on the system, ~5 µs. While it is held (from the
    /// `fcntl` to the `close` just after), another process's open of the file is a
    /// lease break, which for an `O_NONBLOCK` open fails at once with `EAGAIN`
    /// (`fcntl(2)`, "Leases"): a program that opens with `O_NONBLOCK` a file that
    /// another of its processes deletes or renames at that moment can see it.
    #[default]
    Lease,
    /// No probe: every decision on a file reads the traced processes' `/proc` entries.
    /// Opens nothing, so no other process can be disturbed; slower, and only the
    /// traced processes are seen as holders.
    Scan,
}

/// How the run went.
pub struct Outcome {
    pub exit: Exit,
    pub findings: Vec<Finding>,
    pub trapped: u64,
    /// Supervisor peak RSS in KiB.
    pub peak_rss_kib: Option<u64>,
    /// Processes the program started were still running when it exited (after the
    /// linger time): they run on, their calls answered unjudged by a helper.
    pub outlived: bool,
}

/// Why winsan itself could not run the program.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("seccomp user notification is not available: {0}")]
    SeccompUnavailable(String),
    #[error("{0}: command not found")]
    NotFound(String),
    #[error("cannot run {0}: {1}")]
    Spawn(String, std::io::Error),
    #[error("{0}")]
    Other(String),
}

impl RunError {
    /// The exit status (125 for winsan's own failures, 127/126 as a shell would say).
    pub fn exit_code(&self) -> u8 {
        match self {
            RunError::NotFound(_) => 127,
            RunError::Spawn(_, e) if e.kind() == std::io::ErrorKind::PermissionDenied => 126,
            _ => 125,
        }
    }
}

/// Find `prog` on PATH as execvp would.
fn which(prog: &std::ffi::OsStr) -> Option<std::path::PathBuf> {
    let p = std::path::Path::new(prog);
    if prog.as_bytes().contains(&b'/') {
        return p.exists().then(|| p.to_path_buf());
    }
    let path = std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into());
    std::env::split_paths(&path).map(|d| d.join(p)).find(|c| c.is_file())
}

/// Run the program under the sanitizer.
pub fn run(opts: Options) -> Result<Outcome, RunError> {
    let prog = opts
        .command
        .first()
        .ok_or_else(|| RunError::Other("no command given".into()))?
        .clone();
    if which(&prog).is_none() {
        return Err(RunError::NotFound(prog.to_string_lossy().into_owned()));
    }
    let (parent_sock, child_sock) = sys::socketpair().map_err(|e| RunError::Other(format!("socketpair: {e}")))?;
    sys::set_child_subreaper().map_err(|e| RunError::Other(format!("subreaper: {e}")))?;
    sys::ignore_terminal_signals();

    let stop = Arc::new(AtomicBool::new(false));
    let me = std::process::id();
    let tracer = Tracer::new(&opts, me);
    let thread_stop = stop.clone();
    // Without the wake signal the thread polls, so that it can see the stop flag.
    let blocking_ok = sys::install_wake_handler().is_ok();
    let notif = std::thread::Builder::new()
        .name("winsan-notif".into())
        .spawn(move || -> Option<(Tracer, Listener)> {
            let fd = sys::recv_fd(&parent_sock).ok()??;
            let listener = Listener(fd);
            // SYNC_WAKE_UP came with the kernel (6.6) whose RECV also returns when the
            // last task using the filter is gone; before it, only poll says so.
            let blocking = listener.set_sync_wakeup().is_ok() && blocking_ok;
            let mut tracer = tracer;
            if blocking {
                serve_blocking(&listener, &mut tracer, &thread_stop);
            } else {
                serve_polling(&listener, &mut tracer, &thread_stop);
            }
            Some((tracer, listener))
        })
        .map_err(|e| RunError::Other(format!("thread: {e}")))?;

    let setup = sys::ChildSetup {
        filter: syscalls::build_filter(&syscalls::Policy {
            wanted: &|c| traps(c, &opts.config),
            exclusive_creates: traps_exclusive_create(&opts.config),
        }),
        sock: child_sock.as_raw_fd(),
    };
    let mut cmd = std::process::Command::new(&prog);
    cmd.args(&opts.command[1..]);
    // SAFETY (of the closure's contract): `install_in_child` only makes raw syscalls on
    // memory allocated before fork, as code between fork and exec must.
    unsafe {
        cmd.pre_exec(move || setup.install_in_child());
    }
    let child = cmd.spawn();
    drop(child_sock);
    let child = match child {
        Ok(c) => c,
        Err(e) => {
            let _ = notif.join();
            return Err(match e.raw_os_error() {
                Some(libc::ENOENT) => RunError::NotFound(prog.to_string_lossy().into_owned()),
                Some(libc::EACCES) if which(&prog).is_some_and(|p| !is_executable(&p)) => {
                    RunError::Spawn(prog.to_string_lossy().into_owned(), e)
                }
                _ => RunError::SeccompUnavailable(e.to_string()),
            });
        }
    };
    let main_pid = child.id() as i32;
    sys::forward_signals_to(main_pid);

    // Reap everyone; remember how the program ended.
    let mut exit = None;
    while exit.is_none() {
        match sys::wait_any(false) {
            Ok(Some((pid, e))) if pid == main_pid => exit = Some(e),
            Ok(_) => {}
            Err(_) => break,
        }
    }
    let exit = exit.unwrap_or(Exit::Code(125));
    let deadline = Instant::now() + opts.linger;
    while !notif.is_finished() && Instant::now() < deadline {
        match sys::wait_any(true) {
            Ok(Some(_)) => continue,
            _ => std::thread::sleep(Duration::from_millis(2)),
        }
    }
    let handed_over = !notif.is_finished();
    stop.store(true, Ordering::Relaxed);
    // Interrupt a blocking RECV; again until the thread is out (the signal can come just
    // before it enters the ioctl).
    while blocking_ok && !notif.is_finished() {
        sys::wake_thread(notif.as_pthread_t());
        std::thread::sleep(Duration::from_millis(1));
    }
    let (tracer, listener) = notif
        .join()
        .ok()
        .flatten()
        .ok_or_else(|| RunError::SeccompUnavailable("no listener from the child".into()))?;
    if handed_over {
        let _ = sys::fork_continue_helper(&listener);
    }
    drop(listener);
    while let Ok(Some(_)) = sys::wait_any(true) {}
    Ok(Outcome {
        exit,
        findings: tracer.findings,
        trapped: tracer.trapped,
        peak_rss_kib: sys::peak_rss_kib(),
        outlived: handed_over,
    })
}

/// Answer notifications with a blocking `RECV` (one system call less per trapped call
/// than poll + `RECV`) until nobody uses the filter or `stop` is set; the main thread then
/// sends [`sys::WAKE_SIGNAL`] to get the thread out of the ioctl.
fn serve_blocking(listener: &Listener, tracer: &mut Tracer, stop: &AtomicBool) {
    while !stop.load(Ordering::Relaxed) {
        match listener.recv() {
            Ok(Some(n)) => tracer.handle(listener, n),
            // Interrupted (the run ends: the flag is set), the notification vanished, or
            // nobody is left: poll tells the last case apart.
            Ok(None) => {
                if matches!(listener.poll(0), Ok(Ready::HangUp) | Err(_)) {
                    return;
                }
            }
            Err(_) => return,
        }
    }
}

/// Before Linux 6.6 a blocking `RECV` does not return when the last task is gone: poll,
/// with a timeout to look at `stop`.
fn serve_polling(listener: &Listener, tracer: &mut Tracer, stop: &AtomicBool) {
    loop {
        match listener.poll(100) {
            Ok(Ready::Notification) => {
                if let Ok(Some(n)) = listener.recv() {
                    tracer.handle(listener, n);
                }
            }
            Ok(Ready::Timeout) => {
                if stop.load(Ordering::Relaxed) {
                    return;
                }
            }
            Ok(Ready::HangUp) | Err(_) => return,
        }
    }
}

fn is_executable(p: &std::path::Path) -> bool {
    std::fs::metadata(p)
        .map(|m| m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}
use std::os::unix::fs::PermissionsExt;

/// A path named by a trapped call, for the slow path (a decision that asks the model).
struct Named {
    /// Absolute path for reports.
    display: String,
    /// A path the supervisor can use with `std::fs` (through `/proc` for relative names).
    access: std::path::PathBuf,
}

/// Where the supervisor starts the lookup of a trapped call's path.
enum Base {
    /// An absolute path: from the supervisor's root.
    Root,
    /// A cached `/proc/TID` directory; the path starts with `cwd/` or `fd/N/`.
    ProcDir(Arc<OwnedFd>),
    /// A copy of the caller's dirfd (`pidfd_getfd`), possibly cached (see [`ProcFds`]).
    Fd(Arc<OwnedFd>),
}

/// Room left before a path read from the caller for the `cwd/` or `fd/N/` prefix.
const PREFIX_ROOM: usize = 24;

/// A path argument of a trapped call, resolved for the fast path: `fstatat`/`openat`
/// relative to [`Base`], with no string path through `/proc` from the root and no
/// allocation (the buffer goes back to the tracer's pool when dropped).
struct Target {
    tid: u32,
    /// The caller's dirfd argument (`AT_FDCWD` for none).
    dirfd: i64,
    base: Base,
    /// `[room][prefix][the caller's path]\0`; the lookup path starts at `start`.
    path: Vec<u8>,
    start: usize,
    pool: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl Drop for Target {
    fn drop(&mut self) {
        if let Ok(mut p) = self.pool.lock() {
            p.push(std::mem::take(&mut self.path));
        }
    }
}

impl Target {
    fn dir(&self) -> RawFd {
        match &self.base {
            Base::Root => libc::AT_FDCWD,
            Base::ProcDir(d) => d.as_raw_fd(),
            Base::Fd(f) => f.as_raw_fd(),
        }
    }

    fn cpath(&self) -> &CStr {
        CStr::from_bytes_until_nul(&self.path[self.start..]).expect("NUL-terminated")
    }

    /// The caller's own path bytes.
    fn raw(&self) -> &[u8] {
        &self.path[PREFIX_ROOM..self.path.len() - 1]
    }

    /// Put `prefix` in front of the caller's path.
    fn set_prefix(&mut self, prefix: &[u8]) {
        self.start = PREFIX_ROOM - prefix.len();
        self.path[self.start..PREFIX_ROOM].copy_from_slice(prefix);
    }

    /// The `F_SETLEASE` probe: `Some(false)` when nobody has the file open or mapped.
    fn held(&self) -> Option<bool> {
        sys::file_is_held_at(self.dir(), self.cpath())
    }

    /// The names the slow path and the reports use.
    fn named(&self) -> Option<Named> {
        let raw = self.raw();
        let rel = std::ffi::OsStr::from_bytes(raw);
        let relstr = String::from_utf8_lossy(raw);
        let base = match &self.base {
            Base::Root => {
                return Some(Named {
                    display: normalize(&relstr),
                    access: rel.into(),
                })
            }
            // Our copy of the caller's dirfd stays put while `self` lives.
            Base::Fd(f) => format!("/proc/self/fd/{}", f.as_raw_fd()),
            Base::ProcDir(_) if self.dirfd == AT_FDCWD => format!("/proc/{}/cwd", self.tid),
            Base::ProcDir(_) => format!("/proc/{}/fd/{}", self.tid, self.dirfd),
        };
        let shown = std::fs::read_link(&base).ok()?;
        let display = normalize(&format!("{}/{}", shown.to_string_lossy(), relstr));
        let mut access = std::path::PathBuf::from(base);
        access.push(rel);
        Some(Named { display, access })
    }
}

/// File descriptors kept per traced thread: a pidfd (for `pidfd_getfd`) and its `/proc/TID`
/// directory (for `cwd/...` lookups). Both refer to one task: once it is gone, the pidfd
/// fails with `ESRCH` and lookups below the directory with `ENOENT`, so a stale entry (its
/// TID reused by a new thread) is noticed and replaced, never trusted.
///
/// It also keeps copies of the thread's last [`DIRFD_SLOTS`] dirfd arguments (`rm -rf`
/// and `shutil.rmtree` unlink everything of a directory through one dirfd). A copy is
/// used again only after `kcmp` says the caller's fd still is the same open directory:
/// one cheap comparison instead of `pidfd_getfd` and `close`.
#[derive(Default)]
struct ProcFds {
    pidfd: Option<OwnedFd>,
    dir: Option<Arc<OwnedFd>>,
    dirfds: [Option<(i32, Arc<OwnedFd>)>; DIRFD_SLOTS],
    /// The slot the next new copy goes to.
    next: usize,
}

/// Cached dirfd copies per thread.
const DIRFD_SLOTS: usize = 2;

/// At most this many threads keep cached fds (up to four each); beyond, the cache starts
/// over.
const PROC_CACHE_MAX: usize = 128;

/// A name left delete-pending (legacy semantics): the deleted file, and when it was
/// created, so that a later file given the same inode number (the first one's last fd
/// closed, its number reused) is not taken for it.
#[derive(Clone, Copy, Debug)]
struct Pending {
    id: FileId,
    born: Option<(i64, u32)>,
}

/// The per-run state of the notification thread.
struct Tracer {
    config: Config,
    runtime: Option<Runtime>,
    holders: HolderProbe,
    enforce: bool,
    format: Format,
    quiet: bool,
    hide_caught: bool,
    me: u32,
    runtimes: RuntimeCache,
    pyframes: PyFrames,
    /// Python source files, read to tell code that never runs on Windows.
    sources: pysource::Sources,
    libuv: LibuvVersions,
    /// Directories a traced process made read-only with a chmod (`FILE_ATTRIBUTE_READONLY`
    /// on Windows, where `mkdir` ignores the mode: a directory created without owner write
    /// is not read-only there).
    readonly_dirs: HashSet<FileId>,
    /// Files and directories a traced process watched with inotify (`inotify_add_watch`),
    /// with the path it named (kept after the watch goes: the cost is only a slower
    /// probe).
    watched: HashMap<FileId, std::path::PathBuf>,
    /// Names that are delete-pending on Windows (a legacy delete, by `--delete legacy` or by
    /// the runtime's own call, while a holder kept the file), with the file that keeps them.
    pending: BTreeMap<String, Pending>,
    /// Files created by a `tempfile.NamedTemporaryFile` that Windows would open with
    /// `O_TEMPORARY` (see [`pyframe::opens_with_o_temporary`]): path → the creating process.
    temporary: HashMap<String, u32>,
    /// Temporary files made by code that runs only on POSIX systems
    /// ([`pysource::Sources::posix_only`]: `ctypes.util.find_library`'s gcc probe, whose linker
    /// writes over the file's name): nothing done to them happens on Windows.
    posix_only: HashSet<String>,
    /// Which JDK API a JVM's calls come from, and the JVMs' recorded opens for writing.
    java: JavaCallers,
    /// Go callers' frames, and the Go source files read for their platform checks.
    gostacks: GoStacks,
    /// Node callers' JavaScript frames (V8's), and the JavaScript source files read for
    /// their platform checks.
    v8stacks: V8Stacks,
    /// Java callers' frames (HotSpot's interpreted frames).
    javastacks: crate::javastack::JavaStacks,
    /// The Java source files read for their platform checks.
    javasources: crate::javasource::JavaSources,
    jssources: JsSources,
    /// Native callers' frames (Rust, C, C++) and their sources, read for `cfg` and `#if`.
    native: NativeStacks,
    native_sources: NativeSources,
    gosources: GoSources,
    /// The runtime of a thread by the address of a call it made
    /// ([`Tracer::caller_runtime`]).
    callers: HashMap<(u32, u64), Runtime>,
    findings: Vec<Finding>,
    trapped: u64,
    /// The traced processes, with the last pid the system had handed out when they were
    /// read: re-read from /proc only when a process was started since (reading every
    /// /proc/PID/stat per `rmdir` made `rm -rf` 15x slower), or after [`TREE_TTL`] where
    /// that pid cannot be read.
    tree: Option<(Instant, Option<u32>, Vec<u32>)>,
    /// `/proc/loadavg`, kept open: its last field is the last pid allocated.
    loadavg: Option<std::fs::File>,
    ptree: procscan::Tree,
    procs: HashMap<u32, ProcFds>,
    /// `kcmp` works here (it needs `CONFIG_KCMP` and ptrace rights): dirfd copies may be
    /// cached.
    kcmp: bool,
    /// Path buffers, reused from call to call.
    pool: Arc<Mutex<Vec<Vec<u8>>>>,
}

/// How long a list of the traced processes is trusted when `/proc/loadavg` cannot tell
/// whether a process was started since. A process started less than this before a scan
/// can then be missed (a missed finding, never a false one).
const TREE_TTL: Duration = Duration::from_millis(50);

const AT_FDCWD: i64 = -100;

/// Whether the filter needs to trap `call` at all, decided once from the configuration
/// when the filter is built. A call no handler below can turn into a finding runs in the
/// kernel: each untrapped call saves a round trip to the supervisor (~10 µs).
///
/// Keep this in step with [`Tracer::decide`]: a call that gets a handler must trap.
pub(crate) fn traps(call: Call, config: &Config) -> bool {
    let legacy = config.deletefile_semantics(FileSystem::Ntfs) == DeleteSemantics::Legacy;
    match call {
        // Decided below.
        Call::Open
        | Call::OpenAt
        | Call::Creat
        | Call::OpenAt2
        | Call::Unlink
        | Call::UnlinkAt
        | Call::Rmdir
        | Call::Rename
        | Call::RenameAt
        | Call::RenameAt2
        | Call::Truncate
        | Call::Ftruncate => true,
        // `on_mkdir` can only report a name that is delete-pending, and under POSIX
        // semantics names become delete-pending only by a delete-on-close (LLVM's remove
        // of a file someone else holds sharing delete) or a runtime's own legacy
        // disposition (libuv before 1.49): those mkdirs are missed, never
        // reported falsely, and every other mkdir runs untrapped.
        Call::Mkdir | Call::MkdirAt => legacy,
        // io_uring_setup is answered ENOSYS by the filter itself.
        Call::IoUringSetup => true,
        // Rare; lets the supervisor drop its cached fds so that they cannot make the
        // unmount fail with EBUSY.
        Call::Umount => true,
        // Rare; the watched files and directories are probed without opening them.
        Call::InotifyAddWatch => true,
        // `on_link` can only report a new name that is delete-pending: legacy only, as mkdir.
        Call::Link | Call::LinkAt => legacy,
        // Only those that clear the owner write bit reach us (the filter reads the mode):
        // `on_chmod` remembers the directories made read-only.
        Call::Chmod | Call::Fchmod | Call::FchmodAt | Call::FchmodAt2 => true,
        // No handler decides these (images are read from /proc at decision time, fallocate
        // needs no decision): trapping them only costs time.
        Call::Execve | Call::ExecveAt | Call::Mmap | Call::Fallocate => false,
    }
}

/// Whether an `O_CREAT|O_EXCL` open can run untrapped: it creates a new name, or fails on
/// Linux (`EEXIST`), so `on_open` decides nothing unless the name is delete-pending,
/// which needs legacy semantics (see [`traps`]).
pub(crate) fn traps_exclusive_create(config: &Config) -> bool {
    config.deletefile_semantics(FileSystem::Ntfs) == DeleteSemantics::Legacy
}

impl Tracer {
    fn new(o: &Options, me: u32) -> Tracer {
        Tracer {
            config: o.config,
            runtime: o.runtime,
            holders: o.holders,
            enforce: o.enforce,
            format: o.format,
            quiet: o.quiet,
            hide_caught: o.hide_caught,
            me,
            runtimes: RuntimeCache::default(),
            pyframes: PyFrames::default(),
            sources: pysource::Sources::default(),
            libuv: LibuvVersions::default(),
            readonly_dirs: HashSet::new(),
            watched: HashMap::new(),
            pending: BTreeMap::new(),
            temporary: HashMap::new(),
            posix_only: Default::default(),
            java: Default::default(),
            gostacks: Default::default(),
            v8stacks: Default::default(),
            javastacks: Default::default(),
            javasources: Default::default(),
            jssources: Default::default(),
            native: Default::default(),
            native_sources: Default::default(),
            gosources: Default::default(),
            callers: HashMap::new(),
            findings: Vec::new(),
            trapped: 0,
            tree: None,
            loadavg: std::fs::File::open("/proc/loadavg").ok(),
            ptree: procscan::Tree::default(),
            procs: HashMap::new(),
            kcmp: true,
            pool: Arc::new(Mutex::new(Vec::new())),
        }
    }

    fn runtime_of(&mut self, pid: u32) -> Runtime {
        match self.runtime {
            Some(r) => r,
            None => self.runtimes.of_pid(pid),
        }
    }

    /// Whether the caller renames with a call that on Windows does not replace an existing
    /// name: CPython's `os.rename` (or `pathlib.Path.rename`, `os.renames`, which call
    /// it) rather than `os.replace`, told by the builtin that the caller's innermost
    /// Python frame is calling; Java's `File.renameTo` rather than NIO's `Files.move`,
    /// told by the JNI function that called `rename` ([`crate::java`]).
    /// Linux runs each pair as the same `rename`. Asked only for renames onto an
    /// existing name.
    fn renames_without_replace(&mut self, n: &Notif, seen: Option<(pyframe::SeenRanges, &[u8])>) -> bool {
        const OS_RENAME: [pyframe::Builtin; 2] = [("posix", "rename"), ("posix", "replace")];
        // A thread already read as CPython's needs no runtime lookup (this runs for every
        // rename onto an existing name).
        let rt = if self.pyframes.is_python_thread(n.tid) {
            Runtime::Python
        } else {
            self.caller_runtime(n)
        };
        match rt {
            Runtime::Python => self.pyframes.calling_after(n.tid, &OS_RENAME, seen) == Some(0),
            Runtime::Java => self.java.caller(procscan::tgid(n.tid), n.tid) == Some(JavaApi::Io),
            _ => false,
        }
    }

    /// Whether the caller's innermost Python frame is calling `os.remove` or `os.unlink`
    /// (the program deletes the file by name, not a library underneath, such as SQLite
    /// closing its WAL index in `Connection.close`).
    fn calls_os_remove(&mut self, n: &Notif) -> bool {
        const OS_REMOVE: [pyframe::Builtin; 2] = [("posix", "remove"), ("posix", "unlink")];
        self.pyframes.calling(n.tid, &OS_REMOVE).is_some()
    }

    /// The runtime of the caller of a call on a path that runs for every such call (a
    /// rename onto an existing name, an open for writing), kept per thread and address
    /// of the system call instruction: a process that execs has its C library (or its
    /// static code) at another address, so a thread calling from the same address is
    /// still the same program (with address space randomization off an exec may keep the
    /// address: then a call of the new program can be judged as the old one's). Answers
    /// without `/proc` (`RuntimeCache::of_pid` stats the executable).
    fn caller_runtime(&mut self, n: &Notif) -> Runtime {
        if let Some(&rt) = self.callers.get(&(n.tid, n.ip)) {
            return rt;
        }
        let rt = self.runtime_of(n.tid);
        if self.callers.len() > 4096 {
            self.callers.clear();
        }
        self.callers.insert((n.tid, n.ip), rt);
        rt
    }

    /// Answer one notification.
    fn handle(&mut self, l: &Listener, n: Notif) {
        self.trapped += 1;
        if self.procs.len() > PROC_CACHE_MAX {
            self.procs.clear();
        }
        let errno = if n.arch == syscalls::NATIVE_ARCH {
            self.decide(l, &n)
        } else {
            None
        };
        match errno {
            Some(e) if self.enforce => l.respond_errno(n.id, e),
            _ => l.respond_continue(n.id),
        }
    }

    /// The cached `/proc/TID` directory of `tid`.
    fn proc_dir(&mut self, tid: u32) -> Option<Arc<OwnedFd>> {
        let e = self.procs.entry(tid).or_default();
        if e.dir.is_none() {
            let path = CString::new(format!("/proc/{tid}")).ok()?;
            let fd = sys::open_at(libc::AT_FDCWD, &path, libc::O_PATH | libc::O_DIRECTORY).ok()?;
            e.dir = Some(Arc::new(fd));
        }
        e.dir.clone()
    }

    /// A copy of fd `fd` of thread `tid`, through its cached pidfd.
    fn getfd(&mut self, tid: u32, fd: i32) -> std::io::Result<OwnedFd> {
        for _ in 0..2 {
            let e = self.procs.entry(tid).or_default();
            if e.pidfd.is_none() {
                e.pidfd = Some(sys::pidfd_open(tid, || procscan::tgid(tid))?);
            }
            match sys::pidfd_getfd(e.pidfd.as_ref().expect("just set"), fd) {
                // The cached pidfd is of a thread that is gone: its TID was reused.
                Err(err) if err.raw_os_error() == Some(libc::ESRCH) => {
                    self.procs.remove(&tid);
                }
                r => return r,
            }
        }
        Err(std::io::Error::from_raw_os_error(libc::ESRCH))
    }

    /// Our copy of dirfd `fd` of thread `tid`: a cached one if `kcmp` says the caller's
    /// fd is still the same open directory, else a fresh `pidfd_getfd` (then cached).
    fn dirfd_copy(&mut self, tid: u32, fd: i32) -> std::io::Result<Arc<OwnedFd>> {
        if self.kcmp {
            let cached = self
                .procs
                .get(&tid)
                .and_then(|e| e.dirfds.iter().flatten().find(|(f, _)| *f == fd))
                .map(|(_, copy)| copy.clone());
            if let Some(copy) = cached {
                match sys::same_file(self.me, copy.as_raw_fd(), tid, fd) {
                    Ok(true) => return Ok(copy),
                    Ok(false) => {}
                    Err(_) => {
                        // No kcmp here: no cache either.
                        self.kcmp = false;
                        for e in self.procs.values_mut() {
                            e.dirfds = Default::default();
                        }
                    }
                }
            }
        }
        let copy = Arc::new(self.getfd(tid, fd)?);
        if self.kcmp {
            let e = self.procs.entry(tid).or_default();
            let slot = match e.dirfds.iter().position(|d| matches!(d, Some((f, _)) if *f == fd)) {
                Some(i) => i,
                None => {
                    let i = e.next;
                    e.next = (i + 1) % DIRFD_SLOTS;
                    i
                }
            };
            e.dirfds[slot] = Some((fd, copy.clone()));
        }
        Ok(copy)
    }

    fn take_buf(&mut self) -> Vec<u8> {
        let mut b = self.pool.lock().ok().and_then(|mut p| p.pop()).unwrap_or_default();
        b.clear();
        b
    }

    /// Read the path argument `arg` relative to dirfd argument `dirfd` (None: AT_FDCWD),
    /// and find where to look it up from. `None` when it cannot be read or is empty (the
    /// call then fails on Linux: no AT_EMPTY_PATH for the calls we decide).
    fn target(&mut self, n: &Notif, dirfd: Option<usize>, arg: usize) -> Option<Target> {
        self.target_after(n, dirfd, arg, None)
    }

    /// [`Tracer::target`], given the first bytes of the path already read ([`sys::Batch`]).
    fn target_after(&mut self, n: &Notif, dirfd: Option<usize>, arg: usize, first: Option<&[u8]>) -> Option<Target> {
        let mut path = self.take_buf();
        path.resize(PREFIX_ROOM, 0);
        let ok = sys::read_cstring_into_after(n.tid, n.args[arg], first, &mut path);
        let fd = dirfd.map(|i| n.args[i] as i32 as i64).unwrap_or(AT_FDCWD);
        let mut t = Target {
            tid: n.tid,
            dirfd: fd,
            base: Base::Root,
            path,
            start: PREFIX_ROOM,
            pool: self.pool.clone(),
        };
        if !ok || t.path.len() <= PREFIX_ROOM + 1 {
            return None;
        }
        if t.path[PREFIX_ROOM] == b'/' {
            return Some(t);
        }
        if fd == AT_FDCWD {
            t.base = Base::ProcDir(self.proc_dir(n.tid)?);
            t.set_prefix(b"cwd/");
            return Some(t);
        }
        match self.dirfd_copy(n.tid, fd as i32) {
            Ok(f) => t.base = Base::Fd(f),
            Err(_) => {
                // No pidfd_getfd (permissions, old kernel): through /proc/TID/fd/N.
                t.base = Base::ProcDir(self.proc_dir(n.tid)?);
                t.set_prefix(format!("fd/{fd}/").as_bytes());
            }
        }
        Some(t)
    }

    /// `fstatat` of a target. `ENOENT` through a cached `/proc/TID` directory may mean the
    /// cache entry is of a thread that died (its TID now names another): then it is
    /// replaced and the lookup done again.
    fn stat(&mut self, t: &mut Target, nofollow: bool) -> Option<Stat> {
        match sys::stat_at(t.dir(), t.cpath(), nofollow) {
            Ok(s) => Some(s),
            Err(e) if e.raw_os_error() == Some(libc::ENOENT) && matches!(t.base, Base::ProcDir(_)) => {
                if sys::stat_at(t.dir(), c"cwd", true).is_ok() {
                    return None; // the thread is there: the file is not
                }
                self.procs.remove(&t.tid);
                t.base = Base::ProcDir(self.proc_dir(t.tid)?);
                sys::stat_at(t.dir(), t.cpath(), nofollow).ok()
            }
            Err(_) => None,
        }
    }

    /// Decide one call; `Some(errno)` when Windows would refuse it.
    fn decide(&mut self, l: &Listener, n: &Notif) -> Option<i32> {
        let call = syscalls::decode(n.nr)?;
        let a = &n.args;
        match call {
            Call::Unlink => self.on_unlink(l, n, None, 0, false),
            Call::UnlinkAt => {
                let rmdir = a[2] as i32 & libc::AT_REMOVEDIR != 0;
                self.on_unlink(l, n, Some(0), 1, rmdir)
            }
            Call::Rmdir => self.on_unlink(l, n, None, 0, true),
            Call::Rename => self.on_rename(l, n, (None, 0), (None, 1), 0),
            Call::RenameAt => self.on_rename(l, n, (Some(0), 1), (Some(2), 3), 0),
            Call::RenameAt2 => self.on_rename(l, n, (Some(0), 1), (Some(2), 3), a[4] as u32),
            Call::Open => self.on_open(l, n, None, 1, a[1] as i32),
            Call::OpenAt => self.on_open(l, n, Some(0), 1, a[2] as i32),
            Call::Creat => self.on_open(l, n, None, 0, libc::O_CREAT | libc::O_WRONLY | libc::O_TRUNC),
            Call::OpenAt2 => {
                let mut how = [0u8; 8];
                sys::read_mem(n.tid, a[2], &mut how)?;
                self.on_open(l, n, Some(0), 1, u64::from_le_bytes(how) as i32)
            }
            Call::Truncate => self.on_truncate(l, n, None, a[1] as i64),
            Call::Ftruncate => self.on_truncate(l, n, Some(a[0] as i32), a[1] as i64),
            Call::Mkdir => self.on_mkdir(l, n, None, 0),
            Call::MkdirAt => self.on_mkdir(l, n, Some(0), 1),
            Call::Link => self.on_link(l, n, (None, 0), (None, 1), 0),
            Call::LinkAt => self.on_link(l, n, (Some(0), 1), (Some(2), 3), a[4] as i32),
            Call::Chmod => self.on_chmod(n, None, Some(0)),
            Call::FchmodAt | Call::FchmodAt2 => self.on_chmod(n, Some(0), Some(1)),
            Call::Fchmod => self.on_chmod(n, Some(0), None),
            // Images are read from /proc when a decision needs them. exec needs none: Linux
            // refuses exec of a file open for writing (ETXTBSY) as Windows does (see
            // `oracle`). fallocate needs no decision yet. (Not trapped: `traps`.)
            Call::Execve | Call::ExecveAt | Call::Mmap | Call::Fallocate | Call::IoUringSetup => None,
            // Our cached fds (dirfd copies, /proc/TID) must not keep a file system busy.
            Call::Umount => {
                self.procs.clear();
                None
            }
            Call::InotifyAddWatch => {
                const IN_DONT_FOLLOW: u64 = 0x0200_0000;
                let mut t = self.target(n, None, 1)?;
                let st = self.stat(&mut t, a[2] & IN_DONT_FOLLOW != 0)?;
                if self.watched.len() < 1 << 16 {
                    let path = t.named().map(|p| p.access).unwrap_or_default();
                    let path = std::fs::canonicalize(&path).unwrap_or(path);
                    self.watched.insert(FileId::from_stat(&st), path);
                }
                None
            }
        }
    }

    /// The "is anyone holding it?" probe of a file, `Some(false)` when nobody has it open
    /// or mapped. The `F_SETLEASE` probe opens the file, which inotify reports to those
    /// watching the file or its directory (`IN_OPEN`, `IN_CLOSE_NOWRITE`): when a traced
    /// process watches either, the file is taken as held instead, so that the `/proc`
    /// scan, which opens nothing of it, decides (slower, and rare: a watcher of the
    /// directories a program works in, as a file-watching test or a dev server).
    /// With [`HolderProbe::Scan`] there is no probe: the scan decides every time.
    fn held(&self, t: &Target, st: &Stat) -> Option<bool> {
        if self.holders == HolderProbe::Scan || (!self.watched.is_empty() && self.watched_around(t, st)) {
            return Some(true);
        }
        t.held()
    }

    /// Whether the directory `t` (`st`) has no entries: read from it, or where a traced
    /// process watches it or its parent (reading a directory is an inotify event:
    /// `IN_OPEN`, `IN_ACCESS`, `IN_CLOSE_NOWRITE`), told by its size where the file
    /// system makes that tell: tmpfs counts 20 bytes an entry and 40 for `.` and `..`
    /// (`BOGO_DIRENT_SIZE`), btrfs the length of the names (twice). Elsewhere it is read.
    fn dir_is_empty(&self, t: &Target, st: &Stat) -> Option<bool> {
        if !self.watched.is_empty() && self.watched_around(t, st) {
            let path = t.named().map(|p| p.access);
            if let Some(quiet) = path.and_then(|p| quiet_dir_is_empty(&p, st)) {
                return Some(quiet);
            }
        }
        sys::dir_is_empty_at(t.dir(), t.cpath())
    }

    /// [`Tracer::dir_is_empty`] of the directory at `path` (`st`).
    fn dir_is_empty_named(&self, path: &std::path::Path, st: &Stat) -> bool {
        if self.watched_at(path, FileId::from_stat(st)) {
            if let Some(quiet) = quiet_dir_is_empty(path, st) {
                return quiet;
            }
        }
        is_empty_dir(path)
    }

    /// [`Tracer::watched_around`] of the file `id` at `path`.
    fn watched_at(&self, path: &std::path::Path, id: FileId) -> bool {
        !self.watched.is_empty()
            && (self.watched.contains_key(&id)
                || path
                    .parent()
                    .and_then(|d| std::fs::metadata(d).ok())
                    .is_some_and(|d| self.watched.contains_key(&FileId::of(&d))))
    }

    /// Whether a traced process watches the file `t` (`st`) or its directory.
    fn watched_around(&self, t: &Target, st: &Stat) -> bool {
        if self.watched.contains_key(&FileId::from_stat(st)) {
            return true;
        }
        let path = t.cpath().to_bytes();
        let dir = match path.iter().rposition(|&c| c == b'/') {
            Some(0) => c"/".to_owned(),
            Some(i) => std::ffi::CString::new(&path[..i]).unwrap_or_default(),
            None => c".".to_owned(),
        };
        sys::stat_at(t.dir(), &dir, false).is_ok_and(|d| self.watched.contains_key(&FileId::from_stat(&d)))
    }

    fn fd_named(&self, n: &Notif, fd: i32) -> Option<Named> {
        let access = std::path::PathBuf::from(format!("/proc/{}/fd/{}", n.tid, fd));
        let display = std::fs::read_link(&access).ok()?.to_string_lossy().into_owned();
        Some(Named { display, access })
    }

    /// The traced processes, and who among them holds the files.
    fn scan(&mut self, ids: &[FileId], dirs: &[bool]) -> Vec<LinuxHolder> {
        let pids = self.pids();
        let mut hs = procscan::holders(pids, ids, dirs);
        self.confirm(&mut hs, |h| h.pid);
        hs
    }

    /// Keep only items whose process is still below us, read afresh (the cached tree may
    /// hold a PID that was reused by a process outside the run).
    fn confirm<T>(&self, items: &mut Vec<T>, pid: impl Fn(&T) -> u32) {
        if items.is_empty() {
            return;
        }
        let mut below: HashMap<u32, bool> = HashMap::new();
        items.retain(|i| {
            let p = pid(i);
            *below.entry(p).or_insert_with(|| procscan::is_below(p, self.me))
        });
    }

    fn pids(&mut self) -> &[u32] {
        let last = self.last_pid();
        let fresh = match &self.tree {
            Some((_, Some(was), _)) => last == Some(*was),
            Some((t, None, _)) => last.is_none() && t.elapsed() < TREE_TTL,
            None => false,
        };
        if !fresh {
            let pids = self.ptree.descendants(self.me);
            self.tree = Some((Instant::now(), last, pids));
        }
        &self.tree.as_ref().expect("just filled").2
    }

    /// The last pid allocated in our pid namespace (`/proc/loadavg`, fifth field): it
    /// changes whenever any process or thread is started (one `pread`, ~1 µs).
    fn last_pid(&self) -> Option<u32> {
        use std::os::unix::fs::FileExt;
        let mut buf = [0u8; 128];
        let n = self.loadavg.as_ref()?.read_at(&mut buf, 0).ok()?;
        let text = std::str::from_utf8(&buf[..n]).ok()?;
        text.split_whitespace().nth(4)?.parse().ok()
    }

    fn on_unlink(&mut self, l: &Listener, n: &Notif, dirfd: Option<usize>, arg: usize, rmdir: bool) -> Option<i32> {
        let mut t = self.target(n, dirfd, arg)?;
        let st = self.stat(&mut t, true)?;
        if rmdir {
            let via_dirfd = dirfd.is_some_and(|i| n.args[i] as i32 != libc::AT_FDCWD);
            return self.on_rmdir(l, n, &t, st, via_dirfd);
        }
        if !st.is_file() {
            return None; // a directory fails on Linux; links and specials have no holders
        }
        let held = self.held(&t, &st) != Some(false);
        // Fast path: nobody has the file open or mapped and it is not read-only. The
        // model cannot refuse that (`trivially_allowed`, tested against the oracle), and
        // with no holder nothing becomes delete-pending.
        if !held && !readonly(&st) {
            if st.nlink == 1 && !self.java.is_empty() {
                if let Some(p) = t.named() {
                    self.forget_java_opens(&st, &p.display);
                }
            }
            return None;
        }
        let p = t.named()?;
        if self.runtime_of(n.tid) == Runtime::Java && runtime::is_jvm_perf_data(&p.display, procscan::tgid(n.tid)) {
            return None;
        }
        let id = FileId::from_stat(&st);
        let holders = if held {
            self.holders_of(n, &[id], &[false])
        } else {
            vec![]
        };
        let files = vec![spec(&p.display, &st)];
        let a = self.judge(l, n, "unlink", files, holders, vec![], Op::Delete { file: 0 }, None);
        // Whether the name is left behind is the model's to say (`Verdict::name_remains`):
        // legacy DeleteFileW with a holder sharing delete leaves it; libuv's and Cygwin's
        // POSIX deletes, Rust's POSIX fallback and lld's rename aside do not.
        if a.name_remains {
            let born = CString::new(p.access.as_os_str().as_bytes())
                .ok()
                .and_then(|c| sys::birth_time(&c));
            self.pending.insert(p.display.clone(), Pending { id, born });
        }
        if a.errno.is_none() && !a.name_remains {
            self.forget_java_opens(&st, &p.display);
        }
        a.errno
    }

    /// A file's last name is removed: the JVMs' records of its opens through NIO are
    /// forgotten (they are by file identity, and its inode number may be the next new
    /// file's).
    fn forget_java_opens(&mut self, st: &Stat, path: &str) {
        if st.nlink == 1 && !self.java.is_empty() {
            self.java.forget(FileId::from_stat(st), path);
        }
    }

    /// Whether the caller's way of removing a directory gets past its read-only attribute
    /// on Windows. Go's `RemoveAll` (`src/os/removeall_noat.go`: on a permission error it
    /// chmods the path writable and removes it again) and Rust's `remove_dir_all` (a
    /// POSIX delete that ignores the attribute) walk the tree with directory fds on Linux,
    /// unlike `os.Remove`/`fs::remove_dir`. Node before libuv 1.49: `fs.rm`'s rimraf chmods
    /// and retries on EPERM (`fixWinEPERM`); only a bare `fs.rmdir` would fail, which cannot
    /// be told apart here. (What a runtime's own Windows calls do with the attribute —
    /// libuv >= 1.49, Cygwin — is the oracle's to say.)
    fn recovers_read_only_dir(&mut self, tid: u32, via_dirfd: bool) -> bool {
        match self.runtime_of(tid) {
            Runtime::Node => true,
            Runtime::Go | Runtime::Rust => via_dirfd,
            _ => false,
        }
    }

    /// A chmod that clears the owner write bit (the filter lets only those through): on
    /// Windows the runtimes' chmod sets `FILE_ATTRIBUTE_READONLY`, on directories too
    /// (CPython's `os.chmod`: "you can only set the file's read-only flag"; Go's
    /// `syscall.Chmod`), which `RemoveDirectoryW` then refuses. Files need no record:
    /// their mode is read at each decision. Cygwin tools keep modes in ACLs: left out.
    fn on_chmod(&mut self, n: &Notif, dirfd: Option<usize>, path: Option<usize>) -> Option<i32> {
        if self.runtime_of(n.tid) == Runtime::Cygwin {
            return None;
        }
        let st = match path {
            Some(arg) => {
                let mut t = self.target(n, dirfd, arg)?;
                self.stat(&mut t, false)?
            }
            None => {
                let fd = n.args[0] as i32;
                let m = std::fs::metadata(format!("/proc/{}/fd/{fd}", n.tid)).ok()?;
                if m.is_dir() {
                    self.readonly_dirs.insert(FileId::of(&m));
                }
                return None;
            }
        };
        if st.is_dir() {
            self.readonly_dirs.insert(FileId::from_stat(&st));
        }
        None
    }

    /// `rmdir`, or `unlinkat(AT_REMOVEDIR)` (`via_dirfd`: relative to a directory fd, as a
    /// recursive removal walks a tree).
    fn on_rmdir(&mut self, l: &Listener, n: &Notif, t: &Target, st: Stat, via_dirfd: bool) -> Option<i32> {
        if !st.is_dir() {
            return None;
        }
        let id = FileId::from_stat(&st);
        // Made read-only by a chmod and still so. Forgotten when Linux removes it (it is
        // empty): its inode number may be reused.
        let tracked = !self.readonly_dirs.is_empty() && self.readonly_dirs.contains(&id);
        let readonly = tracked && st.mode & libc::S_IWUSR == 0 && !self.recovers_read_only_dir(n.tid, via_dirfd);
        if tracked && self.dir_is_empty(t, &st) == Some(true) {
            self.readonly_dirs.remove(&id);
        }
        // Delete-pending entries (legacy semantics only) that are still alive.
        let mut named = None;
        let mut kids: Vec<(String, FileId)> = vec![];
        if !self.pending.is_empty() {
            let p = t.named()?;
            let prefix = format!("{}/", p.display);
            let cands: Vec<String> = self
                .pending
                .keys()
                .filter(|k| k.starts_with(&prefix) && !k[prefix.len()..].contains('/'))
                .cloned()
                .collect();
            for k in cands {
                if let Some(fid) = self.pending.get(&k).map(|p| p.id) {
                    if self.pending_holders(&k).is_empty() {
                        self.pending.remove(&k);
                    } else {
                        kids.push((k, fid));
                    }
                }
            }
            named = Some(p);
        }
        let holders = self.holders_of(n, &[id], &[true]);
        // Fast path: no working directory in it, no delete-pending entry, not read-only:
        // nothing the model could refuse (`trivially_allowed`).
        if holders.is_empty() && kids.is_empty() && !readonly {
            return None;
        }
        // Not empty on Linux: fails there too.
        if self.dir_is_empty(t, &st) != Some(true) {
            return None;
        }
        let p = match named {
            Some(p) => p,
            None => t.named()?,
        };
        let mut files = vec![spec(&p.display, &st)];
        files[0].readonly = readonly;
        let mut pending = vec![];
        for (k, _) in kids {
            pending.push(files.len());
            files.push(FileSpec {
                path: k,
                dir: false,
                readonly: false,
                other_names: false,
            });
        }
        let op = Op::RemoveDirectory { file: 0 };
        self.ask(l, n, "rmdir", files, holders, pending, op, None)
    }

    fn on_rename(
        &mut self,
        l: &Listener,
        n: &Notif,
        from: (Option<usize>, usize),
        to: (Option<usize>, usize),
        flags: u32,
    ) -> Option<i32> {
        if flags & libc::RENAME_WHITEOUT != 0 {
            return None;
        }
        // Both paths, and the Python frame `renames_without_replace` may need, in one read.
        let mut batch = sys::Batch::default();
        let (a, b) = (batch.add_cstring(n.args[from.1]), batch.add_cstring(n.args[to.1]));
        let seen = self.pyframes.seen_ranges(n.tid);
        let seen_at = seen.and_then(|s| batch.add_all(s.ranges()));
        batch.read(n.tid);
        let first = |i: Option<usize>| i.and_then(|i| batch.get(i, i));
        let seen = seen.zip(seen_at.and_then(|(f, l)| batch.get(f, l)));
        let src = self.target_after(n, from.0, from.1, first(a))?;
        let dst = self.target_after(n, to.0, to.1, first(b))?;
        if flags & libc::RENAME_EXCHANGE != 0 {
            // Both names are replaced: each is the target of a rename of the other (the
            // second pair is resolved again: a `Target` owns its fds).
            if let Some(errno) = self.rename_one(l, n, src, dst, 0, None) {
                return Some(errno);
            }
            let src = self.target(n, to.0, to.1)?;
            let dst = self.target(n, from.0, from.1)?;
            return self.rename_one(l, n, src, dst, 0, None);
        }
        self.rename_one(l, n, src, dst, flags, seen)
    }

    /// One rename (`flags` without `RENAME_EXCHANGE`).
    /// `seen`: the caller's Python frame, already read ([`PyFrames::seen_ranges`]).
    fn rename_one(
        &mut self,
        l: &Listener,
        n: &Notif,
        mut src: Target,
        mut dst: Target,
        flags: u32,
        seen: Option<(pyframe::SeenRanges, &[u8])>,
    ) -> Option<i32> {
        let sm = self.stat(&mut src, true)?;
        let dm = self.stat(&mut dst, true);
        if let Some(dm) = &dm {
            if flags & libc::RENAME_NOREPLACE != 0
                || FileId::from_stat(dm) == FileId::from_stat(&sm)
                || dm.is_dir() != sm.is_dir()
            {
                return None; // fails, or does nothing, on Linux
            }
        }
        let src_held = sm.is_file() && self.held(&src, &sm) != Some(false);
        let dst_held = dm.is_some_and(|d| d.is_file() && self.held(&dst, &d) != Some(false));
        // A new name could still be delete-pending on Windows (legacy semantics only).
        let maybe_pending = dm.is_none() && !self.pending.is_empty();
        let replace = dm.is_none() || !self.renames_without_replace(n, seen);
        // Fast path: files (not directories) nobody holds, none read-only, the target not
        // possibly delete-pending, a rename that replaces: nothing the model could refuse
        // (`trivially_allowed`).
        if !sm.is_dir()
            && !src_held
            && !dst_held
            && !maybe_pending
            && replace
            && !readonly(&sm)
            && !dm.as_ref().is_some_and(readonly)
        {
            return None;
        }
        let src = src.named()?;
        let dst = dst.named()?;
        if dm
            .as_ref()
            .is_some_and(|d| d.is_dir() && !self.dir_is_empty_named(&dst.access, d))
        {
            return None; // ENOTEMPTY on Linux
        }
        let mut files = vec![spec(&src.display, &sm)];
        let mut ids = vec![FileId::from_stat(&sm)];
        let mut dirs = vec![sm.is_dir()];
        match &dm {
            Some(dm) => {
                files.push(spec(&dst.display, dm));
                ids.push(FileId::from_stat(dm));
                dirs.push(dm.is_dir());
            }
            None => files.push(FileSpec {
                path: dst.display.clone(),
                dir: sm.is_dir(),
                readonly: false,
                other_names: false,
            }),
        }
        let needs_scan = sm.is_dir() || src_held || dst_held;
        let mut holders = if needs_scan {
            self.holders_of(n, &ids, &dirs)
        } else {
            vec![]
        };
        if sm.is_dir() {
            // Working directories below the directory being renamed.
            let pids = self.pids().to_vec();
            let mut below = procscan::cwds_below(&pids, &src.display);
            self.confirm(&mut below, |b| b.0);
            for (pid, cwd) in below {
                holders.push(LinuxHolder {
                    pid,
                    fd: None,
                    target: files.len(),
                    hold: Hold::Cwd,
                });
                files.push(FileSpec {
                    path: cwd,
                    dir: true,
                    readonly: false,
                    other_names: false,
                });
            }
            // Files and directories open below it (nt-rules F28).
            for o in procscan::open_below(&pids, &src.display) {
                holders.push(LinuxHolder {
                    pid: o.pid,
                    fd: Some(o.fd),
                    target: files.len(),
                    hold: if o.dir {
                        Hold::DirHandle
                    } else {
                        Hold::Handle {
                            read: o.read,
                            write: o.write,
                        }
                    },
                });
                files.push(FileSpec {
                    path: o.path,
                    dir: o.dir,
                    readonly: false,
                    other_names: false,
                });
            }
            // Directories watched below it: the watcher's handle is open below it.
            let watched = self.watched_below(&pids, &src.display);
            self.watched_renamed(&src.display, &dst.display);
            for (pid, path) in watched {
                holders.push(LinuxHolder {
                    pid,
                    fd: None,
                    target: files.len(),
                    hold: Hold::DirHandle,
                });
                files.push(FileSpec {
                    path,
                    dir: true,
                    readonly: false,
                    other_names: false,
                });
            }
        }
        // A target that is free on Linux but still delete-pending on Windows.
        let pending = if dm.is_none() && self.pending_alive(&dst.display) {
            vec![1]
        } else {
            vec![]
        };
        let op = Op::Rename {
            from: 0,
            to: 1,
            to_exists: dm.is_some(),
            replace,
        };
        self.ask(l, n, "rename", files, holders, pending, op, Some(dst.display))
    }

    /// A directory `from` renamed to `to`: the paths of the watches at or below it follow
    /// (if the rename then fails, they no longer lead to their watches, and the tree is
    /// walked instead).
    fn watched_renamed(&mut self, from: &str, to: &str) {
        if self.watched.is_empty() {
            return;
        }
        let canon = |p: &str| std::fs::canonicalize(p).unwrap_or_else(|_| p.into());
        let from = canon(from);
        let Some(to) = std::path::Path::new(to)
            .parent()
            .map(|d| canon(&d.to_string_lossy()).join(std::path::Path::new(to).file_name().unwrap_or_default()))
        else {
            return;
        };
        for p in self.watched.values_mut() {
            if let Ok(rest) = p.strip_prefix(&from) {
                *p = if rest.as_os_str().is_empty() {
                    to.clone()
                } else {
                    to.join(rest)
                };
            }
        }
    }

    /// The directories strictly below `dir` that a traced process watches for changes.
    ///
    /// On Linux a watch is an inotify watch, no fd; on Windows the watcher holds a handle
    /// on the directory for `ReadDirectoryChangesW` (libuv's `fs.watch`,
    /// `src/win/fs-event.c`: `FILE_LIST_DIRECTORY`, sharing everything; a watched file's
    /// handle is on its directory; Python's watchdog, Go's fsnotify and Rust's notify do
    /// the same), which is a file object below `dir` (nt-rules F28). Cygwin tools are left
    /// out (they poll). A watched directory whose parent the same process watches too is
    /// taken as part of a recursive watch, which Windows makes with one handle on its
    /// root: only roots are reported.
    fn watched_below(&mut self, pids: &[u32], dir: &str) -> Vec<(u32, String)> {
        let mut watches: Vec<(u32, Vec<FileId>)> = vec![];
        for &pid in pids {
            if self.runtime_of(pid) == Runtime::Cygwin {
                continue;
            }
            let w = procscan::inotify_watches(pid);
            if !w.is_empty() {
                watches.push((pid, w));
            }
        }
        if watches.is_empty() {
            return vec![];
        }
        let all: Vec<FileId> = watches.iter().flat_map(|(_, w)| w.iter().copied()).collect();
        // Where each watch is, from the path its `inotify_add_watch` named if that still
        // leads to it; else found by walking the tree (which opens its directories: their
        // watchers see it).
        let known: Option<Vec<(String, FileId, bool)>> = all
            .iter()
            .map(|id| {
                let p = self.watched.get(id)?;
                let m = std::fs::symlink_metadata(p).ok()?;
                (FileId::of(&m) == *id).then(|| (p.to_string_lossy().into_owned(), *id, m.is_dir()))
            })
            .collect();
        let found = match known {
            Some(known) => {
                let top =
                    std::fs::canonicalize(dir).map_or_else(|_| dir.to_owned(), |p| p.to_string_lossy().into_owned());
                let prefix = format!("{}/", top.trim_end_matches('/'));
                known
                    .into_iter()
                    .filter_map(|(p, id, is_dir)| {
                        p.strip_prefix(&prefix)
                            .map(|rest| (format!("{}/{rest}", dir.trim_end_matches('/')), id, is_dir))
                    })
                    .collect()
            }
            None => procscan::find_below(dir, &all, 100_000),
        };
        let top = std::fs::symlink_metadata(dir).ok().map(|m| FileId::of(&m));
        let parent = |p: &str| p.rsplit_once('/').map_or(String::new(), |(d, _)| d.to_owned());
        let mut out = vec![];
        for (pid, w) in &watches {
            let mut watched: Vec<String> = found
                .iter()
                .filter(|(_, id, is_dir)| *is_dir && w.contains(id))
                .map(|(p, ..)| p.clone())
                .collect();
            if top.is_some_and(|t| w.contains(&t)) {
                watched.push(dir.to_owned());
            }
            let mut handles: Vec<String> = found
                .iter()
                .filter(|(_, id, _)| w.contains(id))
                .map(|(p, _, is_dir)| if *is_dir { p.clone() } else { parent(p) })
                .filter(|d| d != dir && !watched.contains(&parent(d)))
                .collect();
            handles.sort();
            handles.dedup();
            out.extend(handles.into_iter().map(|h| (*pid, h)));
        }
        let mut below = out;
        self.confirm(&mut below, |b| b.0);
        below
    }

    /// `link`/`linkat`: CreateHardLinkW on Windows. Linux already refuses an existing new
    /// name (EEXIST) and a directory (EPERM); what is left is a new name that Windows still
    /// holds as delete-pending.
    fn on_link(
        &mut self,
        l: &Listener,
        n: &Notif,
        old: (Option<usize>, usize),
        new: (Option<usize>, usize),
        flags: i32,
    ) -> Option<i32> {
        if flags & libc::AT_EMPTY_PATH != 0 {
            return None; // linking an fd (O_TMPFILE files): the name is new on both systems
        }
        let mut src = self.target(n, old.0, old.1)?;
        let mut dst = self.target(n, new.0, new.1)?;
        let sm = self.stat(&mut src, flags & libc::AT_SYMLINK_FOLLOW == 0)?;
        if !sm.is_file() || self.stat(&mut dst, true).is_some() || self.pending.is_empty() {
            return None; // fails on Linux, or no name can be delete-pending
        }
        let (src, dst) = (src.named()?, dst.named()?);
        let pending = if self.pending_alive(&dst.display) {
            vec![1]
        } else {
            vec![]
        };
        let files = vec![
            spec(&src.display, &sm),
            FileSpec {
                path: dst.display.clone(),
                dir: false,
                readonly: false,
                other_names: false,
            },
        ];
        let op = Op::Link { existing: 0, new: 1 };
        self.ask(l, n, "link", files, vec![], pending, op, Some(dst.display))
    }

    fn on_open(&mut self, l: &Listener, n: &Notif, dirfd: Option<usize>, arg: usize, flags: i32) -> Option<i32> {
        let acc = flags & libc::O_ACCMODE;
        let (read, write) = (acc != libc::O_WRONLY, acc != libc::O_RDONLY);
        let (create, excl, trunc) = (
            flags & libc::O_CREAT != 0,
            flags & libc::O_EXCL != 0,
            flags & libc::O_TRUNC != 0,
        );
        if flags & 0o20000000 != 0 || !(write || create || trunc) {
            return None; // O_TMPFILE: an unnamed file; read-only: nothing to decide
        }
        let mut t = self.target(n, dirfd, arg)?;
        let m = self.stat(&mut t, false);
        if self.caller_runtime(n) == Runtime::Java {
            self.note_java_open(n, &t, m.as_ref().map(FileId::from_stat));
        }
        let (files, holders, pending) = match &m {
            Some(m) => {
                if !m.is_file() || (create && excl) {
                    return None;
                }
                // A read-only file opened for writing: refused on Windows (nt-rules E23);
                // on Linux only a caller that may override permissions (root, as in most
                // CI containers) gets through, the others fail there too. Cygwin's tools
                // keep permissions in ACLs, not in the read-only attribute: left out.
                let readonly_write = (write || trunc)
                    && readonly(m)
                    && procscan::overrides_permissions(n.tid)
                    && self.runtime_of(n.tid) != Runtime::Cygwin;
                // Fast path: nobody holds it, so nothing can be in the way.
                let held = self.held(&t, m) != Some(false);
                if !held && !readonly_write {
                    return None;
                }
                let p = t.named()?;
                let holders = if held {
                    self.holders_of(n, &[FileId::from_stat(m)], &[false])
                } else {
                    vec![]
                };
                // Writing a running executable fails on Linux too (ETXTBSY).
                if (holders.is_empty() && !readonly_write) || holders.iter().any(|h| h.hold == Hold::Exe) {
                    return None;
                }
                let mut f = spec(&p.display, m);
                f.readonly = readonly_write;
                (vec![f], holders, vec![])
            }
            None => {
                if create && excl && acc == libc::O_RDWR {
                    self.note_temporary(l, n, &t);
                }
                if !create || self.pending.is_empty() {
                    return None;
                }
                let p = t.named()?;
                if !self.pending_alive(&p.display) {
                    return None;
                }
                let f = FileSpec {
                    path: p.display.clone(),
                    dir: false,
                    readonly: false,
                    other_names: false,
                };
                (vec![f], vec![], vec![0])
            }
        };
        let op = Op::Open {
            file: 0,
            exists: m.is_some(),
            read,
            write,
            create,
            exclusive: excl,
            truncate: trunc,
        };
        self.ask(l, n, "open", files, holders, pending, op, None)
    }

    /// A JVM's open for writing: remember whether NIO made it (see [`crate::java`]).
    fn note_java_open(&mut self, n: &Notif, t: &Target, existing: Option<FileId>) {
        let pid = procscan::tgid(n.tid);
        let Some(api) = self.java.caller(pid, n.tid) else {
            return;
        };
        if api == JavaApi::Io && self.java.is_empty() {
            return;
        }
        if let Some(p) = t.named() {
            let before = || existing.map(|id| procscan::fds_on(pid, id)).unwrap_or_default();
            self.java.note_open(pid, &p.display, existing, api, before);
        }
    }

    /// [`crate::pysource::Sources::posix_only`] for a Python stack; the reading of a program's text must not
    /// take the supervisor down (a panic there is taken as "runs on Windows too").
    fn python_posix_only(&mut self, stack: &[pyframe::PyFrame], pid: u32) -> bool {
        let sources = &mut self.sources;
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| sources.posix_only(stack, pid))).unwrap_or(false)
    }

    /// An exclusive create by CPython's `tempfile`: remember a `NamedTemporaryFile`'s.
    fn note_temporary(&mut self, l: &Listener, n: &Notif, t: &Target) {
        if self.runtime_of(n.tid) != Runtime::Python {
            return;
        }
        let Some(p) = t.named() else { return };
        let pid = procscan::tgid(n.tid);
        let stack = self.pyframes.stack(pid, n.tid);
        if self.python_posix_only(&stack, pid) {
            if self.posix_only.len() > 4096 {
                self.posix_only.clear();
            }
            self.posix_only.insert(p.display);
            return;
        }
        if pyframe::opens_with_o_temporary(&mut self.pyframes, pid, n.tid, &stack) && l.id_valid(n.id) {
            if self.temporary.len() > 4096 {
                self.temporary.clear(); // a missed finding at worst
            }
            self.temporary.insert(p.display, pid);
        }
    }

    /// Which library of the process opened the handle of a holder on `path` (opened by
    /// `opener`), when that library has a share mode of its own: an fd of a SQLite
    /// database or its WAL is SQLite's (its Windows VFS shares read and write only,
    /// whatever the runtime around it shares: better-sqlite3, `node:sqlite` and rusqlite
    /// compile it in); a writable fd of a JVM that an open through NIO made is NIO's
    /// (shares delete; see [`crate::java`]); a Go program's fd opened with `O_NOFOLLOW`
    /// is `os.Root`'s (shares delete). Cygwin's SQLite runs on Cygwin's opens.
    fn opened_by(&mut self, holder: u32, opener: u32, fd: Option<i32>, hold: Hold, path: &str) -> Option<Library> {
        let Hold::Handle { write, .. } = hold else {
            return None;
        };
        let rt = self.runtime_of(opener);
        if rt == Runtime::Go
            && fd
                .and_then(|fd| procscan::fd_flags(holder, &fd.to_string()))
                .is_some_and(|f| f & libc::O_NOFOLLOW as u32 != 0)
        {
            return Some(Library::GoRoot);
        }
        if rt == Runtime::Java && write && !self.java.is_empty() {
            // The fd's file (an inherited fd has the opener's number too).
            let holder = fd.and_then(|fd| {
                let m = std::fs::metadata(format!("/proc/{holder}/fd/{fd}")).ok()?;
                Some((fd, FileId::of(&m)))
            });
            if let Some((fd, id)) = holder {
                if self.java.api_of_fd(opener, id, fd) == Some(JavaApi::Nio) {
                    return Some(Library::JavaNio);
                }
            }
        }
        let sqlite = rt != Runtime::Cygwin && !path.ends_with("-shm") && self.is_sqlite_database(path);
        sqlite.then_some(Library::Sqlite)
    }

    /// Whether `path` is a SQLite database, or the WAL or WAL index of one
    /// ([`runtime::is_sqlite_database`]); where a traced process watches it or its
    /// directory with inotify, its header is read through a mapping of a traced
    /// process's fd on it, or from a process's mapping of it, so that the watcher sees no
    /// event of ours.
    fn is_sqlite_database(&mut self, path: &str) -> bool {
        let base = runtime::sqlite_base(path);
        if self.watched.is_empty() {
            return runtime::is_sqlite_database(path);
        }
        let Ok(m) = std::fs::metadata(base) else {
            return false;
        };
        let id = FileId::of(&m);
        if !self.watched_at(std::path::Path::new(base), id) {
            return runtime::is_sqlite_database(path);
        }
        let mut header = [0u8; 16];
        let pids = self.pids().to_vec();
        for &pid in &pids {
            for fd in procscan::fds_on(pid, id) {
                if let Ok(copy) = self.getfd(pid, fd) {
                    if sys::read_head_mapped(&copy, &mut header).is_some() {
                        return &header == runtime::SQLITE_HEADER;
                    }
                }
            }
        }
        // A mapping of its start.
        for &pid in &pids {
            if let Some(start) = procscan::mapping_of_start(pid, id) {
                if sys::read_mem(pid, start, &mut header) == Some(header.len()) {
                    return &header == runtime::SQLITE_HEADER;
                }
            }
        }
        false
    }

    /// Whether holder `h` of `path` is a `NamedTemporaryFile`'s `O_TEMPORARY` handle.
    fn is_temporary(&self, h: &LinuxHolder, path: &str) -> bool {
        matches!(h.hold, Hold::Handle { .. }) && self.temporary.get(path) == Some(&h.pid)
    }

    fn pending_alive(&mut self, path: &str) -> bool {
        if !self.pending.contains_key(path) {
            return false;
        }
        if self.pending_holders(path).is_empty() {
            self.pending.remove(path);
            return false;
        }
        true
    }

    /// The fds and mappings that still hold the deleted file of the delete-pending name
    /// `path`: the traced processes' holders of its inode, less fds whose file was born
    /// at another time (a new file given the inode number after the deleted one's last
    /// fd closed, often at the same fd number).
    fn pending_holders(&mut self, path: &str) -> Vec<LinuxHolder> {
        let Some(&Pending { id, born }) = self.pending.get(path) else {
            return vec![];
        };
        let mut holders = self.scan(&[id], &[false]);
        if let Some(born) = born {
            holders.retain(|h| {
                let Some(fd) = h.fd else { return true };
                CString::new(format!("/proc/{}/fd/{fd}", h.pid))
                    .ok()
                    .and_then(|c| sys::birth_time(&c))
                    .is_none_or(|b| b == born)
            });
        }
        holders
    }

    /// `truncate(path, len)` (`fd` None) or `ftruncate(fd, len)`.
    fn on_truncate(&mut self, l: &Listener, n: &Notif, fd: Option<i32>, len: i64) -> Option<i32> {
        let (m, p) = match fd {
            None => {
                let mut t = self.target(n, None, 0)?;
                let m = self.stat(&mut t, false)?;
                if !m.is_file() || len >= m.size {
                    return None; // growing a mapped file is allowed
                }
                // Nobody has it open or mapped: no mapping in the way.
                if self.held(&t, &m) == Some(false) {
                    return None;
                }
                (m, t.named()?)
            }
            Some(fd) => {
                let p = self.fd_named(n, fd)?;
                let c = CString::new(p.access.as_os_str().as_bytes()).ok()?;
                let m = sys::stat_at(libc::AT_FDCWD, &c, false).ok()?;
                if !m.is_file() || len >= m.size {
                    return None; // growing a mapped file is allowed
                }
                (m, p)
            }
        };
        let holders: Vec<LinuxHolder> = self
            .holders_of(n, &[FileId::from_stat(&m)], &[false])
            .into_iter()
            .filter(|h| matches!(h.hold, Hold::Mapping { .. } | Hold::Library))
            .collect();
        if holders.is_empty() {
            return None;
        }
        let files = vec![spec(&p.display, &m)];
        self.ask(l, n, "truncate", files, holders, vec![], Op::Truncate { file: 0 }, None)
    }

    fn on_mkdir(&mut self, l: &Listener, n: &Notif, dirfd: Option<usize>, arg: usize) -> Option<i32> {
        if self.pending.is_empty() {
            return None;
        }
        let mut t = self.target(n, dirfd, arg)?;
        if self.stat(&mut t, true).is_some() {
            return None;
        }
        let p = t.named()?;
        if !self.pending_alive(&p.display) {
            return None;
        }
        let files = vec![FileSpec {
            path: p.display.clone(),
            dir: false,
            readonly: false,
            other_names: false,
        }];
        self.ask(
            l,
            n,
            "mkdir",
            files,
            vec![],
            vec![0],
            Op::CreateDirectory { file: 0 },
            None,
        )
    }

    /// Who keeps the delete-pending name `path` alive: each fd (or mapping) of the deleted
    /// file, as a blocker with `what: "pending"`.
    fn pending_blockers(&mut self, path: &str) -> Vec<BlockerReport> {
        let holders = self.pending_holders(path);
        let origins = self.origins(&holders);
        holders
            .iter()
            .zip(&origins)
            .map(|(h, o)| {
                let opener = o.opener.unwrap_or(h.pid);
                let spec = HolderSpec {
                    file: 0,
                    runtime: self.runtime_of(opener),
                    library: self.opened_by(h.pid, opener, h.fd, h.hold, path),
                    hold: h.hold,
                    duplicate_of: o.duplicate_of,
                    delete_on_close: self.is_temporary(h, path),
                };
                let sqlite = matches!(h.hold, Hold::Mapping { .. }) && self.is_sqlite_database(path);
                let mut b = blocker_report(h, &spec, o.opener, path, sqlite);
                b.what = "pending".into();
                b.description = format!(
                    "{path} is delete-pending: it was deleted while open and keeps its name until the last handle closes; {}",
                    b.description
                );
                b
            })
            .collect()
    }

    /// Where each fd holder's handle comes from. An fd that is the same open file
    /// description as an fd of an ancestor (`kcmp`) was inherited: on Windows it is a
    /// handle to the ancestor's file object (handle inheritance, or `DuplicateHandle` as
    /// CPython's `subprocess`, libuv's `uv_spawn` and Cygwin's spawn pass stdio), with
    /// the share mode of the runtime that opened it. The oldest holder of such a group
    /// is taken as the opener; if that fd is a standard stream (0–2) and its parent is
    /// traced too, the parent is (it opened the file for the child's redirection and may
    /// have closed its own copy since: `Popen(cmd, stdout=f)` then `f.close()`, or a
    /// shell's `cmd > log`).
    ///
    /// Not seen: a process that opened a file itself and `dup2`ed it onto 0–2 is taken
    /// as having inherited it; an fd above 2 inherited from a parent that closed its
    /// copy is taken as the holder's own.
    fn origins(&mut self, linux: &[LinuxHolder]) -> Vec<Origin> {
        let mut out = vec![Origin::default(); linux.len()];
        if self.runtime.is_some() {
            return out; // one runtime for every process: the opener does not matter
        }
        let fd_of = |h: &LinuxHolder| match h.hold {
            Hold::Handle { .. } => h.fd,
            _ => None,
        };
        let depth: Vec<usize> = linux.iter().map(|h| self.depth(h.pid)).collect();
        // Group the fds of each file by open file description, the shallowest first.
        let mut order: Vec<usize> = (0..linux.len()).filter(|&i| fd_of(&linux[i]).is_some()).collect();
        order.sort_by_key(|&i| depth[i]);
        let mut roots: Vec<usize> = vec![];
        for &i in &order {
            let (h, fd) = (&linux[i], fd_of(&linux[i]).expect("filtered"));
            let root = if self.kcmp {
                roots.iter().copied().find(|&r| {
                    let o = &linux[r];
                    o.target == h.target
                        && fd_of(o).is_some_and(|ofd| sys::same_file(o.pid, ofd, h.pid, fd).unwrap_or(false))
                })
            } else {
                None
            };
            match root {
                Some(r) => out[i].duplicate_of = Some(r),
                None => roots.push(i),
            }
        }
        for &r in &roots {
            let h = &linux[r];
            let parent = self.ptree.parent(h.pid).filter(|&p| p > 1 && p != self.me);
            let opener = match (fd_of(h), parent) {
                (Some(0..=2), Some(p)) => Some(p),
                _ => None,
            };
            out[r].opener = opener;
            let root_pid = h.pid;
            for i in 0..linux.len() {
                if out[i].duplicate_of == Some(r) {
                    out[i].opener = opener.or(Some(root_pid)).filter(|&p| p != linux[i].pid);
                }
            }
        }
        out
    }

    /// How many parents `pid` has below the supervisor (from the cached tree).
    fn depth(&self, pid: u32) -> usize {
        let mut p = pid;
        for d in 0..1024 {
            match self.ptree.parent(p) {
                Some(pp) if pp > 1 && pp != self.me => p = pp,
                _ => return d,
            }
        }
        1024
    }

    /// [`Tracer::scan`] for the holders a call of `n` meets, less those that would not
    /// exist on Windows: a git process that is a fork (without exec) of the calling git is
    /// git's `daemonize()` (`gc --auto`, `maintenance run --detach`), which Git for Windows
    /// does not do (built with `NO_POSIX_GOODIES`, `daemonize` fails with ENOSYS and the
    /// work runs in the foreground).
    fn holders_of(&mut self, n: &Notif, ids: &[FileId], dirs: &[bool]) -> Vec<LinuxHolder> {
        let mut holders = self.scan(ids, dirs);
        self.drop_fork_worker_copies(&mut holders, ids);
        if holders.is_empty() || self.runtime_of(n.tid) != Runtime::Git {
            return holders;
        }
        let caller = procscan::tgid(n.tid);
        let absent: Vec<bool> = holders
            .iter()
            .map(|h| h.pid != caller && self.runtime_of(h.pid) == Runtime::Git && procscan::fork_copies(h.pid, caller))
            .collect();
        retain_unmarked(&mut holders, &absent);
        holders
    }

    /// A Python caller inside `shutil.rmtree` called with an error handler of its own
    /// (`onerror`, or 3.12's `onexc`): the handler the `shutil` documentation gives for
    /// read-only files on Windows clears the attribute and calls the function again, and
    /// so do pip's (`pip/_internal/utils/misc.py` `rmtree_errorhandler`) and the others
    /// of this kind, so the program recovers there. (3.12 turns `onerror` into an
    /// `onexc` of its own, defined in shutil.py: hence "outside shutil.py"; 3.14 wraps
    /// the caller's `onexc` in one too, keeping the caller's as `_onexc`.)
    fn rmtree_has_handler(&mut self, pid: u32, tid: u32, stack: &[pyframe::PyFrame]) -> bool {
        let Some(frame) = stack
            .iter()
            .find(|f| f.function == "rmtree" && f.file.ends_with("/shutil.py"))
        else {
            return false;
        };
        ["onerror", "onexc", "_onexc"]
            .iter()
            .any(|name| self.pyframes.is_function_outside(pid, tid, frame, name, "/shutil.py") == Some(true))
    }

    /// Whether the Python caller catches the exception CPython raises for `e` (the
    /// rename idiom of libraries that run on Windows: `try: os.rename(a, b)` with an
    /// `except OSError` (or `FileExistsError`, `Exception`...) that removes the target
    /// and renames again, or copies: `shutil.move`, cffi's recompiler, Babel, Django's
    /// `file_move_safe`, `mailbox`). The program's own Windows path runs there.
    fn python_catches(&mut self, pid: u32, tid: u32, stack: &[pyframe::PyFrame], e: Win32Error) -> bool {
        let catching = python_catching(e);
        !stack.is_empty() && self.pyframes.caught(pid, tid, stack, &catching)
    }

    /// Where the Python caller catches the exception CPython raises for `e` on Windows,
    /// for a finding's report ([`pyframe::PyFrames::catcher`]: an `except` clause of its
    /// class or a base whose body does not raise ([`pysource::clause_may_raise`]),
    /// `contextlib.suppress`, `shutil.rmtree(ignore_errors=True)`).
    fn python_caught(&mut self, pid: u32, tid: u32, stack: &[pyframe::PyFrame], e: Win32Error) -> Option<Caught> {
        let catching = python_catching(e);
        let catch = self.pyframes.catcher(pid, tid, stack, &catching)?;
        let f = stack.get(catch.frame)?;
        // An `except` whose body may raise again (`if e.errno != errno.ENOENT: raise`)
        // is a doubtful catch: none.
        if catch
            .clause_line
            .is_some_and(|line| self.sources.clause_may_raise(&f.file, line))
        {
            return None;
        }
        Some(Caught {
            file: f.file.clone(),
            line: f.line,
            function: f.function.clone(),
            by: catch.by,
        })
    }

    /// Drop the fds and mappings that multiprocessing's fork workers copied from their
    /// parent.
    ///
    /// A worker of a `fork` pool is a copy of its Python parent made without exec
    /// ([`procscan::fork_copies`]) and holds copies of every fd and mapping the parent had
    /// when it forked. On Windows multiprocessing spawns a fresh interpreter that inherits
    /// no handle (`Lib/multiprocessing/popen_spawn_win32.py`: `CreateProcess(..., False,
    /// ...)`, bInheritHandles false) and no view, so those copies are no Windows handles
    /// or views. An fd copy is told by its open file description being the parent's or a
    /// sibling worker's (`kcmp`); a mapping copy by being at the same addresses as the
    /// parent's or a sibling's mapping of the file (a copied address space keeps them; a
    /// worker's own mapping lands elsewhere). What a worker opened or mapped itself stays
    /// a holder. (A single worker whose parent has closed the file or unmapped it cannot
    /// be told apart: it stays a holder.)
    fn drop_fork_worker_copies(&mut self, holders: &mut Vec<LinuxHolder>, ids: &[FileId]) {
        let copyable = |h: &LinuxHolder| match h.hold {
            Hold::Handle { .. } => h.fd.is_some(),
            Hold::Mapping { .. } => true,
            _ => false,
        };
        let mut workers: Vec<(usize, u32)> = vec![];
        for (i, h) in holders.iter().enumerate() {
            let Some(parent) = self.ptree.parent(h.pid).filter(|_| copyable(h)) else {
                continue;
            };
            if self.runtime_of(h.pid) == Runtime::Python
                && self.runtime_of(parent) == Runtime::Python
                && procscan::fork_copies(h.pid, parent)
            {
                workers.push((i, parent));
            }
        }
        if workers.is_empty() {
            return;
        }
        let mut copied = vec![false; holders.len()];
        for &(i, parent) in &workers {
            let w = &holders[i];
            let related = |o: &LinuxHolder| {
                o.pid != w.pid && o.target == w.target && (o.pid == parent || self.ptree.parent(o.pid) == Some(parent))
            };
            copied[i] = match (w.hold, w.fd) {
                (Hold::Handle { .. }, Some(fd)) => holders.iter().any(|o| {
                    related(o)
                        && matches!(o.hold, Hold::Handle { .. })
                        && o.fd
                            .is_some_and(|ofd| sys::same_file(w.pid, fd, o.pid, ofd).unwrap_or(false))
                }),
                _ => {
                    let id = ids[w.target];
                    let mine = procscan::mapping_starts(w.pid, id);
                    !mine.is_empty()
                        && holders.iter().any(|o| {
                            related(o) && matches!(o.hold, Hold::Mapping { .. }) && {
                                let theirs = procscan::mapping_starts(o.pid, id);
                                mine.iter().all(|a| theirs.contains(a))
                            }
                        })
                }
            };
        }
        retain_unmarked(holders, &copied);
    }

    /// Ask the oracle; record and print a finding; the errno to enforce.
    #[allow(clippy::too_many_arguments)]
    fn ask(
        &mut self,
        l: &Listener,
        n: &Notif,
        operation: &str,
        files: Vec<FileSpec>,
        linux: Vec<LinuxHolder>,
        pending: Vec<usize>,
        op: Op,
        target: Option<String>,
    ) -> Option<i32> {
        self.judge(l, n, operation, files, linux, pending, op, target).errno
    }

    /// [`Tracer::ask`], with what else the verdict says.
    #[allow(clippy::too_many_arguments)]
    fn judge(
        &mut self,
        l: &Listener,
        n: &Notif,
        operation: &str,
        files: Vec<FileSpec>,
        linux: Vec<LinuxHolder>,
        pending: Vec<usize>,
        op: Op,
        target: Option<String>,
    ) -> Answer {
        if trivially_allowed(&files, &linux, &pending, &op)
            || files.iter().any(|f| runtime::is_posix_ipc_object(&f.path))
            || files.first().is_some_and(|f| self.posix_only.contains(&f.path))
        {
            return Answer::default();
        }
        // Data read about the caller (its memory, its fds, /proc/TID) is its own only if
        // the notification is still pending: checked here, before anything is recorded,
        // and not on the fast path, whose only effect is CONTINUE (a stale id is refused).
        if !l.id_valid(n.id) {
            return Answer::default();
        }
        let caller_rt = self.runtime_of(n.tid);
        let pid = procscan::tgid(n.tid);
        let origins = self.origins(&linux);
        let holders: Vec<HolderSpec> = linux
            .iter()
            .zip(&origins)
            .map(|(h, o)| {
                let opener = o.opener.unwrap_or(h.pid);
                let temporary = self.temporary.get(&files[h.target].path) == Some(&opener);
                HolderSpec {
                    file: h.target,
                    runtime: self.runtime_of(opener),
                    library: self.opened_by(h.pid, opener, h.fd, h.hold, &files[h.target].path),
                    hold: h.hold,
                    duplicate_of: o.duplicate_of,
                    delete_on_close: temporary && matches!(h.hold, Hold::Handle { .. }),
                }
            })
            .collect();
        let caller_tool = match caller_rt {
            // java.io or java.nio, told by the JNI library that made the call.
            Runtime::Java => self.java.caller(pid, n.tid).map(|api| match api {
                JavaApi::Io => oracle::Tool::JavaIo,
                JavaApi::Nio => oracle::Tool::JavaNio,
            }),
            _ => runtime::tool(caller_rt, || procscan::comm(pid), &files, &op),
        };
        let sit = Situation {
            config: self.config,
            files,
            holders,
            pending,
            op,
            caller: caller_rt,
            caller_tool,
            caller_libuv: match caller_rt {
                Runtime::Node => self.libuv.of_pid(pid),
                _ => None,
            },
        };
        // A model panic must not take the supervisor down (the program would then get
        // ENOSYS for every trapped call): no verdict, no finding.
        let Ok(verdict) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| oracle::decide(&sit))) else {
            return Answer::default();
        };
        let allowed = Answer {
            errno: None,
            name_remains: verdict.name_remains,
        };
        let (Some(kind), Some(refusal)) = (oracle::classify(&sit, &verdict), verdict.refusal.as_ref()) else {
            return allowed;
        };
        let (go_stack, go_cut) = match caller_rt {
            Runtime::Go => self.gostacks.stack(pid, n.tid),
            _ => (vec![], false),
        };
        // Go code compiled or run only for other systems: the call never happens on
        // Windows.
        let cwd = || std::fs::read_link(format!("/proc/{pid}/cwd")).ok();
        if !go_stack.is_empty() && gostack::posix_only(&go_stack, &mut self.gosources, cwd().as_deref()) {
            return allowed;
        }
        let (native_stack, native_cut) = match caller_rt {
            // Read from the program's binaries (their call frame and debugging
            // information, parsed by gimli and addr2line): a panic there must not take
            // the supervisor down either.
            Runtime::Rust | Runtime::Crt | Runtime::Llvm | Runtime::Git => std::panic::catch_unwind(
                std::panic::AssertUnwindSafe(|| self.native.stack(pid, n.tid)),
            )
            .unwrap_or_else(|_| {
                self.native = NativeStacks::default();
                (vec![], false)
            }),
            _ => (vec![], false),
        };
        // Rust, C or C++ code compiled or run only for other systems (`#[cfg(unix)]`,
        // `if cfg!(unix)`, `#ifndef _WIN32`): the call never happens on Windows (but for
        // a library's implementation of an API for other systems, whose Windows one makes
        // the operation too: `NativeSources::stack_posix_only`).
        let sources = &mut self.native_sources;
        let posix_only =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| sources.stack_posix_only(&native_stack)));
        if posix_only.unwrap_or(false) {
            return allowed;
        }
        let mut stack_truncated = false;
        // Node's frames, its own modules' included (which of the program's functions node
        // called back: `JsSources::posix_only`).
        let mut js_stack = vec![];
        let mut js_entered = false;
        // Python's frames as far as the decisions below read them (read on for a new
        // finding).
        let mut py_stack = pyframe::Stack::default();
        let mut stack = match caller_rt {
            Runtime::Python => {
                py_stack = self.pyframes.stack_with_waiters(pid, n.tid);
                std::mem::take(&mut py_stack.frames)
            }
            Runtime::Go => {
                stack_truncated = go_cut;
                gostack::shown(&go_stack)
            }
            // Read from V8's stack and heap: a panic there must not take the supervisor
            // down either.
            Runtime::Node => std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let read = self.v8stacks.stack(pid, n.tid);
                js_stack = read.frames;
                js_entered = read.entered;
                (v8stack::shown(&js_stack), read.cut)
            }))
            .map(|(shown, cut)| {
                stack_truncated = cut;
                shown
            })
            .unwrap_or_else(|_| {
                self.v8stacks = V8Stacks::default();
                vec![]
            }),
            // Read from the JVM's memory: a panic there must not take the supervisor down.
            Runtime::Java => {
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.javastacks.stack(pid, n.tid)))
                    .map(|(frames, cut)| {
                        stack_truncated = cut;
                        crate::javastack::shown(&frames)
                    })
                    .unwrap_or_else(|_| {
                        self.javastacks = Default::default();
                        vec![]
                    })
            }
            _ => {
                stack_truncated = native_cut;
                native::shown(&native_stack)
            }
        };
        // NamedTemporaryFile opened with O_TEMPORARY on Windows and its close makes no
        // unlink: the caller's own fds and maps of the file are that handle or duplicates
        // of it. Another process's fd is still reported: on Windows it could not have
        // opened the file (the O_TEMPORARY handle has DELETE access, which the runtimes
        // that do not share delete are refused), and its open was not seen.
        let only_the_caller = linux.iter().all(|h| h.pid == pid);
        let ntf_close = pyframe::is_named_temporary_file_close(&stack)
            && (stack[0].function == "close" || self.temporary.get(&sit.files[0].path) == Some(&pid));
        if operation == "unlink" && ntf_close && only_the_caller {
            return allowed;
        }
        // Code that runs only where the platform is not Windows (a branch on
        // sys.platform, a test skipped there): the call never happens on Windows. (The
        // unlink of NamedTemporaryFile's close is such code too, but it stands for the
        // other process's open that Windows refuses, as said above.)
        // A guard further out than the frames the decisions read (a pytest test's
        // `skipif` some 30 frames up, a branch around a deep call) is read on for.
        if caller_rt == Runtime::Python && !(operation == "unlink" && ntf_close) {
            if self.python_posix_only(&stack, pid) {
                return allowed;
            }
            if py_stack.truncated() {
                py_stack.frames = std::mem::take(&mut stack);
                self.pyframes.read_on(pid, n.tid, &mut py_stack);
                stack = std::mem::take(&mut py_stack.frames);
                if self.python_posix_only(&stack, pid) {
                    return allowed;
                }
            }
        }
        // The same for JavaScript (`if (process.platform !== 'win32')`, a test skipped on
        // Windows); the reading of its text must not take the supervisor down.
        if caller_rt == Runtime::Node {
            let js = &mut self.jssources;
            if std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| js.posix_only(&js_stack, js_entered)))
                .unwrap_or(false)
            {
                return allowed;
            }
        }
        // The same for Java (`if (!IS_WINDOWS)`, `Assume.assumeFalse(isWindows)`, a JUnit 5
        // test `@DisabledOnOs(OS.WINDOWS)`); its program frames, found under the JVM's
        // source roots.
        if caller_rt == Runtime::Java {
            let java = &mut self.javasources;
            if std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| java.posix_only(&stack, pid))).unwrap_or(false)
            {
                return allowed;
            }
        }
        if operation == "unlink"
            && runtime::is_sqlite_shm_close(&sit.files[0].path, only_the_caller, &stack)
            && !(caller_rt == Runtime::Python && self.calls_os_remove(n))
        {
            return allowed;
        }
        if operation == "unlink" && only_the_caller && runtime::is_sqlite_temp_file(&sit.files[0].path) {
            return allowed;
        }
        if operation == "truncate" && only_the_caller && self.is_sqlite_database(&sit.files[0].path) {
            return allowed;
        }
        if kind == oracle::Kind::ReadOnly
            && (runtime::rmtree_recovers_read_only(&stack) || self.rmtree_has_handler(pid, n.tid, &stack))
        {
            return allowed;
        }
        if kind == oracle::Kind::RenameTargetExists
            && caller_rt == Runtime::Python
            && self.python_catches(pid, n.tid, &stack, refusal.win32)
        {
            // Handled by the program: no finding. Under --enforce the call still fails,
            // so that the handler runs as on Windows (and its calls are judged).
            let (_, errno) = report::translate(caller_rt, sit.caller_tool, operation, refusal.win32, "", None);
            return Answer {
                errno: self.enforce.then_some(errno),
                name_remains: false,
            };
        }
        let path = sit.files[0].path.clone();
        let win32 = refusal.win32.code();
        let (message, errno) = report::translate(
            caller_rt,
            sit.caller_tool,
            operation,
            refusal.win32,
            &path,
            target.as_deref(),
        );
        let sqlite_maps: Vec<bool> = verdict
            .blockers
            .iter()
            .map(|&b| {
                matches!(linux[b].hold, Hold::Mapping { .. })
                    && self.is_sqlite_database(&sit.files[sit.holders[b].file].path)
            })
            .collect();
        let mut blockers: Vec<BlockerReport> = verdict
            .blockers
            .iter()
            .zip(sqlite_maps)
            .map(|(&b, sqlite)| {
                blocker_report(
                    &linux[b],
                    &sit.holders[b],
                    origins[b].opener,
                    &sit.files[sit.holders[b].file].path,
                    sqlite,
                )
            })
            .collect();
        for &pf in &sit.pending {
            blockers.extend(self.pending_blockers(&sit.files[pf].path));
        }
        let in_the_way: Vec<&str> = blockers.iter().map(|b| b.description.as_str()).collect();
        let explanation = format!(
            "{} fails with {}: {}{}.",
            verdict.windows_call,
            refusal.status,
            refusal.reason,
            if in_the_way.is_empty() {
                String::new()
            } else {
                format!("; in the way: {}", in_the_way.join("; "))
            }
        );
        let process = procscan::comm(pid);
        let mut finding = Finding {
            kind: kind.as_str().into(),
            operation: operation.into(),
            path,
            target,
            pid,
            tid: n.tid,
            process,
            runtime: caller_rt.name().into(),
            windows_call: verdict.windows_call.clone(),
            error: refusal.win32.name().into(),
            win32,
            ntstatus: refusal.status.name().into(),
            message: [(caller_rt.name().to_owned(), message)].into(),
            blockers,
            enforced: self.enforce,
            explanation,
            rule: refusal.reason.rule().into(),
            count: 1,
            stack,
            stack_truncated,
            caught: None,
        };
        if caller_rt == Runtime::Python {
            finding.stack_truncated = py_stack.truncated();
        }
        // The frames and exemptions above were read from a thread that may have left the
        // call meanwhile (a signal, such as Go's preemption, interrupts the wait; the call
        // is issued again and judged afresh): what was read is its own only if the
        // notification is still pending now.
        if !l.id_valid(n.id) {
            return Answer::default();
        }
        let repeated = Answer {
            errno: Some(errno),
            name_remains: false,
        };
        // A finding made again counts once more: one from the same place (its innermost
        // frame) through the same frames, or one the program does not catch there. Made
        // through other frames than a caught one, it is judged for its own catch (a
        // helper whose other caller catches its error): it counts with a finding from
        // the same place that is caught as it is, or not; else it is a finding of its own.
        let same: Vec<usize> = (0..self.findings.len())
            .filter(|&i| self.findings[i].same_as(&finding))
            .collect();
        let identical = same.iter().find(|&&i| self.findings[i].stack == finding.stack);
        if let Some(&i) = identical.or_else(|| {
            same.first()
                .filter(|_| same.iter().all(|&i| self.findings[i].caught.is_none()))
        }) {
            self.findings[i].count += 1;
            return repeated;
        }
        // Where the program catches what the call raises on Windows: read for a new
        // finding only (no trapped call pays for it), from the caller's memory, hence
        // checked against the notification again.
        if caller_rt == Runtime::Python && !(operation == "unlink" && ntf_close) {
            finding.caught = self.python_caught(pid, n.tid, &finding.stack, refusal.win32);
            if !l.id_valid(n.id) {
                return Answer::default();
            }
        }
        // JavaScript's: a `try`/`catch` around a synchronous call, read from the source
        // (which must not take the supervisor down).
        if caller_rt == Runtime::Node && self.v8stacks.synchronous() {
            let js = &mut self.jssources;
            let catch = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| js.catcher(&js_stack)));
            finding.caught = catch.ok().flatten().and_then(|(i, by)| {
                let f = js_stack.get(i)?;
                Some(Caught {
                    file: f.file.clone(),
                    line: f.line,
                    function: f.function.clone(),
                    by,
                })
            });
        }
        if let Some(&i) = same
            .iter()
            .find(|&&i| self.findings[i].caught.is_some() == finding.caught.is_some())
        {
            self.findings[i].count += 1;
            return repeated;
        }
        let hidden = self.hide_caught && finding.caught.is_some();
        if !self.quiet && !hidden {
            let text = match self.format {
                Format::Human => report::human(&finding),
                Format::Github => report::github(&finding),
                Format::Json => serde_json::to_string(&finding).unwrap_or_default() + "\n",
                Format::Sarif => String::new(),
            };
            let _ = std::io::stderr().write_all(text.as_bytes());
        }
        self.findings.push(finding);
        Answer {
            errno: Some(errno),
            name_remains: false,
        }
    }
}

/// The classes whose `except` clause catches what CPython raises for `e` on Windows: its
/// class (`PermissionError`, `FileExistsError`...) and its bases, by the names code
/// gives them (`EnvironmentError`, `IOError` and `os.error` are `OSError`).
fn python_catching(e: Win32Error) -> [&'static str; 7] {
    let class = winsan_model::translate::python_class(winsan_model::translate::python_errno(e));
    [
        class,
        "OSError",
        "EnvironmentError",
        "IOError",
        "error",
        "Exception",
        "BaseException",
    ]
}

/// Keep the items whose mark (same index) is false.
fn retain_unmarked<T>(items: &mut Vec<T>, marked: &[bool]) {
    let mut i = 0;
    items.retain(|_| {
        i += 1;
        !marked[i - 1]
    });
}

/// A situation the model cannot refuse, whatever the configuration and runtimes: no
/// process holds anything, no name is delete-pending, nothing is read-only, no
/// directory is renamed, and no rename that does not replace meets an existing name.
/// Decided without building the model (checked against the oracle by the test
/// `trivially_allowed_matches_the_oracle`).
fn trivially_allowed(files: &[FileSpec], holders: &[LinuxHolder], pending: &[usize], op: &Op) -> bool {
    holders.is_empty()
        && pending.is_empty()
        && files.iter().all(|f| !f.readonly)
        && !(matches!(op, Op::Rename { .. }) && files.iter().any(|f| f.dir))
        && !matches!(
            op,
            Op::Rename {
                to_exists: true,
                replace: false,
                ..
            }
        )
}

/// Whether the directory at `path` (`st`) is empty, told without reading it where the
/// file system's directory size tells (see [`Tracer::dir_is_empty`]); `None` elsewhere.
fn quiet_dir_is_empty(path: &std::path::Path, st: &Stat) -> Option<bool> {
    const TMPFS_MAGIC: i64 = 0x0102_1994;
    const BTRFS_SUPER_MAGIC: i64 = 0x9123_683E;
    match sys::fs_type(path)? {
        TMPFS_MAGIC => Some(st.size <= 40),
        BTRFS_SUPER_MAGIC => Some(st.size == 0),
        _ => None,
    }
}

/// Whether `dir` has no entries (a rename onto it can replace it on Linux).
fn is_empty_dir(dir: &std::path::Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none())
}

fn spec(path: &str, m: &Stat) -> FileSpec {
    FileSpec {
        path: path.to_owned(),
        dir: m.is_dir(),
        readonly: readonly(m),
        other_names: !m.is_dir() && m.nlink > 1,
    }
}

/// The owner write bit is clear on something that is not a directory: the read-only
/// attribute on Windows.
fn readonly(m: &Stat) -> bool {
    !m.is_dir() && m.mode & 0o200 == 0
}

/// Drop `.` components and doubled slashes (`..` is left alone: it may cross a symlink).
fn normalize(p: &str) -> String {
    let mut out = String::new();
    for part in p.split('/').filter(|s| !s.is_empty() && *s != ".") {
        out.push('/');
        out.push_str(part);
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

fn class_names(read: bool, write: bool, delete: bool) -> Vec<String> {
    [(read, "read"), (write, "write"), (delete, "delete")]
        .iter()
        .filter(|(b, _)| *b)
        .map(|(_, n)| n.to_string())
        .collect()
}

/// What [`Tracer::judge`] found.
#[derive(Clone, Copy, Debug, Default)]
struct Answer {
    /// The errno to enforce: the operation is a finding.
    errno: Option<i32>,
    /// See [`oracle::Verdict::name_remains`].
    name_remains: bool,
}

/// Where an fd holder's handle comes from (see [`Tracer::origins`]).
#[derive(Clone, Copy, Debug, Default)]
struct Origin {
    /// The process that opened it, when not the holder.
    opener: Option<u32>,
    /// The holder with the same open file description that stands for it.
    duplicate_of: Option<usize>,
}

/// (`sqlite`: whether the file is a SQLite database or its WAL index, for a mapping.)
fn blocker_report(h: &LinuxHolder, spec: &HolderSpec, opener: Option<u32>, path: &str, sqlite: bool) -> BlockerReport {
    use winsan_model::consts::share::*;
    let process = procscan::comm(h.pid);
    let who = match opener {
        Some(o) => format!("{process}[{}] (inherited from {}[{o}])", h.pid, procscan::comm(o)),
        None => format!("{process}[{}]", h.pid),
    };
    let rt = spec.runtime;
    let sh = if spec.delete_on_close {
        FILE_SHARE_VALID_FLAGS
    } else {
        spec.library.map_or(rt.share_mode(), Library::share_mode)
    };
    let share = class_names(
        sh & FILE_SHARE_READ != 0,
        sh & FILE_SHARE_WRITE != 0,
        sh & FILE_SHARE_DELETE != 0,
    );
    let (access, share, description) = match h.hold {
        Hold::Handle { read, write } => {
            let acc = class_names(read, write, spec.delete_on_close);
            let why = if spec.delete_on_close {
                "tempfile.NamedTemporaryFile opens with O_TEMPORARY: delete-on-close, so DELETE access, and every other open must share delete"
            } else if let Some(library) = spec.library {
                library.share_why()
            } else {
                rt.share_why()
            };
            let d = format!(
                "fd {} of {who}, opened {}, share {} ({why})",
                h.fd.unwrap_or(-1),
                acc.join("/"),
                share.join("/"),
            );
            (acc, share, d)
        }
        Hold::DirHandle => (
            vec!["read".into()],
            class_names(true, true, true),
            match h.fd {
                Some(fd) => format!(
                    "{path} is open as directory fd {fd} of {who} (a listing in progress: a directory handle on Windows)"
                ),
                // An inotify watch (`Tracer::watched_below`).
                None => format!(
                    "{path} is watched for changes by {who} (inotify here; on Windows a directory handle for ReadDirectoryChangesW, sharing read/write/delete)"
                ),
            },
        ),
        Hold::Mapping { writable } => {
            let acc = class_names(true, writable, false);
            let keeps = if path.ends_with("-shm") && sqlite {
                // Its connection's fd is a holder of its own.
                " made by SQLite: its WAL index, which its Windows VFS maps too (winShmMap)".to_owned()
            } else if sqlite {
                " made by SQLite (PRAGMA mmap_size), whose Windows VFS maps it too".to_owned()
            } else if rt.mapping_keeps_handle() {
                format!(", and CPython's mmap keeps its own handle (share {})", share.join("/"))
            } else {
                String::new()
            };
            let d = format!(
                "{path} is mapped into {who} ({} view of a data section{keeps})",
                if writable { "a writable" } else { "a read-only" }
            );
            (acc, if rt.mapping_keeps_handle() { share } else { vec![] }, d)
        }
        Hold::Exe => (
            vec!["read".into()],
            class_names(true, false, true),
            format!("{path} is the running program of {who} (an image section)"),
        ),
        Hold::Library => (
            vec!["read".into()],
            class_names(true, false, true),
            format!("{path} is loaded as a library by {who} (an image section)"),
        ),
        Hold::Cwd => {
            // The handle `SetCurrentDirectoryW` keeps, or Cygwin's own (shares delete).
            let shares_delete = rt.cwd_share_mode() & FILE_SHARE_DELETE != 0;
            (
                vec!["read".into()],
                class_names(true, true, shares_delete),
                format!(
                    "{path} is the working directory of {who} (a directory handle sharing {})",
                    if shares_delete { "read/write/delete" } else { "read/write, not delete" }
                ),
            )
        }
    };
    BlockerReport {
        pid: h.pid,
        process,
        what: h.hold.what().into(),
        fd: h.fd,
        access,
        share,
        runtime: spec.library.map_or(rt.name(), Library::name).into(),
        inherited_from: opener,
        path: path.to_owned(),
        description,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trivially_allowed_matches_the_oracle() {
        use winsan_model::WindowsVersion;
        let file = |path: &str, dir: bool| FileSpec {
            path: path.into(),
            dir,
            readonly: false,
            other_names: false,
        };
        let mut ops = vec![
            (Op::Delete { file: 0 }, vec![file("/tmp/d/a", false)]),
            (Op::RemoveDirectory { file: 0 }, vec![file("/tmp/d", true)]),
            (Op::Truncate { file: 0 }, vec![file("/tmp/d/a", false)]),
            (Op::CreateDirectory { file: 0 }, vec![file("/tmp/d/n", true)]),
        ];
        for (to_exists, replace) in [(false, true), (true, true), (false, false), (true, false)] {
            ops.push((
                Op::Rename {
                    from: 0,
                    to: 1,
                    to_exists,
                    replace,
                },
                vec![file("/tmp/d/a", false), file("/tmp/e/b", false)],
            ));
        }
        for bits in 0..32u32 {
            let b = |i: u32| bits & (1 << i) != 0;
            if !(b(1) || b(2) || b(4)) {
                continue; // read-only opens are not decided
            }
            let op = Op::Open {
                file: 0,
                exists: b(0),
                read: true,
                write: b(1),
                create: b(2),
                exclusive: b(3),
                truncate: b(4),
            };
            ops.push((op, vec![file("/tmp/d/a", false)]));
        }
        let versions = [
            WindowsVersion::Win7,
            WindowsVersion::Win10_1809,
            WindowsVersion::Win10_1903,
            WindowsVersion::Win11,
        ];
        for windows in versions {
            for delete in [None, Some(DeleteSemantics::Legacy), Some(DeleteSemantics::Posix)] {
                for rt in crate::runtime::NAMES {
                    for (op, files) in &ops {
                        let no_replace_onto_existing = matches!(
                            op,
                            Op::Rename {
                                to_exists: true,
                                replace: false,
                                ..
                            }
                        );
                        assert_eq!(trivially_allowed(files, &[], &[], op), !no_replace_onto_existing);
                        let sit = Situation {
                            config: Config { windows, delete },
                            files: files.clone(),
                            holders: vec![],
                            pending: vec![],
                            op: *op,
                            caller: crate::runtime::parse(rt).unwrap(),
                            caller_tool: None,
                            caller_libuv: None,
                        };
                        let v = oracle::decide(&sit);
                        let want = no_replace_onto_existing.then_some(oracle::Kind::RenameTargetExists);
                        assert_eq!(oracle::classify(&sit, &v), want, "{sit:?} {v:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn normalizes() {
        assert_eq!(normalize("/tmp/./a//b"), "/tmp/a/b");
        assert_eq!(normalize("/"), "/");
    }
}
