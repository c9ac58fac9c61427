//! Why the model refused a call, and what happened as a side effect: the material for
//! `winsan explain` and for the findings of `winsan run`.

use crate::access::ShareConflict;
use crate::status::{NtStatus, Win32Error};
use crate::system::Handle;
use std::fmt;

/// A refused call: the NTSTATUS underneath, the Win32 error a Win32 API reports (normally
/// `RtlNtStatusToDosError` of the status; a few Win32 APIs substitute their own), and why.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Refusal {
    pub status: NtStatus,
    pub win32: Win32Error,
    pub reason: Reason,
}

impl Refusal {
    /// A refusal whose Win32 error is `RtlNtStatusToDosError(status)`.
    pub fn new(status: NtStatus, reason: Reason) -> Refusal {
        Refusal {
            status,
            win32: status.to_win32(),
            reason,
        }
    }

    /// The same refusal with the Win32 error a particular Win32 API substitutes.
    pub fn with_win32(mut self, win32: Win32Error) -> Refusal {
        self.win32 = win32;
        self
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): {}", self.win32, self.status, self.reason)
    }
}

impl std::error::Error for Refusal {}

/// Something that holds a file and is in the way of an operation.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Blocker {
    /// A handle that holds it (for a file object with several handles, the oldest).
    pub handle: Handle,
    pub what: BlockerKind,
}

/// What kind of hold a [`Blocker`] is.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum BlockerKind {
    /// An open file object: its granted access (generic-mapped) and share mode.
    File { access: u32, share: u32 },
    /// A data section (`CreateFileMapping`/`NtCreateSection(SEC_COMMIT)`) handle.
    DataSection { writable: bool },
    /// A mapped view of a data section.
    View { writable: bool },
    /// An image section handle (`SEC_IMAGE`).
    ImageSection,
    /// A module loaded with `LoadLibrary`.
    Module,
    /// A process running the image.
    Process,
    /// A byte-range lock.
    Lock { offset: u64, length: u64 },
}

