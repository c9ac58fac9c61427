//! Which system calls leave the kernel for the supervisor, and what their arguments mean.
//!
//! One table ([`TABLE`]) drives both the cBPF filter and the decoder. It is written once
//! and compiled per architecture: x86_64 has the legacy path calls (`open`, `unlink`,
//! `rename`, ...), aarch64 only the `*at` forms.
//!
//! The filter traps only calls that can change the namespace or a file's contents
//! through a name: a read-only `open`/`openat` runs in the kernel untouched (its flags are
//! tested in BPF), and so do `read`, `write`, `close`, `stat` and the rest. Who holds a
//! file is read from `/proc` when a decision is needed, never tracked call by call.

use libc::{c_long, sock_filter};

/// How the filter treats a system call.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Trap {
    /// Always ask the supervisor.
    Always,
    /// Ask only if the open flags in argument `n` ask for write, create, truncate or
    /// `O_TMPFILE` (raw bit `020000000`: glibc's `__O_TMPFILE` also has `O_DIRECTORY`).
    OpenFlags(u8),
    /// `mmap` with `PROT_EXEC` of a file (fd != -1): a library being loaded.
    MmapExec,
    /// Ask only if the mode in argument `n` has no owner write bit (a chmod that makes a
    /// file read-only: `FILE_ATTRIBUTE_READONLY` on Windows).
    WithoutOwnerWrite(u8),
    /// Refuse with `ENOSYS`, so the program falls back to calls we see (io_uring).
    Enosys,
}

/// The Linux operation a call carries, named as in the report's `operation` field.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Call {
    Open,
    OpenAt,
    Creat,
    OpenAt2,
    Unlink,
    UnlinkAt,
    Rmdir,
    Rename,
    RenameAt,
    RenameAt2,
    Truncate,
    Ftruncate,
    Fallocate,
    Execve,
    ExecveAt,
    Mmap,
    Link,
    LinkAt,
    Mkdir,
    MkdirAt,
    Chmod,
    Fchmod,
    FchmodAt,
    FchmodAt2,
    IoUringSetup,
    Umount,
    InotifyAddWatch,
}

/// Flags that make an open worth a decision: write access, create, truncate, O_TMPFILE.
pub const OPEN_TRAP_MASK: u32 = (libc::O_WRONLY | libc::O_RDWR | libc::O_CREAT | libc::O_TRUNC) as u32 | 0o20000000;

/// The flags of CPython's `tempfile` creates (`_bin_openflags`: `O_RDWR|O_CREAT|O_EXCL`,
/// plus `O_NOFOLLOW`), under the mask [`TEMPFILE_MASK`]. An exclusive create is trapped
/// under POSIX semantics only when it has them, so that a `NamedTemporaryFile` can be
/// told from a `mkstemp` (on Windows the first is opened with `O_TEMPORARY`), while
/// `tar`'s and the like (`O_WRONLY|O_CREAT|O_EXCL`) stay in the kernel.
pub const TEMPFILE_FLAGS: u32 = (libc::O_RDWR | libc::O_CREAT | libc::O_EXCL | libc::O_NOFOLLOW) as u32;
pub const TEMPFILE_MASK: u32 = (libc::O_ACCMODE | libc::O_CREAT | libc::O_EXCL | libc::O_NOFOLLOW) as u32;

