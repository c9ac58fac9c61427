//! Which of the JDK's file APIs a JVM's system call comes from: `java.io` or `java.nio`.
//!
//! On Windows the two open files differently. `java.io` (`FileInputStream`,
//! `FileOutputStream`, `RandomAccessFile`) opens sharing read and write only (OpenJDK
//! `io_util_md.c`, `handleOpen`), so a file it holds cannot be deleted; NIO
//! (`Files.newOutputStream`, `FileChannel.open`, `Files.newBufferedWriter`...) shares read,
//! write and delete unless asked not to (`WindowsChannelFactory`, `ExtendedOpenOption`'s
//! `NOSHARE_*`). They rename differently too: `File.renameTo` is the C runtime's
//! `_wrename`, which does not replace (`WinNTFileSystem_md.c`, `rename0`); `Files.move`
//! with `ATOMIC_MOVE` replaces (`WindowsFileCopy.move`).
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
//! A file that a JVM opened for writing through NIO is remembered by name, so that the fd
//! it holds is judged as sharing delete. Read-only opens never leave the kernel, so a
//! file NIO only reads is still judged as `java.io` holds it.

use std::collections::{HashMap, HashSet};

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
    /// `(pid, path)` of the files a JVM last opened for writing through NIO.
    nio_opens: HashSet<(u32, String)>,
}

impl JavaCallers {
    /// Which API thread `tid` (of JVM `pid`) is in, stopped in a trapped call; `None` when
    /// the call comes from neither library (the JVM's own files) or cannot be read.
    pub fn caller(&mut self, pid: u32, tid: u32) -> Option<JavaApi> {
        let sp = crate::procscan::syscall_stack_pointer(tid)?;
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

    /// Records that JVM `pid` opens `path` for writing through `api` (a later `java.io`
    /// open of the same name replaces an NIO one).
    pub fn note_open(&mut self, pid: u32, path: &str, api: JavaApi) {
        match api {
            JavaApi::Nio => {
                if self.nio_opens.len() >= 4096 {
                    self.nio_opens.clear();
                }
                self.nio_opens.insert((pid, path.to_owned()));
            }
            JavaApi::Io => {
                if !self.nio_opens.is_empty() {
                    self.nio_opens.remove(&(pid, path.to_owned()));
                }
            }
        }
    }

    /// Whether any JVM opened a file for writing through NIO.
    pub fn any_nio_opens(&self) -> bool {
        !self.nio_opens.is_empty()
    }

    /// Whether JVM `pid` last opened `path` for writing through NIO: a writable fd it
    /// holds on that name is NIO's.
    pub fn opened_by_nio(&self, pid: u32, path: &str) -> bool {
        !self.nio_opens.is_empty() && self.nio_opens.contains(&(pid, path.to_owned()))
    }
}
