//! The calls a scenario may make: their names, argument signatures and what they return.

use winsan_model::consts::{self, Info, InfoClass};

/// Every call a scenario step may make (`CallKind::ALL` lists them in the spec's order).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum CallKind {
    CreateFile,
    CloseHandle,
    DuplicateHandle,
    DeleteFile,
    CreateDirectory,
    RemoveDirectory,
    MoveFileEx,
    MoveFile,
    CreateHardLink,
    SetFileAttributes,
    WriteFile,
    ReadFile,
    SetFilePointer,
    LockFile,
    UnlockFile,
    SetFileInformationByHandle,
    CreateFileMapping,
    MapViewOfFile,
    UnmapViewOfFile,
    LoadLibrary,
    FreeLibrary,
    CreateProcess,
    ExitProcess,
    NtCreateFile,
    NtOpenFile,
    NtClose,
    NtSetInformationFile,
    NtCreateSection,
    NtMapViewOfSection,
    NtUnmapViewOfSection,
}

/// The kind of one argument slot.
///
/// * `Path`: a drive-rooted string, `"C:\dir\file"`.
/// * `Flags`: a 32-bit constant expression (`A|B|0x10`).
/// * `Number`: a 64-bit count or offset (also written as a constant expression).
/// * `Bool`: `TRUE`/`FALSE` (any expression; non-zero is true).
/// * `Name`: a name bound by an earlier step.
/// * `Class`: an information class name; it decides the slots that follow.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Slot {
    Path,
    Flags,
    Number,
    Bool,
    Name,
    Class,
}

/// One parameter of a call: its slot kind and its name for messages.
#[derive(Clone, Copy, Debug)]
pub struct Param {
    pub slot: Slot,
    pub name: &'static str,
}

/// A parameter literal (a struct literal, so that `&[...]` of them is a `'static` slice).
macro_rules! p {
    ($slot:ident, $name:literal) => {
        Param {
            slot: $slot,
            name: $name,
        }
    };
}

use Slot::*;

