//! What each language runtime shows for a Windows error: the system message, the C
//! runtime's `errno`, CPython's exception, Node's error code, Rust's `io::ErrorKind`, Go's
//! `error` text, and the Linux `errno` that `winsan run --enforce` injects so that a Linux
//! program's error handling takes the path it would take on Windows.
//!
//! Every function here is total over [`Win32Error`]: the per-runtime tables are exhaustive
//! `match`es (no wildcard arm), so adding an error code to [`Win32Error`] does not compile
//! until every runtime's answer for it has been written down.
//!
//! # Sources
//!
//! * **Messages** ([`message`]): the system message table, i.e. what
//!   `FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS)` returns in
//!   US English, without the trailing CR LF. Texts are the `MessageText` of the Windows SDK
//!   `winerror.h` (the header is generated from the same message file), checked against
//!   Microsoft's "System Error Codes (0-499)" page where the header text was later changed
//!   (`ERROR_NOT_ENOUGH_MEMORY`, `ERROR_EXE_MACHINE_TYPE_MISMATCH`). Inserts such as `%1`
//!   stay literally in the text, as every runtime here passes `IGNORE_INSERTS`.
//! * **C runtime** ([`crt_errno`]): the UCRT `_dosmaperr`/`__acrt_errno_from_os_error`
//!   table (`ucrt/misc/errno.cpp`; the same table is reproduced in CPython `PC/errmap.h`):
//!   explicit entries, then `ERROR_WRITE_PROTECT..=ERROR_SHARING_BUFFER_EXCEEDED` (19..=36)
//!   → `EACCES`, `ERROR_INVALID_STARTING_CODESEG..=ERROR_INFLOOP_IN_RELOC_CHAIN`
//!   (188..=202) → `ENOEXEC`, everything else → `EINVAL`. `strerror` texts are the MS CRT's
//!   `_sys_errlist` (`"Resource device"` for `EBUSY`, `"Improper link"` for `EXDEV`).
//! * **CPython** ([`python_os_error`]): `PC/errmap.h` `winerror_to_errno` (the CRT table
//!   except `ERROR_DIRECTORY` → `ENOTDIR`, bpo-12802); the errno → subclass table of
//!   `Objects/exceptions.c` (`ADD_ERRNO`); `OSError.__str__` (`"[WinError %S] %S: %R"`,
//!   `"[WinError %S] %S: %R -> %R"`, `"[Errno %S] %S: %R"`); and `Python/errors.c`
//!   `PyErr_SetExcFromWindowsErrWithFilenameObjects`, which strips trailing whitespace *and
//!   dots* from the FormatMessage text (so Python prints no final period).
//! * **Node / libuv** ([`node_code`]): `src/win/error.c` `uv_translate_sys_error` on the
//!   v1.x branch that Node ships. On v1.x `ERROR_ACCESS_DENIED` is `EPERM`: libuv master
//!   remapped it to `EACCES` (libuv/libuv#3193, re-landed on master in #4018) but v1.x
//!   reverted that (#3565) because Node code depends on `EPERM`. Windows `errno` values are
//!   libuv's own (`include/uv/errno.h`, e.g. `UV__EBUSY` = -4082); messages are
//!   `UV_ERRNO_MAP` in `include/uv.h`; the text format is Node's `uvException`
//!   (`"CODE: message, syscall 'path' -> 'dest'"`).
//! * **Rust** ([`rust_error`]): `library/std` Windows `decode_error_kind` and
//!   `error_string` (FormatMessageW, then `trim_end`, so the final period stays), shown by
//!   `io::Error`'s `Display` as `"{message} (os error {code})"`. Note:
//!   `ERROR_SHARING_VIOLATION` and `ERROR_LOCK_VIOLATION` are `Uncategorized`, not
//!   `PermissionDenied` or `ResourceBusy`.
//! * **Go** ([`go_error`]): `src/syscall/syscall_windows.go` `Errno.Error` (FormatMessage,
//!   trims only trailing `\r`/`\n`, so the period stays) and `Errno.Is`; `os.PathError`
//!   prints `"op path: err"`, `os.LinkError` `"op old new: err"`.
//!
//! # `--enforce`
//!
//! [`enforce_errno`] picks, per runtime, a *Linux* errno that makes the Linux build of that
//! runtime classify the failure the way the Windows build classifies the Windows error: the
//! same CPython exception class, the same Node `err.code`, the same Rust `ErrorKind`, the
//! same Go `errors.Is` answers. The Linux-side classifiers used to check this are in this
//! module too (from CPython `Objects/exceptions.c`, libuv `uv_err_name`, Rust std
//! `sys/pal/unix` `decode_error_kind`, Go `syscall_unix.go` `Errno.Is`), and the unit tests
//! assert the agreement for every Win32 error. See [`enforce_errno`] for the table and the
//! few places where exact agreement is impossible.

use crate::status::{NtStatus, Win32Error};
use serde::Serialize;
use std::fmt;

// ---------------------------------------------------------------------------------------
// System messages
// ---------------------------------------------------------------------------------------

/// The system message for a Win32 error (FormatMessage, US English, `IGNORE_INSERTS`),
/// without the trailing CR LF. Multi-line messages keep their inner `\r\n`.
///
/// Source: the `MessageText` comments of the Windows SDK `winerror.h`; Microsoft "System
/// Error Codes (0-499)" for texts changed since (`ERROR_NOT_ENOUGH_MEMORY`,
/// `ERROR_EXE_MACHINE_TYPE_MISMATCH`).
pub fn message(e: Win32Error) -> &'static str {
    use Win32Error::*;
    match e {
        ERROR_SUCCESS => "The operation completed successfully.",
        ERROR_INVALID_FUNCTION => "Incorrect function.",
        ERROR_FILE_NOT_FOUND => "The system cannot find the file specified.",
        ERROR_PATH_NOT_FOUND => "The system cannot find the path specified.",
        ERROR_TOO_MANY_OPEN_FILES => "The system cannot open the file.",
        ERROR_ACCESS_DENIED => "Access is denied.",
        ERROR_INVALID_HANDLE => "The handle is invalid.",
        ERROR_NOT_ENOUGH_MEMORY => {
            "Not enough memory resources are available to process this command."
        }
        ERROR_INVALID_ACCESS => "The access code is invalid.",
        ERROR_INVALID_DRIVE => "The system cannot find the drive specified.",
        ERROR_CURRENT_DIRECTORY => "The directory cannot be removed.",
        ERROR_NOT_SAME_DEVICE => "The system cannot move the file to a different disk drive.",
        ERROR_NO_MORE_FILES => "There are no more files.",
        ERROR_WRITE_PROTECT => "The media is write protected.",
        ERROR_NOT_READY => "The device is not ready.",
        ERROR_BAD_LENGTH => "The program issued a command but the command length is incorrect.",
        ERROR_WRITE_FAULT => "The system cannot write to the specified device.",
        ERROR_READ_FAULT => "The system cannot read from the specified device.",
        ERROR_GEN_FAILURE => "A device attached to the system is not functioning.",
        ERROR_SHARING_VIOLATION => {
            "The process cannot access the file because it is being used by another process."
        }
        ERROR_LOCK_VIOLATION => {
            "The process cannot access the file because another process has locked a portion of the file."
        }
        ERROR_HANDLE_EOF => "Reached the end of the file.",
        ERROR_HANDLE_DISK_FULL => "The disk is full.",
        ERROR_NOT_SUPPORTED => "The request is not supported.",
        ERROR_BAD_NETPATH => "The network path was not found.",
        ERROR_UNEXP_NET_ERR => "An unexpected network error occurred.",
        ERROR_FILE_EXISTS => "The file exists.",
        ERROR_CANNOT_MAKE => "The directory or file cannot be created.",
        ERROR_INVALID_PARAMETER => "The parameter is incorrect.",
        ERROR_OPEN_FAILED => "The system cannot open the device or file specified.",
        ERROR_DISK_FULL => "There is not enough space on the disk.",
        ERROR_CALL_NOT_IMPLEMENTED => "This function is not supported on this system.",
        ERROR_INSUFFICIENT_BUFFER => "The data area passed to a system call is too small.",
        ERROR_INVALID_NAME => "The filename, directory name, or volume label syntax is incorrect.",
        ERROR_MOD_NOT_FOUND => "The specified module could not be found.",
        ERROR_PROC_NOT_FOUND => "The specified procedure could not be found.",
        ERROR_NEGATIVE_SEEK => {
            "An attempt was made to move the file pointer before the beginning of the file."
        }
        ERROR_DIR_NOT_EMPTY => "The directory is not empty.",
        ERROR_NOT_LOCKED => "The segment is already unlocked.",
        ERROR_BAD_PATHNAME => "The specified path is invalid.",
        ERROR_BUSY => "The requested resource is in use.",
        ERROR_ALREADY_EXISTS => "Cannot create a file when that file already exists.",
        ERROR_BAD_EXE_FORMAT => "%1 is not a valid Win32 application.",
        ERROR_FILENAME_EXCED_RANGE => "The filename or extension is too long.",
        ERROR_EXE_MACHINE_TYPE_MISMATCH => {
            "This version of %1 is not compatible with the version of Windows you're running. Check your computer's system information and then contact the software publisher."
        }
        ERROR_MORE_DATA => "More data is available.",
        ERROR_INVALID_EA_NAME => "The specified extended attribute name was invalid.",
        ERROR_DIRECTORY => "The directory name is invalid.",
        ERROR_NOT_OWNER => "Attempt to release mutex not owned by caller.",
        ERROR_DELETE_PENDING => {
            "The file cannot be opened because it is in the process of being deleted."
        }
        ERROR_INVALID_ADDRESS => "Attempt to access invalid address.",
        ERROR_OBJECT_NAME_EXISTS => {
            "{Object Exists}\r\nAn attempt was made to create an object and the object name already existed."
        }
        ERROR_IMAGE_NOT_AT_BASE => {
            "{Image Relocated}\r\nAn image file could not be mapped at the address specified in the image file. Local fixups must be performed on this image."
        }
        ERROR_OPERATION_ABORTED => {
            "The I/O operation has been aborted because of either a thread exit or an application request."
        }
        ERROR_IO_PENDING => "Overlapped I/O operation is in progress.",
        ERROR_NOACCESS => "Invalid access to memory location.",
        ERROR_INVALID_FLAGS => "Invalid flags.",
        ERROR_FILE_INVALID => {
            "The volume for a file has been externally altered so that the opened file is no longer valid."
        }
        ERROR_DLL_INIT_FAILED => "A dynamic link library (DLL) initialization routine failed.",
        ERROR_MAPPED_ALIGNMENT => {
            "The base address or the file offset specified does not have the proper alignment."
        }
        ERROR_USER_MAPPED_FILE => {
            "The requested operation cannot be performed on a file with a user-mapped section open."
        }
        ERROR_PRIVILEGE_NOT_HELD => "A required privilege is not held by the client.",
        ERROR_FILE_CORRUPT => "The file or directory is corrupted and unreadable.",
        ERROR_NO_SYSTEM_RESOURCES => {
            "Insufficient system resources exist to complete the requested service."
        }
        ERROR_COMMITMENT_LIMIT => "The paging file is too small for this operation to complete.",
        ERROR_INVALID_USER_BUFFER => {
            "The supplied user buffer is not valid for the requested operation."
        }
        ERROR_CANT_ACCESS_FILE => "The file cannot be accessed by the system.",
        ERROR_CANT_RESOLVE_FILENAME => "The name of the file cannot be resolved by the system.",
        ERROR_NOT_A_REPARSE_POINT => "The file or directory is not a reparse point.",
        ERROR_FILE_READ_ONLY => "The specified file is read only.",
    }
}

