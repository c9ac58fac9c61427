//! Ask the Windows model about one Linux operation.
//!
//! The tracer describes what it saw at the moment of the trapped call, a [`Situation`]:
//! the files involved (with their read-only bit), who holds them on Linux (an fd, a
//! mapping, a running image, a working directory, a delete-pending name), the runtime of
//! each holder, and the operation with the caller's runtime. [`decide`] builds a fresh,
//! tiny Windows machine with exactly those files and holders, performs the Win32 calls
//! the caller's runtime would make on Windows, and returns the verdict with the blockers
//! mapped back to the Linux holders. All Windows knowledge stays in the model; this
//! module only translates. It has no I/O, so it is tested without seccomp.
//!
//! # What is decided, and what is not
//!
//! Only what Linux allows can be a finding: when Linux refuses the call too (`EEXIST`,
//! `ENOTEMPTY`, `ETXTBSY`, ...), the program sees an error on both systems.
//!
//! * `execve` of a file some process has open for writing is never a finding: Linux
//!   refuses it with `ETXTBSY` (for every process, not only the writer, and for a writable
//!   shared mapping too, since the mapping keeps the writable open file), as Windows
//!   refuses the image section. A script (`#!`) is opened for reading by its interpreter,
//!   which Windows allows under any share mode the runtimes use.
//! * A *read-only* open of a delete-pending name (legacy semantics) is a finding on
//!   Windows (`STATUS_DELETE_PENDING`), but read-only opens never leave the kernel (the
//!   filter passes them to keep `winsan run` fast), so it is not reported. Creating,
//!   writing, `mkdir`, `link` or `rename` onto such a name are.
//! * `renameat2(RENAME_EXCHANGE)` has no Win32 counterpart; a program ported to Windows
//!   replaces both names, so it is decided as two renames, each onto an existing target.

use crate::libuv;
use crate::runtime::{Library, OnWindows, Runtime};
use std::collections::HashMap;
use winsan_model::consts::{
    access::*, attributes::*, disposition::*, flags::*, movefile::*, rename::*, section::*, share::*,
    win32_disposition::*,
};
use winsan_model::{CallResult, Config, Handle, Reason, Refusal, System};

/// A file or directory the operation involves, by its Linux path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileSpec {
    pub path: String,
    pub dir: bool,
    /// The owner write bit is clear: `FILE_ATTRIBUTE_READONLY` on Windows.
    pub readonly: bool,
    /// The file has hard links besides this name (`st_nlink > 1`): deleting this name
    /// does not delete the file, which NTFS allows even while the file runs or is mapped.
    pub other_names: bool,
}

/// How a Linux process holds a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hold {
    /// An open fd of a regular file, with its access.
    Handle { read: bool, write: bool },
    /// An open fd of a directory (`opendir`, `O_PATH`, `rmtree`'s dir fds): modelled as
    /// a listing handle that shares everything, like `FindFirstFileW`.
    DirHandle,
    /// A file mapping (`mmap` of a file, not executable).
    Mapping { writable: bool },
    /// The process's executable.
    Exe,
    /// An executable mapping of a library.
    Library,
    /// The process's working directory.
    Cwd,
}

impl Hold {
    /// The report's `what`.
    pub fn what(self) -> &'static str {
        match self {
            Hold::Handle { .. } | Hold::DirHandle => "handle",
            Hold::Mapping { .. } => "mapping",
            Hold::Exe | Hold::Library => "image",
            Hold::Cwd => "cwd",
        }
    }
}

/// One Linux holder of one of the situation's files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HolderSpec {
    /// Index into [`Situation::files`].
    pub file: usize,
    /// The runtime whose share mode the handle has: the runtime of the process that
    /// opened the file, which for an inherited fd is an ancestor's.
    pub runtime: Runtime,
    pub hold: Hold,
    /// For a `Handle`: the index of another holder whose fd is the same open file
    /// description (inherited across fork or exec, or `dup`ed). On Windows that is one
    /// file object with several handles (`DuplicateHandle`, handle inheritance): it has
    /// one share access, checked once, when it was opened.
    pub duplicate_of: Option<usize>,
    /// For a `Handle`: the file was opened as CPython's `tempfile.NamedTemporaryFile`
    /// opens it on Windows, with `O_TEMPORARY`: the C runtime adds `DELETE` access,
    /// `FILE_SHARE_DELETE` and `FILE_FLAG_DELETE_ON_CLOSE` (nt-rules A6), so every other
    /// open of the name must share delete.
    pub delete_on_close: bool,
    /// For a `Handle`: opened by a library of the process with a share mode of its own
    /// (SQLite, Java NIO), not by the runtime.
    pub library: Option<Library>,
}

/// The Linux operation, with indexes into [`Situation::files`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `unlink`: the file exists.
    Delete { file: usize },
    /// `rmdir`: the directory exists and is empty on Linux.
    RemoveDirectory { file: usize },
    /// `rename`: `to` may or may not exist (its [`FileSpec`] is present either way).
    /// `replace` is false when the program's call is one that does not replace an
    /// existing name on Windows (CPython's `os.rename`, told from `os.replace`, which
    /// Linux runs as the same `rename`, by the caller's frame).
    Rename {
        from: usize,
        to: usize,
        to_exists: bool,
        replace: bool,
    },
    /// `open` with write/create/truncate flags.
    Open {
        file: usize,
        exists: bool,
        read: bool,
        write: bool,
        create: bool,
        exclusive: bool,
        truncate: bool,
    },
    /// `truncate`/`ftruncate`/`fallocate` that changes the size.
    Truncate { file: usize },
    /// `mkdir` of a name that is delete-pending.
    CreateDirectory { file: usize },
    /// `link`/`linkat`: a new name `new` (absent on Linux) for the file `existing`.
    Link { existing: usize, new: usize },
}

/// Everything the oracle needs.
#[derive(Clone, Debug)]
pub struct Situation {
    pub config: Config,
    pub files: Vec<FileSpec>,
    pub holders: Vec<HolderSpec>,
    /// Files (indexes) whose name is delete-pending (legacy semantics): some holder kept
    /// it open when it was deleted.
    pub pending: Vec<usize>,
    pub op: Op,
    pub caller: Runtime,
    /// A program whose own Windows code path differs from its runtime's for this call.
    pub caller_tool: Option<Tool>,
    /// The caller's libuv (`UV_VERSION_HEX`), where it could be read: a Node before
    /// libuv 1.49 deletes with the legacy disposition ([`crate::libuv`]). Unknown is
    /// taken as current.
    pub caller_libuv: Option<u32>,
}

impl Situation {
    /// The caller's libuv deletes with POSIX semantics (1.49 and later; unknown is taken
    /// as current).
    fn libuv_posix_deletes(&self) -> bool {
        self.caller_libuv.is_none_or(|v| v >= libuv::POSIX_DELETE_SINCE)
    }
}

/// Programs that take their own Windows code path for an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    /// The linker lld, whose unlink of an existing output (`lld::unlinkAsync`) is a
    /// rename aside on Windows.
    Lld,
    /// The go command moving a build output from its work directory into place, which on
    /// Windows is a copy (`go_copy_file`).
    GoCommandOutput,
    /// The `tempfile` crate persisting a `NamedTempFile`: on Windows `MoveFileExW` alone
    /// (`src/file/imp/windows.rs` `persist`), without std's POSIX-rename fallback, so a
    /// target anyone has open is refused even when every holder shares delete.
    TempfilePersist,
    /// A JVM calling through `java.io` (`File`, `FileOutputStream`, `RandomAccessFile`):
    /// `File.delete` clears the read-only attribute before it deletes
    /// (`removeFileOrDirectory` in OpenJDK's `WinNTFileSystem_md.c`: `SetFileAttributesW`
    /// to `FILE_ATTRIBUTE_NORMAL`, then `DeleteFileW` or `RemoveDirectoryW`), and its
    /// failures are a `false` or a `FileNotFoundException`.
    JavaIo,
    /// A JVM calling through `java.nio.file` (`Files`, `FileChannel`): the calls as
    /// made, failures as `WindowsException.translateToIOException` throws them.
    JavaNio,
}

