//! Which of the JDK's file APIs a JVM's system call comes from: `java.io` or `java.nio`.
//!
//! On Windows the two open files differently. `java.io` (`FileInputStream`,
//! `FileOutputStream`, `RandomAccessFile`) opens sharing read and write only (OpenJDK
//! `io_util_md.c`, `handleOpen`), so a file it holds cannot be deleted; NIO
//! (`Files.newOutputStream`, `FileChannel.open`, `Files.newBufferedWriter`...) shares read,
//! write and delete unless asked not to (`WindowsChannelFactory`, `ExtendedOpenOption`'s
//! `NOSHARE_*`). They rename differently too: `File.renameTo` is the C runtime's
//! `_wrename`, which does not replace (`WinNTFileSystem_md.c`, `rename0`); `Files.move`
//! with `ATOMIC_MOVE` replaces (`WindowsFileCopy.move`). Without `ATOMIC_MOVE`,
//! `REPLACE_EXISTING` makes two calls on both systems: the target is deleted first
//! (`DeleteFile`, or `RemoveDirectory`; on Linux `UnixCopyFile.move`'s `unlink` or
//! `rmdir`), then the source renamed without replacing (`MoveFileEx(source, target, 0)`;
//! `rename`), so each Linux call is judged as the Windows call it stands for.
//!
//! On Linux both end in the same libc calls, made from JNI code in `libjava.so`
//! (`java.io`: `Java_java_io_UnixFileSystem_rename0`, `handleOpen`) or `libnio.so`
//! (`Java_sun_nio_fs_UnixNativeDispatcher_open0`, `_rename0`), seen with `strace -k` on
//! OpenJDK 17. The libc function's frame is small (`open64` keeps 0x78 bytes, `rename` is
//! a leaf), so the return address nearest the stopped thread's stack pointer
//! (`/proc/TID/syscall`) that lies in one of the two libraries names the caller. On
//! aarch64 a leaf keeps its return address in the link register, which `/proc` does not
//! show: there a rename finds neither library (a missed finding, never a false one).
//!
//! A JVM's opens for writing are remembered per name, with the fds the JVM had on the file
//! just before each: a writable fd it holds on that file is judged by the open that made
//! it (NIO shares delete). Read-only opens never leave the kernel, so a file NIO only
//! reads is still judged as `java.io` holds it.

use crate::procscan::FileId;
use std::collections::HashMap;

/// The JDK library whose JNI code made a libc call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JavaApi {
    /// `libjava.so`: `java.io.File`, the `java.io` streams, `RandomAccessFile`.
    Io,
    /// `libnio.so`: `java.nio.file.Files`, `FileChannel`.
    Nio,
}

const LIBRARIES: [&str; 2] = ["libjava.so", "libnio.so"];

/// A JVM's executable (`(dev, ino)`: an exec keeps the pid) and the executable mappings
/// of [`LIBRARIES`] in it: `(library index, start, end)`.
type CodeRanges = ((u64, u64), Vec<(usize, u64, u64)>);

/// Code ranges of the two libraries per JVM, and the files each JVM opened for writing
/// through NIO.
#[derive(Default)]
pub struct JavaCallers {
    code: HashMap<u32, CodeRanges>,
    /// Per JVM, its recorded opens for writing, oldest first: the file, the API, and the
    /// fds the JVM had on the file just before (an fd not among them was opened then or
    /// later: a FileOutputStream held across an NIO `Files.write` of the same file, by
    /// any of its names, is still java.io's).
    opens: HashMap<u32, Vec<Open>>,
}

