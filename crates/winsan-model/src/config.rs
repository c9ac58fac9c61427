//! What is being modelled: the Windows version and the delete semantics it implies.

use std::fmt;
use std::str::FromStr;

/// The Windows version whose documented behaviour is modelled (`@windows` in scenarios).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Hash, Default)]
pub enum WindowsVersion {
    /// Windows 7: no `FileDispositionInformationEx`, no POSIX rename.
    Win7,
    /// Windows 10 1809: Ex classes with `IGNORE_READONLY_ATTRIBUTE`; DeleteFile still legacy.
    Win10_1809,
    /// Windows 10 1903: DeleteFile/RemoveDirectory use POSIX semantics first on NTFS.
    Win10_1903,
    /// Windows 11 (the default).
    #[default]
    Win11,
}

impl WindowsVersion {
    /// The spellings accepted by `@windows` and `--windows`.
    pub const NAMES: &'static [&'static str] = &["7", "10-1809", "10-1903", "11"];

    /// The spelling used in scenario files and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            WindowsVersion::Win7 => "7",
            WindowsVersion::Win10_1809 => "10-1809",
            WindowsVersion::Win10_1903 => "10-1903",
            WindowsVersion::Win11 => "11",
        }
    }

    /// `FileDispositionInformationEx` / `FileRenameInformationEx` exist (Windows 10 1607+;
    /// rule B12). Windows 7 answers `STATUS_INVALID_INFO_CLASS`.
    pub fn has_ex_classes(self) -> bool {
        self >= WindowsVersion::Win10_1809
    }

    /// `DeleteFileW`/`RemoveDirectoryW` try POSIX semantics first on NTFS (rule B11).
    pub fn deletefile_posix_first(self) -> bool {
        self >= WindowsVersion::Win10_1903
    }
}

impl fmt::Display for WindowsVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for WindowsVersion {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "7" => WindowsVersion::Win7,
            "10-1809" => WindowsVersion::Win10_1809,
            "10-1903" => WindowsVersion::Win10_1903,
            "11" => WindowsVersion::Win11,
            _ => {
                return Err(format!(
                    "unknown Windows version `{s}` (expected one of: {})",
                    Self::NAMES.join(", ")
                ))
            }
        })
    }
}

/// What `DeleteFile`/`RemoveDirectory` do (`@delete` in scenarios).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum DeleteSemantics {
    /// `FileDispositionInformation`: the file becomes delete-pending and its name stays
    /// until the last handle is closed (rule C13).
    Legacy,
    /// `FileDispositionInformationEx` with `POSIX_SEMANTICS`: the name goes when the
    /// deleting handle closes, i.e. at once for DeleteFile (rule C14).
    Posix,
}

impl DeleteSemantics {
    pub fn as_str(self) -> &'static str {
        match self {
            DeleteSemantics::Legacy => "legacy",
            DeleteSemantics::Posix => "posix",
        }
    }
}

impl fmt::Display for DeleteSemantics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DeleteSemantics {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "legacy" => Ok(DeleteSemantics::Legacy),
            "posix" => Ok(DeleteSemantics::Posix),
            _ => Err(format!("unknown delete semantics `{s}` (expected legacy or posix)")),
        }
    }
}

/// The file system of a volume.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum FileSystem {
    Ntfs,
    /// FAT/exFAT: no POSIX delete or rename, no hard links (rules B11, I46).
    Fat,
}

impl FromStr for FileSystem {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "ntfs" => Ok(FileSystem::Ntfs),
            "fat" | "fat32" | "exfat" => Ok(FileSystem::Fat),
            _ => Err(format!("unknown file system `{s}` (expected ntfs or fat)")),
        }
    }
}

/// The modelled machine's configuration.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Config {
    pub windows: WindowsVersion,
    /// Overrides what `@windows` implies for DeleteFile/RemoveDirectory; FAT volumes are
    /// always legacy whatever this says.
    pub delete: Option<DeleteSemantics>,
}

impl Config {
    /// The semantics `DeleteFile`/`RemoveDirectory` use on a volume of this file system.
    pub fn deletefile_semantics(&self, fs: FileSystem) -> DeleteSemantics {
        // FAT has no POSIX delete; Windows before 10 1607 has no FileDispositionInformationEx
        // to ask for one (nt-rules B11, B12), whatever `@delete` says.
        if fs == FileSystem::Fat || !self.windows.has_ex_classes() {
            return DeleteSemantics::Legacy;
        }
        match self.delete {
            Some(d) => d,
            None if self.windows.deletefile_posix_first() => DeleteSemantics::Posix,
            None => DeleteSemantics::Legacy,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deletefile_semantics_by_version_file_system_and_override() {
        let c = |windows, delete| Config { windows, delete };
        assert_eq!(
            c(WindowsVersion::Win11, None).deletefile_semantics(FileSystem::Ntfs),
            DeleteSemantics::Posix
        );
        assert_eq!(
            c(WindowsVersion::Win10_1809, None).deletefile_semantics(FileSystem::Ntfs),
            DeleteSemantics::Legacy
        );
        assert_eq!(
            c(WindowsVersion::Win11, None).deletefile_semantics(FileSystem::Fat),
            DeleteSemantics::Legacy
        );
        let legacy = Some(DeleteSemantics::Legacy);
        assert_eq!(
            c(WindowsVersion::Win11, legacy).deletefile_semantics(FileSystem::Ntfs),
            DeleteSemantics::Legacy
        );
        let posix = Some(DeleteSemantics::Posix);
        assert_eq!(
            c(WindowsVersion::Win10_1809, posix).deletefile_semantics(FileSystem::Ntfs),
            DeleteSemantics::Posix
        );
        // Windows 7 has no FileDispositionInformationEx to ask for POSIX semantics with.
        assert_eq!(
            c(WindowsVersion::Win7, posix).deletefile_semantics(FileSystem::Ntfs),
            DeleteSemantics::Legacy
        );
    }
}