/// The answer.
#[derive(Clone, Debug)]
pub struct Verdict {
    /// The Win32 call(s) the caller's runtime makes, e.g. `DeleteFileW`.
    pub windows_call: String,
    /// `None`: Windows allows it.
    pub refusal: Option<Refusal>,
    /// The holders (indexes into [`Situation::holders`]) the model named as in the way.
    pub blockers: Vec<usize>,
    /// A delete that Windows allows left the name in its directory: the file is
    /// delete-pending (legacy semantics, or delete-on-close) until its last handle
    /// closes, while on Linux the name is gone. Not so after a POSIX delete, a rename
    /// aside (lld) or a move to the recycle bin (Cygwin).
    pub name_remains: bool,
}

/// `/tmp/a.txt` → `C:\tmp\a.txt`; characters Windows does not allow in names become `_`.
pub fn windows_path(linux: &str) -> String {
    let mut s = String::from("C:");
    for part in linux.split('/').filter(|p| !p.is_empty()) {
        s.push('\\');
        s.extend(part.chars().map(|c| match c {
            '<' | '>' | ':' | '"' | '\\' | '|' | '?' | '*' => '_',
            c if (c as u32) < 32 => '_',
            c => c,
        }));
    }
    if s == "C:" {
        s.push('\\');
    }
    s
}

/// The directory of the stand-ins for a file's other hard links ([`FileSpec::other_names`]).
const OTHER_NAMES: &str = "C:\\$winsan-other-names";

/// Build the machine, replay the holders, perform the caller's Win32 calls.
pub fn decide(sit: &Situation) -> Verdict {
    let mut m = System::new(sit.config);
    let wpath: Vec<String> = sit.files.iter().map(|f| windows_path(&f.path)).collect();
    let mut owner: HashMap<Handle, usize> = HashMap::new();

    // The namespace: parents, then the files that exist.
    let mut made = std::collections::HashSet::new();
    for (i, f) in sit.files.iter().enumerate() {
        let exists = sit.pending.contains(&i)
            || match sit.op {
                Op::Rename { to, to_exists, .. } if to == i => to_exists,
                Op::Open { file, exists, .. } if file == i => exists,
                Op::CreateDirectory { file } if file == i => false,
                Op::Link { new, .. } if new == i => false,
                _ => true,
            };
        let parts: Vec<&str> = wpath[i].split('\\').collect();
        for n in 2..parts.len() {
            let parent = parts[..n].join("\\");
            if made.insert(parent.clone()) {
                let _ = m.create_directory(&parent);
            }
        }
        if !exists || !made.insert(wpath[i].clone()) {
            continue;
        }
        if f.dir {
            let _ = m.create_directory(&wpath[i]);
            if f.readonly {
                let _ = m.set_file_attributes(&wpath[i], FILE_ATTRIBUTE_READONLY);
            }
        } else {
            let attrs = if f.readonly {
                FILE_ATTRIBUTE_READONLY
            } else {
                FILE_ATTRIBUTE_NORMAL
            };
            // Contents: the model maps only non-empty files, and runs only files with at
            // least a page written from offset 0 (its convention for "a valid image").
            if let Ok(h) = m.create_file(&wpath[i], GENERIC_WRITE, 7, CREATE_NEW, attrs) {
                let _ = m.write_file(h, 4096);
                let _ = m.close_handle(h);
            }
            if f.other_names {
                // Where the other names are does not matter to the rules, only that they
                // exist: one stands in for them, outside every path the caller uses.
                let _ = m.create_directory(OTHER_NAMES);
                let _ = m.create_hard_link(&format!("{OTHER_NAMES}\\{i}"), &wpath[i]);
            }
        }
    }

    // The holders: handles first, then mappings, then images. A holder Windows could never
    // have (the Linux situation is impossible there) is left out.
    let order = |h: &HolderSpec| match h.hold {
        Hold::Cwd | Hold::DirHandle => 0,
        Hold::Handle { .. } => 1,
        Hold::Mapping { .. } => 2,
        Hold::Exe | Hold::Library => 3,
    };
    let mut idx: Vec<usize> = (0..sit.holders.len())
        .filter(|&i| sit.holders[i].duplicate_of.is_none())
        .collect();
    idx.sort_by_key(|&i| order(&sit.holders[i]));
    let mut handle_of: HashMap<usize, Handle> = HashMap::new();
    for i in idx {
        let h = &sit.holders[i];
        let p = &wpath[h.file];
        let mut own = |r: CallResult<Handle>| {
            r.ok().inspect(|&x| {
                owner.insert(x, i);
            })
        };
        match h.hold {
            Hold::Cwd => {
                own(m.create_file(
                    p,
                    FILE_TRAVERSE | SYNCHRONIZE,
                    h.runtime.cwd_share_mode(),
                    OPEN_EXISTING,
                    FILE_FLAG_BACKUP_SEMANTICS,
                ));
            }
            Hold::DirHandle => {
                own(m.create_file(
                    p,
                    FILE_LIST_DIRECTORY | SYNCHRONIZE,
                    FILE_SHARE_VALID_FLAGS,
                    OPEN_EXISTING,
                    FILE_FLAG_BACKUP_SEMANTICS,
                ));
            }
            Hold::Handle { read, write } => {
                let access = if read { GENERIC_READ } else { 0 } | if write { GENERIC_WRITE } else { 0 };
                let (access, share, flags) = if h.delete_on_close {
                    (access | DELETE, FILE_SHARE_VALID_FLAGS, FILE_FLAG_DELETE_ON_CLOSE)
                } else {
                    let share = h.library.map_or(h.runtime.share_mode(), Library::share_mode);
                    (access, share, 0)
                };
                if let Some(x) = own(m.create_file(p, access, share, OPEN_EXISTING, flags)) {
                    handle_of.insert(i, x);
                }
            }
            Hold::Mapping { writable } => {
                let access = GENERIC_READ | if writable { GENERIC_WRITE } else { 0 };
                let Some(fh) = own(m.create_file(p, access, h.runtime.share_mode(), OPEN_EXISTING, 0)) else {
                    continue;
                };
                let protect = if writable { PAGE_READWRITE } else { PAGE_READONLY };
                let sec = own(m.create_file_mapping(fh, protect));
                if let Some(sec) = sec {
                    let view = if writable { FILE_MAP_WRITE } else { FILE_MAP_READ };
                    own(m.map_view_of_file(sec, view));
                    if !h.runtime.mapping_keeps_handle() {
                        let _ = m.close_handle(sec);
                    }
                }
                if !h.runtime.mapping_keeps_handle() {
                    let _ = m.close_handle(fh);
                }
            }
            Hold::Exe => {
                own(m.create_process(p));
            }
            Hold::Library => {
                own(m.load_library(p));
            }
        }
    }
    // Duplicates of those handles: the same file objects, no new share access.
    for (i, h) in sit.holders.iter().enumerate() {
        let Some(orig) = h.duplicate_of.and_then(|o| handle_of.get(&o).copied()) else {
            continue;
        };
        if let Ok(x) = m.duplicate_handle(orig) {
            owner.insert(x, i);
        }
    }
    for &f in &sit.pending {
        // Someone (the holder that kept it alive) still has it open, sharing delete; the
        // legacy delete that left the name behind was made through a handle of its own
        // (a runtime's legacy disposition, whatever DeleteFileW does on this version).
        if let Ok(h) = m.create_file(&wpath[f], GENERIC_READ, 7, OPEN_EXISTING, 0) {
            if let Ok(d) = m.create_file(&wpath[f], DELETE, 7, OPEN_EXISTING, 0) {
                let _ = m.set_disposition_info(d, true);
                let _ = m.close_handle(d);
            }
            let _ = h;
        }
    }

    let (call, result) = perform(&mut m, sit, &wpath);
    let refusal = result.err();
    let mut blockers: Vec<usize> = refusal
        .iter()
        .flat_map(|r| r.reason.blockers())
        .filter_map(|b| owner.get(&b.handle).copied())
        .collect();
    // The model names a file object by its oldest handle; its other handles are in the
    // way as much.
    let dups: Vec<usize> = (0..sit.holders.len())
        .filter(|&i| sit.holders[i].duplicate_of.is_some_and(|o| blockers.contains(&o)))
        .collect();
    blockers.extend(dups);
    blockers.sort_unstable();
    blockers.dedup();
    let name_remains = refusal.is_none() && matches!(sit.op, Op::Delete { file } if m.exists(&wpath[file]));
    Verdict {
        windows_call: call,
        refusal,
        blockers,
        name_remains,
    }
}

