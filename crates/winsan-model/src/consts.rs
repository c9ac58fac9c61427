//! The Windows SDK constants that scenario files and the model use, by name.
//!
//! Values are those of `winnt.h`, `winbase.h`, `fileapi.h` and the DDK's `wdm.h`/`ntifs.h`.
//! [`lookup`] resolves a name as written in a scenario file.

/// Access rights (`winnt.h`).
pub mod access {
    pub const DELETE: u32 = 0x0001_0000;
    pub const READ_CONTROL: u32 = 0x0002_0000;
    pub const WRITE_DAC: u32 = 0x0004_0000;
    pub const WRITE_OWNER: u32 = 0x0008_0000;
    pub const SYNCHRONIZE: u32 = 0x0010_0000;
    pub const STANDARD_RIGHTS_REQUIRED: u32 = 0x000F_0000;
    pub const STANDARD_RIGHTS_READ: u32 = READ_CONTROL;
    pub const STANDARD_RIGHTS_WRITE: u32 = READ_CONTROL;
    pub const STANDARD_RIGHTS_EXECUTE: u32 = READ_CONTROL;
    pub const STANDARD_RIGHTS_ALL: u32 = 0x001F_0000;
    pub const ACCESS_SYSTEM_SECURITY: u32 = 0x0100_0000;
    pub const MAXIMUM_ALLOWED: u32 = 0x0200_0000;
    pub const GENERIC_ALL: u32 = 0x1000_0000;
    pub const GENERIC_EXECUTE: u32 = 0x2000_0000;
    pub const GENERIC_WRITE: u32 = 0x4000_0000;
    pub const GENERIC_READ: u32 = 0x8000_0000;

    pub const FILE_READ_DATA: u32 = 0x0001;
    pub const FILE_LIST_DIRECTORY: u32 = 0x0001;
    pub const FILE_WRITE_DATA: u32 = 0x0002;
    pub const FILE_ADD_FILE: u32 = 0x0002;
    pub const FILE_APPEND_DATA: u32 = 0x0004;
    pub const FILE_ADD_SUBDIRECTORY: u32 = 0x0004;
    pub const FILE_READ_EA: u32 = 0x0008;
    pub const FILE_WRITE_EA: u32 = 0x0010;
    pub const FILE_EXECUTE: u32 = 0x0020;
    pub const FILE_TRAVERSE: u32 = 0x0020;
    pub const FILE_DELETE_CHILD: u32 = 0x0040;
    pub const FILE_READ_ATTRIBUTES: u32 = 0x0080;
    pub const FILE_WRITE_ATTRIBUTES: u32 = 0x0100;
    pub const FILE_ALL_ACCESS: u32 = STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x1FF;
    pub const FILE_GENERIC_READ: u32 =
        STANDARD_RIGHTS_READ | FILE_READ_DATA | FILE_READ_ATTRIBUTES | FILE_READ_EA | SYNCHRONIZE;
    pub const FILE_GENERIC_WRITE: u32 = STANDARD_RIGHTS_WRITE
        | FILE_WRITE_DATA
        | FILE_WRITE_ATTRIBUTES
        | FILE_WRITE_EA
        | FILE_APPEND_DATA
        | SYNCHRONIZE;
    pub const FILE_GENERIC_EXECUTE: u32 = STANDARD_RIGHTS_EXECUTE | FILE_READ_ATTRIBUTES | FILE_EXECUTE | SYNCHRONIZE;

    pub const SECTION_QUERY: u32 = 0x0001;
    pub const SECTION_MAP_WRITE: u32 = 0x0002;
    pub const SECTION_MAP_READ: u32 = 0x0004;
    pub const SECTION_MAP_EXECUTE: u32 = 0x0008;
    pub const SECTION_EXTEND_SIZE: u32 = 0x0010;
    pub const SECTION_ALL_ACCESS: u32 = 0x000F_001F;
}

/// Share modes (`winnt.h`).
pub mod share {
    pub const FILE_SHARE_READ: u32 = 0x1;
    pub const FILE_SHARE_WRITE: u32 = 0x2;
    pub const FILE_SHARE_DELETE: u32 = 0x4;
    pub const FILE_SHARE_VALID_FLAGS: u32 = 0x7;
}

/// `CreateFile` creation dispositions (`fileapi.h`).
pub mod win32_disposition {
    pub const CREATE_NEW: u32 = 1;
    pub const CREATE_ALWAYS: u32 = 2;
    pub const OPEN_EXISTING: u32 = 3;
    pub const OPEN_ALWAYS: u32 = 4;
    pub const TRUNCATE_EXISTING: u32 = 5;
}

