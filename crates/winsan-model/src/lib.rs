//! # winsan-model: the Windows NT rules for opening, sharing, mapping and deleting files
//!
//! A deterministic, pure-Rust model of what Windows does when a program opens, deletes,
//! renames, truncates or maps a file: the I/O manager's share-access check, delete
//! dispositions (legacy delete-pending and POSIX semantics), delete-on-close, data and
//! image sections, the read-only attribute, directories, renames and hard links. It has no
//! I/O and knows nothing of Linux: callers describe a timeline of Win32 or NT calls and the
//! model answers each one with the result real Windows gives, and, when it refuses, the
//! [`Reason`] (which rule, which handle or section) in a form that can be explained.
//!
//! Every rule names its source in `shared/research/nt-rules.md` numbering (rule A3, C13,
//! ...) and in the scenario files of `tests/scenarios/`.
//!
//! ```
//! use winsan_model::{System, Config, consts::*};
//! let mut sys = System::new(Config::default());
//! sys.create_directory(r"C:\t").unwrap();
//! let h = sys.create_file(r"C:\t\a.txt", access::GENERIC_READ | access::GENERIC_WRITE,
//!     share::FILE_SHARE_READ | share::FILE_SHARE_WRITE, win32_disposition::CREATE_NEW,
//!     attributes::FILE_ATTRIBUTE_NORMAL).unwrap();
//! // The C runtime's handle does not share delete: DeleteFile is a sharing violation.
//! let err = sys.delete_file(r"C:\t\a.txt").unwrap_err();
//! assert_eq!(err.win32.name(), "ERROR_SHARING_VIOLATION");
//! sys.close_handle(h).unwrap();
//! sys.delete_file(r"C:\t\a.txt").unwrap();
//! assert!(!sys.exists(r"C:\t\a.txt"));
//! ```

//! ## Where the sources are silent
//!
//! `shared/research/nt-rules.md` lists behaviours no source establishes. The model makes
//! one choice for each, and no scenario in the conformance suite asserts them:
//!
//! - `FileDispositionInformationEx` without `FORCE_IMAGE_SECTION_CHECK` still refuses a
//!   mapped file (`STATUS_CANNOT_DELETE`), as Wine's server and Cygwin observe for POSIX
//!   deletes of running images.
//! - A POSIX rename over a target that is open *without* `FILE_SHARE_DELETE` is refused with
//!   `STATUS_ACCESS_DENIED`, as a legacy replace would be.
//! - A writable data section counts as a writer on NTFS as on FAT (rule G30).
//! - A delete-on-close handle does not make the file delete-pending before it closes.
//! - `FILE_DELETE_ON_CLOSE` without `DELETE` access at the NT level is
//!   `STATUS_INVALID_PARAMETER` (the Win32 layer always adds `DELETE`).
//! - A process releases its image when it exits, whether or not a handle to it is open.
//! - Creating a name inside a delete-pending directory is `STATUS_DELETE_PENDING` (FastFAT's
//!   create path checks the longest matched prefix); existing children still open.
//! - Scenario files cannot write bytes: a `WriteFile` of at least 1024 bytes from offset 0
//!   makes the file a runnable image, the convention of the Wine scenario runner.

pub mod consts;
pub mod status;
pub mod translate;

mod access;
mod config;
mod path;
mod reason;
mod section;
mod system;
mod win32;

pub use access::{map_generic, Class, DataAccess, ShareAccess, ShareConflict};
pub use config::{Config, DeleteSemantics, FileSystem, WindowsVersion};
pub use reason::{Blocker, BlockerKind, Event, Reason, Refusal, RemovalCause};
pub use status::{NtStatus, Win32Error};
pub use system::{Handle, HandleInfo, HandleKind, System};

/// The result of a model call: the value, or the refusal with its status and reason.
pub type CallResult<T> = Result<T, Refusal>;