/// Open for `DELETE` sharing everything, then a POSIX delete disposition that ignores the
/// read-only attribute: what libuv's unlink and Rust std's fallback do.
fn posix_delete(m: &mut System, path: &str, flags: u32) -> CallResult<()> {
    let h = m.create_file(path, DELETE | SYNCHRONIZE, FILE_SHARE_VALID_FLAGS, OPEN_EXISTING, flags)?;
    let r = m.set_disposition_info_ex(
        h,
        FILE_DISPOSITION_FLAG_DELETE
            | FILE_DISPOSITION_FLAG_POSIX_SEMANTICS
            | FILE_DISPOSITION_FLAG_IGNORE_READONLY_ATTRIBUTE,
    );
    closing(m, h, r)
}

/// libuv's unlink before 1.49 (`src/win/fs.c` `fs__unlink`): an open for
/// `FILE_READ_ATTRIBUTES|FILE_WRITE_ATTRIBUTES|DELETE` sharing everything, the read-only
/// attribute cleared through it, then `FileDispositionInformation`.
fn libuv_legacy_unlink(m: &mut System, path: &str, readonly: bool) -> CallResult<()> {
    let access = FILE_READ_ATTRIBUTES | FILE_WRITE_ATTRIBUTES | DELETE;
    let flags = FILE_FLAG_OPEN_REPARSE_POINT | FILE_FLAG_BACKUP_SEMANTICS;
    let h = m.create_file(path, access, FILE_SHARE_VALID_FLAGS, OPEN_EXISTING, flags)?;
    let mut r = Ok(());
    if readonly {
        r = m.set_file_attributes(path, FILE_ATTRIBUTE_NORMAL);
    }
    let r = r.and_then(|_| m.set_disposition_info(h, true));
    closing(m, h, r)
}

/// `r`, after closing `h`: the calls the oracle makes for the caller close what they
/// open, as the runtimes do, so that what is left (a delete-pending name) is the model's.
fn closing<T>(m: &mut System, h: Handle, r: CallResult<T>) -> CallResult<T> {
    let _ = m.close_handle(h);
    r
}

/// LLVM's `sys::fs::rename` (`llvm/lib/Support/Windows/Path.inc`): open the source for
/// DELETE sharing everything and rename it by handle, replacing the target; when that is
/// refused (`permission_denied`: access denied or a sharing violation), move the target
/// aside first (open it for DELETE with FILE_FLAG_DELETE_ON_CLOSE and rename it to
/// `<to>.tmp0`), then rename the source again.
fn llvm_rename(m: &mut System, from: &str, to: &str) -> CallResult<()> {
    let h = m.create_file(from, GENERIC_READ | DELETE, FILE_SHARE_VALID_FLAGS, OPEN_EXISTING, 0)?;
    let r = match m.set_rename_info(h, to, true) {
        Err(e) if matches!(e.win32.code(), 5 | 32) => {
            let flags = FILE_ATTRIBUTE_NORMAL | FILE_FLAG_DELETE_ON_CLOSE;
            match m.create_file(to, GENERIC_READ | DELETE, FILE_SHARE_VALID_FLAGS, OPEN_EXISTING, flags) {
                Ok(aside) => {
                    let r = m.set_rename_info(aside, &format!("{to}.tmp0"), false);
                    let r = closing(m, aside, r);
                    r.and_then(|_| m.set_rename_info(h, to, true))
                }
                Err(e) => Err(e),
            }
        }
        r => r,
    };
    closing(m, h, r)
}

/// The go command's `copyFile` (`src/cmd/go/internal/work/exec.go`), which is how it puts
/// a build output in place on Windows: `moveOrCopyFile` never renames there ("On Windows,
/// always copy the file"). It opens the source, removes the old output ignoring the
/// error, opens the output with `O_WRONLY|O_CREATE|O_TRUNC` (Go's share read/write), and
/// when that fails ("Windows does not allow deletion of a binary file while it is
/// executing") renames the old one to `dst~` (allowed for a running program), removes
/// that, and opens again.
fn go_copy_file(m: &mut System, from: &str, to: &str) -> CallResult<()> {
    let share = FILE_SHARE_READ | FILE_SHARE_WRITE;
    let src = m.create_file(from, GENERIC_READ, share, OPEN_EXISTING, 0)?;
    let _ = m.delete_file(to);
    let open = |m: &mut System| m.create_file(to, GENERIC_WRITE, share, CREATE_ALWAYS, 0);
    let dst = match open(m) {
        Ok(h) => Ok(h),
        Err(_) => {
            let aside = format!("{to}~");
            if m.move_file_ex(to, &aside, MOVEFILE_REPLACE_EXISTING).is_ok() {
                let _ = m.delete_file(&aside);
            }
            open(m)
        }
    };
    let r = dst.and_then(|h| m.close_handle(h));
    closing(m, src, r)
}

/// The Windows call of [`cygwin_unlink`], for reports.
const CYGWIN_UNLINK: &str =
    "NtOpenFile(DELETE) + NtSetInformationFile(FileDispositionInformationEx, POSIX_SEMANTICS|IGNORE_READONLY_ATTRIBUTE)";

/// Cygwin's `unlink_nt` (`winsup/cygwin/syscalls.cc`), for files and directories alike.
/// Windows 10 1809 and later: an open for DELETE sharing everything and a POSIX
/// disposition that ignores the read-only attribute; when that fails with
/// `STATUS_CANNOT_DELETE` (a mapped file, a running image) the file is moved to the
/// recycle bin (`try_to_bin`), which succeeds wherever a rename does. Before: the
/// read-only attribute cleared, an open for DELETE sharing only delete, which a sharing
/// violation turns into an open sharing everything and a move to the bin (so an open file
/// leaves no delete-pending name behind), else the legacy disposition, again with the bin
/// as last resort.
fn cygwin_unlink(m: &mut System, path: &str, ex_classes: bool, readonly: bool) -> CallResult<()> {
    let flags = FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT;
    let open_for_delete =
        |m: &mut System, share| m.create_file(path, DELETE | SYNCHRONIZE, share, OPEN_EXISTING, flags);
    let to_bin = |m: &mut System, h: Handle| {
        let _ = m.create_directory("C:\\$Recycle.Bin");
        let name = path.rsplit('\\').next().unwrap_or("file");
        let r = m.set_rename_info(h, &format!("C:\\$Recycle.Bin\\.cyg{name}"), true);
        let _ = m.set_disposition_info(h, true);
        closing(m, h, r)
    };
    let cannot_delete = |e: &Refusal| e.status == winsan_model::NtStatus::STATUS_CANNOT_DELETE;
    if ex_classes {
        return match posix_delete(m, path, flags) {
            Err(e) if cannot_delete(&e) => {
                let h = open_for_delete(m, FILE_SHARE_VALID_FLAGS)?;
                to_bin(m, h)
            }
            r => r,
        };
    }
    if readonly {
        m.set_file_attributes(path, FILE_ATTRIBUTE_NORMAL)?;
    }
    match open_for_delete(m, FILE_SHARE_DELETE) {
        Err(e) if e.win32.code() == 32 => {
            let h = open_for_delete(m, FILE_SHARE_VALID_FLAGS)?;
            to_bin(m, h)
        }
        Err(e) => Err(e),
        Ok(h) => match m.set_disposition_info(h, true) {
            Err(e) if cannot_delete(&e) => to_bin(m, h),
            r => closing(m, h, r),
        },
    }
}