// ---------------------------------------------------------------------------------------
// errno
// ---------------------------------------------------------------------------------------

macro_rules! errnos {
    ($($name:ident = $win:expr, $linux:expr, $crt:expr, $glibc:expr;)*) => {
        /// A POSIX `errno` value, with its number in the Windows C runtime and on Linux.
        ///
        /// Windows numbers are UCRT `errno.h` (the POSIX supplement values 100+ for
        /// `ECANCELED`, `ELOOP`, `ENOTSUP`, `ETIMEDOUT`); Linux numbers are
        /// `asm-generic/errno-base.h`/`errno.h` (x86-64, aarch64). They differ from
        /// `ENAMETOOLONG` on: `ENOTEMPTY` is 41 on Windows, 39 on Linux.
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord, Serialize)]
        #[allow(clippy::upper_case_acronyms)]
        pub enum Errno { $($name),* }

        impl Errno {
            /// Every value.
            pub const ALL: &'static [Errno] = &[$(Errno::$name),*];
            /// The symbolic name, e.g. `EACCES`.
            pub fn name(self) -> &'static str {
                match self { $(Errno::$name => stringify!($name)),* }
            }
            /// The number in the Windows C runtime (UCRT `errno.h`).
            pub fn windows_number(self) -> i32 {
                match self { $(Errno::$name => $win),* }
            }
            /// The number on Linux: what `winsan run --enforce` injects.
            pub fn linux_number(self) -> i32 {
                match self { $(Errno::$name => $linux),* }
            }
            /// `strerror` of the Windows C runtime (`_sys_errlist`; numbers of the POSIX
            /// supplement, 100 and up, have no entry there and print "Unknown error").
            pub fn crt_strerror(self) -> &'static str {
                match self { $(Errno::$name => $crt),* }
            }
            /// `strerror` of glibc, what a Linux program prints.
            pub fn linux_strerror(self) -> &'static str {
                match self { $(Errno::$name => $glibc),* }
            }
            /// Look an errno up by its Linux number.
            pub fn from_linux(n: i32) -> Option<Errno> {
                Errno::ALL.iter().copied().find(|e| e.linux_number() == n)
            }
        }
    };
}

errnos! {
    EPERM = 1, 1, "Operation not permitted", "Operation not permitted";
    ENOENT = 2, 2, "No such file or directory", "No such file or directory";
    EIO = 5, 5, "Input/output error", "Input/output error";
    E2BIG = 7, 7, "Arg list too long", "Argument list too long";
    ENOEXEC = 8, 8, "Exec format error", "Exec format error";
    EBADF = 9, 9, "Bad file descriptor", "Bad file descriptor";
    ECHILD = 10, 10, "No child processes", "No child processes";
    EAGAIN = 11, 11, "Resource temporarily unavailable", "Resource temporarily unavailable";
    ENOMEM = 12, 12, "Not enough space", "Cannot allocate memory";
    EACCES = 13, 13, "Permission denied", "Permission denied";
    EBUSY = 16, 16, "Resource device", "Device or resource busy";
    EEXIST = 17, 17, "File exists", "File exists";
    EXDEV = 18, 18, "Improper link", "Invalid cross-device link";
    ENOTDIR = 20, 20, "Not a directory", "Not a directory";
    EISDIR = 21, 21, "Is a directory", "Is a directory";
    EINVAL = 22, 22, "Invalid argument", "Invalid argument";
    EMFILE = 24, 24, "Too many open files", "Too many open files";
    ENOSPC = 28, 28, "No space left on device", "No space left on device";
    EROFS = 30, 30, "Read-only file system", "Read-only file system";
    EPIPE = 32, 32, "Broken pipe", "Broken pipe";
    ENAMETOOLONG = 38, 36, "Filename too long", "File name too long";
    ENOLCK = 39, 37, "No locks available", "No locks available";
    ENOSYS = 40, 38, "Function not implemented", "Function not implemented";
    ENOTEMPTY = 41, 39, "Directory not empty", "Directory not empty";
    EILSEQ = 42, 84, "Illegal byte sequence", "Invalid or incomplete multibyte or wide character";
    ECANCELED = 105, 125, "Unknown error", "Operation canceled";
    ELOOP = 114, 40, "Unknown error", "Too many levels of symbolic links";
    ENOTSUP = 129, 95, "Unknown error", "Operation not supported";
    ETIMEDOUT = 138, 110, "Unknown error", "Connection timed out";
}

impl fmt::Display for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The UCRT's explicit `_dosmaperr` entries (`ucrt/misc/errno.cpp` `errtable`), restricted
/// to the codes [`Win32Error`] has. Codes not listed fall to the ranges in [`crt_errno`].
const CRT_TABLE: &[(Win32Error, Errno)] = {
    use Errno::*;
    use Win32Error::*;
    &[
        (ERROR_INVALID_FUNCTION, EINVAL),
        (ERROR_FILE_NOT_FOUND, ENOENT),
        (ERROR_PATH_NOT_FOUND, ENOENT),
        (ERROR_TOO_MANY_OPEN_FILES, EMFILE),
        (ERROR_ACCESS_DENIED, EACCES),
        (ERROR_INVALID_HANDLE, EBADF),
        (ERROR_NOT_ENOUGH_MEMORY, ENOMEM),
        (ERROR_INVALID_ACCESS, EINVAL),
        (ERROR_INVALID_DRIVE, ENOENT),
        (ERROR_CURRENT_DIRECTORY, EACCES),
        (ERROR_NOT_SAME_DEVICE, EXDEV),
        (ERROR_NO_MORE_FILES, ENOENT),
        (ERROR_LOCK_VIOLATION, EACCES),
        (ERROR_BAD_NETPATH, ENOENT),
        (ERROR_FILE_EXISTS, EEXIST),
        (ERROR_CANNOT_MAKE, EACCES),
        (ERROR_INVALID_PARAMETER, EINVAL),
        (ERROR_DISK_FULL, ENOSPC),
        (ERROR_NEGATIVE_SEEK, EINVAL),
        (ERROR_DIR_NOT_EMPTY, ENOTEMPTY),
        (ERROR_NOT_LOCKED, EACCES),
        (ERROR_BAD_PATHNAME, ENOENT),
        (ERROR_ALREADY_EXISTS, EEXIST),
        (ERROR_FILENAME_EXCED_RANGE, ENOENT),
    ]
};

