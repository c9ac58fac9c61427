//! Ground truth from `/proc`: which processes of the traced tree hold a file, and how.
//!
//! Read at the moment of a trapped call, never tracked call by call: fds and their open
//! flags (`/proc/PID/fd`, `/proc/PID/fdinfo`), mappings (`/proc/PID/maps`: executable
//! ones are images, others data sections), the executable (`/proc/PID/exe`) and the
//! working directory (`/proc/PID/cwd`).

use crate::oracle::Hold;
use std::collections::HashMap;
use std::os::unix::fs::MetadataExt;

/// A file's identity.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct FileId {
    pub dev: u64,
    pub ino: u64,
}

impl FileId {
    pub fn of(m: &std::fs::Metadata) -> FileId {
        FileId {
            dev: m.dev(),
            ino: m.ino(),
        }
    }
    pub fn from_stat(s: &crate::sys::Stat) -> FileId {
        FileId { dev: s.dev, ino: s.ino }
    }
    fn major_minor(self) -> (u64, u64) {
        let d = self.dev;
        (
            ((d >> 8) & 0xfff) | ((d >> 32) & !0xfff),
            (d & 0xff) | ((d >> 12) & !0xff),
        )
    }
}

/// One way one process holds one of the files asked about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinuxHolder {
    pub pid: u32,
    /// The fd, for fd holders.
    pub fd: Option<i32>,
    /// Index into the ids asked about.
    pub target: usize,
    pub hold: Hold,
}

/// Every process below `root` (not `root` itself), from the ppid in `/proc/*/stat`.
pub fn tree(root: u32) -> Vec<u32> {
    Tree::default().descendants(root)
}

/// The process tree, refreshed incrementally: `/proc` is listed on every refresh, but the
/// parent of a process seen before is read again only when that parent is gone (the
/// process was reparented). Listing `/proc` is cheap; reading every `/proc/PID/stat` is
/// not (about 8 µs each, over every process on the machine).
#[derive(Default)]
pub struct Tree {
    ppid: HashMap<u32, u32>,
}

impl Tree {
    /// Every process below `root` (not `root` itself), sorted. A PID reused between two
    /// refreshes keeps the parent of its previous owner: callers confirm hits with
    /// [`is_below`].
    pub fn descendants(&mut self, root: u32) -> Vec<u32> {
        let Ok(rd) = std::fs::read_dir("/proc") else {
            return vec![];
        };
        let mut next: HashMap<u32, u32> = HashMap::with_capacity(self.ppid.len() + 16);
        for e in rd.flatten() {
            let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
                continue;
            };
            match self.ppid.get(&pid) {
                Some(&pp) => {
                    next.insert(pid, pp);
                }
                None => {
                    if let Some(pp) = ppid(pid) {
                        next.insert(pid, pp);
                    }
                }
            }
        }
        // Parents that are gone: their children were reparented.
        let orphans: Vec<u32> = next
            .iter()
            .filter(|&(_, pp)| *pp > 1 && *pp != root && !next.contains_key(pp))
            .map(|(&p, _)| p)
            .collect();
        for p in orphans {
            match ppid(p) {
                Some(pp) => next.insert(p, pp),
                None => next.remove(&p),
            };
        }
        self.ppid = next;
        let mut children: HashMap<u32, Vec<u32>> = HashMap::new();
        for (&p, &pp) in &self.ppid {
            children.entry(pp).or_default().push(p);
        }
        descend(&children, root)
    }

    /// The parent of `pid` as last read by [`Tree::descendants`].
    pub fn parent(&self, pid: u32) -> Option<u32> {
        self.ppid.get(&pid).copied()
    }
}

/// Whether `pid` is below `root`, from a fresh walk up the parent chain.
pub fn is_below(pid: u32, root: u32) -> bool {
    let mut p = pid;
    for _ in 0..1024 {
        match ppid(p) {
            Some(pp) if pp == root => return true,
            Some(pp) if pp > 1 => p = pp,
            _ => return false,
        }
    }
    false
}

fn descend(children: &HashMap<u32, Vec<u32>>, root: u32) -> Vec<u32> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(p) = stack.pop() {
        if let Some(c) = children.get(&p) {
            for &c in c {
                out.push(c);
                stack.push(c);
            }
        }
    }
    out.sort_unstable();
    out
}

fn ppid(pid: u32) -> Option<u32> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &s[s.rfind(')')? + 2..];
    rest.split(' ').nth(1)?.parse().ok()
}

