//! NTSTATUS and Win32 error codes, and `RtlNtStatusToDosError` for every status the
//! model can return.
//!
//! Values are those of the Windows SDK headers (`ntstatus.h`, `winerror.h`). The status
//! to Win32 mapping is the one Windows' `RtlNtStatusToDosError` gives, as asserted on real
//! Windows by Wine's conformance test `dlls/ntdll/tests/error.c` (W-E in
//! `shared/research/nt-rules.md`, table J).

use std::fmt;

macro_rules! codes {
    ($(#[$m:meta])* $ty:ident : $repr:ty { $($name:ident = $val:expr),* $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
        #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
        pub enum $ty { $($name),* }

        impl $ty {
            /// Every value, in declaration order.
            pub const ALL: &'static [$ty] = &[$($ty::$name),*];

            /// The SDK name, e.g. `STATUS_SHARING_VIOLATION` / `ERROR_ACCESS_DENIED`.
            pub fn name(self) -> &'static str {
                match self { $($ty::$name => stringify!($name)),* }
            }

            /// The numeric value.
            pub fn code(self) -> $repr {
                match self { $($ty::$name => $val),* }
            }

            /// Look a value up by its SDK name (exact, case-sensitive).
            pub fn from_name(name: &str) -> Option<$ty> {
                match name { $(stringify!($name) => Some($ty::$name),)* _ => None }
            }

            /// Look a value up by its number.
            pub fn from_code(code: $repr) -> Option<$ty> {
                $(if code == $val { return Some($ty::$name); })*
                None
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.name()) }
        }
    };
}

codes! {
    /// An NTSTATUS value.
    NtStatus: u32 {
        STATUS_SUCCESS = 0x0000_0000,
        STATUS_PENDING = 0x0000_0103,
        STATUS_OBJECT_NAME_EXISTS = 0x4000_0000,
        STATUS_IMAGE_NOT_AT_BASE = 0x4000_0003,
        STATUS_BUFFER_OVERFLOW = 0x8000_0005,
        STATUS_NO_MORE_FILES = 0x8000_0006,
        STATUS_UNSUCCESSFUL = 0xC000_0001,
        STATUS_NOT_IMPLEMENTED = 0xC000_0002,
        STATUS_INVALID_INFO_CLASS = 0xC000_0003,
        STATUS_INFO_LENGTH_MISMATCH = 0xC000_0004,
        STATUS_ACCESS_VIOLATION = 0xC000_0005,
        STATUS_INVALID_HANDLE = 0xC000_0008,
        STATUS_INVALID_PARAMETER = 0xC000_000D,
        STATUS_NO_SUCH_DEVICE = 0xC000_000E,
        STATUS_NO_SUCH_FILE = 0xC000_000F,
        STATUS_INVALID_DEVICE_REQUEST = 0xC000_0010,
        STATUS_END_OF_FILE = 0xC000_0011,
        STATUS_NO_MEMORY = 0xC000_0017,
        STATUS_CONFLICTING_ADDRESSES = 0xC000_0018,
        STATUS_NOT_MAPPED_VIEW = 0xC000_0019,
        STATUS_UNABLE_TO_DELETE_SECTION = 0xC000_001B,
        STATUS_INVALID_VIEW_SIZE = 0xC000_001F,
        STATUS_INVALID_FILE_FOR_SECTION = 0xC000_0020,
        STATUS_ALREADY_COMMITTED = 0xC000_0021,
        STATUS_ACCESS_DENIED = 0xC000_0022,
        STATUS_BUFFER_TOO_SMALL = 0xC000_0023,
        STATUS_OBJECT_TYPE_MISMATCH = 0xC000_0024,
        STATUS_NOT_LOCKED = 0xC000_002A,
        STATUS_INVALID_PARAMETER_MIX = 0xC000_0030,
        STATUS_OBJECT_NAME_INVALID = 0xC000_0033,
        STATUS_OBJECT_NAME_NOT_FOUND = 0xC000_0034,
        STATUS_OBJECT_NAME_COLLISION = 0xC000_0035,
        STATUS_OBJECT_PATH_INVALID = 0xC000_0039,
        STATUS_OBJECT_PATH_NOT_FOUND = 0xC000_003A,
        STATUS_OBJECT_PATH_SYNTAX_BAD = 0xC000_003B,
        STATUS_SECTION_TOO_BIG = 0xC000_0040,
        STATUS_SHARING_VIOLATION = 0xC000_0043,
        STATUS_INVALID_PAGE_PROTECTION = 0xC000_0045,
        STATUS_SECTION_PROTECTION = 0xC000_004E,
        STATUS_FILE_LOCK_CONFLICT = 0xC000_0054,
        STATUS_LOCK_NOT_GRANTED = 0xC000_0055,
        STATUS_DELETE_PENDING = 0xC000_0056,
        STATUS_PRIVILEGE_NOT_HELD = 0xC000_0061,
        STATUS_INVALID_IMAGE_FORMAT = 0xC000_007B,
        STATUS_RANGE_NOT_LOCKED = 0xC000_007E,
        STATUS_DISK_FULL = 0xC000_007F,
        STATUS_FILE_INVALID = 0xC000_0098,
        STATUS_INSUFFICIENT_RESOURCES = 0xC000_009A,
        STATUS_MEDIA_WRITE_PROTECTED = 0xC000_00A2,
        STATUS_ILLEGAL_FUNCTION = 0xC000_00AF,
        STATUS_FILE_IS_A_DIRECTORY = 0xC000_00BA,
        STATUS_NOT_SUPPORTED = 0xC000_00BB,
        STATUS_NOT_SAME_DEVICE = 0xC000_00D4,
        STATUS_FILE_RENAMED = 0xC000_00D5,
        STATUS_DIRECTORY_NOT_EMPTY = 0xC000_0101,
        STATUS_FILE_CORRUPT_ERROR = 0xC000_0102,
        STATUS_NOT_A_DIRECTORY = 0xC000_0103,
        STATUS_NAME_TOO_LONG = 0xC000_0106,
        STATUS_PROCESS_IS_TERMINATING = 0xC000_010A,
        STATUS_MAPPED_FILE_SIZE_ZERO = 0xC000_011E,
        STATUS_CANNOT_DELETE = 0xC000_0121,
        STATUS_FILE_DELETED = 0xC000_0123,
        STATUS_FILE_CLOSED = 0xC000_0128,
        STATUS_INVALID_IMAGE_NOT_MZ = 0xC000_012F,
        STATUS_INVALID_IMAGE_PROTECT = 0xC000_0130,
        STATUS_INVALID_IMAGE_WIN_16 = 0xC000_0131,
        STATUS_DLL_NOT_FOUND = 0xC000_0135,
        STATUS_INVALID_ADDRESS = 0xC000_0141,
        STATUS_USER_MAPPED_FILE = 0xC000_0243,
        STATUS_NOT_A_REPARSE_POINT = 0xC000_0275,
        STATUS_INVALID_IMAGE_WIN_64 = 0xC000_035A,
    }
}

