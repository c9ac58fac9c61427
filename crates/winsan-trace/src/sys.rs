//! The one place where winsan-trace talks to the kernel through `unsafe`: seccomp filter
//! installation, the user-notification ioctls, passing the listener over a socket,
//! reading the traced process's memory, signals, `waitpid`, `fork` of the hand-off helper
//! and the `F_SETLEASE` "is anyone holding this file?" probe.
//!
//! Every function here is a thin, safe wrapper; everything above it is safe Rust.
//! Each `unsafe` block says why it is sound in a `// SAFETY:` comment.

use std::ffi::{CStr, CString};
use std::fs::File;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::fs::FileExt;

/// `AUDIT_ARCH_X86_64` from `<linux/audit.h>` (EM_X86_64 | 64-bit | little-endian).
pub const AUDIT_ARCH_X86_64: u32 = 0xC000_003E;
/// `AUDIT_ARCH_AARCH64` (EM_AARCH64 | 64-bit | little-endian).
pub const AUDIT_ARCH_AARCH64: u32 = 0xC000_00B7;
/// `SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP`: wake the supervisor on the notifier's CPU.
const SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP: u64 = 1;

fn cvt(ret: libc::c_int) -> io::Result<libc::c_int> {
    if ret < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(ret)
    }
}

// ---------------------------------------------------------------------------------------
// The child side: runs between fork and exec (async-signal-safe code only).
// ---------------------------------------------------------------------------------------

/// What the child needs to install the filter: the compiled program (built before fork,
/// so the child never allocates) and its end of the socket pair.
pub struct ChildSetup {
    pub filter: Vec<libc::sock_filter>,
    pub sock: RawFd,
}

impl ChildSetup {
    /// Runs in the forked child just before `execve`: restore the signal dispositions the
    /// supervisor changed, set `NO_NEW_PRIVS`, install the filter with a new listener, send
    /// the listener to the supervisor over `SCM_RIGHTS`, close it. Uses only raw syscalls
    /// and stack memory, as code between fork and exec must.
    pub fn install_in_child(&self) -> io::Result<()> {
        let ignored = INHERITED_IGNORED.load(std::sync::atomic::Ordering::Relaxed);
        for (i, sig) in TERMINAL_SIGNALS.into_iter().enumerate() {
            let disposition = if ignored & (1 << i) != 0 {
                libc::SIG_IGN
            } else {
                libc::SIG_DFL
            };
            // SAFETY: setting a disposition is async-signal-safe and does not touch memory.
            unsafe { libc::signal(sig, disposition) };
        }
        // SAFETY: prctl with integer arguments only.
        cvt(unsafe { libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) })?;
        let prog = libc::sock_fprog {
            len: self.filter.len() as u16,
            filter: self.filter.as_ptr() as *mut libc::sock_filter,
        };
        let flags = libc::SECCOMP_FILTER_FLAG_NEW_LISTENER
            | libc::SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
            | libc::SECCOMP_FILTER_FLAG_SPEC_ALLOW;
        // SAFETY: `prog` points at `self.filter`, which lives for the whole call; the
        // kernel copies the program.
        let listener = unsafe {
            libc::syscall(
                libc::SYS_seccomp,
                libc::SECCOMP_SET_MODE_FILTER,
                flags,
                &prog as *const libc::sock_fprog,
            )
        };
        if listener < 0 {
            return Err(io::Error::last_os_error());
        }
        let listener = listener as RawFd;
        let res = send_fd(self.sock, listener);
        // SAFETY: closing the fd we just got from the kernel and own.
        unsafe { libc::close(listener) };
        res
    }
}