/// The errno the Windows C runtime sets for a Win32 error (`_dosmaperr`): what a C program's
/// `_wopen`, `_wunlink`, `_wrename`, `_wrmdir`... report, and what CPython's `open()` and
/// `os.open` (which go through `_wopen`) raise.
///
/// Source: UCRT `ucrt/misc/errno.cpp` — the explicit table, then 19..=36 → `EACCES`
/// (`MIN_EACCES_RANGE` `ERROR_WRITE_PROTECT` .. `MAX_EACCES_RANGE`
/// `ERROR_SHARING_BUFFER_EXCEEDED`), 188..=202 → `ENOEXEC`, else `EINVAL`.
pub fn crt_errno(e: Win32Error) -> Errno {
    if let Some(&(_, errno)) = CRT_TABLE.iter().find(|(w, _)| *w == e) {
        return errno;
    }
    match e.code() {
        19..=36 => Errno::EACCES,
        188..=202 => Errno::ENOEXEC,
        _ => Errno::EINVAL,
    }
}

// ---------------------------------------------------------------------------------------
// CPython
// ---------------------------------------------------------------------------------------

/// How a CPython call reaches Windows, which decides the text of its `OSError`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PyVia {
    /// A Win32 API called directly, the error set with `PyErr_SetExcFromWindowsErr*`
    /// (`os.remove`, `os.unlink`, `os.rename`, `os.replace`, `os.rmdir`, `os.mkdir`,
    /// `os.stat`, `os.chmod`...): `[WinError N] <FormatMessage>: 'path'`.
    WinApi,
    /// The C runtime (`open()`, `io.FileIO`, `os.open` → `_wopen`): errno from
    /// `_dosmaperr`, `[Errno N] <strerror>: 'path'`.
    Crt,
}

/// The errno CPython derives from a Windows error (`PC/errmap.h` `winerror_to_errno`):
/// the CRT table, except `ERROR_DIRECTORY` → `ENOTDIR` (bpo-12802).
pub fn python_errno(e: Win32Error) -> Errno {
    match e {
        Win32Error::ERROR_DIRECTORY => Errno::ENOTDIR,
        _ => crt_errno(e),
    }
}

/// The `OSError` subclass CPython raises for an errno (`Objects/exceptions.c`, the
/// `ADD_ERRNO` table). The same table selects the class on Linux and on Windows.
pub fn python_class(errno: Errno) -> &'static str {
    use Errno::*;
    match errno {
        EACCES | EPERM => "PermissionError",
        ENOENT => "FileNotFoundError",
        EEXIST => "FileExistsError",
        ENOTDIR => "NotADirectoryError",
        EISDIR => "IsADirectoryError",
        EAGAIN => "BlockingIOError",
        EPIPE => "BrokenPipeError",
        ECHILD => "ChildProcessError",
        ETIMEDOUT => "TimeoutError",
        _ => "OSError",
    }
}

/// The `OSError` a CPython 3.11+ program on Windows gets.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct PyOsError {
    /// `PermissionError`, `FileNotFoundError`, ..., or `OSError`.
    pub class: &'static str,
    /// `e.errno` (its Windows CRT number is [`Errno::windows_number`]).
    pub errno: Errno,
    /// `e.winerror`; `None` for errors raised through the C runtime.
    pub winerror: Option<u32>,
    /// `e.strerror`.
    pub strerror: String,
    /// `str(e)`.
    pub text: String,
}

impl fmt::Display for PyOsError {
    /// As a traceback's last line prints it: `PermissionError: [WinError 32] ...`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.class, self.text)
    }
}

/// The exception a CPython program on Windows gets for `e`, with `path` as `e.filename`.
///
/// ```
/// use winsan_model::{Win32Error, translate::{python_os_error, PyVia}};
/// let e = python_os_error(Win32Error::ERROR_SHARING_VIOLATION, Some(r"C:\t\a.txt"), PyVia::WinApi);
/// assert_eq!(e.to_string(), r"PermissionError: [WinError 32] The process cannot access the file because it is being used by another process: 'C:\\t\\a.txt'");
/// let e = python_os_error(Win32Error::ERROR_SHARING_VIOLATION, Some("/tmp/a"), PyVia::Crt);
/// assert_eq!(e.to_string(), "PermissionError: [Errno 13] Permission denied: '/tmp/a'");
/// ```
pub fn python_os_error(e: Win32Error, path: Option<&str>, via: PyVia) -> PyOsError {
    python_os_error_with_dest(e, path, None, via)
}

/// [`python_os_error`] for two-path calls (`os.rename`, `os.replace`, `os.link`):
/// `[WinError 5] Access is denied: 'a' -> 'b'`.
pub fn python_os_error_with_dest(e: Win32Error, path: Option<&str>, dest: Option<&str>, via: PyVia) -> PyOsError {
    let (errno, winerror, strerror, tag) = match via {
        PyVia::WinApi => {
            let errno = python_errno(e);
            // Python/errors.c: "remove trailing cr/lf and dots".
            let s = message(e).trim_end_matches(|c: char| c <= ' ' || c == '.');
            (errno, Some(e.code()), s.to_string(), format!("WinError {}", e.code()))
        }
        PyVia::Crt => {
            let errno = crt_errno(e);
            (
                errno,
                None,
                errno.crt_strerror().to_string(),
                format!("Errno {}", errno.windows_number()),
            )
        }
    };
    let text = match (path, dest) {
        (Some(p), Some(d)) => format!("[{tag}] {strerror}: {} -> {}", py_repr(p), py_repr(d)),
        (Some(p), None) => format!("[{tag}] {strerror}: {}", py_repr(p)),
        _ => format!("[{tag}] {strerror}"),
    };
    PyOsError {
        class: python_class(errno),
        errno,
        winerror,
        strerror,
        text,
    }
}