/// `NtCreateFile` create dispositions (`wdm.h`).
pub mod nt_disposition {
    pub const FILE_SUPERSEDE: u32 = 0;
    pub const FILE_OPEN: u32 = 1;
    pub const FILE_CREATE: u32 = 2;
    pub const FILE_OPEN_IF: u32 = 3;
    pub const FILE_OVERWRITE: u32 = 4;
    pub const FILE_OVERWRITE_IF: u32 = 5;
}

/// `NtCreateFile` create options (`wdm.h`).
pub mod options {
    pub const FILE_DIRECTORY_FILE: u32 = 0x0000_0001;
    pub const FILE_WRITE_THROUGH: u32 = 0x0000_0002;
    pub const FILE_SEQUENTIAL_ONLY: u32 = 0x0000_0004;
    pub const FILE_NO_INTERMEDIATE_BUFFERING: u32 = 0x0000_0008;
    pub const FILE_SYNCHRONOUS_IO_ALERT: u32 = 0x0000_0010;
    pub const FILE_SYNCHRONOUS_IO_NONALERT: u32 = 0x0000_0020;
    pub const FILE_NON_DIRECTORY_FILE: u32 = 0x0000_0040;
    pub const FILE_CREATE_TREE_CONNECTION: u32 = 0x0000_0080;
    pub const FILE_COMPLETE_IF_OPLOCKED: u32 = 0x0000_0100;
    pub const FILE_NO_EA_KNOWLEDGE: u32 = 0x0000_0200;
    pub const FILE_RANDOM_ACCESS: u32 = 0x0000_0800;
    pub const FILE_DELETE_ON_CLOSE: u32 = 0x0000_1000;
    pub const FILE_OPEN_BY_FILE_ID: u32 = 0x0000_2000;
    pub const FILE_OPEN_FOR_BACKUP_INTENT: u32 = 0x0000_4000;
    pub const FILE_NO_COMPRESSION: u32 = 0x0000_8000;
    pub const FILE_RESERVE_OPFILTER: u32 = 0x0010_0000;
    pub const FILE_OPEN_REPARSE_POINT: u32 = 0x0020_0000;
    pub const FILE_OPEN_NO_RECALL: u32 = 0x0040_0000;
}

/// `CreateFile` flags (`winbase.h`).
pub mod flags {
    pub const FILE_FLAG_WRITE_THROUGH: u32 = 0x8000_0000;
    pub const FILE_FLAG_OVERLAPPED: u32 = 0x4000_0000;
    pub const FILE_FLAG_NO_BUFFERING: u32 = 0x2000_0000;
    pub const FILE_FLAG_RANDOM_ACCESS: u32 = 0x1000_0000;
    pub const FILE_FLAG_SEQUENTIAL_SCAN: u32 = 0x0800_0000;
    pub const FILE_FLAG_DELETE_ON_CLOSE: u32 = 0x0400_0000;
    pub const FILE_FLAG_BACKUP_SEMANTICS: u32 = 0x0200_0000;
    pub const FILE_FLAG_POSIX_SEMANTICS: u32 = 0x0100_0000;
    pub const FILE_FLAG_SESSION_AWARE: u32 = 0x0080_0000;
    pub const FILE_FLAG_OPEN_REPARSE_POINT: u32 = 0x0020_0000;
    pub const FILE_FLAG_OPEN_NO_RECALL: u32 = 0x0010_0000;
    pub const FILE_FLAG_FIRST_PIPE_INSTANCE: u32 = 0x0008_0000;
}