/// Sends `fd` over the unix socket `sock` with `SCM_RIGHTS` (stack buffers only).
fn send_fd(sock: RawFd, fd: RawFd) -> io::Result<()> {
    let mut byte = [0u8; 1];
    let mut iov = libc::iovec {
        iov_base: byte.as_mut_ptr().cast(),
        iov_len: 1,
    };
    let mut cbuf = [0u64; 4]; // CMSG_SPACE(sizeof(int)) = 24 bytes, 8-aligned
                              // SAFETY: msghdr is plain data; zeroed is a valid value.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = cbuf.as_mut_ptr().cast();
    // SAFETY: CMSG_SPACE is a pure computation.
    msg.msg_controllen = unsafe { libc::CMSG_SPACE(std::mem::size_of::<RawFd>() as u32) } as _;
    // SAFETY: msg_control points at `cbuf`, large enough for one int (checked by
    // CMSG_SPACE above); CMSG_FIRSTHDR/CMSG_DATA stay inside it.
    unsafe {
        let cmsg = libc::CMSG_FIRSTHDR(&msg);
        (*cmsg).cmsg_level = libc::SOL_SOCKET;
        (*cmsg).cmsg_type = libc::SCM_RIGHTS;
        (*cmsg).cmsg_len = libc::CMSG_LEN(std::mem::size_of::<RawFd>() as u32) as _;
        std::ptr::write_unaligned(libc::CMSG_DATA(cmsg) as *mut RawFd, fd);
    }
    // SAFETY: msg and everything it points to is alive for the call.
    let n = unsafe { libc::sendmsg(sock, &msg, libc::MSG_NOSIGNAL) };
    if n < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

/// Receives one fd sent with [`ChildSetup::install_in_child`]. `Ok(None)` at end of file
/// (the child died before sending: the filter could not be installed).
pub fn recv_fd(sock: &OwnedFd) -> io::Result<Option<OwnedFd>> {
    let mut byte = [0u8; 1];
    let mut iov = libc::iovec {
        iov_base: byte.as_mut_ptr().cast(),
        iov_len: 1,
    };
    let mut cbuf = [0u64; 4];
    // SAFETY: plain data, zero is valid.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = cbuf.as_mut_ptr().cast();
    msg.msg_controllen = std::mem::size_of_val(&cbuf) as _;
    loop {
        // SAFETY: msg points at live stack buffers of the sizes it states.
        let n = unsafe { libc::recvmsg(sock.as_raw_fd(), &mut msg, libc::MSG_CMSG_CLOEXEC) };
        if n < 0 {
            let e = io::Error::last_os_error();
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        if n == 0 {
            return Ok(None);
        }
        break;
    }
    // SAFETY: the kernel filled msg_control; CMSG_FIRSTHDR checks msg_controllen.
    unsafe {
        let cmsg = libc::CMSG_FIRSTHDR(&msg);
        if cmsg.is_null() || (*cmsg).cmsg_level != libc::SOL_SOCKET || (*cmsg).cmsg_type != libc::SCM_RIGHTS {
            return Ok(None);
        }
        let fd = std::ptr::read_unaligned(libc::CMSG_DATA(cmsg) as *const RawFd);
        Ok(Some(OwnedFd::from_raw_fd(fd)))
    }
}

/// A unix stream socket pair, both ends close-on-exec.
pub fn socketpair() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0 as RawFd; 2];
    // SAFETY: fds is a valid out-array of two ints.
    cvt(unsafe {
        libc::socketpair(
            libc::AF_UNIX,
            libc::SOCK_STREAM | libc::SOCK_CLOEXEC,
            0,
            fds.as_mut_ptr(),
        )
    })?;
    // SAFETY: both fds are fresh and owned by us.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

// ---------------------------------------------------------------------------------------
// The supervisor side: the listener.
// ---------------------------------------------------------------------------------------

/// One trapped system call.
#[derive(Clone, Copy, Debug)]
pub struct Notif {
    pub id: u64,
    /// The thread (TID) that made the call.
    pub tid: u32,
    pub nr: i32,
    pub arch: u32,
    /// Where the call was made (the system call instruction).
    pub ip: u64,
    pub args: [u64; 6],
}

/// What `poll` on the listener said.
#[derive(PartialEq, Eq, Debug)]
pub enum Ready {
    Notification,
    /// No task uses the filter any more.
    HangUp,
    Timeout,
}

/// The seccomp user-notification listener fd.
pub struct Listener(pub OwnedFd);

impl Listener {
    /// Ask the kernel to switch straight to us when a notification arrives (6.6+; a
    /// failure only costs speed).
    pub fn set_sync_wakeup(&self) -> io::Result<()> {
        // SAFETY: the ioctl takes an integer flag argument.
        cvt(unsafe {
            libc::ioctl(
                self.0.as_raw_fd(),
                libc::SECCOMP_IOCTL_NOTIF_SET_FLAGS,
                SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP,
            )
        })
        .map(drop)
    }

    pub fn poll(&self, timeout_ms: i32) -> io::Result<Ready> {
        let mut p = libc::pollfd {
            fd: self.0.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd.
        let n = unsafe { libc::poll(&mut p, 1, timeout_ms) };
        if n < 0 {
            let e = io::Error::last_os_error();
            if e.kind() == io::ErrorKind::Interrupted {
                return Ok(Ready::Timeout);
            }
            return Err(e);
        }
        if n == 0 {
            return Ok(Ready::Timeout);
        }
        if p.revents & libc::POLLIN != 0 {
            Ok(Ready::Notification)
        } else {
            Ok(Ready::HangUp)
        }
    }

    /// `SECCOMP_IOCTL_NOTIF_RECV`. `Ok(None)` when the notification vanished (the task was
    /// killed or interrupted) or another receiver took it.
    pub fn recv(&self) -> io::Result<Option<Notif>> {
        // SAFETY: the kernel requires a zeroed struct; plain data.
        let mut n: libc::seccomp_notif = unsafe { std::mem::zeroed() };
        // SAFETY: `n` is a valid seccomp_notif the kernel writes into.
        let r = unsafe { libc::ioctl(self.0.as_raw_fd(), libc::SECCOMP_IOCTL_NOTIF_RECV, &mut n) };
        if r < 0 {
            let e = io::Error::last_os_error();
            return match e.raw_os_error() {
                Some(libc::ENOENT) | Some(libc::EINTR) | Some(libc::EAGAIN) => Ok(None),
                _ => Err(e),
            };
        }
        Ok(Some(Notif {
            id: n.id,
            tid: n.pid,
            nr: n.data.nr,
            arch: n.data.arch,
            ip: n.data.instruction_pointer,
            args: n.data.args,
        }))
    }

    /// The task that sent notification `id` is still waiting for our answer, so data we
    /// read about it (memory, /proc/TID) belongs to it and not to a reused TID.
    pub fn id_valid(&self, id: u64) -> bool {
        let mut id = id;
        // SAFETY: the ioctl reads one u64 through the pointer.
        unsafe { libc::ioctl(self.0.as_raw_fd(), libc::SECCOMP_IOCTL_NOTIF_ID_VALID, &mut id) == 0 }
    }

    /// Let the call go ahead as if it had not been trapped.
    pub fn respond_continue(&self, id: u64) {
        self.send(id, 0, libc::SECCOMP_USER_NOTIF_FLAG_CONTINUE as u32);
    }

    /// Fail the call with `errno` without running it.
    pub fn respond_errno(&self, id: u64, errno: i32) {
        self.send(id, -errno, 0);
    }

    fn send(&self, id: u64, error: i32, flags: u32) {
        let mut resp = libc::seccomp_notif_resp {
            id,
            val: 0,
            error,
            flags,
        };
        // SAFETY: `resp` is a valid seccomp_notif_resp. ENOENT (the task went away or was
        // interrupted by a signal and will re-issue the call) needs no handling.
        unsafe { libc::ioctl(self.0.as_raw_fd(), libc::SECCOMP_IOCTL_NOTIF_SEND, &mut resp) };
    }
}

/// Forks a detached helper that keeps answering CONTINUE on `listener` until no task uses
/// the filter, so processes that outlive `winsan run` keep working (without a listener
/// every trapped call of theirs would fail with ENOSYS). Returns in the parent only.
pub fn fork_continue_helper(listener: &Listener) -> io::Result<()> {
    // SAFETY: the child only calls poll/ioctl/_exit (async-signal-safe, no allocation:
    // `Listener::recv`/`respond_continue` use stack memory).
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(io::Error::last_os_error());
    }
    if pid > 0 {
        return Ok(());
    }
    // Child: a new session so terminal signals meant for the run do not reach it.
    // SAFETY: setsid has no memory effects.
    unsafe { libc::setsid() };
    // Hold none of the run's files: with stdout still open, `$(winsan run -- cmd)` or a
    // pipe reader would wait for the program's orphans, which natively it does not.
    let keep = listener.0.as_raw_fd();
    // SAFETY: open/dup2/close and close_range are async-signal-safe and touch only fds.
    unsafe {
        let null = libc::open(c"/dev/null".as_ptr(), libc::O_RDWR);
        if null >= 0 {
            for fd in 0..3 {
                libc::dup2(null, fd);
            }
            if null > 2 && null != keep {
                libc::close(null);
            }
        }
        if keep > 3 {
            libc::syscall(libc::SYS_close_range, 3u32, (keep - 1) as u32, 0u32);
        }
        libc::syscall(libc::SYS_close_range, (keep + 1) as u32, u32::MAX, 0u32);
    }
    loop {
        match listener.poll(-1) {
            Ok(Ready::Notification) => {
                if let Ok(Some(n)) = listener.recv() {
                    listener.respond_continue(n.id);
                }
            }
            Ok(Ready::Timeout) => {}
            _ => break,
        }
    }
    // SAFETY: leaving the helper without running the parent's atexit handlers.
    unsafe { libc::_exit(0) }
}

// ---------------------------------------------------------------------------------------
// Reading the traced process.
// ---------------------------------------------------------------------------------------

/// Reads a NUL-terminated string (at most `PATH_MAX`) from `tid`'s memory at `addr`,
/// page by page (one iovec across an unmapped page would fail the whole read), falling
/// back to `/proc/TID/mem`.
pub fn read_cstring(tid: u32, addr: u64) -> Option<Vec<u8>> {
    const PAGE: u64 = 4096;
    const MAX: usize = 4096;
    if addr == 0 {
        return None;
    }
    let mut out = Vec::with_capacity(128);
    let mut at = addr;
    let mut mem: Option<File> = None;
    while out.len() < MAX {
        let chunk = (PAGE - at % PAGE) as usize;
        let mut buf = [0u8; 4096];
        let got = read_mem(tid, at, &mut buf[..chunk]).or_else(|| {
            if mem.is_none() {
                mem = File::open(format!("/proc/{tid}/mem")).ok();
            }
            mem.as_ref()?.read_at(&mut buf[..chunk], at).ok()
        })?;
        if got == 0 {
            return None;
        }
        if let Some(nul) = buf[..got].iter().position(|&b| b == 0) {
            out.extend_from_slice(&buf[..nul]);
            return Some(out);
        }
        out.extend_from_slice(&buf[..got]);
        at += got as u64;
    }
    None
}

/// How much of a string [`read_cstring_into`] and [`Batch::add_cstring`] read at first:
/// most paths are far shorter.
const CSTRING_CHUNK: usize = 512;

/// Like [`read_cstring`], but appends the string and a terminating NUL to `out` (which
/// keeps its capacity between calls). `false` when it cannot be read.
pub fn read_cstring_into(tid: u32, addr: u64, out: &mut Vec<u8>) -> bool {
    read_cstring_into_after(tid, addr, None, out)
}

/// [`read_cstring_into`] given the string's first bytes already read (by a [`Batch`]):
/// no further read when they hold its NUL.
pub fn read_cstring_into_after(tid: u32, addr: u64, first: Option<&[u8]>, out: &mut Vec<u8>) -> bool {
    const PAGE: u64 = 4096;
    const MAX: usize = 4096;
    if addr == 0 {
        return false;
    }
    let start = out.len();
    let mut at = addr;
    if let Some(first) = first.filter(|f| !f.is_empty() && f.len() <= MAX) {
        if let Some(nul) = memchr::memchr(0, first) {
            out.extend_from_slice(&first[..nul + 1]);
            return true;
        }
        out.extend_from_slice(first);
        at += first.len() as u64;
    }
    let mut buf = [0u8; CSTRING_CHUNK];
    while out.len() - start < MAX {
        // Short reads first: most paths are far shorter than a page.
        let chunk = ((PAGE - at % PAGE) as usize).min(buf.len());
        let got = match read_mem(tid, at, &mut buf[..chunk]) {
            Some(g) => g,
            None => {
                // Not readable with process_vm_readv: the page-wise reader with its
                // /proc/TID/mem fallback takes over from here.
                return match read_cstring(tid, at) {
                    Some(rest) if out.len() - start + rest.len() <= MAX => {
                        out.extend_from_slice(&rest);
                        out.push(0);
                        true
                    }
                    _ => {
                        out.truncate(start);
                        false
                    }
                };
            }
        };
        if got == 0 {
            out.truncate(start);
            return false;
        }
        if let Some(nul) = buf[..got].iter().position(|&b| b == 0) {
            out.extend_from_slice(&buf[..nul + 1]);
            return true;
        }
        out.extend_from_slice(&buf[..got]);
        at += got as u64;
    }
    out.truncate(start);
    false
}

/// Ranges of a stopped thread's memory that one decision needs, read together in one
/// `process_vm_readv` (each system call costs ~1 µs here): a rename's two path
/// arguments and the Python frame that tells `os.rename` from `os.replace`.
/// Allocation-free; ranges that do not fit are simply not batched.
pub struct Batch {
    buf: [u8; 4096],
    ranges: [(u64, u64); 8],
    len: usize,
    /// Bytes read: the kernel reads whole ranges, in order, up to the first it cannot.
    got: usize,
}

impl Default for Batch {
    fn default() -> Self {
        Batch {
            buf: [0; 4096],
            ranges: [(0, 0); 8],
            len: 0,
            got: 0,
        }
    }
}

impl Batch {
    /// Adds `len` bytes at `addr`; the range's index, `None` when the batch is full.
    pub fn add(&mut self, addr: u64, len: u64) -> Option<usize> {
        let used: u64 = self.ranges[..self.len].iter().map(|r| r.1).sum();
        if self.len == self.ranges.len() || used + len > self.buf.len() as u64 || addr == 0 {
            return None;
        }
        self.ranges[self.len] = (addr, len);
        self.len += 1;
        Some(self.len - 1)
    }

    /// Adds `ranges` one after the other: the indexes of the first and the last, `None`
    /// when not all fit (those that did stay, unused).
    pub fn add_all(&mut self, ranges: &[(u64, u64)]) -> Option<(usize, usize)> {
        let first = self.len;
        for &(addr, len) in ranges {
            self.add(addr, len)?;
        }
        (self.len > first).then(|| (first, self.len - 1))
    }

    /// Adds the first bytes of a string at `addr` (as [`read_cstring_into`] would first
    /// read them: not past the end of `addr`'s page), for [`read_cstring_into_after`].
    pub fn add_cstring(&mut self, addr: u64) -> Option<usize> {
        const PAGE: u64 = 4096;
        self.add(addr, (PAGE - addr % PAGE).min(CSTRING_CHUNK as u64))
    }

    /// Reads every range added, in one call.
    pub fn read(&mut self, tid: u32) {
        self.got = match self.len {
            0 => 0,
            n => read_mem_ranges(tid, &self.ranges[..n], &mut self.buf).unwrap_or(0),
        };
    }

    /// The bytes of ranges `first..=last` (added one after the other), if all were read.
    pub fn get(&self, first: usize, last: usize) -> Option<&[u8]> {
        if first > last || last >= self.len {
            return None;
        }
        let at = |i: usize| self.ranges[..i].iter().map(|r| r.1 as usize).sum::<usize>();
        let (start, end) = (at(first), at(last + 1));
        (end <= self.got).then(|| &self.buf[start..end])
    }
}

/// `process_vm_readv` of one range that does not cross a page boundary.
pub fn read_mem(tid: u32, addr: u64, buf: &mut [u8]) -> Option<usize> {
    let local = libc::iovec {
        iov_base: buf.as_mut_ptr().cast(),
        iov_len: buf.len(),
    };
    let remote = libc::iovec {
        iov_base: addr as *mut libc::c_void,
        iov_len: buf.len(),
    };
    // SAFETY: `local` describes `buf`, which we own mutably; the remote address is only
    // read by the kernel in the other process.
    let n = unsafe { libc::process_vm_readv(tid as libc::pid_t, &local, 1, &remote, 1, 0) };
    if n < 0 {
        None
    } else {
        Some(n as usize)
    }
}

/// `process_vm_readv` of the `(address, length)` ranges, one after the other into `out`,
/// in one call; how many bytes were read (the kernel stops at the first it cannot read).
pub fn read_mem_ranges(tid: u32, ranges: &[(u64, u64)], out: &mut [u8]) -> Option<usize> {
    let total: u64 = ranges.iter().map(|r| r.1).sum();
    if total > out.len() as u64 || ranges.len() > 256 {
        return None;
    }
    let local = libc::iovec {
        iov_base: out.as_mut_ptr().cast(),
        iov_len: total as usize,
    };
    let mut remote = [libc::iovec {
        iov_base: std::ptr::null_mut(),
        iov_len: 0,
    }; 256];
    for (r, &(a, n)) in remote.iter_mut().zip(ranges) {
        r.iov_base = a as *mut libc::c_void;
        r.iov_len = n as usize;
    }
    // SAFETY: `local` describes the first `total` bytes of `out`, which we own mutably;
    // the remote ranges are only read by the kernel in the other process.
    let got = unsafe {
        libc::process_vm_readv(
            tid as libc::pid_t,
            &local,
            1,
            remote.as_ptr(),
            ranges.len() as libc::c_ulong,
            0,
        )
    };
    if got < 0 {
        None
    } else {
        Some(got as usize)
    }
}

// ---------------------------------------------------------------------------------------
// Processes and signals.
// ---------------------------------------------------------------------------------------

/// Become the reaper of orphaned descendants, so the whole tree stays ours.
pub fn set_child_subreaper() -> io::Result<()> {
    // SAFETY: prctl with integer arguments.
    cvt(unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) }).map(drop)
}