/// The table: (syscall number on this architecture, how to trap it, what it is).
#[cfg(target_arch = "x86_64")]
pub const TABLE: &[(c_long, Trap, Call)] = &[
    (libc::SYS_open, Trap::OpenFlags(1), Call::Open),
    (libc::SYS_openat, Trap::OpenFlags(2), Call::OpenAt),
    (libc::SYS_creat, Trap::Always, Call::Creat),
    (libc::SYS_openat2, Trap::Always, Call::OpenAt2),
    (libc::SYS_unlink, Trap::Always, Call::Unlink),
    (libc::SYS_unlinkat, Trap::Always, Call::UnlinkAt),
    (libc::SYS_rmdir, Trap::Always, Call::Rmdir),
    (libc::SYS_rename, Trap::Always, Call::Rename),
    (libc::SYS_renameat, Trap::Always, Call::RenameAt),
    (libc::SYS_renameat2, Trap::Always, Call::RenameAt2),
    (libc::SYS_truncate, Trap::Always, Call::Truncate),
    (libc::SYS_ftruncate, Trap::Always, Call::Ftruncate),
    (libc::SYS_fallocate, Trap::Always, Call::Fallocate),
    (libc::SYS_execve, Trap::Always, Call::Execve),
    (libc::SYS_execveat, Trap::Always, Call::ExecveAt),
    (libc::SYS_mmap, Trap::MmapExec, Call::Mmap),
    (libc::SYS_link, Trap::Always, Call::Link),
    (libc::SYS_linkat, Trap::Always, Call::LinkAt),
    (libc::SYS_mkdir, Trap::Always, Call::Mkdir),
    (libc::SYS_mkdirat, Trap::Always, Call::MkdirAt),
    (libc::SYS_chmod, Trap::WithoutOwnerWrite(1), Call::Chmod),
    (libc::SYS_fchmod, Trap::WithoutOwnerWrite(1), Call::Fchmod),
    (libc::SYS_fchmodat, Trap::WithoutOwnerWrite(2), Call::FchmodAt),
    (libc::SYS_fchmodat2, Trap::WithoutOwnerWrite(2), Call::FchmodAt2),
    (libc::SYS_io_uring_setup, Trap::Enosys, Call::IoUringSetup),
    (libc::SYS_umount2, Trap::Always, Call::Umount),
    (libc::SYS_inotify_add_watch, Trap::Always, Call::InotifyAddWatch),
];

#[cfg(target_arch = "aarch64")]
pub const TABLE: &[(c_long, Trap, Call)] = &[
    (libc::SYS_openat, Trap::OpenFlags(2), Call::OpenAt),
    (libc::SYS_openat2, Trap::Always, Call::OpenAt2),
    (libc::SYS_unlinkat, Trap::Always, Call::UnlinkAt),
    (libc::SYS_renameat, Trap::Always, Call::RenameAt),
    (libc::SYS_renameat2, Trap::Always, Call::RenameAt2),
    (libc::SYS_truncate, Trap::Always, Call::Truncate),
    (libc::SYS_ftruncate, Trap::Always, Call::Ftruncate),
    (libc::SYS_fallocate, Trap::Always, Call::Fallocate),
    (libc::SYS_execve, Trap::Always, Call::Execve),
    (libc::SYS_execveat, Trap::Always, Call::ExecveAt),
    (libc::SYS_mmap, Trap::MmapExec, Call::Mmap),
    (libc::SYS_linkat, Trap::Always, Call::LinkAt),
    (libc::SYS_mkdirat, Trap::Always, Call::MkdirAt),
    (libc::SYS_fchmod, Trap::WithoutOwnerWrite(1), Call::Fchmod),
    (libc::SYS_fchmodat, Trap::WithoutOwnerWrite(2), Call::FchmodAt),
    (libc::SYS_fchmodat2, Trap::WithoutOwnerWrite(2), Call::FchmodAt2),
    (libc::SYS_io_uring_setup, Trap::Enosys, Call::IoUringSetup),
    (libc::SYS_umount2, Trap::Always, Call::Umount),
    (libc::SYS_inotify_add_watch, Trap::Always, Call::InotifyAddWatch),
];

/// The `AUDIT_ARCH_*` value of the architecture we were built for.
#[cfg(target_arch = "x86_64")]
pub const NATIVE_ARCH: u32 = crate::sys::AUDIT_ARCH_X86_64;
#[cfg(target_arch = "aarch64")]
pub const NATIVE_ARCH: u32 = crate::sys::AUDIT_ARCH_AARCH64;

/// What a trapped call is.
pub fn decode(nr: i32) -> Option<Call> {
    TABLE.iter().find(|(n, _, _)| *n == nr as c_long).map(|&(_, _, c)| c)
}

const BPF_LD_W_ABS: u16 = (libc::BPF_LD | libc::BPF_W | libc::BPF_ABS) as u16;
const BPF_JEQ_K: u16 = (libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K) as u16;
const BPF_JGE_K: u16 = (libc::BPF_JMP | libc::BPF_JGE | libc::BPF_K) as u16;
const BPF_JSET_K: u16 = (libc::BPF_JMP | libc::BPF_JSET | libc::BPF_K) as u16;
const BPF_RET_K: u16 = (libc::BPF_RET | libc::BPF_K) as u16;
const BPF_ALU_AND_K: u16 = (libc::BPF_ALU | libc::BPF_AND | libc::BPF_K) as u16;