/// Python's `repr(str)`: single quotes unless the text contains `'` and no `"`; escapes
/// `\\`, the chosen quote, `\t`, `\n`, `\r`, other control characters as `\xhh`, and
/// non-printable non-ASCII characters as `\xhh`/`\uhhhh`/`\Uhhhhhhhh`
/// (`Objects/unicodeobject.c` `unicode_repr`). Printability of non-ASCII characters follows
/// `str.isprintable` for the categories that occur in paths (controls, format characters,
/// separators other than the ASCII space, private use, non-characters); other characters are
/// kept as they are.
pub fn py_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if !py_printable(c) => {
                let n = c as u32;
                if n < 0x100 {
                    out.push_str(&format!("\\x{n:02x}"));
                } else if n < 0x10000 {
                    out.push_str(&format!("\\u{n:04x}"));
                } else {
                    out.push_str(&format!("\\U{n:08x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// `str.isprintable()` for one character, for the Unicode categories that matter in file
/// names (see [`py_repr`]).
fn py_printable(c: char) -> bool {
    let n = c as u32;
    !matches!(n,
        0x00..=0x1F | 0x7F..=0xA0 | 0xAD
        | 0x0600..=0x0605 | 0x061C | 0x06DD | 0x070F | 0x180E
        | 0x1680 | 0x2000..=0x200F | 0x2028..=0x202F | 0x205F..=0x2064 | 0x2066..=0x206F
        | 0x3000 | 0xD800..=0xDFFF | 0xE000..=0xF8FF | 0xFDD0..=0xFDEF | 0xFEFF
        | 0xFFF0..=0xFFFB | 0xFFFE | 0xFFFF
        | 0xE0000..=0xE007F | 0xF0000..=0x10FFFF)
        && (n & 0xFFFE) != 0xFFFE
}

// ---------------------------------------------------------------------------------------
// Node / libuv
// ---------------------------------------------------------------------------------------

/// A libuv error as Node shows it on Windows.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize)]
pub struct NodeError {
    /// `err.code`, e.g. `EBUSY`.
    pub code: &'static str,
    /// `err.errno` on Windows: libuv's own negative number (`UV__EBUSY` = -4082).
    pub errno: i32,
    /// The `UV_ERRNO_MAP` text, e.g. `resource busy or locked`.
    pub description: &'static str,
}

/// libuv's error for each code it produces here: (code, Windows `UV__E*`, message).
/// `include/uv/errno.h` and `include/uv.h` `UV_ERRNO_MAP`.
fn uv(code: &'static str) -> NodeError {
    let (errno, description) = match code {
        "EACCES" => (-4092, "permission denied"),
        "EBADF" => (-4083, "bad file descriptor"),
        "EBUSY" => (-4082, "resource busy or locked"),
        "ECANCELED" => (-4081, "operation canceled"),
        "EEXIST" => (-4075, "file already exists"),
        "EINVAL" => (-4071, "invalid argument"),
        "EIO" => (-4070, "i/o error"),
        "EISDIR" => (-4068, "illegal operation on a directory"),
        "ELOOP" => (-4067, "too many symbolic links encountered"),
        "EMFILE" => (-4066, "too many open files"),
        "ENAMETOOLONG" => (-4064, "name too long"),
        "ENOENT" => (-4058, "no such file or directory"),
        "ENOMEM" => (-4057, "not enough memory"),
        "ENOSPC" => (-4055, "no space left on device"),
        "ENOTEMPTY" => (-4051, "directory not empty"),
        "ENOTSUP" => (-4049, "operation not supported on socket"),
        "EPERM" => (-4048, "operation not permitted"),
        "EROFS" => (-4043, "read-only file system"),
        "EXDEV" => (-4037, "cross-device link not permitted"),
        _ => (-4094, "unknown error"),
    };
    let code = if errno == -4094 { "UNKNOWN" } else { code };
    NodeError {
        code,
        errno,
        description,
    }
}

/// Node's `err.code` and `err.errno` on Windows for a Win32 error (libuv v1.x
/// `uv_translate_sys_error`). Codes libuv does not list are `UNKNOWN` (-4094) — that *is*
/// what Node shows, e.g. for `ERROR_USER_MAPPED_FILE`. `ERROR_SUCCESS` is not an error
/// (libuv returns 0); it is given as `UNKNOWN` only so that the function is total.
pub fn node_code(e: Win32Error) -> (&'static str, i32) {
    let n = node_error(e);
    (n.code, n.errno)
}

/// [`node_code`] with the message.
pub fn node_error(e: Win32Error) -> NodeError {
    use Win32Error::*;
    uv(match e {
        ERROR_NOACCESS | ERROR_CANT_ACCESS_FILE => "EACCES",
        // v1.x; libuv master says EACCES (see the module documentation).
        ERROR_ACCESS_DENIED | ERROR_PRIVILEGE_NOT_HELD => "EPERM",
        ERROR_INVALID_FLAGS | ERROR_INVALID_HANDLE => "EBADF",
        ERROR_LOCK_VIOLATION | ERROR_SHARING_VIOLATION => "EBUSY",
        ERROR_OPERATION_ABORTED => "ECANCELED",
        ERROR_ALREADY_EXISTS | ERROR_FILE_EXISTS => "EEXIST",
        ERROR_INSUFFICIENT_BUFFER | ERROR_INVALID_PARAMETER => "EINVAL",
        ERROR_GEN_FAILURE | ERROR_OPEN_FAILED => "EIO",
        ERROR_CANT_RESOLVE_FILENAME => "ELOOP",
        ERROR_TOO_MANY_OPEN_FILES => "EMFILE",
        ERROR_FILENAME_EXCED_RANGE => "ENAMETOOLONG",
        ERROR_BAD_PATHNAME | ERROR_DIRECTORY | ERROR_FILE_NOT_FOUND | ERROR_INVALID_NAME | ERROR_INVALID_DRIVE
        | ERROR_MOD_NOT_FOUND | ERROR_PATH_NOT_FOUND => "ENOENT",
        ERROR_NOT_ENOUGH_MEMORY => "ENOMEM",
        ERROR_CANNOT_MAKE | ERROR_DISK_FULL | ERROR_HANDLE_DISK_FULL => "ENOSPC",
        ERROR_DIR_NOT_EMPTY => "ENOTEMPTY",
        ERROR_NOT_SUPPORTED => "ENOTSUP",
        ERROR_WRITE_PROTECT => "EROFS",
        ERROR_NOT_SAME_DEVICE => "EXDEV",
        ERROR_INVALID_FUNCTION => "EISDIR",
        ERROR_SUCCESS
        | ERROR_INVALID_ACCESS
        | ERROR_CURRENT_DIRECTORY
        | ERROR_NO_MORE_FILES
        | ERROR_NOT_READY
        | ERROR_BAD_LENGTH
        | ERROR_WRITE_FAULT
        | ERROR_READ_FAULT
        | ERROR_HANDLE_EOF
        | ERROR_BAD_NETPATH
        | ERROR_UNEXP_NET_ERR
        | ERROR_CALL_NOT_IMPLEMENTED
        | ERROR_PROC_NOT_FOUND
        | ERROR_NEGATIVE_SEEK
        | ERROR_NOT_LOCKED
        | ERROR_BUSY
        | ERROR_BAD_EXE_FORMAT
        | ERROR_EXE_MACHINE_TYPE_MISMATCH
        | ERROR_MORE_DATA
        | ERROR_INVALID_EA_NAME
        | ERROR_NOT_OWNER
        | ERROR_DELETE_PENDING
        | ERROR_INVALID_ADDRESS
        | ERROR_OBJECT_NAME_EXISTS
        | ERROR_IMAGE_NOT_AT_BASE
        | ERROR_IO_PENDING
        | ERROR_FILE_INVALID
        | ERROR_DLL_INIT_FAILED
        | ERROR_MAPPED_ALIGNMENT
        | ERROR_USER_MAPPED_FILE
        | ERROR_FILE_CORRUPT
        | ERROR_NO_SYSTEM_RESOURCES
        | ERROR_COMMITMENT_LIMIT
        | ERROR_INVALID_USER_BUFFER
        | ERROR_NOT_A_REPARSE_POINT
        | ERROR_FILE_READ_ONLY => "UNKNOWN",
    })
}

/// Node's error message: `EBUSY: resource busy or locked, unlink 'C:\t\a.txt'`
/// (`lib/internal/errors.js` `uvException`: the path is inserted as is, in single quotes;
/// a destination follows as ` -> 'dest'`).
pub fn node_message(e: Win32Error, syscall: &str, path: Option<&str>, dest: Option<&str>) -> String {
    let n = node_error(e);
    let mut s = format!("{}: {}, {}", n.code, n.description, syscall);
    if let Some(p) = path {
        s.push_str(&format!(" '{p}'"));
    }
    if let Some(d) = dest {
        s.push_str(&format!(" -> '{d}'"));
    }
    s
}

// ---------------------------------------------------------------------------------------
// Rust
// ---------------------------------------------------------------------------------------

/// What Rust's `std::io::Error` shows on Windows.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct RustError {
    /// `e.kind()` as `Debug` prints it, e.g. `PermissionDenied`, `Uncategorized`.
    pub kind: &'static str,
    /// `e.to_string()`: `"<FormatMessage text> (os error N)"`.
    pub display: String,
}

/// `std::io::Error::from_raw_os_error(e)` on Windows: `decode_error_kind` and `Display`.
///
/// Source: rust-lang/rust `library/std`, Windows `decode_error_kind` and `error_string`
/// (FormatMessageW, `trim_end`, so the final period stays). `ERROR_SHARING_VIOLATION`,
/// `ERROR_LOCK_VIOLATION` and most others are `Uncategorized`. `ERROR_CANT_RESOLVE_FILENAME`
/// is `FilesystemLoop` since it was added to the table (older std: `Uncategorized`).
pub fn rust_error(e: Win32Error) -> RustError {
    RustError {
        kind: rust_kind(e),
        display: format!("{} (os error {})", message(e).trim_end(), e.code()),
    }
}

/// The `io::ErrorKind` (its `Debug` name) Rust std gives a Win32 error on Windows.
pub fn rust_kind(e: Win32Error) -> &'static str {
    use Win32Error::*;
    match e {
        ERROR_ACCESS_DENIED => "PermissionDenied",
        ERROR_ALREADY_EXISTS | ERROR_FILE_EXISTS => "AlreadyExists",
        ERROR_FILE_NOT_FOUND | ERROR_PATH_NOT_FOUND | ERROR_INVALID_DRIVE | ERROR_BAD_NETPATH => "NotFound",
        ERROR_INVALID_NAME | ERROR_BAD_PATHNAME | ERROR_FILENAME_EXCED_RANGE => "InvalidFilename",
        ERROR_INVALID_PARAMETER => "InvalidInput",
        ERROR_NOT_ENOUGH_MEMORY => "OutOfMemory",
        ERROR_OPERATION_ABORTED => "TimedOut",
        ERROR_CALL_NOT_IMPLEMENTED => "Unsupported",
        ERROR_DIRECTORY => "NotADirectory",
        ERROR_DIR_NOT_EMPTY => "DirectoryNotEmpty",
        ERROR_WRITE_PROTECT => "ReadOnlyFilesystem",
        ERROR_DISK_FULL | ERROR_HANDLE_DISK_FULL => "StorageFull",
        ERROR_BUSY => "ResourceBusy",
        ERROR_NOT_SAME_DEVICE => "CrossesDevices",
        ERROR_CANT_RESOLVE_FILENAME => "FilesystemLoop",
        ERROR_SUCCESS
        | ERROR_INVALID_FUNCTION
        | ERROR_TOO_MANY_OPEN_FILES
        | ERROR_INVALID_HANDLE
        | ERROR_INVALID_ACCESS
        | ERROR_CURRENT_DIRECTORY
        | ERROR_NO_MORE_FILES
        | ERROR_NOT_READY
        | ERROR_BAD_LENGTH
        | ERROR_WRITE_FAULT
        | ERROR_READ_FAULT
        | ERROR_GEN_FAILURE
        | ERROR_SHARING_VIOLATION
        | ERROR_LOCK_VIOLATION
        | ERROR_HANDLE_EOF
        | ERROR_NOT_SUPPORTED
        | ERROR_UNEXP_NET_ERR
        | ERROR_CANNOT_MAKE
        | ERROR_OPEN_FAILED
        | ERROR_INSUFFICIENT_BUFFER
        | ERROR_MOD_NOT_FOUND
        | ERROR_PROC_NOT_FOUND
        | ERROR_NEGATIVE_SEEK
        | ERROR_NOT_LOCKED
        | ERROR_BAD_EXE_FORMAT
        | ERROR_EXE_MACHINE_TYPE_MISMATCH
        | ERROR_MORE_DATA
        | ERROR_INVALID_EA_NAME
        | ERROR_NOT_OWNER
        | ERROR_DELETE_PENDING
        | ERROR_INVALID_ADDRESS
        | ERROR_OBJECT_NAME_EXISTS
        | ERROR_IMAGE_NOT_AT_BASE
        | ERROR_IO_PENDING
        | ERROR_NOACCESS
        | ERROR_INVALID_FLAGS
        | ERROR_FILE_INVALID
        | ERROR_DLL_INIT_FAILED
        | ERROR_MAPPED_ALIGNMENT
        | ERROR_USER_MAPPED_FILE
        | ERROR_PRIVILEGE_NOT_HELD
        | ERROR_FILE_CORRUPT
        | ERROR_NO_SYSTEM_RESOURCES
        | ERROR_COMMITMENT_LIMIT
        | ERROR_INVALID_USER_BUFFER
        | ERROR_CANT_ACCESS_FILE
        | ERROR_NOT_A_REPARSE_POINT
        | ERROR_FILE_READ_ONLY => "Uncategorized",
    }
}

// ---------------------------------------------------------------------------------------
// Go
// ---------------------------------------------------------------------------------------

/// `errors.Is(err, target)` for the `io/fs` sentinels, for a `syscall.Errno`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default, Serialize)]
pub struct GoIs {
    /// `errors.Is(err, fs.ErrPermission)`.
    pub permission: bool,
    /// `errors.Is(err, fs.ErrExist)`.
    pub exist: bool,
    /// `errors.Is(err, fs.ErrNotExist)`.
    pub not_exist: bool,
    /// `errors.Is(err, errors.ErrUnsupported)` (Go 1.21+).
    pub unsupported: bool,
}

/// Go's `syscall.Errno(e).Is` on Windows (`src/syscall/syscall_windows.go`): only
/// `ERROR_ACCESS_DENIED` is a permission error — a sharing violation is none of these;
/// `ERROR_DIR_NOT_EMPTY` counts as `ErrExist`.
pub fn go_is(e: Win32Error) -> GoIs {
    use Win32Error::*;
    GoIs {
        permission: e == ERROR_ACCESS_DENIED,
        exist: matches!(e, ERROR_ALREADY_EXISTS | ERROR_DIR_NOT_EMPTY | ERROR_FILE_EXISTS),
        not_exist: matches!(e, ERROR_FILE_NOT_FOUND | ERROR_BAD_NETPATH | ERROR_PATH_NOT_FOUND),
        unsupported: matches!(e, ERROR_NOT_SUPPORTED | ERROR_CALL_NOT_IMPLEMENTED),
    }
}

/// `syscall.Errno(e).Error()` on Windows: the FormatMessage text with trailing `\r`/`\n`
/// trimmed — the final period stays.
pub fn go_errno_text(e: Win32Error) -> &'static str {
    message(e).trim_end_matches(['\r', '\n'])
}

/// An `*os.PathError` as Go prints it on Windows: `remove C:\t\a.txt: The process cannot
/// access the file because it is being used by another process.` (`op` is Go's: `open`,
/// `remove`, `mkdir`, `chmod`, `truncate`...).
pub fn go_error(e: Win32Error, op: &str, path: &str) -> String {
    format!("{op} {path}: {}", go_errno_text(e))
}

/// An `*os.LinkError` (`os.Rename`, `os.Link`): `rename a b: Access is denied.`
pub fn go_link_error(e: Win32Error, op: &str, old: &str, new: &str) -> String {
    format!("{op} {old} {new}: {}", go_errno_text(e))
}

// ---------------------------------------------------------------------------------------
// Runtimes and --enforce
// ---------------------------------------------------------------------------------------

/// Whose conventions a program follows (`winsan run --runtime`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Runtime {
    /// C and C++ through the Microsoft C runtime (`_wopen`, `remove`, `rename`, `_rmdir`).
    Crt,
    /// CPython.
    Python,
    /// Rust std.
    Rust,
    /// Go.
    Go,
    /// Node.js (libuv).
    Node,
    /// Java. Not verified: treated as the C runtime.
    Java,
    /// .NET. Not verified: treated as the C runtime.
    #[serde(rename = "dotnet")]
    DotNet,
    /// Git for Windows: the C runtime under its `compat/mingw.c` wrappers, whose `unlink`
    /// clears the read-only attribute first and whose `rename` clears it on a read-only
    /// target, both retrying while the file is in use and then asking whether to try again.
    Git,
    /// Programs built on LLVM's Support library (clang, lld, rust-lld, the llvm-* tools):
    /// `sys::fs::openNativeFile` always shares read, write and delete; `sys::fs::remove`
    /// is a delete-on-close open; `sys::fs::rename` renames the open source by handle and
    /// moves a target in use aside (`llvm/lib/Support/Windows/Path.inc`). Errors reach the
    /// program as `std::errc` values, as the C runtime's errno.
    Llvm,
    /// Cygwin and MSYS2 (Git Bash: the shell and the POSIX tools beside it). Ordinary files
    /// are opened sharing everything (`FILE_SHARE_VALID_FLAGS`, `fhandler/base.cc`) and so
    /// is the working directory (`cwdstuff::set`, `path.cc`: "Unlinking a cwd fails because
    /// SetCurrentDirectory seems to open directories so that deleting the directory is
    /// disallowed"). `unlink_nt` (`syscalls.cc`) deletes with a POSIX disposition that
    /// ignores the read-only attribute and moves a mapped or running file to the recycle
    /// bin; `rename2` renames with POSIX semantics, unlinking a target it may not replace.
    /// Errors become errno through Cygwin's own table (`errno.cc`: a sharing violation is
    /// `EBUSY`).
    Cygwin,
}