/// How a waited-for child ended.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Exit {
    Code(i32),
    Signal(i32),
}

/// `waitpid(-1)`: `Ok(None)` with `nohang` when nobody has exited yet; `Err(ECHILD)` when
/// there are no children left.
pub fn wait_any(nohang: bool) -> io::Result<Option<(i32, Exit)>> {
    let mut status = 0;
    loop {
        // SAFETY: `status` is a valid out-pointer.
        let pid = unsafe { libc::waitpid(-1, &mut status, libc::__WALL | if nohang { libc::WNOHANG } else { 0 }) };
        if pid < 0 {
            let e = io::Error::last_os_error();
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        if pid == 0 {
            return Ok(None);
        }
        let exit = if libc::WIFEXITED(status) {
            Exit::Code(libc::WEXITSTATUS(status))
        } else if libc::WIFSIGNALED(status) {
            Exit::Signal(libc::WTERMSIG(status))
        } else {
            continue;
        };
        return Ok(Some((pid, exit)));
    }
}

/// Ignore the signals a terminal sends to the whole foreground group (the program gets
/// them itself) and SIGIO (lease breaks during the `F_SETLEASE` probe).
pub fn ignore_terminal_signals() {
    for (i, sig) in TERMINAL_SIGNALS.into_iter().enumerate() {
        // SAFETY: setting SIG_IGN has no memory effects.
        let old = unsafe { libc::signal(sig, libc::SIG_IGN) };
        // SIGPIPE excepted: Rust's runtime ignores it before `main`, and std resets it to
        // SIG_DFL in the children it spawns.
        if old == libc::SIG_IGN && sig != libc::SIGPIPE {
            INHERITED_IGNORED.fetch_or(1 << i, std::sync::atomic::Ordering::Relaxed);
        }
    }
}

/// The signals [`ignore_terminal_signals`] ignores in winsan itself.
const TERMINAL_SIGNALS: [libc::c_int; 4] = [libc::SIGINT, libc::SIGQUIT, libc::SIGIO, libc::SIGPIPE];

/// Which of [`TERMINAL_SIGNALS`] winsan was started with ignored (a background job of a
/// shell starts with SIGINT and SIGQUIT ignored): the program starts the same way.
static INHERITED_IGNORED: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// The signal that interrupts the notification thread's blocking `RECV` when the run ends.
pub const WAKE_SIGNAL: libc::c_int = libc::SIGURG;

extern "C" fn on_wake_signal(_: libc::c_int) {}

/// Install a handler for [`WAKE_SIGNAL`] without `SA_RESTART`, so that a blocking ioctl in
/// the thread it is sent to returns `EINTR`.
pub fn install_wake_handler() -> io::Result<()> {
    // SAFETY: a zeroed sigaction is valid; the handler does nothing (async-signal-safe).
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = on_wake_signal as *const () as libc::sighandler_t;
        libc::sigemptyset(&mut sa.sa_mask);
        cvt(libc::sigaction(WAKE_SIGNAL, &sa, std::ptr::null_mut())).map(drop)
    }
}