/// The thread-group id (process id) of a thread id.
/// Whether process `a` is a copy of process `b` made by `fork` without a later `exec`
/// (or `b` of `a`): both have the same auxiliary vector and the same 16 random bytes the
/// kernel put at `AT_RANDOM` when the image was exec'd. An `exec` gets new ones, so two
/// processes that each exec'd the same program never match, ASLR or not.
pub fn fork_copies(a: u32, b: u32) -> bool {
    const AT_RANDOM: u64 = 25;
    let (Ok(xa), Ok(xb)) = (
        std::fs::read(format!("/proc/{a}/auxv")),
        std::fs::read(format!("/proc/{b}/auxv")),
    ) else {
        return false;
    };
    if xa != xb || xa.is_empty() {
        return false;
    }
    let random = xa.chunks_exact(16).find_map(|e| {
        let key = u64::from_ne_bytes(e[..8].try_into().ok()?);
        (key == AT_RANDOM).then(|| u64::from_ne_bytes(e[8..].try_into().unwrap()))
    });
    let Some(at) = random else {
        return false;
    };
    let (mut ra, mut rb) = ([0u8; 16], [0u8; 16]);
    crate::sys::read_mem(a, at, &mut ra) == Some(16) && crate::sys::read_mem(b, at, &mut rb) == Some(16) && ra == rb
}

pub fn tgid(tid: u32) -> u32 {
    std::fs::read_to_string(format!("/proc/{tid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Tgid:"))
                .and_then(|v| v.trim().parse().ok())
        })
        .unwrap_or(tid)
}

/// The user stack pointer and program counter of thread `tid`, stopped in a system call
/// (`/proc/TID/syscall`: the number, six arguments, then both).
pub fn syscall_sp_pc(tid: u32) -> Option<(u64, u64)> {
    let w = syscall_words(tid)?;
    Some((w[7], w[8]))
}

/// The arguments of the system call thread `tid` is blocked in.
pub fn syscall_args(tid: u32) -> Option<[u64; 6]> {
    syscall_words(tid)?[1..7].try_into().ok()
}

/// `/proc/TID/syscall` of a thread blocked in a system call: its number, six arguments,
/// stack pointer and program counter.
///
/// A thread stopped in a trapped call can still be seen `running` (the file's one word
/// then, `proc_pid_syscall`): the kernel queues the notification and wakes the
/// supervisor before the thread itself goes to sleep (`seccomp_do_user_notification`),
/// so on a loaded machine the supervisor can receive the call while the thread, preempted
/// in between, has not slept yet; and a signal that arrives after the supervisor received
/// the call wakes the thread from its interruptible wait for a moment before it sleeps
/// again, killable (`SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV`). Either way it sleeps
/// soon, so the file is read again: after yielding the CPU, then after sleeps that
/// double, for at most about 10 ms. (A thread that exits meanwhile ends the reading.)
fn syscall_words(tid: u32) -> Option<[u64; 9]> {
    let mut pause = std::time::Duration::from_micros(50);
    for attempt in 0.. {
        let s = std::fs::read_to_string(format!("/proc/{tid}/syscall")).ok()?;
        if !s.starts_with("running") {
            return parse_syscall_words(&s);
        }
        if attempt < 4 {
            std::thread::yield_now();
        } else if pause <= SYSCALL_PATIENCE {
            std::thread::sleep(pause);
            pause *= 2;
        } else {
            return None;
        }
    }
    None
}

/// The longest sleep of [`syscall_words`] before it gives up on a thread seen `running`
/// (the sleeps before it, doubling from 50 µs, add up to as much again).
const SYSCALL_PATIENCE: std::time::Duration = std::time::Duration::from_millis(5);

fn parse_syscall_words(s: &str) -> Option<[u64; 9]> {
    let mut f = s.split_whitespace();
    let mut w = [0u64; 9];
    w[0] = f.next()?.parse().ok()?;
    for x in &mut w[1..] {
        *x = u64::from_str_radix(f.next()?.strip_prefix("0x")?, 16).ok()?;
    }
    Some(w)
}

/// The executable mappings of `pid` of the files named `names[i]`: `(i, start, end)`.
pub fn code_ranges(pid: u32, names: &[&str]) -> Vec<(usize, u64, u64)> {
    let Ok(maps) = std::fs::read_to_string(format!("/proc/{pid}/maps")) else {
        return vec![];
    };
    maps.lines()
        .filter_map(maps_line)
        .filter(|m| m.perms.get(2) == Some(&b'x'))
        .filter_map(|m| {
            let file = m.path.rsplit('/').next()?;
            Some((names.iter().position(|n| *n == file)?, m.start, m.end))
        })
        .collect()
}