impl JavaCallers {
    /// Which API thread `tid` (of JVM `pid`) is in, stopped in a trapped call; `None` when
    /// the call comes from neither library (the JVM's own files) or cannot be read.
    pub fn caller(&mut self, pid: u32, tid: u32) -> Option<JavaApi> {
        let (sp, _) = crate::procscan::syscall_sp_pc(tid)?;
        let mut stack = [0u8; 256];
        let n = crate::sys::read_mem(tid, sp, &mut stack).unwrap_or(0);
        let words: Vec<u64> = stack[..n]
            .chunks_exact(8)
            .map(|w| u64::from_ne_bytes(w.try_into().expect("8 bytes")))
            .collect();
        if self.code.len() > 256 {
            self.code.clear();
        }
        let exe = {
            use std::os::unix::fs::MetadataExt;
            let m = std::fs::metadata(format!("/proc/{pid}/exe")).ok()?;
            (m.dev(), m.ino())
        };
        // libnio.so is loaded when NIO is first used: read the maps again until it is.
        let stale = self
            .code
            .get(&pid)
            .is_none_or(|(e, r)| *e != exe || !r.iter().any(|&(i, _, _)| i == 1));
        if stale {
            self.code
                .insert(pid, (exe, crate::procscan::code_ranges(pid, &LIBRARIES)));
        }
        let ranges = &self.code[&pid].1;
        let found = words
            .iter()
            .find_map(|&w| ranges.iter().find(|&&(_, a, b)| (a..b).contains(&w)).map(|r| r.0))?;
        Some(if found == 0 { JavaApi::Io } else { JavaApi::Nio })
    }

    /// Records that JVM `pid` opens the file `path` (`id`, when it exists already) for
    /// writing through `api`, its fds on the file before the open being `before()` (asked
    /// only when needed: a `java.io` open of a file never opened through NIO needs no
    /// record).
    pub fn note_open(
        &mut self,
        pid: u32,
        path: &str,
        id: Option<FileId>,
        api: JavaApi,
        before: impl FnOnce() -> Vec<i32>,
    ) {
        self.resolve(pid);
        let known = self.opens.get(&pid).is_some_and(|h| {
            h.iter().any(|e| match &e.file {
                Recorded::Id(x) => Some(*x) == id,
                Recorded::Name(n) => n == path,
            })
        });
        if api == JavaApi::Io && !known {
            return;
        }
        if self.opens.len() >= 1024 {
            self.opens.clear();
        }
        let history = self.opens.entry(pid).or_default();
        if history.len() >= 64 {
            history.remove(0);
        }
        let file = match id {
            Some(id) => Recorded::Id(id),
            None => Recorded::Name(path.to_owned()), // created by this open
        };
        history.push(Open {
            file,
            api,
            before: before(),
        });
    }

    /// Forgets the recorded opens of the file `id` at `path` (recorded by that name if
    /// an open created it), which no name holds any more.
    pub fn forget(&mut self, id: FileId, path: &str) {
        for history in self.opens.values_mut() {
            history.retain(|e| match &e.file {
                Recorded::Id(x) => *x != id,
                Recorded::Name(n) => n != path,
            });
        }
    }

    /// Whether no open is recorded.
    pub fn is_empty(&self) -> bool {
        self.opens.is_empty()
    }

    /// Which API opened fd `fd` of JVM `pid` on the file `id`, if one of the recorded
    /// opens did: the newest open of that file whose `before` set does not hold the fd (it
    /// was opened then or after; an fd older than every recorded open of the file is
    /// `None`). A file recorded by the name an open created it under is matched by what
    /// that name is now.
    pub fn api_of_fd(&mut self, pid: u32, id: FileId, fd: i32) -> Option<JavaApi> {
        self.resolve(pid);
        self.opens
            .get(&pid)?
            .iter()
            .rev()
            .filter(|e| matches!(e.file, Recorded::Id(x) if x == id))
            .find(|e| !e.before.contains(&fd))
            .map(|e| e.api)
    }
}

impl JavaCallers {
    /// Reads which file each name recorded by a creating open of JVM `pid` is now.
    fn resolve(&mut self, pid: u32) {
        for e in self.opens.get_mut(&pid).into_iter().flatten() {
            if let Recorded::Name(n) = &e.file {
                if let Ok(m) = std::fs::metadata(n) {
                    e.file = Recorded::Id(FileId::of(&m));
                }
            }
        }
    }
}

/// A recorded open for writing.
#[derive(Debug)]
struct Open {
    file: Recorded,
    api: JavaApi,
    before: Vec<i32>,
}

/// The file of a recorded open: by identity, or by the name a creating open gave it
/// (its identity is read when first needed).
#[derive(Debug)]
enum Recorded {
    Id(FileId),
    Name(String),
}