fn stmt(code: u16, k: u32) -> sock_filter {
    sock_filter { code, jt: 0, jf: 0, k }
}
fn jump(code: u16, k: u32, jt: u8, jf: u8) -> sock_filter {
    sock_filter { code, jt, jf, k }
}

/// Offsets in `struct seccomp_data`.
const OFF_NR: u32 = 0;
const OFF_ARCH: u32 = 4;
/// Low 32 bits of argument `n` (little-endian).
fn off_arg(n: u8) -> u32 {
    16 + 8 * n as u32
}

/// Which calls the filter sends to the supervisor, decided once from the configuration.
pub struct Policy<'a> {
    /// Calls that some handler can turn into a finding; the others run in the kernel.
    pub wanted: &'a dyn Fn(Call) -> bool,
    /// Trap every `O_CREAT|O_EXCL` open (only a delete-pending name can refuse them);
    /// without, only those with [`TEMPFILE_FLAGS`].
    pub exclusive_creates: bool,
}

impl Policy<'_> {
    /// Trap everything the table lists.
    pub const ALL: Policy<'static> = Policy {
        wanted: &|_| true,
        exclusive_creates: true,
    };
}

/// Builds the cBPF program. Other architectures (i386 compat processes) run untraced;
/// the x32 ABI on x86_64 (`nr >= 0x40000000`) is refused with ENOSYS.
pub fn build_filter(policy: &Policy) -> Vec<sock_filter> {
    let notify = libc::SECCOMP_RET_USER_NOTIF;
    let allow = libc::SECCOMP_RET_ALLOW;
    let enosys = libc::SECCOMP_RET_ERRNO | libc::ENOSYS as u32;
    let mut p = vec![
        stmt(BPF_LD_W_ABS, OFF_ARCH),
        jump(BPF_JEQ_K, NATIVE_ARCH, 1, 0),
        stmt(BPF_RET_K, allow),
        stmt(BPF_LD_W_ABS, OFF_NR),
    ];
    if cfg!(target_arch = "x86_64") {
        p.push(jump(BPF_JGE_K, 0x4000_0000, 0, 1));
        p.push(stmt(BPF_RET_K, enosys));
    }
    let creat_excl = (libc::O_CREAT | libc::O_EXCL) as u32;
    for &(nr, trap, call) in TABLE {
        let nr = nr as u32;
        if trap != Trap::Enosys && !(policy.wanted)(call) {
            continue; // falls through to the final ALLOW
        }
        match trap {
            Trap::Always => {
                p.push(jump(BPF_JEQ_K, nr, 0, 1));
                p.push(stmt(BPF_RET_K, notify));
            }
            Trap::Enosys => {
                p.push(jump(BPF_JEQ_K, nr, 0, 1));
                p.push(stmt(BPF_RET_K, enosys));
            }
            Trap::OpenFlags(arg) if !policy.exclusive_creates => {
                p.push(jump(BPF_JEQ_K, nr, 0, 8));
                p.push(stmt(BPF_LD_W_ABS, off_arg(arg)));
                p.push(jump(BPF_JSET_K, OPEN_TRAP_MASK, 0, 5));
                p.push(stmt(BPF_ALU_AND_K, TEMPFILE_MASK));
                p.push(jump(BPF_JEQ_K, TEMPFILE_FLAGS, 2, 0));
                p.push(stmt(BPF_ALU_AND_K, creat_excl));
                p.push(jump(BPF_JEQ_K, creat_excl, 1, 0));
                p.push(stmt(BPF_RET_K, notify));
                p.push(stmt(BPF_RET_K, allow));
            }
            Trap::OpenFlags(arg) => {
                p.push(jump(BPF_JEQ_K, nr, 0, 4));
                p.push(stmt(BPF_LD_W_ABS, off_arg(arg)));
                p.push(jump(BPF_JSET_K, OPEN_TRAP_MASK, 0, 1));
                p.push(stmt(BPF_RET_K, notify));
                p.push(stmt(BPF_RET_K, allow));
            }
            Trap::WithoutOwnerWrite(arg) => {
                p.push(jump(BPF_JEQ_K, nr, 0, 4));
                p.push(stmt(BPF_LD_W_ABS, off_arg(arg)));
                p.push(jump(BPF_JSET_K, libc::S_IWUSR, 1, 0));
                p.push(stmt(BPF_RET_K, notify));
                p.push(stmt(BPF_RET_K, allow));
            }
            Trap::MmapExec => {
                p.push(jump(BPF_JEQ_K, nr, 0, 6));
                p.push(stmt(BPF_LD_W_ABS, off_arg(2)));
                p.push(jump(BPF_JSET_K, libc::PROT_EXEC as u32, 0, 3));
                p.push(stmt(BPF_LD_W_ABS, off_arg(4)));
                p.push(jump(BPF_JEQ_K, u32::MAX, 1, 0));
                p.push(stmt(BPF_RET_K, notify));
                p.push(stmt(BPF_RET_K, allow));
            }
        }
    }
    p.push(stmt(BPF_RET_K, allow));
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny cBPF interpreter for the instructions `build_filter` emits.
    fn run(prog: &[sock_filter], arch: u32, nr: i64, args: [u64; 6]) -> u32 {
        let mut data = [0u8; 64];
        data[0..4].copy_from_slice(&(nr as i32).to_le_bytes());
        data[4..8].copy_from_slice(&arch.to_le_bytes());
        for (i, a) in args.iter().enumerate() {
            data[16 + 8 * i..24 + 8 * i].copy_from_slice(&a.to_le_bytes());
        }
        let (mut pc, mut acc) = (0usize, 0u32);
        loop {
            let ins = prog[pc];
            pc += 1;
            match ins.code {
                BPF_LD_W_ABS => {
                    let k = ins.k as usize;
                    acc = u32::from_le_bytes(data[k..k + 4].try_into().unwrap());
                }
                BPF_RET_K => return ins.k,
                BPF_ALU_AND_K => acc &= ins.k,
                c => {
                    let taken = match c {
                        BPF_JEQ_K => acc == ins.k,
                        BPF_JGE_K => acc >= ins.k,
                        BPF_JSET_K => acc & ins.k != 0,
                        _ => panic!("unexpected opcode {c:#x}"),
                    };
                    pc += if taken { ins.jt } else { ins.jf } as usize;
                }
            }
        }
    }

    #[test]
    fn read_only_opens_stay_in_the_kernel() {
        let p = build_filter(&Policy::ALL);
        let a = NATIVE_ARCH;
        let ro = (libc::O_RDONLY | libc::O_CLOEXEC | libc::O_DIRECTORY) as u64;
        assert_eq!(
            run(&p, a, libc::SYS_openat, [0, 0, ro, 0, 0, 0]),
            libc::SECCOMP_RET_ALLOW
        );
        for f in [libc::O_WRONLY, libc::O_RDWR, libc::O_CREAT, libc::O_TRUNC] {
            assert_eq!(
                run(&p, a, libc::SYS_openat, [0, 0, f as u64, 0, 0, 0]),
                libc::SECCOMP_RET_USER_NOTIF
            );
        }
        assert_eq!(run(&p, a, libc::SYS_unlinkat, [0; 6]), libc::SECCOMP_RET_USER_NOTIF);
        // a chmod that keeps the owner write bit stays in the kernel (tar sets every mode)
        assert_eq!(
            run(&p, a, libc::SYS_fchmodat, [0, 0, 0o755, 0, 0, 0]),
            libc::SECCOMP_RET_ALLOW
        );
        assert_eq!(
            run(&p, a, libc::SYS_fchmodat, [0, 0, 0o555, 0, 0, 0]),
            libc::SECCOMP_RET_USER_NOTIF
        );
        assert_eq!(
            run(&p, a, libc::SYS_fchmod, [3, 0o444, 0, 0, 0, 0]),
            libc::SECCOMP_RET_USER_NOTIF
        );
        assert_eq!(run(&p, a, libc::SYS_getpid, [0; 6]), libc::SECCOMP_RET_ALLOW);
        assert_eq!(
            run(&p, a, libc::SYS_io_uring_setup, [0; 6]),
            libc::SECCOMP_RET_ERRNO | libc::ENOSYS as u32
        );
        // another architecture runs untraced
        assert_eq!(
            run(&p, 0x4000_0003, libc::SYS_unlinkat, [0; 6]),
            libc::SECCOMP_RET_ALLOW
        );
    }

    #[test]
    fn mmap_traps_only_executable_file_mappings() {
        let p = build_filter(&Policy::ALL);
        let a = NATIVE_ARCH;
        let exec = (libc::PROT_READ | libc::PROT_EXEC) as u64;
        let read = libc::PROT_READ as u64;
        assert_eq!(
            run(&p, a, libc::SYS_mmap, [0, 4096, exec, 2, 3, 0]),
            libc::SECCOMP_RET_USER_NOTIF
        );
        assert_eq!(
            run(&p, a, libc::SYS_mmap, [0, 4096, exec, 0x22, u32::MAX as u64, 0]),
            libc::SECCOMP_RET_ALLOW
        );
        assert_eq!(
            run(&p, a, libc::SYS_mmap, [0, 4096, read, 2, 3, 0]),
            libc::SECCOMP_RET_ALLOW
        );
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn x32_is_refused() {
        let p = build_filter(&Policy::ALL);
        assert_eq!(
            run(&p, NATIVE_ARCH, 0x4000_0000 + 87, [0; 6]),
            libc::SECCOMP_RET_ERRNO | libc::ENOSYS as u32
        );
    }

    #[test]
    fn policy_leaves_out_calls_and_exclusive_creates() {
        let p = build_filter(&Policy {
            wanted: &|c| c != Call::MkdirAt,
            exclusive_creates: false,
        });
        let a = NATIVE_ARCH;
        let notify = libc::SECCOMP_RET_USER_NOTIF;
        let allow = libc::SECCOMP_RET_ALLOW;
        assert_eq!(run(&p, a, libc::SYS_mkdirat, [0; 6]), allow);
        assert_eq!(run(&p, a, libc::SYS_unlinkat, [0; 6]), notify);
        let excl = (libc::O_WRONLY | libc::O_CREAT | libc::O_EXCL | libc::O_CLOEXEC) as u64;
        assert_eq!(run(&p, a, libc::SYS_openat, [0, 0, excl, 0, 0, 0]), allow);
        for f in [
            libc::O_WRONLY,
            libc::O_CREAT,
            libc::O_EXCL | libc::O_RDWR,
            libc::O_CREAT | libc::O_TRUNC | libc::O_WRONLY,
        ] {
            assert_eq!(
                run(&p, a, libc::SYS_openat, [0, 0, f as u64, 0, 0, 0]),
                notify,
                "{f:#o}"
            );
        }
        let ro = (libc::O_RDONLY | libc::O_EXCL) as u64;
        assert_eq!(run(&p, a, libc::SYS_openat, [0, 0, ro, 0, 0, 0]), allow);
        // CPython's tempfile creates are trapped (NamedTemporaryFile), glibc's mkstemp's
        // (no O_NOFOLLOW) are not.
        let tempfile = TEMPFILE_FLAGS as u64 | libc::O_CLOEXEC as u64;
        assert_eq!(run(&p, a, libc::SYS_openat, [0, 0, tempfile, 0, 0, 0]), notify);
        let mkstemp = (libc::O_RDWR | libc::O_CREAT | libc::O_EXCL) as u64;
        assert_eq!(run(&p, a, libc::SYS_openat, [0, 0, mkstemp, 0, 0, 0]), allow);
        let wronly = (libc::O_WRONLY | libc::O_CREAT | libc::O_EXCL | libc::O_NOFOLLOW) as u64;
        assert_eq!(run(&p, a, libc::SYS_openat, [0, 0, wronly, 0, 0, 0]), allow);
        // the next table entries still work after the longer open block
        assert_eq!(run(&p, a, libc::SYS_renameat2, [0; 6]), notify);
        assert_eq!(
            run(&p, a, libc::SYS_io_uring_setup, [0; 6]),
            libc::SECCOMP_RET_ERRNO | libc::ENOSYS as u32
        );
    }
}