/// The fds of `pid` open on the file `id` (each `/proc/PID/fd/N` stat'ed).
pub fn fds_on(pid: u32, id: FileId) -> Vec<i32> {
    let Ok(dir) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
        return vec![];
    };
    dir.filter_map(Result::ok)
        .filter(|e| std::fs::metadata(e.path()).is_ok_and(|m| FileId::of(&m) == id))
        .filter_map(|e| e.file_name().to_str()?.parse().ok())
        .collect()
}

/// The process's name (`comm`). Node 24 names its main thread `MainThread`, node 25 and
/// 26 `node-MainThread` (`uv_thread_setname`), and so the process: such a process is
/// named by its executable.
pub fn comm(pid: u32) -> String {
    let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).map(|s| s.trim_end().to_owned());
    match comm {
        Ok(c) if c == "MainThread" || c == "node-MainThread" => std::fs::read_link(format!("/proc/{pid}/exe"))
            .ok()
            .and_then(|e| e.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or(c),
        Ok(c) => c,
        Err(_) => "?".into(),
    }
}

/// The open flags of fd `fd` of `pid` (`/proc/PID/fdinfo`, octal).
pub fn fd_flags(pid: u32, fd: &str) -> Option<u32> {
    std::fs::read_to_string(format!("/proc/{pid}/fdinfo/{fd}"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("flags:"))
                .and_then(|v| u32::from_str_radix(v.trim(), 8).ok())
        })
}

fn fd_access(pid: u32, fd: &str) -> (bool, bool) {
    match fd_flags(pid, fd).unwrap_or(0) & 3 {
        0 => (true, false),
        1 => (false, true),
        _ => (true, true),
    }
}

/// Who in `pids` holds any of `ids`, and how. `dirs[i]` says target `i` is a directory
/// (only working directories count for those: open directory fds share everything on
/// Windows).
pub fn holders(pids: &[u32], ids: &[FileId], dirs: &[bool]) -> Vec<LinuxHolder> {
    let mut out = Vec::new();
    let want_files = dirs.iter().any(|d| !d);
    for &pid in pids {
        if let Ok(m) = std::fs::metadata(format!("/proc/{pid}/cwd")) {
            let id = FileId::of(&m);
            for (t, want) in ids.iter().enumerate() {
                if *want == id {
                    out.push(LinuxHolder {
                        pid,
                        fd: None,
                        target: t,
                        hold: Hold::Cwd,
                    });
                }
            }
        }
        if !want_files {
            continue;
        }
        let exe = std::fs::metadata(format!("/proc/{pid}/exe"))
            .ok()
            .map(|m| FileId::of(&m));
        for (t, want) in ids.iter().enumerate() {
            if Some(*want) == exe && !dirs[t] {
                out.push(LinuxHolder {
                    pid,
                    fd: None,
                    target: t,
                    hold: Hold::Exe,
                });
            }
        }
        if let Ok(rd) = std::fs::read_dir(format!("/proc/{pid}/fd")) {
            for e in rd.flatten() {
                let name = e.file_name();
                let Some(fd) = name.to_str() else { continue };
                let Ok(m) = std::fs::metadata(e.path()) else {
                    continue;
                };
                if !m.is_file() {
                    continue;
                }
                let id = FileId::of(&m);
                for (t, want) in ids.iter().enumerate() {
                    if *want == id && !dirs[t] {
                        let (read, write) = fd_access(pid, fd);
                        out.push(LinuxHolder {
                            pid,
                            fd: fd.parse().ok(),
                            target: t,
                            hold: Hold::Handle { read, write },
                        });
                    }
                }
            }
        }
        out.extend(mapping_holders(pid, ids, dirs, exe));
    }
    out
}

fn mapping_holders(pid: u32, ids: &[FileId], dirs: &[bool], exe: Option<FileId>) -> Vec<LinuxHolder> {
    let Ok(maps) = std::fs::read_to_string(format!("/proc/{pid}/maps")) else {
        return vec![];
    };
    // per target: (any exec, any shared writable, any)
    let mut seen: HashMap<usize, (bool, bool)> = HashMap::new();
    for m in maps.lines().filter_map(maps_line) {
        for (t, &id) in ids.iter().enumerate() {
            if m.is(id) && !dirs[t] {
                let p = m.perms;
                let e = seen.entry(t).or_default();
                e.0 |= p.get(2) == Some(&b'x');
                e.1 |= p.get(1) == Some(&b'w') && p.get(3) == Some(&b's');
            }
        }
    }
    let mut out: Vec<LinuxHolder> = seen
        .into_iter()
        .filter(|(t, _)| Some(ids[*t]) != exe)
        .map(|(t, (exec, writable))| LinuxHolder {
            pid,
            fd: None,
            target: t,
            hold: if exec {
                Hold::Library
            } else {
                Hold::Mapping { writable }
            },
        })
        .collect();
    out.sort_by_key(|h| h.target);
    out
}