/// Send [`WAKE_SIGNAL`] to one thread of this process.
pub fn wake_thread(thread: libc::pthread_t) {
    // SAFETY: `thread` is a live thread of ours (its JoinHandle is held by the caller).
    unsafe { libc::pthread_kill(thread, WAKE_SIGNAL) };
}

static FORWARD_TO: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(0);

extern "C" fn forward_signal(sig: libc::c_int) {
    let pid = FORWARD_TO.load(std::sync::atomic::Ordering::Relaxed);
    if pid > 0 {
        // SAFETY: kill is async-signal-safe.
        unsafe { libc::kill(pid, sig) };
    }
}

/// Forward SIGTERM, SIGHUP, SIGUSR1/2 and SIGCONT to the program.
pub fn forward_signals_to(pid: i32) {
    FORWARD_TO.store(pid, std::sync::atomic::Ordering::Relaxed);
    for sig in [libc::SIGTERM, libc::SIGHUP, libc::SIGUSR1, libc::SIGUSR2, libc::SIGALRM] {
        // SAFETY: the handler only reads an atomic and calls kill (async-signal-safe).
        unsafe { libc::signal(sig, forward_signal as *const () as libc::sighandler_t) };
    }
}

/// Die of the same signal the program died of, so the shell sees the same status.
/// Returns only if the signal did not kill us.
pub fn reraise(sig: i32) {
    // SAFETY: restoring the default disposition, unblocking and raising have no memory
    // effects; a core dump is suppressed with RLIMIT_CORE 0 (the program dumped its own).
    unsafe {
        let lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        libc::setrlimit(libc::RLIMIT_CORE, &lim);
        libc::signal(sig, libc::SIG_DFL);
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, sig);
        libc::sigprocmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
        libc::raise(sig);
    }
}