impl Runtime {
    /// Every runtime.
    pub const ALL: &'static [Runtime] = &[
        Runtime::Crt,
        Runtime::Python,
        Runtime::Rust,
        Runtime::Go,
        Runtime::Node,
        Runtime::Java,
        Runtime::DotNet,
        Runtime::Git,
        Runtime::Llvm,
        Runtime::Cygwin,
    ];

    /// The `--runtime` spelling.
    pub fn name(self) -> &'static str {
        match self {
            Runtime::Crt => "crt",
            Runtime::Python => "python",
            Runtime::Rust => "rust",
            Runtime::Go => "go",
            Runtime::Node => "node",
            Runtime::Java => "java",
            Runtime::DotNet => "dotnet",
            Runtime::Git => "git",
            Runtime::Llvm => "llvm",
            Runtime::Cygwin => "cygwin",
        }
    }

    /// Parse a `--runtime` spelling.
    pub fn from_name(s: &str) -> Option<Runtime> {
        Runtime::ALL.iter().copied().find(|r| r.name() == s)
    }
}

impl fmt::Display for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The errno to inject under `--enforce` when nothing maps a runtime's classification to a
/// Linux errno: Linux Rust std decodes it as `Uncategorized` and Node (libuv has no
/// `UV_ENOLCK`) as `UNKNOWN: unknown error`.
pub const UNCLASSIFIED: Errno = Errno::ENOLCK;