/// Cygwin's `rename2` (`winsup/cygwin/syscalls.cc`): the source opened for DELETE sharing
/// everything; on Windows 10 1809 and later a `FileRenameInformationEx` with
/// `REPLACE_IF_EXISTS|POSIX_SEMANTICS|IGNORE_READONLY_ATTRIBUTE`, before it a read-only
/// target loses the attribute and a plain replacing rename is made. A target it may not
/// replace (`STATUS_ACCESS_DENIED`) is unlinked with [`cygwin_unlink`] and the rename
/// tried once more.
fn cygwin_rename(
    m: &mut System,
    from: &str,
    to: &str,
    ex_classes: bool,
    (to_exists, to_readonly): (bool, bool),
) -> CallResult<()> {
    let flags = FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT;
    let h = m.create_file(from, DELETE | SYNCHRONIZE, FILE_SHARE_VALID_FLAGS, OPEN_EXISTING, flags)?;
    let first = if ex_classes {
        m.set_rename_info_ex(
            h,
            to,
            FILE_RENAME_FLAG_REPLACE_IF_EXISTS
                | FILE_RENAME_FLAG_POSIX_SEMANTICS
                | FILE_RENAME_FLAG_IGNORE_READONLY_ATTRIBUTE,
        )
    } else {
        if to_readonly {
            let _ = m.set_file_attributes(to, FILE_ATTRIBUTE_NORMAL);
        }
        m.set_rename_info(h, to, true)
    };
    let r = match first {
        Err(e) if e.win32.code() == 5 && to_exists => {
            cygwin_unlink(m, to, ex_classes, false).and_then(|_| m.set_rename_info(h, to, true))
        }
        r => r,
    };
    closing(m, h, r)
}