/// One line of `/proc/PID/maps`: `start-end perms offset maj:min inode path`.
pub struct MapsLine<'a> {
    pub start: u64,
    pub end: u64,
    /// `rwxp` / `rw-s`...
    pub perms: &'a [u8],
    pub offset: u64,
    pub dev: (u64, u64),
    /// 0 for anonymous memory.
    pub ino: u64,
    /// The rest of the line (a path may hold spaces); empty for anonymous memory.
    pub path: &'a str,
}

impl MapsLine<'_> {
    /// Whether this maps file `id`.
    pub fn is(&self, id: FileId) -> bool {
        self.ino != 0 && (self.dev, self.ino) == (id.major_minor(), id.ino)
    }
}

/// Parse one line of `/proc/PID/maps`.
pub fn maps_line(line: &str) -> Option<MapsLine<'_>> {
    fn field<'a>(rest: &mut &'a str) -> Option<&'a str> {
        let t = rest.trim_start();
        let end = t.find(' ').unwrap_or(t.len());
        let (f, r) = t.split_at(end);
        *rest = r;
        (!f.is_empty()).then_some(f)
    }
    let mut rest = line;
    let (range, perms, offset, dev, ino) = (
        field(&mut rest)?,
        field(&mut rest)?,
        field(&mut rest)?,
        field(&mut rest)?,
        field(&mut rest)?,
    );
    let (start, end) = range.split_once('-')?;
    let (maj, min) = dev.split_once(':')?;
    Some(MapsLine {
        start: u64::from_str_radix(start, 16).ok()?,
        end: u64::from_str_radix(end, 16).ok()?,
        perms: perms.as_bytes(),
        offset: u64::from_str_radix(offset, 16).ok()?,
        dev: (u64::from_str_radix(maj, 16).ok()?, u64::from_str_radix(min, 16).ok()?),
        ino: ino.parse().ok()?,
        path: rest.trim(),
    })
}

/// Where `pid` maps the file `id`: the start address of each mapping.
pub fn mapping_starts(pid: u32, id: FileId) -> Vec<u64> {
    let Ok(maps) = std::fs::read_to_string(format!("/proc/{pid}/maps")) else {
        return vec![];
    };
    maps.lines()
        .filter_map(maps_line)
        .filter(|m| m.is(id))
        .map(|m| m.start)
        .collect()
}

/// Where `pid` maps the start of the file `id` (a mapping at file offset 0), if it does.
pub fn mapping_of_start(pid: u32, id: FileId) -> Option<u64> {
    let maps = std::fs::read_to_string(format!("/proc/{pid}/maps")).ok()?;
    maps.lines()
        .filter_map(maps_line)
        .find(|m| m.is(id) && m.offset == 0)
        .map(|m| m.start)
}

/// Processes whose working directory is strictly below `dir` (for renaming `dir`), as
/// (pid, cwd path).
pub fn cwds_below(pids: &[u32], dir: &str) -> Vec<(u32, String)> {
    let prefix = format!("{}/", dir.trim_end_matches('/'));
    pids.iter()
        .filter_map(|&pid| {
            let cwd = std::fs::read_link(format!("/proc/{pid}/cwd")).ok()?;
            let cwd = cwd.to_str()?.to_owned();
            cwd.starts_with(&prefix).then_some((pid, cwd))
        })
        .collect()
}

/// One fd of a traced process whose file lies strictly below a directory (for renaming
/// the directory: Windows refuses while any file below it is open, nt-rules F28).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenBelow {
    pub pid: u32,
    pub fd: i32,
    pub path: String,
    pub read: bool,
    pub write: bool,
    /// An open directory (a listing in progress: `os.scandir`, `fs.opendir`, Go's
    /// `os.Open` of a directory, Rust's `read_dir` hold a FindFirstFile handle on
    /// Windows), not an `O_PATH` fd, which has no Windows counterpart.
    pub dir: bool,
}