/// The Linux errno `winsan run --enforce` injects for a refused call, so that the Linux
/// build of `runtime` classifies the failure as the Windows build classifies `e`.
///
/// The rule: take the C runtime's errno ([`crt_errno`]: closest in meaning, and exactly
/// what C programs see) when the runtime's Linux classification of it equals its Windows
/// classification of `e`; otherwise the runtime's own choice:
///
/// | runtime | classification compared | when the CRT errno disagrees |
/// |---|---|---|
/// | crt, java, dotnet, git, llvm | — | (CRT errno) |
/// | python | exception class (`python_class`) | CPython's errno ([`python_errno`]): `ERROR_DIRECTORY` → `ENOTDIR` (`NotADirectoryError`) |
/// | node | `err.code` | the errno of the same name (`ERROR_SHARING_VIOLATION`, `ERROR_LOCK_VIOLATION` → `EBUSY`; `ERROR_ACCESS_DENIED` → `EPERM`; `ERROR_DIRECTORY`, `ERROR_INVALID_NAME` → `ENOENT`...); `UNKNOWN` → [`UNCLASSIFIED`] |
/// | rust | `io::ErrorKind` | the errno Linux std decodes to the same kind; `Uncategorized` (sharing and lock violations, user-mapped file...) → [`UNCLASSIFIED`] |
/// | go | `errors.Is` with `fs.ErrPermission`/`ErrExist`/`ErrNotExist`/`errors.ErrUnsupported` | the errno with the same answers: a sharing or lock violation is *not* `ErrPermission` on Windows → `EBUSY` |
///
/// So `ERROR_SHARING_VIOLATION` gives `EACCES` for C and Python (`PermissionError`, as the
/// spec says), `EBUSY` for Node and Go, and `ENOLCK` for Rust; `ERROR_ACCESS_DENIED` gives
/// `EACCES` except `EPERM` for Node; `ERROR_DIR_NOT_EMPTY` gives `ENOTEMPTY` everywhere.
pub fn enforce_errno(e: Win32Error, runtime: Runtime) -> i32 {
    enforce(e, runtime).linux_number()
}

/// [`enforce_errno`] as an [`Errno`].
pub fn enforce(e: Win32Error, runtime: Runtime) -> Errno {
    let crt = crt_errno(e);
    match runtime {
        // Git for Windows sets errno from the C runtime's call, EACCES after its retries.
        // LLVM's mapWindowsError gives the std::errc of the C runtime's errno.
        Runtime::Crt | Runtime::DotNet | Runtime::Git | Runtime::Llvm => crt,
        // NIO throws by class: on Windows `WindowsException.translateToIOException`
        // (ERROR_ACCESS_DENIED: AccessDeniedException; not found: NoSuchFileException;
        // exists: FileAlreadyExistsException; else FileSystemException), on Linux
        // `UnixException`'s (EACCES, ENOENT, EEXIST; else FileSystemException). An errno
        // of the same class; java.io's calls fail alike for any errno (false,
        // FileNotFoundException).
        Runtime::Java => match e {
            Win32Error::ERROR_ACCESS_DENIED => Errno::EACCES,
            Win32Error::ERROR_FILE_NOT_FOUND | Win32Error::ERROR_PATH_NOT_FOUND => Errno::ENOENT,
            Win32Error::ERROR_FILE_EXISTS | Win32Error::ERROR_ALREADY_EXISTS => Errno::EEXIST,
            _ if matches!(crt, Errno::EACCES | Errno::ENOENT | Errno::EEXIST) => Errno::EBUSY,
            _ => crt,
        },
        Runtime::Cygwin => cygwin_errno(e),
        Runtime::Python => {
            if python_class(crt) == python_class(python_errno(e)) {
                crt
            } else {
                python_errno(e)
            }
        }
        Runtime::Node => {
            let code = node_error(e).code;
            if linux_node_code(crt) == code {
                crt
            } else {
                Errno::ALL
                    .iter()
                    .copied()
                    .find(|x| x.name() == code)
                    .unwrap_or(UNCLASSIFIED)
            }
        }
        Runtime::Rust => {
            let kind = rust_kind(e);
            if linux_rust_kind(crt) == kind {
                crt
            } else if kind == "Uncategorized" {
                UNCLASSIFIED
            } else {
                // The first errno (in `Errno::ALL` order) Linux std decodes to `kind`.
                let preferred: &[Errno] = &[Errno::EACCES, Errno::ENOSYS];
                preferred
                    .iter()
                    .chain(Errno::ALL)
                    .copied()
                    .find(|x| linux_rust_kind(*x) == kind && *x != Errno::EIO)
                    .unwrap_or(UNCLASSIFIED)
            }
        }
        Runtime::Go => {
            let want = go_is(e);
            if linux_go_is(crt) == want {
                return crt;
            }
            if want.permission {
                Errno::EACCES
            } else if want.exist {
                Errno::EEXIST
            } else if want.not_exist {
                Errno::ENOENT
            } else if want.unsupported {
                if e == Win32Error::ERROR_CALL_NOT_IMPLEMENTED {
                    Errno::ENOSYS
                } else {
                    Errno::ENOTSUP
                }
            } else if matches!(crt, Errno::EACCES | Errno::EPERM) {
                Errno::EBUSY
            } else if e == Win32Error::ERROR_FILENAME_EXCED_RANGE {
                Errno::ENAMETOOLONG
            } else {
                Errno::EINVAL
            }
        }
    }
}

/// The errno Cygwin sets for a Win32 error (`winsup/cygwin/errno.cc`, `errmap`): as the
/// C runtime's except `ERROR_SHARING_VIOLATION`, which is `EBUSY` ("Device or resource
/// busy", what `rm` and `mv` print).
pub fn cygwin_errno(e: Win32Error) -> Errno {
    match e {
        Win32Error::ERROR_SHARING_VIOLATION => Errno::EBUSY,
        _ => crt_errno(e),
    }
}

/// The `io::ErrorKind` Linux Rust std gives an errno (`library/std/src/sys/pal/unix`
/// `decode_error_kind`). `EIO` and `EMFILE` are `Uncategorized` on stable std but get their
/// own kinds in newer std, so [`enforce`] never picks `EIO` for `Uncategorized`.
pub fn linux_rust_kind(errno: Errno) -> &'static str {
    use Errno::*;
    match errno {
        EACCES | EPERM => "PermissionDenied",
        ENOENT => "NotFound",
        EEXIST => "AlreadyExists",
        E2BIG => "ArgumentListTooLong",
        EBUSY => "ResourceBusy",
        EINVAL => "InvalidInput",
        EISDIR => "IsADirectory",
        ELOOP => "FilesystemLoop",
        ENOMEM => "OutOfMemory",
        ENOSPC => "StorageFull",
        ENOSYS | ENOTSUP => "Unsupported",
        ENAMETOOLONG => "InvalidFilename",
        ENOTDIR => "NotADirectory",
        ENOTEMPTY => "DirectoryNotEmpty",
        EPIPE => "BrokenPipe",
        EROFS => "ReadOnlyFilesystem",
        ETIMEDOUT => "TimedOut",
        EXDEV => "CrossesDevices",
        EAGAIN => "WouldBlock",
        EIO | ENOEXEC | EBADF | ECHILD | EMFILE | ENOLCK | EILSEQ | ECANCELED => "Uncategorized",
    }
}

/// Node's `err.code` on Linux for an errno: libuv returns `-errno`, and Node names it from
/// `UV_ERRNO_MAP`; an errno libuv does not list (`ENOLCK`, `ECHILD`) is `UNKNOWN`
/// (`lib/internal/errors.js` `uvUnmappedError`).
pub fn linux_node_code(errno: Errno) -> &'static str {
    match errno {
        Errno::ENOLCK | Errno::ECHILD => "UNKNOWN",
        e => e.name(),
    }
}