/// The Win32 calls the caller's runtime makes for the operation.
fn perform(m: &mut System, sit: &Situation, w: &[String]) -> (String, CallResult<()>) {
    let rt = sit.caller;
    let ex_classes = sit.config.windows.has_ex_classes();
    match sit.op {
        Op::Delete { file } => match rt {
            Runtime::Node if ex_classes && sit.libuv_posix_deletes() => {
                // libuv >= 1.49 fs__unlink: open for DELETE sharing everything, then a POSIX
                // disposition that ignores the read-only attribute.
                let call = "CreateFileW(DELETE) + SetFileInformationByHandle(FileDispositionInfoEx, POSIX_SEMANTICS|IGNORE_READONLY_ATTRIBUTE)";
                (call.into(), posix_delete(m, &w[file], FILE_FLAG_OPEN_REPARSE_POINT))
            }
            Runtime::Node => {
                // libuv < 1.49 fs__unlink (and the fallback of later ones where POSIX
                // deletes are not supported): open for DELETE sharing everything, clear
                // the read-only attribute, then the legacy disposition.
                let call = "CreateFileW(DELETE) + NtSetInformationFile(FileBasicInformation: read-only cleared, FileDispositionInformation)";
                (call.into(), libuv_legacy_unlink(m, &w[file], sit.files[file].readonly))
            }
            Runtime::Rust => match m.delete_file(&w[file]) {
                Err(e) if e.win32.code() == 5 && ex_classes => {
                    // std falls back to a POSIX delete on ERROR_ACCESS_DENIED.
                    let flags = FILE_FLAG_OPEN_REPARSE_POINT | FILE_FLAG_BACKUP_SEMANTICS;
                    (
                        "DeleteFileW, then FileDispositionInfoEx(POSIX_SEMANTICS|IGNORE_READONLY_ATTRIBUTE)".into(),
                        posix_delete(m, &w[file], flags),
                    )
                }
                r => ("DeleteFileW".into(), r),
            },
            Runtime::Go => {
                let first = m.delete_file(&w[file]);
                match first {
                    Err(e) if e.win32.code() == 5 && sit.files[file].readonly => {
                        // os.Remove clears FILE_ATTRIBUTE_READONLY and tries again.
                        let r = m
                            .set_file_attributes(&w[file], FILE_ATTRIBUTE_NORMAL)
                            .and_then(|_| m.delete_file(&w[file]));
                        ("DeleteFileW, SetFileAttributesW, DeleteFileW".into(), r)
                    }
                    r => ("DeleteFileW".into(), r),
                }
            }
            Runtime::Java if sit.caller_tool == Some(Tool::JavaIo) => {
                // The attribute call's result is not looked at.
                let _ = m.set_file_attributes(&w[file], FILE_ATTRIBUTE_NORMAL);
                (
                    "SetFileAttributesW(FILE_ATTRIBUTE_NORMAL), DeleteFileW (File.delete)".into(),
                    m.delete_file(&w[file]),
                )
            }
            Runtime::Git => {
                // compat/mingw.c mingw_unlink: `_wchmod(path, 0666)` ("read-only files
                // cannot be removed"), then `_wunlink`.
                let r = m
                    .set_file_attributes(&w[file], FILE_ATTRIBUTE_NORMAL)
                    .and_then(|_| m.delete_file(&w[file]));
                ("_wchmod(0666) (SetFileAttributesW), DeleteFileW".into(), r)
            }
            Runtime::Llvm if sit.caller_tool == Some(Tool::Lld) => {
                // lld::unlinkAsync (lld/Common/Filesystem.cpp) on Windows: rename the old
                // output aside to a unique name, then remove it, ignoring both errors.
                // When the rename fails, the old file keeps the name and the output's
                // final rename onto it fails the same way ("failed to write output").
                let aside = format!("{}lld00000.tmp", w[file]);
                (
                    "lld unlinkAsync: CreateFileW(GENERIC_READ|DELETE) + SetFileInformationByHandle(FileRenameInfo) to a temporary name".into(),
                    llvm_rename(m, &w[file], &aside),
                )
            }
            Runtime::Llvm => {
                // LLVM sys::fs::remove: an open for DELETE with FILE_FLAG_DELETE_ON_CLOSE,
                // sharing everything, closed at once.
                let flags = FILE_ATTRIBUTE_NORMAL
                    | FILE_FLAG_BACKUP_SEMANTICS
                    | FILE_FLAG_OPEN_REPARSE_POINT
                    | FILE_FLAG_DELETE_ON_CLOSE;
                let r = m
                    .create_file(&w[file], DELETE, FILE_SHARE_VALID_FLAGS, OPEN_EXISTING, flags)
                    .and_then(|h| m.close_handle(h));
                ("CreateFileW(DELETE, FILE_FLAG_DELETE_ON_CLOSE), CloseHandle".into(), r)
            }
            Runtime::Cygwin => (
                CYGWIN_UNLINK.into(),
                cygwin_unlink(m, &w[file], ex_classes, sit.files[file].readonly),
            ),
            _ => ("DeleteFileW".into(), m.delete_file(&w[file])),
        },
        Op::RemoveDirectory { file } if rt == Runtime::Cygwin => (
            CYGWIN_UNLINK.into(),
            cygwin_unlink(m, &w[file], ex_classes, sit.files[file].readonly),
        ),
        // libuv >= 1.49 removes directories as it unlinks files (`fs__unlink_rmdir`): a
        // POSIX disposition that ignores the read-only attribute.
        Op::RemoveDirectory { file }
            if ex_classes && rt == Runtime::Node && sit.libuv_posix_deletes() =>
        {
            let flags = FILE_FLAG_OPEN_REPARSE_POINT | FILE_FLAG_BACKUP_SEMANTICS;
            (
                "CreateFileW(DELETE) + SetFileInformationByHandle(FileDispositionInfoEx, POSIX_SEMANTICS|IGNORE_READONLY_ATTRIBUTE)".into(),
                posix_delete(m, &w[file], flags),
            )
        }
        Op::RemoveDirectory { file } if rt == Runtime::Java && sit.caller_tool == Some(Tool::JavaIo) => {
            let _ = m.set_file_attributes(&w[file], FILE_ATTRIBUTE_NORMAL);
            (
                "SetFileAttributesW(FILE_ATTRIBUTE_NORMAL), RemoveDirectoryW (File.delete)".into(),
                m.remove_directory(&w[file]),
            )
        }
        Op::RemoveDirectory { file } => ("RemoveDirectoryW".into(), m.remove_directory(&w[file])),
        // CPython's os.rename: `MoveFileExW(src, dst, 0)` (Modules/posixmodule.c,
        // internal_rename with is_replace 0; the Python docs of os.rename: "On Windows,
        // if dst exists a FileExistsError is always raised"). Java's File.renameTo:
        // `_wrename` (OpenJDK WinNTFileSystem_md.c), the C runtime's rename, which moves
        // with MOVEFILE_COPY_ALLOWED only ("newname must not be the name of an existing
        // file": the rename docs of the Microsoft C runtime).
        Op::Rename {
            from, to, replace: false, ..
        } => (
            if rt == Runtime::Java {
                "_wrename (File.renameTo): MoveFileExW without MOVEFILE_REPLACE_EXISTING".into()
            } else {
                "MoveFileExW (os.rename: without MOVEFILE_REPLACE_EXISTING)".into()
            },
            m.move_file_ex(&w[from], &w[to], 0),
        ),
        Op::Rename { from, to, to_exists, .. } if rt == Runtime::Cygwin => (
            "NtOpenFile(DELETE) + NtSetInformationFile(FileRenameInformationEx, REPLACE_IF_EXISTS|POSIX_SEMANTICS|IGNORE_READONLY_ATTRIBUTE)".into(),
            cygwin_rename(m, &w[from], &w[to], ex_classes, (to_exists, sit.files[to].readonly)),
        ),
        Op::Rename { from, to, .. } if sit.caller_tool == Some(Tool::TempfilePersist) => (
            "MoveFileExW(MOVEFILE_REPLACE_EXISTING) (tempfile's persist: no POSIX fallback)".into(),
            m.move_file_ex(&w[from], &w[to], MOVEFILE_REPLACE_EXISTING),
        ),
        Op::Rename { from, to, .. } if sit.caller_tool == Some(Tool::GoCommandOutput) => (
            "cmd/go copyFile: DeleteFileW, CreateFileW(CREATE_ALWAYS), on failure MoveFileExW to a ~ name and CreateFileW again".into(),
            go_copy_file(m, &w[from], &w[to]),
        ),
        Op::Rename { from, to, .. } if rt == Runtime::Llvm => (
            "CreateFileW(GENERIC_READ|DELETE) + SetFileInformationByHandle(FileRenameInfo, ReplaceIfExists)".into(),
            llvm_rename(m, &w[from], &w[to]),
        ),
        Op::Rename { from, to, .. } => {
            let first = m.move_file_ex(&w[from], &w[to], MOVEFILE_REPLACE_EXISTING);
            match first {
                Err(e) if rt == Runtime::Rust && e.win32.code() == 5 && ex_classes => {
                    let r = m
                        .create_file(
                            &w[from],
                            DELETE | SYNCHRONIZE,
                            7,
                            OPEN_EXISTING,
                            FILE_FLAG_OPEN_REPARSE_POINT | FILE_FLAG_BACKUP_SEMANTICS,
                        )
                        .and_then(|h| {
                            let r = m.set_rename_info_ex(
                                h,
                                &w[to],
                                FILE_RENAME_FLAG_REPLACE_IF_EXISTS | FILE_RENAME_FLAG_POSIX_SEMANTICS,
                            );
                            closing(m, h, r)
                        });
                    ("MoveFileExW(MOVEFILE_REPLACE_EXISTING), then FileRenameInfoEx(REPLACE_IF_EXISTS|POSIX_SEMANTICS)".into(), r)
                }
                Err(e) if rt == Runtime::Git && e.win32.code() == 5 && sit.files[to].readonly => {
                    // compat/mingw.c mingw_rename: a read-only target loses the attribute
                    // and the move is tried again.
                    let r = m
                        .set_file_attributes(&w[to], FILE_ATTRIBUTE_NORMAL)
                        .and_then(|_| m.move_file_ex(&w[from], &w[to], MOVEFILE_REPLACE_EXISTING));
                    (
                        "MoveFileExW(MOVEFILE_REPLACE_EXISTING), SetFileAttributesW, MoveFileExW(MOVEFILE_REPLACE_EXISTING)"
                            .into(),
                        r,
                    )
                }
                r => ("MoveFileExW(MOVEFILE_REPLACE_EXISTING)".into(), r),
            }
        }
        Op::Open {
            file,
            exists,
            read,
            write,
            create,
            exclusive,
            truncate,
        } => {
            let disposition = match (create, exclusive, truncate) {
                (true, true, _) => CREATE_NEW,
                (true, false, true) => CREATE_ALWAYS,
                (true, false, false) => OPEN_ALWAYS,
                (false, _, true) => TRUNCATE_EXISTING,
                (false, _, false) => OPEN_EXISTING,
            };
            let _ = exists;
            let access = if read { GENERIC_READ } else { 0 } | if write { GENERIC_WRITE } else { 0 };
            let name = match disposition {
                CREATE_NEW => "CREATE_NEW",
                CREATE_ALWAYS => "CREATE_ALWAYS",
                OPEN_ALWAYS => "OPEN_ALWAYS",
                TRUNCATE_EXISTING => "TRUNCATE_EXISTING",
                _ => "OPEN_EXISTING",
            };
            (
                format!("CreateFileW({name})"),
                m.create_file(&w[file], access, rt.share_mode(), disposition, FILE_ATTRIBUTE_NORMAL)
                    .map(drop),
            )
        }
        Op::Truncate { file } => (
            "SetEndOfFile".into(),
            m.create_file(&w[file], GENERIC_WRITE, 7, TRUNCATE_EXISTING, 0)
                .map(drop),
        ),
        Op::CreateDirectory { file } => ("CreateDirectoryW".into(), m.create_directory(&w[file])),
        // Every runtime calls CreateHardLinkW (CPython os.link, libuv fs__link, Rust
        // fs::hard_link, Go os.Link).
        Op::Link { existing, new } => ("CreateHardLinkW".into(), m.create_hard_link(&w[new], &w[existing])),
    }
}

/// The finding kinds of the spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    SharingViolation,
    MappedFile,
    ImageInUse,
    ReadOnly,
    DeletePending,
    DirectoryNotEmpty,
    DirectoryInUse,
    RenameTargetInUse,
    RenameTargetExists,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::SharingViolation => "sharing-violation",
            Kind::MappedFile => "mapped-file",
            Kind::ImageInUse => "image-in-use",
            Kind::ReadOnly => "read-only",
            Kind::DeletePending => "delete-pending",
            Kind::DirectoryNotEmpty => "directory-not-empty",
            Kind::DirectoryInUse => "directory-in-use",
            Kind::RenameTargetInUse => "rename-target-in-use",
            Kind::RenameTargetExists => "rename-target-exists",
        }
    }
}

