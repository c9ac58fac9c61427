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