/// File attributes (`winnt.h`).
pub mod attributes {
    pub const FILE_ATTRIBUTE_READONLY: u32 = 0x0001;
    pub const FILE_ATTRIBUTE_HIDDEN: u32 = 0x0002;
    pub const FILE_ATTRIBUTE_SYSTEM: u32 = 0x0004;
    pub const FILE_ATTRIBUTE_DIRECTORY: u32 = 0x0010;
    pub const FILE_ATTRIBUTE_ARCHIVE: u32 = 0x0020;
    pub const FILE_ATTRIBUTE_DEVICE: u32 = 0x0040;
    pub const FILE_ATTRIBUTE_NORMAL: u32 = 0x0080;
    pub const FILE_ATTRIBUTE_TEMPORARY: u32 = 0x0100;
    pub const FILE_ATTRIBUTE_SPARSE_FILE: u32 = 0x0200;
    pub const FILE_ATTRIBUTE_REPARSE_POINT: u32 = 0x0400;
    pub const FILE_ATTRIBUTE_COMPRESSED: u32 = 0x0800;
    pub const FILE_ATTRIBUTE_OFFLINE: u32 = 0x1000;
    pub const FILE_ATTRIBUTE_NOT_CONTENT_INDEXED: u32 = 0x2000;
    pub const FILE_ATTRIBUTE_ENCRYPTED: u32 = 0x4000;
    /// The attributes `SetFileAttributes` and `CreateFile` may set.
    pub const SETTABLE: u32 = FILE_ATTRIBUTE_READONLY
        | FILE_ATTRIBUTE_HIDDEN
        | FILE_ATTRIBUTE_SYSTEM
        | FILE_ATTRIBUTE_ARCHIVE
        | FILE_ATTRIBUTE_TEMPORARY
        | FILE_ATTRIBUTE_OFFLINE
        | FILE_ATTRIBUTE_NOT_CONTENT_INDEXED;
}

/// `MoveFileEx` flags (`winbase.h`).
pub mod movefile {
    pub const MOVEFILE_REPLACE_EXISTING: u32 = 0x01;
    pub const MOVEFILE_COPY_ALLOWED: u32 = 0x02;
    pub const MOVEFILE_DELAY_UNTIL_REBOOT: u32 = 0x04;
    pub const MOVEFILE_WRITE_THROUGH: u32 = 0x08;
    pub const MOVEFILE_CREATE_HARDLINK: u32 = 0x10;
    pub const MOVEFILE_FAIL_IF_NOT_TRACKABLE: u32 = 0x20;
}

/// `FILE_DISPOSITION_INFO_EX` / `FILE_DISPOSITION_INFORMATION_EX` flags.
pub mod disposition {
    pub const FILE_DISPOSITION_FLAG_DO_NOT_DELETE: u32 = 0x00;
    pub const FILE_DISPOSITION_FLAG_DELETE: u32 = 0x01;
    pub const FILE_DISPOSITION_FLAG_POSIX_SEMANTICS: u32 = 0x02;
    pub const FILE_DISPOSITION_FLAG_FORCE_IMAGE_SECTION_CHECK: u32 = 0x04;
    pub const FILE_DISPOSITION_FLAG_ON_CLOSE: u32 = 0x08;
    pub const FILE_DISPOSITION_FLAG_IGNORE_READONLY_ATTRIBUTE: u32 = 0x10;
    /// Every flag this model knows.
    pub const KNOWN: u32 = 0x1F;
}

/// `FILE_RENAME_INFO` / `FILE_RENAME_INFORMATION_EX` flags.
pub mod rename {
    pub const FILE_RENAME_FLAG_REPLACE_IF_EXISTS: u32 = 0x001;
    pub const FILE_RENAME_FLAG_POSIX_SEMANTICS: u32 = 0x002;
    pub const FILE_RENAME_FLAG_SUPPRESS_PIN_STATE_INHERITANCE: u32 = 0x004;
    pub const FILE_RENAME_FLAG_SUPPRESS_STORAGE_RESERVE_INHERITANCE: u32 = 0x008;
    pub const FILE_RENAME_FLAG_NO_INCREASE_AVAILABLE_SPACE: u32 = 0x010;
    pub const FILE_RENAME_FLAG_NO_DECREASE_AVAILABLE_SPACE: u32 = 0x020;
    pub const FILE_RENAME_FLAG_IGNORE_READONLY_ATTRIBUTE: u32 = 0x040;
}

/// Page protections and section allocation attributes (`winnt.h`).
pub mod section {
    pub const PAGE_NOACCESS: u32 = 0x01;
    pub const PAGE_READONLY: u32 = 0x02;
    pub const PAGE_READWRITE: u32 = 0x04;
    pub const PAGE_WRITECOPY: u32 = 0x08;
    pub const PAGE_EXECUTE: u32 = 0x10;
    pub const PAGE_EXECUTE_READ: u32 = 0x20;
    pub const PAGE_EXECUTE_READWRITE: u32 = 0x40;
    pub const PAGE_EXECUTE_WRITECOPY: u32 = 0x80;
    pub const SEC_FILE: u32 = 0x0080_0000;
    pub const SEC_IMAGE: u32 = 0x0100_0000;
    pub const SEC_RESERVE: u32 = 0x0400_0000;
    pub const SEC_COMMIT: u32 = 0x0800_0000;
    pub const SEC_NOCACHE: u32 = 0x1000_0000;
    pub const SEC_WRITECOMBINE: u32 = 0x4000_0000;
    pub const SEC_LARGE_PAGES: u32 = 0x8000_0000;
    pub const SEC_IMAGE_NO_EXECUTE: u32 = 0x1100_0000;
    pub const FILE_MAP_COPY: u32 = 0x0001;
    pub const FILE_MAP_WRITE: u32 = 0x0002;
    pub const FILE_MAP_READ: u32 = 0x0004;
    pub const FILE_MAP_EXECUTE: u32 = 0x0020;
    pub const FILE_MAP_ALL_ACCESS: u32 = 0x000F_001F;
}