// ---------------------------------------------------------------------------------------
// Files.
// ---------------------------------------------------------------------------------------

/// The `F_SETLEASE` probe: `Some(false)` when nobody on the system has the regular file
/// open or mapped (a write lease is granted), `Some(true)` when someone does, `None` when
/// the file system does not support leases. `path` must name a regular file.
pub fn file_is_held(path: &str) -> Option<bool> {
    let c = CString::new(path).ok()?;
    // SAFETY: `c` is a valid NUL-terminated path.
    let fd = unsafe {
        libc::open(
            c.as_ptr(),
            libc::O_RDONLY | libc::O_NOATIME | libc::O_NONBLOCK | libc::O_CLOEXEC | libc::O_NOFOLLOW,
        )
    };
    let fd = if fd < 0 {
        // O_NOATIME needs ownership; root has it, others retry without.
        // SAFETY: as above.
        let fd = unsafe {
            libc::open(
                c.as_ptr(),
                libc::O_RDONLY | libc::O_NONBLOCK | libc::O_CLOEXEC | libc::O_NOFOLLOW,
            )
        };
        if fd < 0 {
            return None;
        }
        fd
    } else {
        fd
    };
    // SAFETY: fresh fd we own.
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    // SAFETY: fcntl with integer arguments on our own fd.
    let r = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_SETLEASE, libc::F_WRLCK) };
    if r == 0 {
        // SAFETY: as above.
        unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_SETLEASE, libc::F_UNLCK) };
        return Some(false);
    }
    match io::Error::last_os_error().raw_os_error() {
        Some(libc::EAGAIN) | Some(libc::EBUSY) => Some(true),
        _ => None,
    }
}

