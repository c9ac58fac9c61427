//! The supervisor: start the program under the filter, answer every trapped call, reap
//! the tree, and hand over to a helper if descendants outlive the program.
//!
//! ```text
//! main thread: socketpair → spawn (pre_exec: NNP, filter, send listener) → reap loop
//! notif thread: recv listener → SYNC_WAKE_UP → loop { poll; RECV; decode; read paths;
//!               ID_VALID; stat; /proc scan if held; oracle; report; SEND }
//! ```

use crate::oracle::{self, FileSpec, Hold, HolderSpec, Op, Situation};
use crate::procscan::{self, FileId, LinuxHolder};
use crate::report::{self, BlockerReport, Finding, Format};
use crate::runtime::{Runtime, RuntimeCache};
use crate::sys::{self, Exit, Listener, Notif, Ready};
use crate::syscalls::{self, Call};
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::Write;
use std::os::fd::AsRawFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::os::unix::process::CommandExt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use winsan_model::{Config, DeleteSemantics, FileSystem};

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
    /// How long to keep supervising descendants after the program exits before handing
    /// the listener to a helper.
    pub linger: Duration,
}

/// How the run went.
pub struct Outcome {
    pub exit: Exit,
    pub findings: Vec<Finding>,
    pub trapped: u64,
    /// Supervisor peak RSS in KiB.
    pub peak_rss_kib: Option<u64>,
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
    let notif = std::thread::Builder::new()
        .name("winsan-notif".into())
        .spawn(move || -> Option<(Tracer, Listener)> {
            let fd = sys::recv_fd(&parent_sock).ok()??;
            let listener = Listener(fd);
            let _ = listener.set_sync_wakeup();
            let mut tracer = tracer;
            loop {
                match listener.poll(100) {
                    Ok(Ready::Notification) => {
                        if let Ok(Some(n)) = listener.recv() {
                            tracer.handle(&listener, n);
                        }
                    }
                    Ok(Ready::Timeout) => {
                        if thread_stop.load(Ordering::Relaxed) {
                            break;
                        }
                    }
                    Ok(Ready::HangUp) | Err(_) => break,
                }
            }
            Some((tracer, listener))
        })
        .map_err(|e| RunError::Other(format!("thread: {e}")))?;

    let setup = sys::ChildSetup {
        filter: syscalls::build_filter(),
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
    })
}