/// Information classes: Win32 `FILE_INFO_BY_HANDLE_CLASS` and NT `FILE_INFORMATION_CLASS`.
pub mod info_class {
    pub const FILE_RENAME_INFO: u32 = 3;
    pub const FILE_DISPOSITION_INFO: u32 = 4;
    pub const FILE_DISPOSITION_INFO_EX: u32 = 21;
    pub const FILE_RENAME_INFO_EX: u32 = 22;
    pub const FILE_RENAME_INFORMATION: u32 = 10;
    pub const FILE_LINK_INFORMATION: u32 = 11;
    pub const FILE_DISPOSITION_INFORMATION: u32 = 13;
    pub const FILE_DISPOSITION_INFORMATION_EX: u32 = 64;
    pub const FILE_RENAME_INFORMATION_EX: u32 = 65;
}

macro_rules! table {
    ($($module:ident :: $name:ident),* $(,)?) => {
        /// Every named constant, as `(name, value)`.
        pub const ALL: &[(&str, u32)] = &[$((stringify!($name), $module::$name)),*];
    };
}

table! {
    access::DELETE, access::READ_CONTROL, access::WRITE_DAC, access::WRITE_OWNER, access::SYNCHRONIZE,
    access::STANDARD_RIGHTS_REQUIRED, access::STANDARD_RIGHTS_READ, access::STANDARD_RIGHTS_WRITE,
    access::STANDARD_RIGHTS_EXECUTE, access::STANDARD_RIGHTS_ALL, access::ACCESS_SYSTEM_SECURITY,
    access::MAXIMUM_ALLOWED, access::GENERIC_ALL, access::GENERIC_EXECUTE, access::GENERIC_WRITE,
    access::GENERIC_READ, access::FILE_READ_DATA, access::FILE_LIST_DIRECTORY, access::FILE_WRITE_DATA,
    access::FILE_ADD_FILE, access::FILE_APPEND_DATA, access::FILE_ADD_SUBDIRECTORY, access::FILE_READ_EA,
    access::FILE_WRITE_EA, access::FILE_EXECUTE, access::FILE_TRAVERSE, access::FILE_DELETE_CHILD,
    access::FILE_READ_ATTRIBUTES, access::FILE_WRITE_ATTRIBUTES, access::FILE_ALL_ACCESS,
    access::FILE_GENERIC_READ, access::FILE_GENERIC_WRITE, access::FILE_GENERIC_EXECUTE,
    access::SECTION_QUERY, access::SECTION_MAP_WRITE, access::SECTION_MAP_READ, access::SECTION_MAP_EXECUTE,
    access::SECTION_EXTEND_SIZE, access::SECTION_ALL_ACCESS,
    share::FILE_SHARE_READ, share::FILE_SHARE_WRITE, share::FILE_SHARE_DELETE, share::FILE_SHARE_VALID_FLAGS,
    win32_disposition::CREATE_NEW, win32_disposition::CREATE_ALWAYS, win32_disposition::OPEN_EXISTING,
    win32_disposition::OPEN_ALWAYS, win32_disposition::TRUNCATE_EXISTING,
    nt_disposition::FILE_SUPERSEDE, nt_disposition::FILE_OPEN, nt_disposition::FILE_CREATE,
    nt_disposition::FILE_OPEN_IF, nt_disposition::FILE_OVERWRITE, nt_disposition::FILE_OVERWRITE_IF,
    options::FILE_DIRECTORY_FILE, options::FILE_WRITE_THROUGH, options::FILE_SEQUENTIAL_ONLY,
    options::FILE_NO_INTERMEDIATE_BUFFERING, options::FILE_SYNCHRONOUS_IO_ALERT,
    options::FILE_SYNCHRONOUS_IO_NONALERT, options::FILE_NON_DIRECTORY_FILE,
    options::FILE_CREATE_TREE_CONNECTION, options::FILE_COMPLETE_IF_OPLOCKED, options::FILE_NO_EA_KNOWLEDGE,
    options::FILE_RANDOM_ACCESS, options::FILE_DELETE_ON_CLOSE, options::FILE_OPEN_BY_FILE_ID,
    options::FILE_OPEN_FOR_BACKUP_INTENT, options::FILE_NO_COMPRESSION, options::FILE_RESERVE_OPFILTER,
    options::FILE_OPEN_REPARSE_POINT, options::FILE_OPEN_NO_RECALL,
    flags::FILE_FLAG_WRITE_THROUGH, flags::FILE_FLAG_OVERLAPPED, flags::FILE_FLAG_NO_BUFFERING,
    flags::FILE_FLAG_RANDOM_ACCESS, flags::FILE_FLAG_SEQUENTIAL_SCAN, flags::FILE_FLAG_DELETE_ON_CLOSE,
    flags::FILE_FLAG_BACKUP_SEMANTICS, flags::FILE_FLAG_POSIX_SEMANTICS, flags::FILE_FLAG_SESSION_AWARE,
    flags::FILE_FLAG_OPEN_REPARSE_POINT, flags::FILE_FLAG_OPEN_NO_RECALL, flags::FILE_FLAG_FIRST_PIPE_INSTANCE,
    attributes::FILE_ATTRIBUTE_READONLY, attributes::FILE_ATTRIBUTE_HIDDEN, attributes::FILE_ATTRIBUTE_SYSTEM,
    attributes::FILE_ATTRIBUTE_DIRECTORY, attributes::FILE_ATTRIBUTE_ARCHIVE, attributes::FILE_ATTRIBUTE_DEVICE,
    attributes::FILE_ATTRIBUTE_NORMAL, attributes::FILE_ATTRIBUTE_TEMPORARY,
    attributes::FILE_ATTRIBUTE_SPARSE_FILE, attributes::FILE_ATTRIBUTE_REPARSE_POINT,
    attributes::FILE_ATTRIBUTE_COMPRESSED, attributes::FILE_ATTRIBUTE_OFFLINE,
    attributes::FILE_ATTRIBUTE_NOT_CONTENT_INDEXED, attributes::FILE_ATTRIBUTE_ENCRYPTED,
    movefile::MOVEFILE_REPLACE_EXISTING, movefile::MOVEFILE_COPY_ALLOWED, movefile::MOVEFILE_DELAY_UNTIL_REBOOT,
    movefile::MOVEFILE_WRITE_THROUGH, movefile::MOVEFILE_CREATE_HARDLINK, movefile::MOVEFILE_FAIL_IF_NOT_TRACKABLE,
    disposition::FILE_DISPOSITION_FLAG_DO_NOT_DELETE, disposition::FILE_DISPOSITION_FLAG_DELETE,
    disposition::FILE_DISPOSITION_FLAG_POSIX_SEMANTICS, disposition::FILE_DISPOSITION_FLAG_FORCE_IMAGE_SECTION_CHECK,
    disposition::FILE_DISPOSITION_FLAG_ON_CLOSE, disposition::FILE_DISPOSITION_FLAG_IGNORE_READONLY_ATTRIBUTE,
    rename::FILE_RENAME_FLAG_REPLACE_IF_EXISTS, rename::FILE_RENAME_FLAG_POSIX_SEMANTICS,
    rename::FILE_RENAME_FLAG_SUPPRESS_PIN_STATE_INHERITANCE,
    rename::FILE_RENAME_FLAG_SUPPRESS_STORAGE_RESERVE_INHERITANCE,
    rename::FILE_RENAME_FLAG_NO_INCREASE_AVAILABLE_SPACE, rename::FILE_RENAME_FLAG_NO_DECREASE_AVAILABLE_SPACE,
    rename::FILE_RENAME_FLAG_IGNORE_READONLY_ATTRIBUTE,
    section::PAGE_NOACCESS, section::PAGE_READONLY, section::PAGE_READWRITE, section::PAGE_WRITECOPY,
    section::PAGE_EXECUTE, section::PAGE_EXECUTE_READ, section::PAGE_EXECUTE_READWRITE,
    section::PAGE_EXECUTE_WRITECOPY, section::SEC_FILE, section::SEC_IMAGE, section::SEC_RESERVE,
    section::SEC_COMMIT, section::SEC_NOCACHE, section::SEC_WRITECOMBINE, section::SEC_LARGE_PAGES,
    section::SEC_IMAGE_NO_EXECUTE, section::FILE_MAP_COPY, section::FILE_MAP_WRITE, section::FILE_MAP_READ,
    section::FILE_MAP_EXECUTE, section::FILE_MAP_ALL_ACCESS,
}