/// Why the model refused a call. Each variant names the rule (see [`Reason::rule`]).
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Reason {
    /// Rule A3: share access conflict with an existing open.
    SharingViolation {
        conflict: ShareConflict,
        blockers: Vec<Blocker>,
    },
    /// Rule A30: a writable user section counts as a writer that shares nothing but write.
    WritableSection { blockers: Vec<Blocker> },
    /// Rule G34: write access to a file that has an image section in use.
    ImageSectionInUse { blockers: Vec<Blocker> },
    /// Rules G31/G33: the memory manager refuses the delete (`MmFlushImageSection`).
    SectionPreventsDelete { blockers: Vec<Blocker> },
    /// Rule G32: truncating or overwriting a file that has a user-mapped section.
    UserMappedFile { blockers: Vec<Blocker> },
    /// Rule C13: the file is delete-pending (legacy semantics).
    DeletePending { path: String },
    /// Rules E23/E21/C16: the file's read-only attribute refuses write access or deletion.
    ReadOnly { path: String },
    /// Rule F15: a directory with entries cannot be deleted; `pending` counts the entries
    /// that are delete-pending children whose names stay until their last handle closes.
    DirectoryNotEmpty {
        path: String,
        entries: usize,
        pending: usize,
    },
    /// Rules C13/H42: the handle was not opened with the access the call needs.
    HandleLacksAccess { handle: Handle, needed: &'static str },
    /// Rule H39/I46: a rename or link would replace a target that is open.
    TargetOpen { path: String, blockers: Vec<Blocker> },
    /// Rule H40: a rename or link would replace a directory.
    TargetIsDirectory { path: String },
    /// Rule E25: a rename or link would replace a read-only file.
    TargetReadOnly { path: String },
    /// Rule G35: a rename would replace a file whose image section is in use.
    TargetImageInUse { path: String, blockers: Vec<Blocker> },
    /// Rule F28: a directory cannot be renamed while a file below it is open.
    OpenBelowDirectory { path: String, blockers: Vec<Blocker> },
    /// Rule C16: the root directory cannot be deleted.
    RootDirectory,
    /// Byte-range lock held by another handle.
    LockConflict { blockers: Vec<Blocker> },
    /// The name does not exist.
    NotFound { path: String },
    /// A directory on the way does not exist.
    PathNotFound { path: String },
    /// The name exists already.
    Collision { path: String },
    /// A directory where a file is required.
    IsDirectory { path: String },
    /// A file where a directory is required.
    NotDirectory { path: String },
    /// The name is not valid (wildcards, empty, not drive-rooted).
    InvalidName { path: String },
    /// Source and target are on different volumes.
    NotSameDevice,
    /// Mapping an empty file.
    EmptyFile { path: String },
    /// The file is not a runnable image.
    NotAnImage { path: String },
    /// The handle is not open, or of the wrong kind for the call.
    InvalidHandle,
    /// An argument the call does not accept.
    InvalidParameter(&'static str),
    /// A feature this Windows version or file system does not have.
    NotSupported(&'static str),
    /// Unlocking a range that is not locked.
    NotLocked,
}

impl Reason {
    /// The rule that decided, with its source, as one line.
    pub fn rule(&self) -> &'static str {
        use Reason::*;
        match self {
            SharingViolation { .. } => "share access (IoCheckShareAccess): every open must be admitted by all existing share modes, and must itself share every access already granted [nt-rules A3; W-K 2500-2550]",
            WritableSection { .. } => "a writable user-mapped section counts as a writer: opens that do not share write fail [nt-rules G30; FastFAT create.c MmDoesFileHaveUserWritableReferences]",
            ImageSectionInUse { .. } => "an image section in use refuses write access (MmFlushImageSection(MmFlushForWrite)); FILE_APPEND_DATA alone is not checked [nt-rules G34; W-K 2599-2624]",
            SectionPreventsDelete { .. } => "the memory manager refuses to delete a file with an image section or a mapped data section (MmFlushImageSection(MmFlushForDelete) -> STATUS_CANNOT_DELETE); on NTFS a name that is not the file's last may still go [nt-rules G31/G33; FastFAT fileinfo.c FatSetDispositionInfo; WinFsp fileinfo.c]",
            UserMappedFile { .. } => "a file with a user-mapped section cannot be truncated or overwritten [nt-rules G32; W-K 2599-2613]",
            DeletePending { .. } => "a delete-pending file refuses every new open until its last handle closes [nt-rules C13; W-N 3240-3268]",
            ReadOnly { .. } => "a read-only file refuses write access, delete-on-close and delete dispositions [nt-rules E23, D21, C16; MS DeleteFileW]",
            DirectoryNotEmpty { .. } => "a directory can be deleted only when empty; legacy delete-pending children still count [nt-rules F15; W-N 3613-3633]",
            HandleLacksAccess { .. } => "the handle was not opened with the access this call needs [nt-rules C13, H42]",
            TargetOpen { .. } => "a rename or link may replace a target only when nothing has it open [nt-rules H39; W-K 5964-5971]",
            TargetIsDirectory { .. } => "a rename or link never replaces a directory [nt-rules H40; W-N 2050-2100]",
            TargetReadOnly { .. } => "a rename or link never replaces a read-only file on NTFS [nt-rules E25; W-N 2197-2216]",
            TargetImageInUse { .. } => "a rename may not replace a file whose image section is in use [nt-rules G35]",
            OpenBelowDirectory { .. } => "a directory cannot be renamed while a file below it is open [nt-rules F28; W-N 1752-1793]",
            RootDirectory => "the root directory cannot be deleted [nt-rules C16; FastFAT fileinfo.c]",
            LockConflict { .. } => "a byte-range lock held through another handle refuses the access [MS LockFile]",
            NotFound { .. } => "the name does not exist [nt-rules B10]",
            PathNotFound { .. } => "a directory on the path does not exist",
            Collision { .. } => "the name exists already [nt-rules H38]",
            IsDirectory { .. } => "a directory where a file is required [nt-rules B10]",
            NotDirectory { .. } => "a file where a directory is required [nt-rules F26]",
            InvalidName { .. } => "the name is not valid [nt-rules H42]",
            NotSameDevice => "a rename cannot cross volumes [nt-rules H42; MS MoveFileExW]",
            EmptyFile { .. } => "an empty file cannot be mapped [nt-rules G32; MS CreateFileMappingW]",
            NotAnImage { .. } => "the file is not a valid image",
            InvalidHandle => "the handle is not valid for this call",
            InvalidParameter(_) => "the call does not accept this argument",
            NotSupported(_) => "this Windows version or file system does not support the call [nt-rules B12]",
            NotLocked => "the range is not locked",
        }
    }

    /// The handles, sections and processes in the way, if any.
    pub fn blockers(&self) -> &[Blocker] {
        use Reason::*;
        match self {
            SharingViolation { blockers, .. }
            | WritableSection { blockers }
            | ImageSectionInUse { blockers }
            | SectionPreventsDelete { blockers }
            | UserMappedFile { blockers }
            | TargetOpen { blockers, .. }
            | TargetImageInUse { blockers, .. }
            | OpenBelowDirectory { blockers, .. }
            | LockConflict { blockers } => blockers,
            _ => &[],
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Reason::*;
        match self {
            SharingViolation { conflict, .. } => match conflict {
                ShareConflict::NotSharedByExisting(c) => write!(
                    f,
                    "the call needs {} access and an open handle does not share it ({} missing)",
                    c.name(),
                    c.share_flag()
                ),
                ShareConflict::NotSharedByNew(c) => write!(
                    f,
                    "an open handle has {} access and the call's share mode leaves out {}",
                    c.name(),
                    c.share_flag()
                ),
            },
            WritableSection { .. } => {
                f.write_str("a writable mapping of the file exists and the open does not share write")
            }
            ImageSectionInUse { .. } => {
                f.write_str("the file is mapped as an image (a running program or loaded module)")
            }
            SectionPreventsDelete { .. } => {
                f.write_str("the file is mapped (an image, or a data section with a handle or view)")
            }
            UserMappedFile { .. } => f.write_str("the file has a user-mapped section"),
            DeletePending { path } => write!(f, "{path} is delete-pending"),
            ReadOnly { path } => write!(f, "{path} has FILE_ATTRIBUTE_READONLY"),
            DirectoryNotEmpty { path, entries, pending } => {
                write!(
                    f,
                    "{path} has {entries} entr{}",
                    if *entries == 1 { "y" } else { "ies" }
                )?;
                if *pending > 0 {
                    write!(f, " ({pending} of them delete-pending)")?;
                }
                Ok(())
            }
            HandleLacksAccess { needed, .. } => write!(f, "the handle lacks {needed} access"),
            TargetOpen { path, .. } => write!(f, "the target {path} is open"),
            TargetIsDirectory { path } => write!(f, "the target {path} is a directory"),
            TargetReadOnly { path } => write!(f, "the target {path} is read-only"),
            TargetImageInUse { path, .. } => write!(f, "the target {path} is a running image"),
            OpenBelowDirectory { path, .. } => write!(f, "a file below {path} is open"),
            RootDirectory => f.write_str("it is the root directory"),
            LockConflict { .. } => f.write_str("another handle holds a byte-range lock on that range"),
            NotFound { path } => write!(f, "{path} does not exist"),
            PathNotFound { path } => write!(f, "the directory {path} does not exist"),
            Collision { path } => write!(f, "{path} exists"),
            IsDirectory { path } => write!(f, "{path} is a directory"),
            NotDirectory { path } => write!(f, "{path} is not a directory"),
            InvalidName { path } => write!(f, "`{path}` is not a valid name"),
            NotSameDevice => f.write_str("source and target are on different volumes"),
            EmptyFile { path } => write!(f, "{path} is empty"),
            NotAnImage { path } => write!(f, "{path} is not an image"),
            InvalidHandle => f.write_str("invalid handle"),
            InvalidParameter(what) => write!(f, "invalid parameter: {what}"),
            NotSupported(what) => write!(f, "not supported: {what}"),
            NotLocked => f.write_str("the range is not locked"),
        }
    }
}

/// Why a name left the namespace.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum RemovalCause {
    /// Legacy delete-pending: the last handle of the file closed.
    LastHandleClosed,
    /// The last handle of a delete-on-close file object closed.
    DeleteOnClose,
    /// The handle that set a POSIX delete disposition closed.
    PosixDelete,
}

/// A side effect of a call, for narratives.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Event {
    /// The file's name was removed from its directory.
    Removed { path: String, cause: RemovalCause },
    /// The file became delete-pending (legacy) through this path.
    DeletePendingSet { path: String },
    /// The delete disposition was cleared.
    DeletePendingCleared { path: String },
    /// A POSIX delete disposition was set: the name goes when the handle closes.
    PosixDeleteSet { path: String },
    /// A delete-on-close open of a non-empty directory closed; the delete was dropped.
    DeleteOnCloseDropped { path: String },
    /// A rename or link replaced an existing file.
    Replaced { path: String },
    /// Share access of a file object was released at cleanup.
    ShareAccessReleased { path: String },
}