fn is_executable(p: &std::path::Path) -> bool {
    std::fs::metadata(p)
        .map(|m| m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}
use std::os::unix::fs::PermissionsExt;

/// A path named by a trapped call.
struct Named {
    /// Absolute path for reports.
    display: String,
    /// A path the supervisor can stat (through `/proc/TID/...` for relative names).
    access: std::path::PathBuf,
}

/// The per-run state of the notification thread.
struct Tracer {
    config: Config,
    runtime: Option<Runtime>,
    enforce: bool,
    format: Format,
    quiet: bool,
    me: u32,
    runtimes: RuntimeCache,
    /// Legacy semantics: names that are delete-pending, with the file that keeps them.
    pending: BTreeMap<String, FileId>,
    findings: Vec<Finding>,
    trapped: u64,
    /// The traced processes, re-read from /proc at most every [`TREE_TTL`] (reading
    /// every /proc/PID/stat per `rmdir` made `rm -rf` 15x slower).
    tree: Option<(Instant, Vec<u32>)>,
}

/// How long a list of the traced processes is trusted. A process started and moved into a
/// directory less than this before the directory is removed can be missed (a missed
/// finding, never a false one).
const TREE_TTL: Duration = Duration::from_millis(50);

const AT_FDCWD: i64 = -100;

impl Tracer {
    fn new(o: &Options, me: u32) -> Tracer {
        Tracer {
            config: o.config,
            runtime: o.runtime,
            enforce: o.enforce,
            format: o.format,
            quiet: o.quiet,
            me,
            runtimes: RuntimeCache::default(),
            pending: BTreeMap::new(),
            findings: Vec::new(),
            trapped: 0,
            tree: None,
        }
    }

    fn legacy(&self) -> bool {
        self.config.deletefile_semantics(FileSystem::Ntfs) == DeleteSemantics::Legacy
    }

    fn runtime_of(&mut self, pid: u32) -> Runtime {
        match self.runtime {
            Some(r) => r,
            None => self.runtimes.of_pid(pid),
        }
    }

    /// Answer one notification.
    fn handle(&mut self, l: &Listener, n: Notif) {
        self.trapped += 1;
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

    /// Read the path argument `arg` relative to dirfd argument `dirfd` (None: AT_FDCWD).
    fn named(&self, n: &Notif, dirfd: Option<usize>, arg: usize) -> Option<Named> {
        let raw = sys::read_cstring(n.tid, n.args[arg])?;
        let rel = std::ffi::OsStr::from_bytes(&raw);
        let relstr = String::from_utf8_lossy(&raw).into_owned();
        if raw.first() == Some(&b'/') {
            return Some(Named {
                display: normalize(&relstr),
                access: rel.into(),
            });
        }
        let fd = dirfd.map(|i| n.args[i] as i32 as i64).unwrap_or(AT_FDCWD);
        let base = if fd == AT_FDCWD {
            format!("/proc/{}/cwd", n.tid)
        } else {
            format!("/proc/{}/fd/{}", n.tid, fd)
        };
        let shown = std::fs::read_link(&base).ok()?;
        let display = if raw.is_empty() {
            shown.to_string_lossy().into_owned()
        } else {
            normalize(&format!("{}/{}", shown.to_string_lossy(), relstr))
        };
        let mut access = std::path::PathBuf::from(base);
        if !raw.is_empty() {
            access.push(rel);
        }
        Some(Named { display, access })
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
            Call::Truncate => {
                let p = self.named(n, None, 0)?;
                self.on_truncate(l, n, p, a[1] as i64)
            }
            Call::Ftruncate => {
                let p = self.fd_named(n, a[0] as i32)?;
                self.on_truncate(l, n, p, a[1] as i64)
            }
            Call::Mkdir => self.on_mkdir(l, n, None, 0),
            Call::MkdirAt => self.on_mkdir(l, n, Some(0), 1),
            // Images are read from /proc when a decision needs them; links, chmod and
            // fallocate need no decision yet.
            Call::Execve
            | Call::ExecveAt
            | Call::Mmap
            | Call::Link
            | Call::LinkAt
            | Call::Chmod
            | Call::Fchmod
            | Call::FchmodAt
            | Call::FchmodAt2
            | Call::Fallocate
            | Call::IoUringSetup => None,
        }
    }

    fn fd_named(&self, n: &Notif, fd: i32) -> Option<Named> {
        let access = std::path::PathBuf::from(format!("/proc/{}/fd/{}", n.tid, fd));
        let display = std::fs::read_link(&access).ok()?.to_string_lossy().into_owned();
        Some(Named { display, access })
    }

    /// The traced processes, and who among them holds the files.
    fn scan(&mut self, ids: &[FileId], dirs: &[bool]) -> Vec<LinuxHolder> {
        let pids = self.pids();
        procscan::holders(pids, ids, dirs)
    }

    fn pids(&mut self) -> &[u32] {
        let fresh = matches!(&self.tree, Some((t, _)) if t.elapsed() < TREE_TTL);
        if !fresh {
            self.tree = Some((Instant::now(), procscan::tree(self.me)));
        }
        &self.tree.as_ref().expect("just filled").1
    }

    /// Holders of a regular file: nobody, unless the lease probe says someone holds it.
    fn file_holders(&mut self, p: &Named, id: FileId) -> Vec<LinuxHolder> {
        match p.access.to_str().and_then(sys::file_is_held) {
            Some(false) => vec![],
            _ => self.scan(&[id], &[false]),
        }
    }

    fn on_unlink(&mut self, l: &Listener, n: &Notif, dirfd: Option<usize>, arg: usize, rmdir: bool) -> Option<i32> {
        let p = self.named(n, dirfd, arg)?;
        if !l.id_valid(n.id) {
            return None;
        }
        let m = std::fs::symlink_metadata(&p.access).ok()?;
        let id = FileId::of(&m);
        if rmdir {
            if !m.is_dir() {
                return None;
            }
            // Not empty on Linux: fails there too.
            if std::fs::read_dir(&p.access).ok()?.next().is_some() {
                return None;
            }
            let mut files = vec![spec(&p.display, &m)];
            let mut ids = vec![id];
            let mut pending = vec![];
            let prefix = format!("{}/", p.display);
            let kids: Vec<(String, FileId)> = self
                .pending
                .iter()
                .filter(|(k, _)| k.starts_with(&prefix) && !k[prefix.len()..].contains('/'))
                .map(|(k, v)| (k.clone(), *v))
                .collect();
            for (k, fid) in kids {
                if self.scan(&[fid], &[false]).is_empty() {
                    self.pending.remove(&k);
                    continue;
                }
                pending.push(files.len());
                files.push(FileSpec {
                    path: k,
                    dir: false,
                    readonly: false,
                });
                ids.push(fid);
            }
            let holders = self.scan(&ids[..1], &[true]);
            let op = Op::RemoveDirectory { file: 0 };
            return self.ask(n, "rmdir", files, holders, pending, op, None);
        }
        if !m.is_file() {
            return None; // a directory fails on Linux; links and specials have no holders
        }
        let holders = self.file_holders(&p, id);
        let files = vec![spec(&p.display, &m)];
        let had_holders = !holders.is_empty();
        let errno = self.ask(n, "unlink", files, holders, vec![], Op::Delete { file: 0 }, None);
        // libuv deletes with an explicit POSIX disposition: no delete-pending name.
        let posix_call = self.runtime_of(n.tid) == Runtime::Node && self.config.windows.has_ex_classes();
        if errno.is_none() && had_holders && self.legacy() && !posix_call {
            self.pending.insert(p.display.clone(), id);
        }
        errno
    }

    fn on_rename(
        &mut self,
        l: &Listener,
        n: &Notif,
        from: (Option<usize>, usize),
        to: (Option<usize>, usize),
        flags: u32,
    ) -> Option<i32> {
        if flags & libc::RENAME_EXCHANGE != 0 || flags & libc::RENAME_WHITEOUT != 0 {
            return None;
        }
        let src = self.named(n, from.0, from.1)?;
        let dst = self.named(n, to.0, to.1)?;
        if !l.id_valid(n.id) {
            return None;
        }
        let sm = std::fs::symlink_metadata(&src.access).ok()?;
        let dm = std::fs::symlink_metadata(&dst.access).ok();
        if let Some(dm) = &dm {
            if flags & libc::RENAME_NOREPLACE != 0 || FileId::of(dm) == FileId::of(&sm) || dm.is_dir() != sm.is_dir() {
                return None; // fails, or does nothing, on Linux
            }
        }
        let mut files = vec![spec(&src.display, &sm)];
        let mut ids = vec![FileId::of(&sm)];
        let mut dirs = vec![sm.is_dir()];
        match &dm {
            Some(dm) => {
                files.push(spec(&dst.display, dm));
                ids.push(FileId::of(dm));
                dirs.push(dm.is_dir());
            }
            None => files.push(FileSpec {
                path: dst.display.clone(),
                dir: sm.is_dir(),
                readonly: false,
            }),
        }
        let needs_scan = sm.is_dir()
            || (sm.is_file() && src.access.to_str().and_then(sys::file_is_held) != Some(false))
            || dm
                .as_ref()
                .is_some_and(|d| d.is_file() && dst.access.to_str().and_then(sys::file_is_held) != Some(false));
        let mut holders = if needs_scan { self.scan(&ids, &dirs) } else { vec![] };
        if sm.is_dir() {
            // Working directories below the directory being renamed.
            let pids = self.pids().to_vec();
            for (pid, cwd) in procscan::cwds_below(&pids, &src.display) {
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
                });
            }
        }
        let op = Op::Rename {
            from: 0,
            to: 1,
            to_exists: dm.is_some(),
        };
        self.ask(n, "rename", files, holders, vec![], op, Some(dst.display))
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
        let p = self.named(n, dirfd, arg)?;
        if !l.id_valid(n.id) {
            return None;
        }
        let m = std::fs::metadata(&p.access).ok();
        let (files, holders, pending) = match &m {
            Some(m) => {
                if !m.is_file() || (create && excl) {
                    return None;
                }
                let holders = self.file_holders(&p, FileId::of(m));
                // Writing a running executable fails on Linux too (ETXTBSY).
                if holders.is_empty() || holders.iter().any(|h| h.hold == Hold::Exe) {
                    return None;
                }
                let mut f = spec(&p.display, m);
                f.readonly = false; // root may write a 0444 file; not what we look for
                (vec![f], holders, vec![])
            }
            None => {
                if !create || !self.legacy() || !self.pending_alive(&p.display) {
                    return None;
                }
                let f = FileSpec {
                    path: p.display.clone(),
                    dir: false,
                    readonly: false,
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
        self.ask(n, "open", files, holders, pending, op, None)
    }

    fn pending_alive(&mut self, path: &str) -> bool {
        let Some(&id) = self.pending.get(path) else {
            return false;
        };
        if self.scan(&[id], &[false]).is_empty() {
            self.pending.remove(path);
            return false;
        }
        true
    }

    fn on_truncate(&mut self, l: &Listener, n: &Notif, p: Named, len: i64) -> Option<i32> {
        if !l.id_valid(n.id) {
            return None;
        }
        let m = std::fs::metadata(&p.access).ok()?;
        if !m.is_file() || len >= m.len() as i64 {
            return None; // growing a mapped file is allowed
        }
        let holders: Vec<LinuxHolder> = self
            .scan(&[FileId::of(&m)], &[false])
            .into_iter()
            .filter(|h| matches!(h.hold, Hold::Mapping { .. } | Hold::Library))
            .collect();
        if holders.is_empty() {
            return None;
        }
        let files = vec![spec(&p.display, &m)];
        self.ask(n, "truncate", files, holders, vec![], Op::Truncate { file: 0 }, None)
    }

    fn on_mkdir(&mut self, l: &Listener, n: &Notif, dirfd: Option<usize>, arg: usize) -> Option<i32> {
        if !self.legacy() || self.pending.is_empty() {
            return None;
        }
        let p = self.named(n, dirfd, arg)?;
        if !l.id_valid(n.id) || std::fs::symlink_metadata(&p.access).is_ok() {
            return None;
        }
        if !self.pending_alive(&p.display) {
            return None;
        }
        let files = vec![FileSpec {
            path: p.display.clone(),
            dir: false,
            readonly: false,
        }];
        self.ask(
            n,
            "mkdir",
            files,
            vec![],
            vec![0],
            Op::CreateDirectory { file: 0 },
            None,
        )
    }

    /// Ask the oracle; record and print a finding; the errno to enforce.
    #[allow(clippy::too_many_arguments)]
    fn ask(
        &mut self,
        n: &Notif,
        operation: &str,
        files: Vec<FileSpec>,
        linux: Vec<LinuxHolder>,
        pending: Vec<usize>,
        op: Op,
        target: Option<String>,
    ) -> Option<i32> {
        let caller_rt = self.runtime_of(n.tid);
        let holders: Vec<HolderSpec> = linux
            .iter()
            .map(|h| HolderSpec {
                file: h.target,
                runtime: self.runtime_of(h.pid),
                hold: h.hold,
            })
            .collect();
        let sit = Situation {
            config: self.config,
            files,
            holders,
            pending,
            op,
            caller: caller_rt,
        };
        // A model panic must not take the supervisor down (the program would then get
        // ENOSYS for every trapped call): no verdict, no finding.
        let verdict = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| oracle::decide(&sit))).ok()?;
        let kind = oracle::classify(&sit, &verdict)?;
        let refusal = verdict.refusal.as_ref()?;
        let pid = procscan::tgid(n.tid);
        let path = sit.files[0].path.clone();
        let win32 = refusal.win32.code();
        let (message, errno) = report::translate(caller_rt, operation, win32, &path, target.as_deref());
        let mut blockers: Vec<BlockerReport> = verdict
            .blockers
            .iter()
            .map(|&b| blocker_report(&linux[b], &sit.holders[b], &sit.files[sit.holders[b].file].path))
            .collect();
        for &pf in &sit.pending {
            blockers.push(BlockerReport {
                pid: 0,
                process: String::new(),
                what: "pending".into(),
                fd: None,
                access: vec![],
                share: vec![],
                runtime: String::new(),
                path: sit.files[pf].path.clone(),
                description: format!(
                    "{} is delete-pending: it was deleted while open, and its name stays until the last handle closes",
                    sit.files[pf].path
                ),
            });
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
        let finding = Finding {
            kind: kind.as_str().into(),
            operation: operation.into(),
            path,
            target,
            pid,
            tid: n.tid,
            process,
            runtime: caller_rt.as_str().into(),
            windows_call: verdict.windows_call.clone(),
            error: refusal.win32.name().into(),
            win32,
            ntstatus: refusal.status.name().into(),
            message: [(caller_rt.as_str().to_owned(), message)].into(),
            blockers,
            enforced: self.enforce,
            explanation,
            rule: refusal.reason.rule().into(),
            count: 1,
        };
        if let Some(old) = self.findings.iter_mut().find(|f| f.same_as(&finding)) {
            old.count += 1;
            return Some(errno);
        }
        if !self.quiet {
            let text = match self.format {
                Format::Human => report::human(&finding),
                Format::Github => report::github(&finding),
                Format::Json => serde_json::to_string(&finding).unwrap_or_default() + "\n",
                Format::Sarif => String::new(),
            };
            let _ = std::io::stderr().write_all(text.as_bytes());
        }
        self.findings.push(finding);
        Some(errno)
    }
}

fn spec(path: &str, m: &std::fs::Metadata) -> FileSpec {
    FileSpec {
        path: path.to_owned(),
        dir: m.is_dir(),
        readonly: !m.is_dir() && m.mode() & 0o200 == 0,
    }
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

fn blocker_report(h: &LinuxHolder, spec: &HolderSpec, path: &str) -> BlockerReport {
    use winsan_model::consts::share::*;
    let process = procscan::comm(h.pid);
    let who = format!("{process}[{}]", h.pid);
    let rt = spec.runtime;
    let sh = rt.share_mode();
    let share = class_names(
        sh & FILE_SHARE_READ != 0,
        sh & FILE_SHARE_WRITE != 0,
        sh & FILE_SHARE_DELETE != 0,
    );
    let (access, share, description) = match h.hold {
        Hold::Handle { read, write } => {
            let acc = class_names(read, write, false);
            let d = format!(
                "fd {} of {who}, opened {}, share {} ({})",
                h.fd.unwrap_or(-1),
                acc.join("/"),
                share.join("/"),
                rt.share_why()
            );
            (acc, share, d)
        }
        Hold::DirHandle => (
            vec!["read".into()],
            class_names(true, true, true),
            format!("an open directory fd {} of {who}", h.fd.unwrap_or(-1)),
        ),
        Hold::Mapping { writable } => {
            let acc = class_names(true, writable, false);
            let keeps = if rt.mapping_keeps_handle() {
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
        Hold::Cwd => (
            vec!["read".into()],
            class_names(true, true, false),
            format!("{path} is the working directory of {who} (a directory handle sharing read/write, not delete)"),
        ),
    };
    BlockerReport {
        pid: h.pid,
        process,
        what: h.hold.what().into(),
        fd: h.fd,
        access,
        share,
        runtime: rt.as_str().into(),
        path: path.to_owned(),
        description,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes() {
        assert_eq!(normalize("/tmp/./a//b"), "/tmp/a/b");
        assert_eq!(normalize("/"), "/");
    }
}