impl CallKind {
    /// Every call, in the order of `shared/spec/scenario.md`.
    pub const ALL: &'static [CallKind] = &[
        CallKind::CreateFile,
        CallKind::CloseHandle,
        CallKind::DuplicateHandle,
        CallKind::DeleteFile,
        CallKind::CreateDirectory,
        CallKind::RemoveDirectory,
        CallKind::MoveFileEx,
        CallKind::MoveFile,
        CallKind::CreateHardLink,
        CallKind::SetFileAttributes,
        CallKind::WriteFile,
        CallKind::ReadFile,
        CallKind::SetFilePointer,
        CallKind::LockFile,
        CallKind::UnlockFile,
        CallKind::SetFileInformationByHandle,
        CallKind::CreateFileMapping,
        CallKind::MapViewOfFile,
        CallKind::UnmapViewOfFile,
        CallKind::LoadLibrary,
        CallKind::FreeLibrary,
        CallKind::CreateProcess,
        CallKind::ExitProcess,
        CallKind::NtCreateFile,
        CallKind::NtOpenFile,
        CallKind::NtClose,
        CallKind::NtSetInformationFile,
        CallKind::NtCreateSection,
        CallKind::NtMapViewOfSection,
        CallKind::NtUnmapViewOfSection,
    ];

    /// The name as written in scenario files (the SDK name without the `A`/`W` suffix).
    pub fn name(self) -> &'static str {
        use CallKind::*;
        match self {
            CreateFile => "CreateFile",
            CloseHandle => "CloseHandle",
            DuplicateHandle => "DuplicateHandle",
            DeleteFile => "DeleteFile",
            CreateDirectory => "CreateDirectory",
            RemoveDirectory => "RemoveDirectory",
            MoveFileEx => "MoveFileEx",
            MoveFile => "MoveFile",
            CreateHardLink => "CreateHardLink",
            SetFileAttributes => "SetFileAttributes",
            WriteFile => "WriteFile",
            ReadFile => "ReadFile",
            SetFilePointer => "SetFilePointer",
            LockFile => "LockFile",
            UnlockFile => "UnlockFile",
            SetFileInformationByHandle => "SetFileInformationByHandle",
            CreateFileMapping => "CreateFileMapping",
            MapViewOfFile => "MapViewOfFile",
            UnmapViewOfFile => "UnmapViewOfFile",
            LoadLibrary => "LoadLibrary",
            FreeLibrary => "FreeLibrary",
            CreateProcess => "CreateProcess",
            ExitProcess => "ExitProcess",
            NtCreateFile => "NtCreateFile",
            NtOpenFile => "NtOpenFile",
            NtClose => "NtClose",
            NtSetInformationFile => "NtSetInformationFile",
            NtCreateSection => "NtCreateSection",
            NtMapViewOfSection => "NtMapViewOfSection",
            NtUnmapViewOfSection => "NtUnmapViewOfSection",
        }
    }

    /// Look a call up by its exact name.
    pub fn from_name(name: &str) -> Option<CallKind> {
        CallKind::ALL.iter().copied().find(|c| c.name() == name)
    }

    /// An `Nt*` call: it returns an NTSTATUS, so only `OK`/`STATUS_*` may be expected.
    pub fn is_nt(self) -> bool {
        self.name().starts_with("Nt")
    }

    /// The call returns something a step can bind to a `NAME`.
    pub fn binds(self) -> bool {
        use CallKind::*;
        matches!(
            self,
            CreateFile
                | DuplicateHandle
                | CreateFileMapping
                | MapViewOfFile
                | LoadLibrary
                | CreateProcess
                | NtCreateFile
                | NtOpenFile
                | NtCreateSection
                | NtMapViewOfSection
        )
    }

    /// The call gives up what its first argument names (a close, unmap, free or exit).
    pub fn releases(self) -> bool {
        use CallKind::*;
        matches!(
            self,
            CloseHandle | NtClose | UnmapViewOfFile | NtUnmapViewOfSection | FreeLibrary | ExitProcess
        )
    }

    /// The parameters. For the two set-information calls this is only `(handle, class)`:
    /// the class decides the rest (see [`info_params`]).
    pub fn params(self) -> &'static [Param] {
        use CallKind::*;
        match self {
            CreateFile => &[
                p!(Path, "path"),
                p!(Flags, "access"),
                p!(Flags, "share"),
                p!(Flags, "disposition"),
                p!(Flags, "flags_and_attributes"),
            ],
            CloseHandle | NtClose => &[p!(Name, "handle")],
            DuplicateHandle => &[p!(Name, "handle")],
            DeleteFile | CreateDirectory | RemoveDirectory => &[p!(Path, "path")],
            MoveFileEx => &[p!(Path, "from"), p!(Path, "to"), p!(Flags, "flags")],
            MoveFile => &[p!(Path, "from"), p!(Path, "to")],
            CreateHardLink => &[p!(Path, "new_path"), p!(Path, "existing_path")],
            SetFileAttributes => &[p!(Path, "path"), p!(Flags, "attributes")],
            WriteFile | ReadFile => &[p!(Name, "handle"), p!(Number, "n")],
            SetFilePointer => &[p!(Name, "handle"), p!(Number, "offset")],
            LockFile | UnlockFile => &[p!(Name, "handle"), p!(Number, "offset"), p!(Number, "length")],
            SetFileInformationByHandle | NtSetInformationFile => &[p!(Name, "handle"), p!(Class, "class")],
            CreateFileMapping => &[p!(Name, "handle"), p!(Flags, "protect")],
            MapViewOfFile => &[p!(Name, "mapping"), p!(Flags, "desired_access")],
            UnmapViewOfFile | NtUnmapViewOfSection => &[p!(Name, "view")],
            LoadLibrary | CreateProcess => &[p!(Path, "path")],
            FreeLibrary => &[p!(Name, "module")],
            ExitProcess => &[p!(Name, "process")],
            NtCreateFile => &[
                p!(Path, "path"),
                p!(Flags, "access"),
                p!(Flags, "attributes"),
                p!(Flags, "share"),
                p!(Flags, "disposition"),
                p!(Flags, "options"),
            ],
            NtOpenFile => &[
                p!(Path, "path"),
                p!(Flags, "access"),
                p!(Flags, "share"),
                p!(Flags, "options"),
            ],
            NtCreateSection => &[p!(Name, "handle"), p!(Flags, "protect"), p!(Flags, "allocation")],
            NtMapViewOfSection => &[p!(Name, "section"), p!(Flags, "protect")],
        }
    }
}

/// The full parameter list of a set-information call once its class is known.
pub fn info_params(info: Info) -> &'static [Param] {
    match info {
        Info::Disposition => &[p!(Name, "handle"), p!(Class, "class"), p!(Bool, "delete")],
        Info::DispositionEx => &[p!(Name, "handle"), p!(Class, "class"), p!(Flags, "flags")],
        Info::Rename => &[
            p!(Name, "handle"),
            p!(Class, "class"),
            p!(Path, "to"),
            p!(Bool, "replace"),
        ],
        Info::RenameEx => &[
            p!(Name, "handle"),
            p!(Class, "class"),
            p!(Path, "to"),
            p!(Flags, "flags"),
        ],
        Info::Link => &[
            p!(Name, "handle"),
            p!(Class, "class"),
            p!(Path, "new_path"),
            p!(Bool, "replace"),
        ],
    }
}

/// The Win32 (`SetFileInformationByHandle`) spelling of an information class, if it has one.
pub fn win32_class_name(info: Info) -> Option<&'static str> {
    consts::info_class_name(InfoClass::Win32(info))
}

/// The NT (`NtSetInformationFile`) spelling of an information class.
pub fn nt_class_name(info: Info) -> &'static str {
    consts::info_class_name(InfoClass::Nt(info)).expect("every class has an NT name")
}