codes! {
    /// A Win32 error code, as `GetLastError` returns it.
    Win32Error: u32 {
        ERROR_SUCCESS = 0,
        ERROR_INVALID_FUNCTION = 1,
        ERROR_FILE_NOT_FOUND = 2,
        ERROR_PATH_NOT_FOUND = 3,
        ERROR_TOO_MANY_OPEN_FILES = 4,
        ERROR_ACCESS_DENIED = 5,
        ERROR_INVALID_HANDLE = 6,
        ERROR_NOT_ENOUGH_MEMORY = 8,
        ERROR_INVALID_ACCESS = 12,
        ERROR_INVALID_DRIVE = 15,
        ERROR_CURRENT_DIRECTORY = 16,
        ERROR_NOT_SAME_DEVICE = 17,
        ERROR_NO_MORE_FILES = 18,
        ERROR_WRITE_PROTECT = 19,
        ERROR_NOT_READY = 21,
        ERROR_BAD_LENGTH = 24,
        ERROR_WRITE_FAULT = 29,
        ERROR_READ_FAULT = 30,
        ERROR_GEN_FAILURE = 31,
        ERROR_SHARING_VIOLATION = 32,
        ERROR_LOCK_VIOLATION = 33,
        ERROR_HANDLE_EOF = 38,
        ERROR_HANDLE_DISK_FULL = 39,
        ERROR_NOT_SUPPORTED = 50,
        ERROR_BAD_NETPATH = 53,
        ERROR_UNEXP_NET_ERR = 59,
        ERROR_FILE_EXISTS = 80,
        ERROR_CANNOT_MAKE = 82,
        ERROR_INVALID_PARAMETER = 87,
        ERROR_OPEN_FAILED = 110,
        ERROR_DISK_FULL = 112,
        ERROR_CALL_NOT_IMPLEMENTED = 120,
        ERROR_INSUFFICIENT_BUFFER = 122,
        ERROR_INVALID_NAME = 123,
        ERROR_MOD_NOT_FOUND = 126,
        ERROR_PROC_NOT_FOUND = 127,
        ERROR_NEGATIVE_SEEK = 131,
        ERROR_DIR_NOT_EMPTY = 145,
        ERROR_NOT_LOCKED = 158,
        ERROR_BAD_PATHNAME = 161,
        ERROR_BUSY = 170,
        ERROR_ALREADY_EXISTS = 183,
        ERROR_BAD_EXE_FORMAT = 193,
        ERROR_FILENAME_EXCED_RANGE = 206,
        ERROR_EXE_MACHINE_TYPE_MISMATCH = 216,
        ERROR_MORE_DATA = 234,
        ERROR_INVALID_EA_NAME = 254,
        ERROR_DIRECTORY = 267,
        ERROR_NOT_OWNER = 288,
        ERROR_DELETE_PENDING = 303,
        ERROR_INVALID_ADDRESS = 487,
        ERROR_OBJECT_NAME_EXISTS = 698,
        ERROR_IMAGE_NOT_AT_BASE = 700,
        ERROR_OPERATION_ABORTED = 995,
        ERROR_IO_PENDING = 997,
        ERROR_NOACCESS = 998,
        ERROR_INVALID_FLAGS = 1004,
        ERROR_FILE_INVALID = 1006,
        ERROR_DLL_INIT_FAILED = 1114,
        ERROR_MAPPED_ALIGNMENT = 1132,
        ERROR_USER_MAPPED_FILE = 1224,
        ERROR_PRIVILEGE_NOT_HELD = 1314,
        ERROR_FILE_CORRUPT = 1392,
        ERROR_NO_SYSTEM_RESOURCES = 1450,
        ERROR_COMMITMENT_LIMIT = 1455,
        ERROR_INVALID_USER_BUFFER = 1784,
        ERROR_CANT_ACCESS_FILE = 1920,
        ERROR_CANT_RESOLVE_FILENAME = 1921,
        ERROR_NOT_A_REPARSE_POINT = 4390,
        ERROR_FILE_READ_ONLY = 6009,
    }
}