/// What the decision needs from a `stat`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stat {
    pub dev: u64,
    pub ino: u64,
    pub mode: u32,
    pub size: i64,
    pub nlink: u64,
}

impl Stat {
    pub fn is_file(&self) -> bool {
        self.mode & libc::S_IFMT == libc::S_IFREG
    }
    pub fn is_dir(&self) -> bool {
        self.mode & libc::S_IFMT == libc::S_IFDIR
    }
}

/// When the file at `path` was created (`statx`'s `stx_btime`: seconds, nanoseconds), if
/// its file system keeps it (tmpfs, ext4, xfs, btrfs do). With its inode number it tells
/// a file from a later one that was given the same number.
pub fn birth_time(path: &CStr) -> Option<(i64, u32)> {
    // SAFETY: statx is plain data, zero is a valid value.
    let mut stx: libc::statx = unsafe { std::mem::zeroed() };
    // SAFETY: `path` is NUL-terminated, `stx` a valid out-pointer.
    let r = unsafe { libc::statx(libc::AT_FDCWD, path.as_ptr(), 0, libc::STATX_BTIME, &mut stx) };
    (r == 0 && stx.stx_mask & libc::STATX_BTIME != 0).then_some((stx.stx_btime.tv_sec, stx.stx_btime.tv_nsec))
}

/// `fstatat(dir, path)`; `dir` may be `libc::AT_FDCWD`. `nofollow`: do not follow a final
/// symlink.
pub fn stat_at(dir: RawFd, path: &CStr, nofollow: bool) -> io::Result<Stat> {
    // SAFETY: stat is plain data, zero is a valid value.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    let flags = if nofollow { libc::AT_SYMLINK_NOFOLLOW } else { 0 };
    // SAFETY: `path` is NUL-terminated, `st` a valid out-pointer.
    cvt(unsafe { libc::fstatat(dir, path.as_ptr(), &mut st, flags) })?;
    Ok(Stat {
        dev: st.st_dev,
        ino: st.st_ino,
        mode: st.st_mode,
        size: st.st_size,
        nlink: st.st_nlink,
    })
}

/// `openat(dir, path, flags | O_CLOEXEC)`.
pub fn open_at(dir: RawFd, path: &CStr, flags: i32) -> io::Result<OwnedFd> {
    // SAFETY: `path` is NUL-terminated; the mode argument is unused without O_CREAT.
    let fd = cvt(unsafe { libc::openat(dir, path.as_ptr(), flags | libc::O_CLOEXEC) })?;
    // SAFETY: a fresh fd we own.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// `PIDFD_THREAD` (= `O_EXCL`, Linux 6.9+): a pidfd for one thread, not only a leader.
const PIDFD_THREAD: u32 = libc::O_EXCL as u32;

/// A pidfd for thread `tid` (with `PIDFD_THREAD`), or, on kernels before 6.9, for its
/// thread group `tgid` (pidfd_open refuses non-leaders there).
pub fn pidfd_open(tid: u32, tgid: impl FnOnce() -> u32) -> io::Result<OwnedFd> {
    let open = |pid: u32, flags: u32| -> io::Result<OwnedFd> {
        // SAFETY: pidfd_open takes integers and returns a new fd.
        let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid as libc::pid_t, flags) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: a fresh fd we own.
        Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
    };
    match open(tid, PIDFD_THREAD) {
        Err(e) if e.raw_os_error() == Some(libc::EINVAL) => open(tgid(), 0),
        r => r,
    }
}