/// The regular-file and directory fds of `pids` whose path is strictly below `dir`.
pub fn open_below(pids: &[u32], dir: &str) -> Vec<OpenBelow> {
    let prefix = format!("{}/", dir.trim_end_matches('/'));
    let mut out = Vec::new();
    for &pid in pids {
        let Ok(rd) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
            continue;
        };
        for e in rd.flatten() {
            let Ok(target) = std::fs::read_link(e.path()) else {
                continue;
            };
            let Some(path) = target
                .to_str()
                .filter(|p| p.starts_with(&prefix) && !p.ends_with(" (deleted)"))
            else {
                continue;
            };
            let Ok(m) = std::fs::metadata(e.path()) else {
                continue;
            };
            let name = e.file_name();
            let Some(fd) = name.to_str().and_then(|f| f.parse::<i32>().ok()) else {
                continue;
            };
            // An O_PATH fd is a name, not an open file.
            let listing = m.is_dir() && fd_flags(pid, &fd.to_string()).is_some_and(|f| f & libc::O_PATH as u32 == 0);
            if !m.is_file() && !listing {
                continue;
            }
            let (read, write) = fd_access(pid, &fd.to_string());
            out.push(OpenBelow {
                pid,
                fd,
                path: path.to_owned(),
                read,
                write,
                dir: m.is_dir(),
            });
        }
    }
    out
}

/// Whether thread `tid` may write files whatever their mode bits: file-system uid 0, or
/// `CAP_DAC_OVERRIDE` in its effective capabilities (`/proc/TID/status`).
pub fn overrides_permissions(tid: u32) -> bool {
    const CAP_DAC_OVERRIDE: u64 = 1;
    let Ok(status) = std::fs::read_to_string(format!("/proc/{tid}/status")) else {
        return false;
    };
    let field = |name: &str| status.lines().find_map(|l| l.strip_prefix(name)).map(str::trim);
    let fs_uid = field("Uid:").and_then(|u| u.split_ascii_whitespace().nth(3));
    let cap_eff = field("CapEff:").and_then(|c| u64::from_str_radix(c, 16).ok());
    fs_uid == Some("0") || cap_eff.is_some_and(|c| c & (1 << CAP_DAC_OVERRIDE) != 0)
}

/// The inodes `pid` watches through inotify (`/proc/PID/fdinfo` of its inotify fds lists
/// one `inotify wd:.. ino:HEX sdev:HEX ..` line per watch; `sdev` is the kernel's
/// `MAJOR << 20 | MINOR`).
pub fn inotify_watches(pid: u32) -> Vec<FileId> {
    let mut out = vec![];
    let Ok(rd) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
        return out;
    };
    for e in rd.flatten() {
        if !std::fs::read_link(e.path()).is_ok_and(|t| t.as_os_str() == "anon_inode:inotify") {
            continue;
        }
        let info = format!("/proc/{pid}/fdinfo/{}", e.file_name().to_string_lossy());
        let Ok(text) = std::fs::read_to_string(info) else {
            continue;
        };
        for line in text.lines().filter(|l| l.starts_with("inotify ")) {
            let field = |name: &str| {
                line.split_ascii_whitespace()
                    .find_map(|f| f.strip_prefix(name))
                    .and_then(|v| u64::from_str_radix(v, 16).ok())
            };
            if let (Some(ino), Some(sdev)) = (field("ino:"), field("sdev:")) {
                let (major, minor) = (sdev >> 20, sdev & 0xf_ffff);
                let dev = libc::makedev(major as u32, minor as u32);
                out.push(FileId { dev, ino });
            }
        }
    }
    out
}