/// Names that scenario files also accept as aliases of the `FILE_DISPOSITION_FLAG_*` and
/// `FILE_RENAME_FLAG_*` constants: the DDK spells them without `FLAG_`.
pub const ALIASES: &[(&str, u32)] = &[
    (
        "FILE_DISPOSITION_DO_NOT_DELETE",
        disposition::FILE_DISPOSITION_FLAG_DO_NOT_DELETE,
    ),
    ("FILE_DISPOSITION_DELETE", disposition::FILE_DISPOSITION_FLAG_DELETE),
    (
        "FILE_DISPOSITION_POSIX_SEMANTICS",
        disposition::FILE_DISPOSITION_FLAG_POSIX_SEMANTICS,
    ),
    (
        "FILE_DISPOSITION_FORCE_IMAGE_SECTION_CHECK",
        disposition::FILE_DISPOSITION_FLAG_FORCE_IMAGE_SECTION_CHECK,
    ),
    ("FILE_DISPOSITION_ON_CLOSE", disposition::FILE_DISPOSITION_FLAG_ON_CLOSE),
    (
        "FILE_DISPOSITION_IGNORE_READONLY_ATTRIBUTE",
        disposition::FILE_DISPOSITION_FLAG_IGNORE_READONLY_ATTRIBUTE,
    ),
    (
        "FILE_RENAME_REPLACE_IF_EXISTS",
        rename::FILE_RENAME_FLAG_REPLACE_IF_EXISTS,
    ),
    ("FILE_RENAME_POSIX_SEMANTICS", rename::FILE_RENAME_FLAG_POSIX_SEMANTICS),
    (
        "FILE_RENAME_IGNORE_READONLY_ATTRIBUTE",
        rename::FILE_RENAME_FLAG_IGNORE_READONLY_ATTRIBUTE,
    ),
    ("FILE_LINK_REPLACE_IF_EXISTS", 0x001),
    ("FILE_LINK_POSIX_SEMANTICS", 0x002),
    ("FILE_LINK_IGNORE_READONLY_ATTRIBUTE", 0x040),
    ("TRUE", 1),
    ("FALSE", 0),
    ("NULL", 0),
];