/// Which finding a refusal is; `None` for refusals that are artefacts of the tiny model
/// (a name Windows would not accept, ...) rather than something the program would hit.
pub fn classify(sit: &Situation, v: &Verdict) -> Option<Kind> {
    let r = v.refusal.as_ref()?;
    let holds: Vec<Hold> = v.blockers.iter().map(|&b| sit.holders[b].hold).collect();
    let any = |f: fn(Hold) -> bool| holds.iter().any(|&h| f(h));
    let on_target = match sit.op {
        Op::Rename { to, .. } => v.blockers.iter().any(|&b| sit.holders[b].file == to),
        _ => false,
    };
    let dir_op = match sit.op {
        Op::RemoveDirectory { .. } => true,
        Op::Rename { from, .. } => sit.files[from].dir,
        _ => false,
    };
    // A name that is free on Linux but delete-pending on Windows: whatever the call says
    // (collision, access denied), the pending name is what is in the way.
    let onto_pending = match sit.op {
        Op::Rename {
            to, to_exists: false, ..
        } => sit.pending.contains(&to),
        Op::Link { new, .. } => sit.pending.contains(&new),
        _ => false,
    };
    if onto_pending {
        return Some(Kind::DeletePending);
    }
    Some(match &r.reason {
        Reason::SharingViolation { .. } => {
            if dir_op {
                Kind::DirectoryInUse
            } else if on_target {
                Kind::RenameTargetInUse
            } else if any(|h| matches!(h, Hold::Exe | Hold::Library)) {
                Kind::ImageInUse
            } else if any(|h| matches!(h, Hold::Mapping { .. })) {
                // CPython's mmap keeps its own handle: the mapping is what is in the way.
                Kind::MappedFile
            } else {
                Kind::SharingViolation
            }
        }
        Reason::WritableSection { .. } | Reason::UserMappedFile { .. } => Kind::MappedFile,
        Reason::ImageSectionInUse { .. } => Kind::ImageInUse,
        Reason::SectionPreventsDelete { .. } => {
            if any(|h| matches!(h, Hold::Exe | Hold::Library)) {
                Kind::ImageInUse
            } else {
                Kind::MappedFile
            }
        }
        Reason::DeletePending { .. } => Kind::DeletePending,
        Reason::ReadOnly { .. } | Reason::TargetReadOnly { .. } => Kind::ReadOnly,
        Reason::DirectoryNotEmpty { pending, .. } if *pending > 0 => Kind::DirectoryNotEmpty,
        Reason::TargetOpen { .. } | Reason::TargetImageInUse { .. } => Kind::RenameTargetInUse,
        Reason::OpenBelowDirectory { .. } => Kind::DirectoryInUse,
        // A name that exists only on Windows: the delete-pending one.
        Reason::Collision { .. } if !sit.pending.is_empty() => Kind::DeletePending,
        // A directory that Linux replaced (it was empty): Windows never replaces one.
        Reason::TargetIsDirectory { .. } if matches!(sit.op, Op::Rename { to_exists: true, .. }) => {
            Kind::RenameTargetExists
        }
        // A rename that does not replace, onto a name that exists on Linux too.
        Reason::Collision { .. }
            if matches!(
                sit.op,
                Op::Rename {
                    to_exists: true,
                    replace: false,
                    ..
                }
            ) =>
        {
            Kind::RenameTargetExists
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(p: &str) -> FileSpec {
        FileSpec {
            path: p.into(),
            dir: false,
            readonly: false,
            other_names: false,
        }
    }
    fn dir(p: &str) -> FileSpec {
        FileSpec {
            path: p.into(),
            dir: true,
            readonly: false,
            other_names: false,
        }
    }
    fn sit(files: Vec<FileSpec>, holders: Vec<HolderSpec>, op: Op, caller: Runtime) -> Situation {
        Situation {
            config: Config::default(),
            files,
            holders,
            pending: vec![],
            op,
            caller,
            caller_tool: None,
            caller_libuv: None,
        }
    }
    fn holder(file: usize, runtime: Runtime, hold: Hold) -> HolderSpec {
        HolderSpec {
            file,
            runtime,
            hold,
            duplicate_of: None,
            delete_on_close: false,
            library: None,
        }
    }
    const RW: Hold = Hold::Handle {
        read: true,
        write: true,
    };

    fn kind(s: &Situation) -> Option<Kind> {
        classify(s, &decide(s))
    }

    #[test]
    fn windows_paths() {
        assert_eq!(windows_path("/tmp/a.txt"), r"C:\tmp\a.txt");
        assert_eq!(windows_path("/"), r"C:\");
        assert_eq!(windows_path("/x/a:b"), r"C:\x\a_b");
    }

    #[test]
    fn mkstemp_then_remove_is_a_sharing_violation() {
        let s = sit(
            vec![file("/tmp/tmpab12.txt")],
            vec![holder(0, Runtime::Python, RW)],
            Op::Delete { file: 0 },
            Runtime::Python,
        );
        let v = decide(&s);
        let r = v.refusal.as_ref().expect("refused");
        assert_eq!(r.win32.name(), "ERROR_SHARING_VIOLATION");
        assert_eq!(v.windows_call, "DeleteFileW");
        assert_eq!(v.blockers, vec![0]);
        assert_eq!(classify(&s, &v), Some(Kind::SharingViolation));
    }

    /// An fd inherited or `dup`ed is one file object with several handles on Windows:
    /// its share access was checked once. Two separate .NET opens for writing could not
    /// coexist (FileShare.Read), so the second holder would be left out; as a duplicate
    /// it is there, and in the way as much as the first.
    #[test]
    fn a_duplicated_handle_is_the_same_file_object() {
        let w = Hold::Handle {
            read: false,
            write: true,
        };
        let two = |dup| {
            let mut h = vec![holder(0, Runtime::DotNet, w), holder(0, Runtime::DotNet, w)];
            h[1].duplicate_of = dup;
            sit(vec![file("/t/log")], h, Op::Delete { file: 0 }, Runtime::Python)
        };
        let v = decide(&two(None));
        assert_eq!(v.blockers, vec![0], "the second open was refused: not a holder");
        let v = decide(&two(Some(0)));
        assert_eq!(
            v.refusal.as_ref().map(|r| r.win32.name()),
            Some("ERROR_SHARING_VIOLATION")
        );
        assert_eq!(v.blockers, vec![0, 1]);
        // A duplicate's share mode is its file object's, whatever its own runtime.
        let mut s = two(Some(0));
        s.holders[1].runtime = Runtime::Node;
        s.holders.swap(0, 1);
        s.holders[0].duplicate_of = Some(1);
        s.holders[1].duplicate_of = None;
        assert_eq!(decide(&s).blockers, vec![0, 1]);
    }

    /// LLVM's rename moves a target in use aside (delete-on-close, renamed to `.tmp0`)
    /// and tries again: a mapped target or one held by a sharer of delete is replaced; a
    /// target held by a handle that does not share delete, or a running image (which
    /// refuses delete-on-close), is not.
    #[test]
    fn llvm_rename_moves_a_target_in_use_aside() {
        let rename = Op::Rename {
            from: 0,
            to: 1,
            to_exists: true,
            replace: true,
        };
        let files = || vec![file("/o/a.out.tmp1"), file("/o/a.out")];
        let mapped = Hold::Mapping { writable: false };
        let s = sit(files(), vec![holder(1, Runtime::Crt, mapped)], rename, Runtime::Llvm);
        let v = decide(&s);
        assert!(v.refusal.is_none(), "{:?}", v.refusal);
        assert!(v.windows_call.contains("FileRenameInfo"), "{}", v.windows_call);
        let s = sit(files(), vec![holder(1, Runtime::Crt, mapped)], rename, Runtime::Crt);
        assert_eq!(kind(&s), Some(Kind::RenameTargetInUse), "MoveFileExW cannot replace it");
        let read = Hold::Handle {
            read: true,
            write: false,
        };
        let s = sit(files(), vec![holder(1, Runtime::Python, read)], rename, Runtime::Llvm);
        assert_eq!(kind(&s), Some(Kind::RenameTargetInUse));
        assert_eq!(decide(&s).blockers, vec![0]);
        let s = sit(files(), vec![holder(1, Runtime::Crt, Hold::Exe)], rename, Runtime::Llvm);
        assert!(decide(&s).refusal.is_some(), "a running image refuses delete-on-close");
        // The source open by the tool itself (lld's output buffer) shares delete.
        let s = sit(files(), vec![holder(0, Runtime::Llvm, RW)], rename, Runtime::Llvm);
        assert!(decide(&s).refusal.is_none());
    }

    /// lld's unlink of an old output is a rename aside on Windows: a running or mapped
    /// output moves; one held without delete sharing does not.
    #[test]
    fn lld_unlink_is_a_rename_aside() {
        let lld = |holders: Vec<HolderSpec>| {
            let mut s = sit(vec![file("/o/prog")], holders, Op::Delete { file: 0 }, Runtime::Llvm);
            s.caller_tool = Some(Tool::Lld);
            s
        };
        let own = holder(
            0,
            Runtime::Llvm,
            Hold::Handle {
                read: true,
                write: false,
            },
        );
        assert!(decide(&lld(vec![own.clone(), holder(0, Runtime::Crt, Hold::Exe)]))
            .refusal
            .is_none());
        let mut clang = lld(vec![own.clone(), holder(0, Runtime::Crt, Hold::Exe)]);
        clang.caller_tool = None;
        assert_eq!(
            kind(&clang),
            Some(Kind::ImageInUse),
            "sys::fs::remove is delete-on-close"
        );
        let reader = holder(
            0,
            Runtime::Python,
            Hold::Handle {
                read: true,
                write: false,
            },
        );
        let s = lld(vec![own, reader]);
        assert_eq!(kind(&s), Some(Kind::SharingViolation));
        assert_eq!(decide(&s).blockers, vec![1]);
    }

    #[test]
    fn llvm_remove_of_a_read_only_file_is_refused() {
        let mut f = file("/o/x.o");
        f.readonly = true;
        let s = sit(vec![f], vec![], Op::Delete { file: 0 }, Runtime::Llvm);
        assert_eq!(kind(&s), Some(Kind::ReadOnly));
    }

    #[test]
    fn closed_file_deletes() {
        let s = sit(vec![file("/tmp/a")], vec![], Op::Delete { file: 0 }, Runtime::Python);
        assert!(decide(&s).refusal.is_none());
    }

    #[test]
    fn rust_and_node_share_delete() {
        for rt in [Runtime::Rust, Runtime::Node] {
            let s = sit(
                vec![file("/tmp/a")],
                vec![holder(0, rt, RW)],
                Op::Delete { file: 0 },
                rt,
            );
            assert_eq!(kind(&s), None, "{rt}");
        }
    }

    #[test]
    fn mapped_file_cannot_be_deleted() {
        let s = sit(
            vec![file("/tmp/m")],
            vec![holder(0, Runtime::Crt, Hold::Mapping { writable: true })],
            Op::Delete { file: 0 },
            Runtime::Crt,
        );
        let v = decide(&s);
        assert_eq!(v.refusal.as_ref().unwrap().win32.name(), "ERROR_ACCESS_DENIED");
        assert_eq!(classify(&s, &v), Some(Kind::MappedFile));
        // Python's mmap keeps a handle without FILE_SHARE_DELETE: the open fails first.
        let s = sit(
            vec![file("/tmp/m")],
            vec![holder(0, Runtime::Python, Hold::Mapping { writable: true })],
            Op::Delete { file: 0 },
            Runtime::Python,
        );
        assert!(decide(&s).refusal.is_some());
    }

    /// Git Bash's tools (Cygwin's unlink_nt and rename2): a running image and a mapped
    /// file go to the recycle bin, read-only is ignored, a Cygwin process's cwd and fds
    /// share everything; a CPython handle still refuses the DELETE open.
    #[test]
    fn cygwin_unlink_and_rename() {
        let exe = vec![holder(0, Runtime::Crt, Hold::Exe)];
        let map = vec![holder(0, Runtime::Crt, Hold::Mapping { writable: false })];
        let cyg_fd = vec![holder(0, Runtime::Cygwin, RW)];
        let py_fd = vec![holder(0, Runtime::Python, RW)];
        let mut ro = file("/tmp/f");
        ro.readonly = true;
        for windows in [winsan_model::WindowsVersion::Win7, winsan_model::WindowsVersion::Win11] {
            let del = |files: Vec<FileSpec>, holders: Vec<HolderSpec>| {
                let mut s = sit(files, holders, Op::Delete { file: 0 }, Runtime::Cygwin);
                s.config.windows = windows;
                kind(&s)
            };
            assert_eq!(
                del(vec![file("/tmp/f")], exe.clone()),
                None,
                "{windows:?}: moved to the bin"
            );
            assert_eq!(del(vec![file("/tmp/f")], map.clone()), None, "{windows:?}");
            assert_eq!(del(vec![ro.clone()], vec![]), None, "{windows:?}");
            assert_eq!(del(vec![file("/tmp/f")], cyg_fd.clone()), None, "{windows:?}");
            assert_eq!(
                del(vec![file("/tmp/f")], py_fd.clone()),
                Some(Kind::SharingViolation),
                "{windows:?}"
            );
            let mv = |holders: Vec<HolderSpec>| {
                let rename = Op::Rename {
                    from: 1,
                    to: 0,
                    to_exists: true,
                    replace: true,
                };
                let mut s = sit(vec![file("/tmp/f"), file("/tmp/new")], holders, rename, Runtime::Cygwin);
                s.config.windows = windows;
                kind(&s)
            };
            assert_eq!(mv(exe.clone()), None, "{windows:?}: the running target goes to the bin");
            assert_eq!(mv(cyg_fd.clone()), None, "{windows:?}");
            assert_eq!(mv(py_fd.clone()), Some(Kind::RenameTargetInUse), "{windows:?}");
        }
        let rmdir = |runtime| {
            let holders = vec![holder(0, runtime, Hold::Cwd)];
            kind(&sit(
                vec![dir("/tmp/d")],
                holders,
                Op::RemoveDirectory { file: 0 },
                Runtime::Cygwin,
            ))
        };
        assert_eq!(rmdir(Runtime::Cygwin), None, "Cygwin's cwd handle shares delete");
        assert_eq!(rmdir(Runtime::Python), Some(Kind::DirectoryInUse));
    }

    #[test]
    fn running_image_cannot_be_deleted_but_can_be_renamed() {
        let s = sit(
            vec![file("/tmp/prog")],
            vec![holder(0, Runtime::Crt, Hold::Exe)],
            Op::Delete { file: 0 },
            Runtime::Crt,
        );
        assert_eq!(kind(&s), Some(Kind::ImageInUse));
        let s = sit(
            vec![file("/tmp/prog"), file("/tmp/prog.old")],
            vec![holder(0, Runtime::Crt, Hold::Exe)],
            Op::Rename {
                from: 0,
                to: 1,
                to_exists: false,
                replace: true,
            },
            Runtime::Crt,
        );
        assert_eq!(kind(&s), None);
    }

    #[test]
    fn read_only_file() {
        let mut f = file("/tmp/ro");
        f.readonly = true;
        let s = sit(vec![f.clone()], vec![], Op::Delete { file: 0 }, Runtime::Crt);
        assert_eq!(kind(&s), Some(Kind::ReadOnly));
        // Go and Git for Windows clear the attribute (Go after a first failure, git
        // before); Node and Rust ignore it.
        for rt in [Runtime::Go, Runtime::Node, Runtime::Rust, Runtime::Git] {
            let s = sit(vec![f.clone()], vec![], Op::Delete { file: 0 }, rt);
            assert_eq!(kind(&s), None, "{rt}");
        }
        // Replacing a read-only file: refused for the C runtime; git clears it and retries.
        let rename = Op::Rename {
            from: 0,
            to: 1,
            to_exists: true,
            replace: true,
        };
        let s = sit(vec![file("/tmp/new"), f.clone()], vec![], rename, Runtime::Crt);
        assert_eq!(kind(&s), Some(Kind::ReadOnly));
        let s = sit(vec![file("/tmp/new"), f.clone()], vec![], rename, Runtime::Git);
        assert_eq!(kind(&s), None);
    }

    #[test]
    fn git_still_fails_on_a_file_in_use() {
        // Clearing the attribute does not help against a handle without FILE_SHARE_DELETE.
        let s = sit(
            vec![file("/tmp/lock")],
            vec![holder(
                0,
                Runtime::Git,
                Hold::Handle {
                    read: true,
                    write: true,
                },
            )],
            Op::Delete { file: 0 },
            Runtime::Git,
        );
        let v = decide(&s);
        assert_eq!(v.refusal.as_ref().unwrap().win32.name(), "ERROR_SHARING_VIOLATION");
        assert!(v.windows_call.starts_with("_wchmod"), "{}", v.windows_call);
    }

    #[test]
    fn cwd_blocks_rmdir() {
        let s = sit(
            vec![dir("/tmp/d")],
            vec![holder(0, Runtime::Crt, Hold::Cwd)],
            Op::RemoveDirectory { file: 0 },
            Runtime::Python,
        );
        assert_eq!(kind(&s), Some(Kind::DirectoryInUse));
        // an open directory fd (rmtree, fts) does not
        let s = sit(
            vec![dir("/tmp/d")],
            vec![holder(0, Runtime::Python, Hold::DirHandle)],
            Op::RemoveDirectory { file: 0 },
            Runtime::Python,
        );
        assert_eq!(kind(&s), None);
    }

    #[test]
    fn replace_onto_open_target() {
        let s = sit(
            vec![file("/tmp/new"), file("/tmp/cfg")],
            vec![holder(
                1,
                Runtime::Python,
                Hold::Handle {
                    read: true,
                    write: false,
                },
            )],
            Op::Rename {
                from: 0,
                to: 1,
                to_exists: true,
                replace: true,
            },
            Runtime::Python,
        );
        let v = decide(&s);
        assert_eq!(v.refusal.as_ref().unwrap().win32.name(), "ERROR_ACCESS_DENIED");
        assert_eq!(classify(&s, &v), Some(Kind::RenameTargetInUse));
        assert_eq!(v.blockers, vec![0]);
    }

    /// Whether an allowed delete leaves a delete-pending name is the model's answer, per
    /// runtime: DeleteFileW under legacy semantics leaves it while a holder (sharing
    /// delete) has the file open; a POSIX delete, Rust's POSIX fallback after
    /// ERROR_ACCESS_DENIED, Cygwin's unlink and lld's rename aside do not; under POSIX
    /// semantics only a delete-on-close does.
    #[test]
    fn an_allowed_delete_leaves_a_pending_name_only_under_legacy_semantics() {
        let remains = |caller, readonly: bool, delete, lld: bool| {
            let mut f = file("/t/f");
            f.readonly = readonly;
            // A holder sharing delete (reading only: a read-only file refuses write access).
            let read = Hold::Handle {
                read: true,
                write: false,
            };
            let shared = holder(0, Runtime::Node, if readonly { read } else { RW });
            let mut s = sit(vec![f], vec![shared], Op::Delete { file: 0 }, caller);
            s.config.delete = Some(delete);
            s.caller_tool = lld.then_some(Tool::Lld);
            let v = decide(&s);
            assert!(v.refusal.is_none(), "{caller:?} {readonly}: {:?}", v.refusal);
            v.name_remains
        };
        use winsan_model::DeleteSemantics::{Legacy, Posix};
        for rt in [Runtime::Python, Runtime::Crt, Runtime::Go, Runtime::Rust, Runtime::Llvm] {
            assert!(remains(rt, false, Legacy, false), "{rt:?}");
        }
        for rt in [Runtime::Python, Runtime::Crt, Runtime::Go, Runtime::Rust] {
            assert!(!remains(rt, false, Posix, false), "{rt:?}");
        }
        // LLVM's remove is a delete-on-close open, legacy on every version (nt-rules D19).
        assert!(remains(Runtime::Llvm, false, Posix, false));
        assert!(
            !remains(Runtime::Node, false, Legacy, false),
            "libuv asks for POSIX semantics"
        );
        assert!(
            !remains(Runtime::Cygwin, false, Legacy, false),
            "unlink_nt asks for POSIX semantics"
        );
        assert!(!remains(Runtime::Rust, true, Legacy, false), "std's POSIX fallback");
        assert!(
            remains(Runtime::Go, true, Legacy, false),
            "os.Remove clears read-only, then DeleteFileW"
        );
        assert!(
            !remains(Runtime::Llvm, false, Legacy, true),
            "lld renames the old output aside"
        );
        // No holder: nothing keeps the file, so nothing is pending.
        let mut s = sit(vec![file("/t/f")], vec![], Op::Delete { file: 0 }, Runtime::Python);
        s.config.delete = Some(Legacy);
        assert!(!decide(&s).name_remains);
    }

    #[test]
    fn legacy_delete_pending_name_refuses_recreate() {
        let mut s = sit(
            vec![file("/tmp/p")],
            vec![],
            Op::Open {
                file: 0,
                exists: false,
                read: false,
                write: true,
                create: true,
                exclusive: false,
                truncate: true,
            },
            Runtime::Python,
        );
        s.config.delete = Some(winsan_model::DeleteSemantics::Legacy);
        s.pending = vec![0];
        assert_eq!(kind(&s), Some(Kind::DeletePending));
    }

    #[test]
    fn truncating_a_mapped_file() {
        let s = sit(
            vec![file("/tmp/m")],
            vec![holder(0, Runtime::Crt, Hold::Mapping { writable: false })],
            Op::Truncate { file: 0 },
            Runtime::Crt,
        );
        assert_eq!(kind(&s), Some(Kind::MappedFile));
    }

    #[test]
    fn renaming_a_directory_with_an_open_file_below() {
        let s = sit(
            vec![dir("/tmp/build"), dir("/tmp/build.old"), file("/tmp/build/obj/a.o")],
            vec![holder(
                2,
                Runtime::Rust,
                Hold::Handle {
                    read: true,
                    write: false,
                },
            )],
            Op::Rename {
                from: 0,
                to: 1,
                to_exists: false,
                replace: true,
            },
            Runtime::Python,
        );
        let v = decide(&s);
        assert_eq!(v.refusal.as_ref().unwrap().win32.name(), "ERROR_ACCESS_DENIED");
        assert_eq!(v.blockers, vec![0]);
        assert_eq!(
            classify(&s, &v),
            Some(Kind::DirectoryInUse),
            "even a handle sharing delete"
        );
    }

    #[test]
    fn hard_link_onto_a_delete_pending_name() {
        let mut s = sit(
            vec![file("/tmp/a"), file("/tmp/b")],
            vec![],
            Op::Link { existing: 0, new: 1 },
            Runtime::Python,
        );
        assert_eq!(kind(&s), None, "a free name");
        assert_eq!(decide(&s).windows_call, "CreateHardLinkW");
        s.config.delete = Some(winsan_model::DeleteSemantics::Legacy);
        s.pending = vec![1];
        let v = decide(&s);
        // The pending name is still in the directory: a collision, not STATUS_DELETE_PENDING.
        assert_eq!(v.refusal.as_ref().unwrap().win32.name(), "ERROR_ALREADY_EXISTS");
        assert_eq!(classify(&s, &v), Some(Kind::DeletePending));
    }

    #[test]
    fn hard_link_of_an_open_file_is_fine() {
        let s = sit(
            vec![file("/tmp/a"), file("/tmp/b")],
            vec![holder(0, Runtime::Python, RW)],
            Op::Link { existing: 0, new: 1 },
            Runtime::Python,
        );
        assert_eq!(kind(&s), None, "CreateHardLinkW opens for FILE_WRITE_ATTRIBUTES only");
    }
}