/// `kcmp(KCMP_FILE)`: whether fd `fd_a` of process `a` and fd `fd_b` of thread `b` are
/// the same open file description. `Ok(false)` also when `fd_b` is closed or `b` is gone;
/// `Err` when kcmp cannot be used here (no `CONFIG_KCMP`, no ptrace rights).
pub fn same_file(a: u32, fd_a: RawFd, b: u32, fd_b: i32) -> io::Result<bool> {
    const KCMP_FILE: libc::c_int = 0;
    // SAFETY: integers only.
    let r = unsafe {
        libc::syscall(
            libc::SYS_kcmp,
            a as libc::pid_t,
            b as libc::pid_t,
            KCMP_FILE,
            fd_a,
            fd_b,
        )
    };
    if r == 0 {
        return Ok(true);
    }
    if r > 0 {
        return Ok(false);
    }
    let e = io::Error::last_os_error();
    match e.raw_os_error() {
        Some(libc::EBADF) | Some(libc::ESRCH) => Ok(false),
        _ => Err(e),
    }
}

/// `pidfd_getfd`: a copy of fd `fd` of the process behind `pidfd` (close-on-exec).
pub fn pidfd_getfd(pidfd: &OwnedFd, fd: i32) -> io::Result<OwnedFd> {
    // SAFETY: integers only; returns a new fd.
    let r = unsafe { libc::syscall(libc::SYS_pidfd_getfd, pidfd.as_raw_fd(), fd, 0u32) };
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: a fresh fd we own.
    Ok(unsafe { OwnedFd::from_raw_fd(r as RawFd) })
}

/// The file system type (`statfs`'s `f_type`) of the file at `path`: no open, no
/// inotify event.
pub fn fs_type(path: &std::path::Path) -> Option<i64> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    // SAFETY: statfs is plain data, zero is a valid value.
    let mut st: libc::statfs = unsafe { std::mem::zeroed() };
    // SAFETY: `c` is NUL-terminated, `st` a valid out-pointer.
    cvt(unsafe { libc::statfs(c.as_ptr(), &mut st) }).ok()?;
    #[allow(clippy::unnecessary_cast)]
    Some(st.f_type as i64)
}

/// The first `buf.len()` (at most 4096) bytes of the regular file open as `fd`, read
/// through a mapping: unlike `read`, that is no inotify event (`IN_ACCESS`), and `fd`
/// (a copy of another process's) is not opened anew (`IN_OPEN`) nor closed for the last
/// time (`IN_CLOSE_NOWRITE`). `None` if it is shorter or cannot be mapped.
pub fn read_head_mapped(fd: &OwnedFd, buf: &mut [u8]) -> Option<()> {
    const PAGE: usize = 4096;
    if buf.len() > PAGE {
        return None;
    }
    // SAFETY: stat is plain data, zero is a valid value; fstat writes it.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: `fd` is open, `st` a valid out-pointer.
    cvt(unsafe { libc::fstat(fd.as_raw_fd(), &mut st) }).ok()?;
    // Reading a mapped page past the end of the file would raise SIGBUS.
    if st.st_mode & libc::S_IFMT != libc::S_IFREG || (st.st_size as u64) < buf.len() as u64 {
        return None;
    }
    // SAFETY: a new shared read-only mapping of our fd; nothing else refers to it.
    let map = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            PAGE,
            libc::PROT_READ,
            libc::MAP_SHARED,
            fd.as_raw_fd(),
            0,
        )
    };
    if map == libc::MAP_FAILED {
        return None;
    }
    // SAFETY: the mapping is PAGE bytes long and the file at least `buf.len()` long, so
    // the bytes read are backed by the file.
    unsafe { std::ptr::copy_nonoverlapping(map.cast::<u8>(), buf.as_mut_ptr(), buf.len()) };
    // SAFETY: unmapping exactly the mapping made above.
    unsafe { libc::munmap(map, PAGE) };
    Some(())
}

/// The `F_SETLEASE` probe of [`file_is_held`] on `openat(dir, path)`.
pub fn file_is_held_at(dir: RawFd, path: &CStr) -> Option<bool> {
    let base = libc::O_RDONLY | libc::O_NONBLOCK | libc::O_NOFOLLOW;
    // O_NOATIME needs ownership; root has it, others retry without.
    let fd = open_at(dir, path, base | libc::O_NOATIME)
        .or_else(|_| open_at(dir, path, base))
        .ok()?;
    lease_probe(&fd)
}

fn lease_probe(fd: &OwnedFd) -> Option<bool> {
    // SAFETY: fcntl with integer arguments on our own fd.
    let r = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_SETLEASE, libc::F_WRLCK) };
    if r == 0 {
        // No F_UNLCK: closing `fd` (on return) removes the lease before close returns.
        return Some(false);
    }
    match io::Error::last_os_error().raw_os_error() {
        Some(libc::EAGAIN) | Some(libc::EBUSY) => Some(true),
        _ => None,
    }
}