impl NtStatus {
    /// `RtlNtStatusToDosError`: the Win32 error a Win32 API reports for this status.
    ///
    /// Every entry is the value Wine's conformance test `dlls/ntdll/tests/error.c`
    /// (`run_error_tests`) asserts on Windows: `cmp(s, e)` requires `e`; `cmp2(s, e)` accepts
    /// `e` or, outside strict mode, `ERROR_MR_MID_NOT_FOUND` from old Windows that had no
    /// mapping; `cmp3`/`cmp4` accept a second value only from older Windows. The first value
    /// is therefore current Windows. Two informational statuses are not in `error.c`:
    /// `STATUS_OBJECT_NAME_EXISTS` and `STATUS_IMAGE_NOT_AT_BASE` map to their `ERROR_`
    /// twins (698, 700), as in the table dumped from Windows in `piscisaureus/wepoll`
    /// `src/error-map.h`. Note that `STATUS_INVALID_ADDRESS` (0xC0000141) is a *network*
    /// status (`ERROR_UNEXP_NET_ERR`), not the memory manager's "invalid address" (that is
    /// `STATUS_NOT_MAPPED_VIEW`/`STATUS_CONFLICTING_ADDRESSES` -> `ERROR_INVALID_ADDRESS`).
    pub fn to_win32(self) -> Win32Error {
        use NtStatus::*;
        use Win32Error::*;
        match self {
            STATUS_SUCCESS => ERROR_SUCCESS,
            STATUS_PENDING => ERROR_IO_PENDING,
            STATUS_OBJECT_NAME_EXISTS => ERROR_OBJECT_NAME_EXISTS,
            STATUS_IMAGE_NOT_AT_BASE => ERROR_IMAGE_NOT_AT_BASE,
            STATUS_BUFFER_OVERFLOW => ERROR_MORE_DATA,
            STATUS_NO_MORE_FILES => ERROR_NO_MORE_FILES,
            STATUS_UNSUCCESSFUL => ERROR_GEN_FAILURE,
            STATUS_NOT_IMPLEMENTED => ERROR_INVALID_FUNCTION,
            STATUS_INVALID_INFO_CLASS => ERROR_INVALID_PARAMETER,
            STATUS_INFO_LENGTH_MISMATCH => ERROR_BAD_LENGTH,
            STATUS_ACCESS_VIOLATION => ERROR_NOACCESS,
            STATUS_INVALID_HANDLE => ERROR_INVALID_HANDLE,
            STATUS_INVALID_PARAMETER => ERROR_INVALID_PARAMETER,
            STATUS_NO_SUCH_DEVICE => ERROR_FILE_NOT_FOUND,
            STATUS_NO_SUCH_FILE => ERROR_FILE_NOT_FOUND,
            STATUS_INVALID_DEVICE_REQUEST => ERROR_INVALID_FUNCTION,
            STATUS_END_OF_FILE => ERROR_HANDLE_EOF,
            STATUS_NO_MEMORY => ERROR_NOT_ENOUGH_MEMORY,
            STATUS_CONFLICTING_ADDRESSES => ERROR_INVALID_ADDRESS,
            STATUS_NOT_MAPPED_VIEW => ERROR_INVALID_ADDRESS,
            STATUS_UNABLE_TO_DELETE_SECTION => ERROR_INVALID_PARAMETER,
            STATUS_INVALID_VIEW_SIZE => ERROR_ACCESS_DENIED,
            STATUS_INVALID_FILE_FOR_SECTION => ERROR_BAD_EXE_FORMAT,
            STATUS_ALREADY_COMMITTED => ERROR_ACCESS_DENIED,
            STATUS_ACCESS_DENIED => ERROR_ACCESS_DENIED,
            STATUS_BUFFER_TOO_SMALL => ERROR_INSUFFICIENT_BUFFER,
            STATUS_OBJECT_TYPE_MISMATCH => ERROR_INVALID_HANDLE,
            STATUS_NOT_LOCKED => ERROR_NOT_LOCKED,
            STATUS_INVALID_PARAMETER_MIX => ERROR_INVALID_PARAMETER,
            STATUS_OBJECT_NAME_INVALID => ERROR_INVALID_NAME,
            STATUS_OBJECT_NAME_NOT_FOUND => ERROR_FILE_NOT_FOUND,
            STATUS_OBJECT_NAME_COLLISION => ERROR_ALREADY_EXISTS,
            STATUS_OBJECT_PATH_INVALID => ERROR_BAD_PATHNAME,
            STATUS_OBJECT_PATH_NOT_FOUND => ERROR_PATH_NOT_FOUND,
            STATUS_OBJECT_PATH_SYNTAX_BAD => ERROR_BAD_PATHNAME,
            STATUS_SECTION_TOO_BIG => ERROR_NOT_ENOUGH_MEMORY,
            STATUS_SHARING_VIOLATION => ERROR_SHARING_VIOLATION,
            STATUS_INVALID_PAGE_PROTECTION => ERROR_INVALID_PARAMETER,
            STATUS_SECTION_PROTECTION => ERROR_INVALID_PARAMETER,
            STATUS_FILE_LOCK_CONFLICT => ERROR_LOCK_VIOLATION,
            STATUS_LOCK_NOT_GRANTED => ERROR_LOCK_VIOLATION,
            STATUS_DELETE_PENDING => ERROR_ACCESS_DENIED,
            STATUS_PRIVILEGE_NOT_HELD => ERROR_PRIVILEGE_NOT_HELD,
            STATUS_INVALID_IMAGE_FORMAT => ERROR_BAD_EXE_FORMAT,
            STATUS_RANGE_NOT_LOCKED => ERROR_NOT_LOCKED,
            STATUS_DISK_FULL => ERROR_DISK_FULL,
            STATUS_FILE_INVALID => ERROR_FILE_INVALID,
            STATUS_INSUFFICIENT_RESOURCES => ERROR_NO_SYSTEM_RESOURCES,
            STATUS_MEDIA_WRITE_PROTECTED => ERROR_WRITE_PROTECT,
            STATUS_ILLEGAL_FUNCTION => ERROR_INVALID_FUNCTION,
            STATUS_FILE_IS_A_DIRECTORY => ERROR_ACCESS_DENIED,
            STATUS_NOT_SUPPORTED => ERROR_NOT_SUPPORTED,
            STATUS_NOT_SAME_DEVICE => ERROR_NOT_SAME_DEVICE,
            STATUS_FILE_RENAMED => ERROR_ACCESS_DENIED,
            STATUS_DIRECTORY_NOT_EMPTY => ERROR_DIR_NOT_EMPTY,
            STATUS_FILE_CORRUPT_ERROR => ERROR_FILE_CORRUPT,
            STATUS_NOT_A_DIRECTORY => ERROR_DIRECTORY,
            STATUS_NAME_TOO_LONG => ERROR_FILENAME_EXCED_RANGE,
            STATUS_PROCESS_IS_TERMINATING => ERROR_ACCESS_DENIED,
            STATUS_MAPPED_FILE_SIZE_ZERO => ERROR_FILE_INVALID,
            STATUS_CANNOT_DELETE => ERROR_ACCESS_DENIED,
            STATUS_FILE_DELETED => ERROR_ACCESS_DENIED,
            STATUS_FILE_CLOSED => ERROR_INVALID_HANDLE,
            STATUS_INVALID_IMAGE_NOT_MZ => ERROR_BAD_EXE_FORMAT,
            STATUS_INVALID_IMAGE_PROTECT => ERROR_BAD_EXE_FORMAT,
            STATUS_INVALID_IMAGE_WIN_16 => ERROR_BAD_EXE_FORMAT,
            STATUS_DLL_NOT_FOUND => ERROR_MOD_NOT_FOUND,
            STATUS_INVALID_ADDRESS => ERROR_UNEXP_NET_ERR,
            STATUS_USER_MAPPED_FILE => ERROR_USER_MAPPED_FILE,
            STATUS_NOT_A_REPARSE_POINT => ERROR_NOT_A_REPARSE_POINT,
            STATUS_INVALID_IMAGE_WIN_64 => ERROR_BAD_EXE_FORMAT,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::NtStatus::{self, *};
    use super::Win32Error::{self, *};

    /// `RtlNtStatusToDosError` as asserted on real Windows by Wine's
    /// `dlls/ntdll/tests/error.c` (`run_error_tests`; wine-mirror/wine, checked against the
    /// stored version of the file). The macro is given per row: `cmp` = the only accepted
    /// value, `cmp2` = that value on current Windows (older Windows: MID_NOT_FOUND). Rows
    /// marked `wepoll` are not in `error.c`; their value is from the table generated on
    /// Windows in `piscisaureus/wepoll` `src/error-map.h`.
    const TABLE: &[(NtStatus, Win32Error, &str)] = &[
        (STATUS_SUCCESS, ERROR_SUCCESS, "cmp"),
        (STATUS_PENDING, ERROR_IO_PENDING, "cmp"),
        (STATUS_OBJECT_NAME_EXISTS, ERROR_OBJECT_NAME_EXISTS, "wepoll"),
        (STATUS_IMAGE_NOT_AT_BASE, ERROR_IMAGE_NOT_AT_BASE, "wepoll"),
        (STATUS_BUFFER_OVERFLOW, ERROR_MORE_DATA, "cmp"),
        (STATUS_NO_MORE_FILES, ERROR_NO_MORE_FILES, "cmp"),
        (STATUS_UNSUCCESSFUL, ERROR_GEN_FAILURE, "cmp"),
        (STATUS_NOT_IMPLEMENTED, ERROR_INVALID_FUNCTION, "cmp"),
        (STATUS_INVALID_INFO_CLASS, ERROR_INVALID_PARAMETER, "cmp"),
        (STATUS_INFO_LENGTH_MISMATCH, ERROR_BAD_LENGTH, "cmp"),
        (STATUS_ACCESS_VIOLATION, ERROR_NOACCESS, "cmp"),
        (STATUS_INVALID_HANDLE, ERROR_INVALID_HANDLE, "cmp"),
        (STATUS_INVALID_PARAMETER, ERROR_INVALID_PARAMETER, "cmp"),
        (STATUS_NO_SUCH_DEVICE, ERROR_FILE_NOT_FOUND, "cmp"),
        (STATUS_NO_SUCH_FILE, ERROR_FILE_NOT_FOUND, "cmp"),
        (STATUS_INVALID_DEVICE_REQUEST, ERROR_INVALID_FUNCTION, "cmp"),
        (STATUS_END_OF_FILE, ERROR_HANDLE_EOF, "cmp"),
        (STATUS_NO_MEMORY, ERROR_NOT_ENOUGH_MEMORY, "cmp"),
        (STATUS_CONFLICTING_ADDRESSES, ERROR_INVALID_ADDRESS, "cmp"),
        (STATUS_NOT_MAPPED_VIEW, ERROR_INVALID_ADDRESS, "cmp"),
        (STATUS_UNABLE_TO_DELETE_SECTION, ERROR_INVALID_PARAMETER, "cmp"),
        (STATUS_INVALID_VIEW_SIZE, ERROR_ACCESS_DENIED, "cmp"),
        (STATUS_INVALID_FILE_FOR_SECTION, ERROR_BAD_EXE_FORMAT, "cmp"),
        (STATUS_ALREADY_COMMITTED, ERROR_ACCESS_DENIED, "cmp"),
        (STATUS_ACCESS_DENIED, ERROR_ACCESS_DENIED, "cmp"),
        (STATUS_BUFFER_TOO_SMALL, ERROR_INSUFFICIENT_BUFFER, "cmp"),
        (STATUS_OBJECT_TYPE_MISMATCH, ERROR_INVALID_HANDLE, "cmp"),
        (STATUS_NOT_LOCKED, ERROR_NOT_LOCKED, "cmp"),
        (STATUS_INVALID_PARAMETER_MIX, ERROR_INVALID_PARAMETER, "cmp"),
        (STATUS_OBJECT_NAME_INVALID, ERROR_INVALID_NAME, "cmp"),
        (STATUS_OBJECT_NAME_NOT_FOUND, ERROR_FILE_NOT_FOUND, "cmp"),
        (STATUS_OBJECT_NAME_COLLISION, ERROR_ALREADY_EXISTS, "cmp"),
        (STATUS_OBJECT_PATH_INVALID, ERROR_BAD_PATHNAME, "cmp"),
        (STATUS_OBJECT_PATH_NOT_FOUND, ERROR_PATH_NOT_FOUND, "cmp"),
        (STATUS_OBJECT_PATH_SYNTAX_BAD, ERROR_BAD_PATHNAME, "cmp"),
        (STATUS_SECTION_TOO_BIG, ERROR_NOT_ENOUGH_MEMORY, "cmp"),
        (STATUS_SHARING_VIOLATION, ERROR_SHARING_VIOLATION, "cmp"),
        (STATUS_INVALID_PAGE_PROTECTION, ERROR_INVALID_PARAMETER, "cmp"),
        (STATUS_SECTION_PROTECTION, ERROR_INVALID_PARAMETER, "cmp"),
        (STATUS_FILE_LOCK_CONFLICT, ERROR_LOCK_VIOLATION, "cmp"),
        (STATUS_LOCK_NOT_GRANTED, ERROR_LOCK_VIOLATION, "cmp"),
        (STATUS_DELETE_PENDING, ERROR_ACCESS_DENIED, "cmp"),
        (STATUS_PRIVILEGE_NOT_HELD, ERROR_PRIVILEGE_NOT_HELD, "cmp"),
        (STATUS_INVALID_IMAGE_FORMAT, ERROR_BAD_EXE_FORMAT, "cmp"),
        (STATUS_RANGE_NOT_LOCKED, ERROR_NOT_LOCKED, "cmp"),
        (STATUS_DISK_FULL, ERROR_DISK_FULL, "cmp"),
        (STATUS_FILE_INVALID, ERROR_FILE_INVALID, "cmp"),
        (STATUS_INSUFFICIENT_RESOURCES, ERROR_NO_SYSTEM_RESOURCES, "cmp"),
        (STATUS_MEDIA_WRITE_PROTECTED, ERROR_WRITE_PROTECT, "cmp"),
        (STATUS_ILLEGAL_FUNCTION, ERROR_INVALID_FUNCTION, "cmp"),
        (STATUS_FILE_IS_A_DIRECTORY, ERROR_ACCESS_DENIED, "cmp"),
        (STATUS_NOT_SUPPORTED, ERROR_NOT_SUPPORTED, "cmp"),
        (STATUS_NOT_SAME_DEVICE, ERROR_NOT_SAME_DEVICE, "cmp"),
        (STATUS_FILE_RENAMED, ERROR_ACCESS_DENIED, "cmp2"),
        (STATUS_DIRECTORY_NOT_EMPTY, ERROR_DIR_NOT_EMPTY, "cmp"),
        (STATUS_FILE_CORRUPT_ERROR, ERROR_FILE_CORRUPT, "cmp"),
        (STATUS_NOT_A_DIRECTORY, ERROR_DIRECTORY, "cmp"),
        (STATUS_NAME_TOO_LONG, ERROR_FILENAME_EXCED_RANGE, "cmp"),
        (STATUS_PROCESS_IS_TERMINATING, ERROR_ACCESS_DENIED, "cmp"),
        (STATUS_MAPPED_FILE_SIZE_ZERO, ERROR_FILE_INVALID, "cmp"),
        (STATUS_CANNOT_DELETE, ERROR_ACCESS_DENIED, "cmp"),
        (STATUS_FILE_DELETED, ERROR_ACCESS_DENIED, "cmp"),
        (STATUS_FILE_CLOSED, ERROR_INVALID_HANDLE, "cmp"),
        (STATUS_INVALID_IMAGE_NOT_MZ, ERROR_BAD_EXE_FORMAT, "cmp"),
        (STATUS_INVALID_IMAGE_PROTECT, ERROR_BAD_EXE_FORMAT, "cmp"),
        (STATUS_INVALID_IMAGE_WIN_16, ERROR_BAD_EXE_FORMAT, "cmp"),
        (STATUS_DLL_NOT_FOUND, ERROR_MOD_NOT_FOUND, "cmp"),
        (STATUS_INVALID_ADDRESS, ERROR_UNEXP_NET_ERR, "cmp"),
        (STATUS_USER_MAPPED_FILE, ERROR_USER_MAPPED_FILE, "cmp"),
        (STATUS_NOT_A_REPARSE_POINT, ERROR_NOT_A_REPARSE_POINT, "cmp2"),
        (STATUS_INVALID_IMAGE_WIN_64, ERROR_BAD_EXE_FORMAT, "cmp2"),
    ];

    #[test]
    fn rtl_nt_status_to_dos_error_matches_windows() {
        for &(status, win32, _how) in TABLE {
            assert_eq!(status.to_win32(), win32, "{status}");
        }
    }

    #[test]
    fn table_covers_every_status() {
        for s in NtStatus::ALL {
            assert!(
                TABLE.iter().any(|(t, _, _)| t == s),
                "{s} has no row in the error.c table"
            );
        }
        assert_eq!(TABLE.len(), NtStatus::ALL.len());
    }

    /// Numbers checked against Wine `include/ntstatus.h` and the SDK `winerror.h`.
    #[test]
    fn numeric_values() {
        assert_eq!(STATUS_SHARING_VIOLATION.code(), 0xC000_0043);
        assert_eq!(STATUS_DELETE_PENDING.code(), 0xC000_0056);
        assert_eq!(STATUS_CANNOT_DELETE.code(), 0xC000_0121);
        assert_eq!(STATUS_USER_MAPPED_FILE.code(), 0xC000_0243);
        assert_eq!(STATUS_NOT_A_REPARSE_POINT.code(), 0xC000_0275);
        assert_eq!(STATUS_INVALID_IMAGE_WIN_64.code(), 0xC000_035A);
        assert_eq!(STATUS_INVALID_ADDRESS.code(), 0xC000_0141);
        assert_eq!(ERROR_SHARING_VIOLATION.code(), 32);
        assert_eq!(ERROR_DIR_NOT_EMPTY.code(), 145);
        assert_eq!(ERROR_DIRECTORY.code(), 267);
        assert_eq!(ERROR_DELETE_PENDING.code(), 303);
        assert_eq!(ERROR_OBJECT_NAME_EXISTS.code(), 698);
        assert_eq!(ERROR_USER_MAPPED_FILE.code(), 1224);
        assert_eq!(ERROR_CANT_RESOLVE_FILENAME.code(), 1921);
        assert_eq!(ERROR_NOT_A_REPARSE_POINT.code(), 4390);
        assert_eq!(ERROR_FILE_READ_ONLY.code(), 6009);
    }

    #[test]
    fn codes_are_unique_and_round_trip() {
        for s in NtStatus::ALL {
            assert_eq!(NtStatus::from_code(s.code()), Some(*s));
            assert_eq!(NtStatus::from_name(s.name()), Some(*s));
        }
        for e in Win32Error::ALL {
            assert_eq!(Win32Error::from_code(e.code()), Some(*e));
            assert_eq!(Win32Error::from_name(e.name()), Some(*e));
        }
    }
}