/// Resolve a constant name as written in a scenario file.
pub fn lookup(name: &str) -> Option<u32> {
    ALL.iter()
        .chain(ALIASES.iter())
        .find(|(n, _)| *n == name)
        .map(|&(_, v)| v)
}

/// Every information class a scenario may name: the Win32 (`SetFileInformationByHandle`)
/// and NT (`NtSetInformationFile`) spellings. One table for both directions.
pub const INFO_CLASSES: &[(&str, InfoClass)] = &[
    ("FileDispositionInfo", InfoClass::Win32(Info::Disposition)),
    ("FileDispositionInfoEx", InfoClass::Win32(Info::DispositionEx)),
    ("FileRenameInfo", InfoClass::Win32(Info::Rename)),
    ("FileRenameInfoEx", InfoClass::Win32(Info::RenameEx)),
    ("FileDispositionInformation", InfoClass::Nt(Info::Disposition)),
    ("FileDispositionInformationEx", InfoClass::Nt(Info::DispositionEx)),
    ("FileRenameInformation", InfoClass::Nt(Info::Rename)),
    ("FileRenameInformationEx", InfoClass::Nt(Info::RenameEx)),
    ("FileLinkInformation", InfoClass::Nt(Info::Link)),
];

/// An information class by the name a scenario writes.
pub fn info_class(name: &str) -> Option<InfoClass> {
    INFO_CLASSES.iter().find(|(n, _)| *n == name).map(|&(_, c)| c)
}

/// The name of an information class (`None`: the Win32 layer has no such class, e.g. links).
pub fn info_class_name(class: InfoClass) -> Option<&'static str> {
    INFO_CLASSES.iter().find(|(_, c)| *c == class).map(|&(n, _)| n)
}

/// What a `Set*Information*` call sets.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Info {
    Disposition,
    DispositionEx,
    Rename,
    RenameEx,
    Link,
}

/// An information class by name: the Win32 (`SetFileInformationByHandle`) or NT spelling.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum InfoClass {
    Win32(Info),
    Nt(Info),
}