/// Whether the directory `openat(dir, path)` has no entry besides `.` and `..`.
/// `None` when it cannot be read.
pub fn dir_is_empty_at(dir: RawFd, path: &CStr) -> Option<bool> {
    let fd = open_at(dir, path, libc::O_RDONLY | libc::O_DIRECTORY | libc::O_NOFOLLOW).ok()?;
    let mut buf = [0u64; 128]; // 1 KiB, 8-aligned for linux_dirent64
    loop {
        // SAFETY: getdents64 writes at most `len` bytes into `buf`.
        let n = unsafe {
            libc::syscall(
                libc::SYS_getdents64,
                fd.as_raw_fd(),
                buf.as_mut_ptr(),
                std::mem::size_of_val(&buf),
            )
        };
        if n < 0 {
            return None;
        }
        if n == 0 {
            return Some(true);
        }
        // SAFETY: viewing the initialised prefix of `buf` as bytes.
        let bytes = unsafe { std::slice::from_raw_parts(buf.as_ptr().cast::<u8>(), n as usize) };
        let mut off = 0;
        while off + 19 < bytes.len() {
            // struct linux_dirent64 { u64 ino; i64 off; u16 reclen; u8 type; char name[]; }
            let reclen = u16::from_ne_bytes([bytes[off + 16], bytes[off + 17]]) as usize;
            let name = &bytes[off + 19..(off + reclen).min(bytes.len())];
            let name = &name[..name.iter().position(|&b| b == 0).unwrap_or(name.len())];
            if name != b"." && name != b".." {
                return Some(false);
            }
            if reclen == 0 {
                return None;
            }
            off += reclen;
        }
    }
}

/// This process's peak resident set (VmHWM) in KiB.
pub fn peak_rss_kib() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_own_string_across_page_boundary() {
        // A string placed so that it ends right before an unmapped page would still be
        // read: here we just read our own memory.
        let s = CString::new("/tmp/some/path").unwrap();
        let got = read_cstring(std::process::id(), s.as_ptr() as u64).unwrap();
        assert_eq!(got, b"/tmp/some/path");
    }

    #[test]
    fn batch_reads_ranges_in_one_call_up_to_the_first_unreadable() {
        let me = std::process::id();
        let short = CString::new("/tmp/a").unwrap();
        let long = CString::new("/x".repeat(400)).unwrap(); // longer than a first chunk
        let word = 0x1122_3344_5566_7788u64.to_ne_bytes();
        let mut b = Batch::default();
        let s = b.add_cstring(short.as_ptr() as u64).unwrap();
        let l = b.add_cstring(long.as_ptr() as u64).unwrap();
        let w = b.add(word.as_ptr() as u64, 8).unwrap();
        let gone = b.add(0x1000, 8).unwrap(); // below mmap_min_addr: never mapped
        b.read(me);
        assert_eq!(b.get(w, w), Some(&word[..]));
        assert_eq!(b.get(gone, gone), None);
        assert_eq!(
            b.get(s, w).map(<[u8]>::len),
            b.get(s, s).map(|x| x.len() + b.get(l, w).unwrap().len())
        );
        let mut out = vec![];
        assert!(read_cstring_into_after(
            me,
            short.as_ptr() as u64,
            b.get(s, s),
            &mut out
        ));
        assert!(read_cstring_into_after(me, long.as_ptr() as u64, b.get(l, l), &mut out));
        let mut want = short.as_bytes_with_nul().to_vec();
        want.extend_from_slice(long.as_bytes_with_nul());
        assert_eq!(out, want);

        // An unreadable first range: nothing is read, and the strings are read alone.
        let mut b = Batch::default();
        let gone = b.add(0x1000, 8).unwrap();
        let s = b.add_cstring(short.as_ptr() as u64).unwrap();
        b.read(me);
        assert_eq!((b.get(gone, gone), b.get(s, s)), (None, None));
        out.clear();
        assert!(read_cstring_into_after(
            me,
            short.as_ptr() as u64,
            b.get(s, s),
            &mut out
        ));
        assert_eq!(out, short.as_bytes_with_nul());

        // Several at once: their first and last index, read as one span.
        let mut b = Batch::default();
        let w = word.as_ptr() as u64;
        assert_eq!(b.add_all(&[(w, 4), (w + 4, 4)]), Some((0, 1)));
        b.read(me);
        assert_eq!(b.get(0, 1), Some(&word[..]));
        assert_eq!(Batch::default().add_all(&[]), None);
        // Full: ranges past its room are not batched.
        let mut b = Batch::default();
        assert!((0..8).all(|_| b.add(word.as_ptr() as u64, 8).is_some()));
        assert_eq!(b.add(word.as_ptr() as u64, 8), None);
        assert_eq!(Batch::default().add(word.as_ptr() as u64, 4097), None);
    }

    #[test]
    fn lease_probe_sees_an_open_file() {
        let dir = std::env::temp_dir().join(format!("winsan-lease-{}", std::process::id()));
        std::fs::write(&dir, b"x").unwrap();
        let p = dir.to_str().unwrap().to_owned();
        let free = file_is_held(&p);
        let f = File::open(&dir).unwrap();
        let held = file_is_held(&p);
        drop(f);
        std::fs::remove_file(&dir).unwrap();
        if free.is_some() {
            assert_eq!(free, Some(false));
            assert_eq!(held, Some(true));
        }
    }
}