/// Go's `syscall.Errno.Is` on Linux (`src/syscall/syscall_unix.go`).
pub fn linux_go_is(errno: Errno) -> GoIs {
    use Errno::*;
    GoIs {
        permission: matches!(errno, EACCES | EPERM),
        exist: matches!(errno, EEXIST | ENOTEMPTY),
        not_exist: errno == ENOENT,
        unsupported: matches!(errno, ENOSYS | ENOTSUP),
    }
}

// ---------------------------------------------------------------------------------------
// Everything at once
// ---------------------------------------------------------------------------------------

/// Everything a report or `winsan explain` shows about a Win32 error.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct Translation {
    pub error: &'static str,
    pub win32: u32,
    pub message: &'static str,
    /// The C runtime's errno name and its Windows number.
    pub crt_errno: &'static str,
    pub crt_errno_number: i32,
    pub python_class: &'static str,
    pub node_code: &'static str,
    pub node_errno: i32,
    pub rust_kind: &'static str,
    pub go_is: GoIs,
}

/// [`Translation`] of a Win32 error.
pub fn translation(e: Win32Error) -> Translation {
    let crt = crt_errno(e);
    let node = node_error(e);
    Translation {
        error: e.name(),
        win32: e.code(),
        message: message(e),
        crt_errno: crt.name(),
        crt_errno_number: crt.windows_number(),
        python_class: python_class(python_errno(e)),
        node_code: node.code,
        node_errno: node.errno,
        rust_kind: rust_kind(e),
        go_is: go_is(e),
    }
}

/// [`translation`] of the Win32 error a status becomes (`RtlNtStatusToDosError`).
pub fn translation_of_status(s: NtStatus) -> Translation {
    translation(s.to_win32())
}

#[cfg(test)]
mod tests {
    use super::*;
    use Win32Error::*;

    /// Every Win32 error the model can report: `RtlNtStatusToDosError` of each status.
    fn model_errors() -> Vec<Win32Error> {
        let mut v: Vec<Win32Error> = NtStatus::ALL.iter().map(|s| s.to_win32()).collect();
        v.sort();
        v.dedup();
        v
    }

    #[test]
    fn every_error_has_a_message_and_every_translation() {
        for &e in Win32Error::ALL {
            let m = message(e);
            assert!(!m.is_empty(), "{e}");
            assert!(m.ends_with('.'), "{e}: {m:?}");
            assert!(!m.ends_with('\n'), "{e}");
            let t = translation(e);
            assert_eq!(t.win32, e.code());
            let _ = python_os_error(e, Some("/tmp/x"), PyVia::WinApi);
            let _ = python_os_error(e, Some("/tmp/x"), PyVia::Crt);
            let _ = rust_error(e);
            let _ = go_error(e, "remove", "/tmp/x");
            for &r in Runtime::ALL {
                let n = enforce_errno(e, r);
                assert!(n > 0, "{e} {r}");
            }
        }
        // All errors the model can produce are covered (the statuses map into the enum).
        assert!(model_errors().len() > 30);
    }

    #[test]
    fn messages_from_the_system_message_table() {
        assert_eq!(
            message(ERROR_SHARING_VIOLATION),
            "The process cannot access the file because it is being used by another process."
        );
        assert_eq!(message(ERROR_ACCESS_DENIED), "Access is denied.");
        assert_eq!(message(ERROR_DIR_NOT_EMPTY), "The directory is not empty.");
        assert_eq!(message(ERROR_DIRECTORY), "The directory name is invalid.");
        assert_eq!(
            message(ERROR_ALREADY_EXISTS),
            "Cannot create a file when that file already exists."
        );
        assert_eq!(message(ERROR_BAD_EXE_FORMAT), "%1 is not a valid Win32 application.");
    }

    #[test]
    fn crt_dosmaperr_table_and_ranges() {
        use Errno::*;
        let cases = [
            (ERROR_FILE_NOT_FOUND, ENOENT),
            (ERROR_PATH_NOT_FOUND, ENOENT),
            (ERROR_ACCESS_DENIED, EACCES),
            (ERROR_INVALID_HANDLE, EBADF),
            (ERROR_NOT_SAME_DEVICE, EXDEV),
            (ERROR_FILE_EXISTS, EEXIST),
            (ERROR_ALREADY_EXISTS, EEXIST),
            (ERROR_DIR_NOT_EMPTY, ENOTEMPTY),
            (ERROR_FILENAME_EXCED_RANGE, ENOENT),
            (ERROR_BAD_PATHNAME, ENOENT),
            (ERROR_NOT_LOCKED, EACCES),
            (ERROR_DISK_FULL, ENOSPC),
            // 19..=36
            (ERROR_WRITE_PROTECT, EACCES),
            (ERROR_GEN_FAILURE, EACCES),
            (ERROR_SHARING_VIOLATION, EACCES),
            (ERROR_LOCK_VIOLATION, EACCES),
            // 188..=202
            (ERROR_BAD_EXE_FORMAT, ENOEXEC),
            // everything else
            (ERROR_HANDLE_EOF, EINVAL),
            (ERROR_DIRECTORY, EINVAL),
            (ERROR_USER_MAPPED_FILE, EINVAL),
            (ERROR_FILE_INVALID, EINVAL),
            (ERROR_INVALID_NAME, EINVAL),
            (ERROR_NOT_SUPPORTED, EINVAL),
        ];
        for (w, errno) in cases {
            assert_eq!(crt_errno(w), errno, "{w}");
        }
        assert_eq!(python_errno(ERROR_DIRECTORY), ENOTDIR);
    }

    #[test]
    fn errno_numbers_differ_between_windows_and_linux() {
        assert_eq!(Errno::ENOTEMPTY.windows_number(), 41);
        assert_eq!(Errno::ENOTEMPTY.linux_number(), 39);
        assert_eq!(Errno::EACCES.windows_number(), 13);
        assert_eq!(Errno::EACCES.linux_number(), 13);
        assert_eq!(Errno::EBUSY.crt_strerror(), "Resource device");
        assert_eq!(Errno::EXDEV.crt_strerror(), "Improper link");
        assert_eq!(Errno::EXDEV.linux_strerror(), "Invalid cross-device link");
        for e in Errno::ALL {
            assert_eq!(Errno::from_linux(e.linux_number()), Some(*e));
        }
    }

    #[test]
    fn python_winapi_and_crt() {
        let e = python_os_error(ERROR_SHARING_VIOLATION, Some("/tmp/tmpab12.txt"), PyVia::WinApi);
        assert_eq!(
            e.to_string(),
            "PermissionError: [WinError 32] The process cannot access the file because it is being used by another process: '/tmp/tmpab12.txt'"
        );
        assert_eq!(e.errno, Errno::EACCES);
        assert_eq!(e.winerror, Some(32));

        let e = python_os_error(ERROR_ACCESS_DENIED, Some(r"C:\t\a.txt"), PyVia::WinApi);
        assert_eq!(
            e.to_string(),
            r"PermissionError: [WinError 5] Access is denied: 'C:\\t\\a.txt'"
        );

        let e = python_os_error(ERROR_DIR_NOT_EMPTY, Some("d"), PyVia::WinApi);
        assert_eq!(e.to_string(), "OSError: [WinError 145] The directory is not empty: 'd'");

        let e = python_os_error(ERROR_DIRECTORY, Some("f"), PyVia::WinApi);
        assert_eq!(e.class, "NotADirectoryError");
        let e = python_os_error(ERROR_DIRECTORY, Some("f"), PyVia::Crt);
        assert_eq!(e.to_string(), "OSError: [Errno 22] Invalid argument: 'f'");

        let e = python_os_error(ERROR_FILE_NOT_FOUND, Some("x"), PyVia::Crt);
        assert_eq!(
            e.to_string(),
            "FileNotFoundError: [Errno 2] No such file or directory: 'x'"
        );

        let e = python_os_error_with_dest(ERROR_ALREADY_EXISTS, Some("a"), Some("b"), PyVia::WinApi);
        assert_eq!(
            e.to_string(),
            "FileExistsError: [WinError 183] Cannot create a file when that file already exists: 'a' -> 'b'"
        );
        let e = python_os_error(ERROR_USER_MAPPED_FILE, None, PyVia::WinApi);
        assert_eq!(
            e.to_string(),
            "OSError: [WinError 1224] The requested operation cannot be performed on a file with a user-mapped section open"
        );
        // Python strips the final period of "%1 is not a valid Win32 application."
        let e = python_os_error(ERROR_BAD_EXE_FORMAT, None, PyVia::WinApi);
        assert_eq!(e.strerror, "%1 is not a valid Win32 application");
    }