/// The paths strictly below `dir` of the files among `ids`, found by walking the tree
/// (at most `budget` entries, no symlinks followed, not across file systems).
pub fn find_below(dir: &str, ids: &[FileId], budget: usize) -> Vec<(String, FileId, bool)> {
    let mut out = vec![];
    let Ok(top) = std::fs::symlink_metadata(dir) else {
        return out;
    };
    if !ids.iter().any(|i| i.dev == top.dev()) {
        return out;
    }
    let mut stack = vec![dir.trim_end_matches('/').to_owned()];
    let mut seen = 0;
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else { continue };
        for e in rd.flatten() {
            seen += 1;
            if seen > budget {
                return out;
            }
            let Ok(m) = e.metadata() else { continue };
            let path = format!("{d}/{}", e.file_name().to_string_lossy());
            let id = FileId::of(&m);
            if ids.contains(&id) {
                out.push((path.clone(), id, m.is_dir()));
            }
            if m.is_dir() && m.dev() == top.dev() {
                stack.push(path);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn maps_lines() {
        let m = maps_line("7f1a2b000000-7f1a2b021000 r-xp 00002000 fd:01 1234567    /opt/my app/lib python.so")
            .expect("a line");
        assert_eq!((m.start, m.end, m.offset), (0x7f1a2b000000, 0x7f1a2b021000, 0x2000));
        assert_eq!((m.perms, m.dev, m.ino), (&b"r-xp"[..], (0xfd, 1), 1234567));
        assert_eq!(m.path, "/opt/my app/lib python.so", "a path keeps its spaces");
        let anon = maps_line("7ffd1000-7ffd2000 rw-p 00000000 00:00 0 ").expect("anonymous");
        assert_eq!((anon.ino, anon.path), (0, ""));
        assert!(maps_line("garbage").is_none());
    }

    /// A Python that forks and waits; prints the child's pid. Killed on drop.
    struct Forked(std::process::Child, u32);
    impl Drop for Forked {
        fn drop(&mut self) {
            let _ = std::process::Command::new("kill").arg(self.1.to_string()).status();
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    fn forked() -> Option<Forked> {
        use std::io::BufRead;
        let script = "import os, sys, time\npid = os.fork()\nif pid:\n    print(pid, flush=True)\ntime.sleep(30)";
        let mut c = std::process::Command::new("python3")
            .args(["-c", script])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .ok()?;
        let mut line = String::new();
        std::io::BufReader::new(c.stdout.take()?).read_line(&mut line).ok()?;
        let child = line.trim().parse().ok()?;
        Some(Forked(c, child))
    }

    #[test]
    fn fork_copies_tells_a_fork_from_a_second_exec() {
        let (Some(a), Some(b)) = (forked(), forked()) else {
            eprintln!("SKIP: no python3");
            return;
        };
        assert!(super::fork_copies(a.0.id(), a.1), "a process and its fork");
        assert!(super::fork_copies(a.1, a.0.id()), "symmetric");
        assert!(!super::fork_copies(a.0.id(), b.0.id()), "two execs of one program");
        assert!(!super::fork_copies(a.1, b.1), "forks of two execs");
        assert!(!super::fork_copies(a.0.id(), u32::MAX), "no such process");
    }

    use super::*;

    #[test]
    fn finds_own_fd_and_cwd() {
        let path = std::env::temp_dir().join(format!("winsan-scan-{}", std::process::id()));
        std::fs::write(&path, b"x").unwrap();
        let f = std::fs::OpenOptions::new().read(true).write(true).open(&path).unwrap();
        let id = FileId::of(&std::fs::metadata(&path).unwrap());
        let me = std::process::id();
        let hs = holders(&[me], &[id], &[false]);
        std::fs::remove_file(&path).unwrap();
        drop(f);
        assert!(
            hs.iter().any(|h| h.pid == me
                && h.fd.is_some()
                && h.hold
                    == Hold::Handle {
                        read: true,
                        write: true
                    }),
            "{hs:?}"
        );
        let cwd = FileId::of(&std::fs::metadata(".").unwrap());
        let hs = holders(&[me], &[cwd], &[true]);
        assert_eq!(hs.len(), 1);
        assert_eq!(hs[0].hold, Hold::Cwd);
    }

    #[test]
    fn own_executable_is_an_image() {
        let me = std::process::id();
        let id = FileId::of(&std::fs::metadata("/proc/self/exe").unwrap());
        let hs = holders(&[me], &[id], &[false]);
        assert!(hs.iter().any(|h| h.hold == Hold::Exe), "{hs:?}");
    }

    #[test]
    fn tree_of_a_child() {
        let mut c = std::process::Command::new("sleep").arg("5").spawn().unwrap();
        let t = tree(std::process::id());
        c.kill().unwrap();
        c.wait().unwrap();
        assert!(t.contains(&c.id()));
    }

    #[test]
    fn incremental_tree_sees_new_children() {
        let me = std::process::id();
        let mut t = Tree::default();
        let before = t.descendants(me);
        let mut c = std::process::Command::new("sleep").arg("5").spawn().unwrap();
        let after = t.descendants(me);
        let below = is_below(c.id(), me);
        c.kill().unwrap();
        c.wait().unwrap();
        assert!(!before.contains(&c.id()));
        assert!(after.contains(&c.id()));
        assert!(below);
        assert!(!is_below(1, me));
    }
}