    #[test]
    fn python_repr_of_paths() {
        assert_eq!(py_repr("/tmp/a.txt"), "'/tmp/a.txt'");
        assert_eq!(py_repr(r"C:\t"), r"'C:\\t'");
        assert_eq!(py_repr("it's"), "\"it's\"");
        assert_eq!(py_repr("a'b\"c"), "'a\\'b\"c'");
        assert_eq!(py_repr("a\nb\tc\r"), "'a\\nb\\tc\\r'");
        assert_eq!(py_repr("\u{1}\u{7f}\u{a0}\u{ad}"), "'\\x01\\x7f\\xa0\\xad'");
        assert_eq!(py_repr("caf\u{e9} \u{1F600}"), "'caf\u{e9} \u{1F600}'");
        assert_eq!(py_repr("\u{200b}\u{feff}"), "'\\u200b\\ufeff'");
        assert_eq!(py_repr("\u{f0000}"), "'\\U000f0000'");
    }

    #[test]
    fn node_libuv_v1() {
        assert_eq!(node_code(ERROR_SHARING_VIOLATION), ("EBUSY", -4082));
        assert_eq!(node_code(ERROR_LOCK_VIOLATION), ("EBUSY", -4082));
        assert_eq!(node_code(ERROR_ACCESS_DENIED), ("EPERM", -4048));
        assert_eq!(node_code(ERROR_DIR_NOT_EMPTY), ("ENOTEMPTY", -4051));
        assert_eq!(node_code(ERROR_FILE_NOT_FOUND), ("ENOENT", -4058));
        assert_eq!(node_code(ERROR_DIRECTORY), ("ENOENT", -4058));
        assert_eq!(node_code(ERROR_ALREADY_EXISTS), ("EEXIST", -4075));
        assert_eq!(node_code(ERROR_NOT_SAME_DEVICE), ("EXDEV", -4037));
        assert_eq!(node_code(ERROR_INVALID_FUNCTION), ("EISDIR", -4068));
        assert_eq!(node_code(ERROR_USER_MAPPED_FILE), ("UNKNOWN", -4094));
        assert_eq!(
            node_message(ERROR_SHARING_VIOLATION, "unlink", Some(r"C:\t\a.txt"), None),
            r"EBUSY: resource busy or locked, unlink 'C:\t\a.txt'"
        );
        assert_eq!(
            node_message(ERROR_ACCESS_DENIED, "rename", Some("a"), Some("b")),
            "EPERM: operation not permitted, rename 'a' -> 'b'"
        );
    }

    #[test]
    fn rust_std_windows() {
        let r = rust_error(ERROR_SHARING_VIOLATION);
        assert_eq!(r.kind, "Uncategorized");
        assert_eq!(
            r.display,
            "The process cannot access the file because it is being used by another process. (os error 32)"
        );
        assert_eq!(rust_kind(ERROR_ACCESS_DENIED), "PermissionDenied");
        assert_eq!(rust_kind(ERROR_DIR_NOT_EMPTY), "DirectoryNotEmpty");
        assert_eq!(rust_kind(ERROR_LOCK_VIOLATION), "Uncategorized");
        assert_eq!(rust_kind(ERROR_DIRECTORY), "NotADirectory");
        assert_eq!(rust_kind(ERROR_NOT_SAME_DEVICE), "CrossesDevices");
    }

    #[test]
    fn go_windows() {
        assert_eq!(
            go_error(ERROR_SHARING_VIOLATION, "remove", "/tmp/x"),
            "remove /tmp/x: The process cannot access the file because it is being used by another process."
        );
        assert_eq!(
            go_link_error(ERROR_ACCESS_DENIED, "rename", "a", "b"),
            "rename a b: Access is denied."
        );
        assert_eq!(go_is(ERROR_SHARING_VIOLATION), GoIs::default());
        assert!(go_is(ERROR_ACCESS_DENIED).permission);
        assert!(go_is(ERROR_DIR_NOT_EMPTY).exist);
        assert!(go_is(ERROR_PATH_NOT_FOUND).not_exist);
    }

    #[test]
    fn enforce_keeps_each_runtimes_classification() {
        for &e in Win32Error::ALL {
            let crt = enforce(e, Runtime::Crt);
            assert_eq!(crt, crt_errno(e));
            let py = enforce(e, Runtime::Python);
            assert_eq!(python_class(py), python_class(python_errno(e)), "python {e}");
            let node = enforce(e, Runtime::Node);
            assert_eq!(linux_node_code(node), node_error(e).code, "node {e}");
            let rust = enforce(e, Runtime::Rust);
            assert_eq!(linux_rust_kind(rust), rust_kind(e), "rust {e}");
            let go = enforce(e, Runtime::Go);
            assert_eq!(linux_go_is(go), go_is(e), "go {e}");
            // NIO's exception class: the same on both sides.
            let nio_class = |n: Errno| match n {
                Errno::EACCES => "AccessDenied",
                Errno::ENOENT => "NoSuchFile",
                Errno::EEXIST => "FileAlreadyExists",
                _ => "FileSystem",
            };
            let windows_class = match e {
                ERROR_ACCESS_DENIED => "AccessDenied",
                ERROR_FILE_NOT_FOUND | ERROR_PATH_NOT_FOUND => "NoSuchFile",
                ERROR_FILE_EXISTS | ERROR_ALREADY_EXISTS => "FileAlreadyExists",
                _ => "FileSystem",
            };
            assert_eq!(nio_class(enforce(e, Runtime::Java)), windows_class, "java {e}");
        }
        assert_eq!(enforce_errno(ERROR_SHARING_VIOLATION, Runtime::Java), 16);
    }

    #[test]
    fn enforce_values_named_in_the_spec() {
        // run.md: EACCES for ERROR_SHARING_VIOLATION and ERROR_ACCESS_DENIED, ENOTEMPTY for
        // ERROR_DIR_NOT_EMPTY -- for the C runtime and Python. Node sees EBUSY / EPERM on
        // Windows; Go and Rust do not call a sharing violation a permission error.
        assert_eq!(enforce_errno(ERROR_SHARING_VIOLATION, Runtime::Crt), 13);
        assert_eq!(enforce_errno(ERROR_SHARING_VIOLATION, Runtime::Python), 13);
        assert_eq!(enforce_errno(ERROR_SHARING_VIOLATION, Runtime::Node), 16);
        assert_eq!(enforce_errno(ERROR_SHARING_VIOLATION, Runtime::Go), 16);
        assert_eq!(enforce_errno(ERROR_SHARING_VIOLATION, Runtime::Rust), 37);
        assert_eq!(enforce_errno(ERROR_ACCESS_DENIED, Runtime::Crt), 13);
        assert_eq!(enforce_errno(ERROR_ACCESS_DENIED, Runtime::Python), 13);
        assert_eq!(enforce_errno(ERROR_ACCESS_DENIED, Runtime::Rust), 13);
        assert_eq!(enforce_errno(ERROR_ACCESS_DENIED, Runtime::Go), 13);
        assert_eq!(enforce_errno(ERROR_ACCESS_DENIED, Runtime::Node), 1);
        for &r in Runtime::ALL {
            assert_eq!(enforce_errno(ERROR_DIR_NOT_EMPTY, r), 39, "{r}");
            assert_eq!(enforce_errno(ERROR_FILE_NOT_FOUND, r), 2, "{r}");
            assert_eq!(enforce_errno(ERROR_ALREADY_EXISTS, r), 17, "{r}");
        }
        assert_eq!(enforce_errno(ERROR_DIRECTORY, Runtime::Python), 20);
        assert_eq!(enforce_errno(ERROR_NOT_SAME_DEVICE, Runtime::Go), 18);
        assert_eq!(Runtime::from_name("dotnet"), Some(Runtime::DotNet));
    }

    #[test]
    fn every_model_status_translates() {
        for &s in NtStatus::ALL {
            let t = translation_of_status(s);
            assert!(!t.message.is_empty(), "{s}");
        }
        let t = translation_of_status(NtStatus::STATUS_SHARING_VIOLATION);
        assert_eq!(t.crt_errno, "EACCES");
        assert_eq!(t.python_class, "PermissionError");
        assert_eq!(t.node_code, "EBUSY");
        assert_eq!(t.rust_kind, "Uncategorized");
    }
}
