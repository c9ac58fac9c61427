//! The modelled machine: volumes, the namespace, files, file objects, handles, sections.
//!
//! API skeleton: the public surface other crates build against. Bodies are filled in by the
//! model's implementation.

use crate::config::{Config, FileSystem};
use crate::reason::{Event, Refusal};
use crate::CallResult;
use std::fmt;

/// A handle in the modelled process: file, section (mapping), view, module or process.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct Handle(pub u32);

impl fmt::Display for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{:x}", (self.0 + 1) * 4)
    }
}

/// What a handle refers to.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum HandleKind {
    File,
    Directory,
    /// A section object (`CreateFileMapping` / `NtCreateSection`).
    Section {
        image: bool,
    },
    /// A mapped view (`MapViewOfFile` / `NtMapViewOfSection`); not a real handle on
    /// Windows, but the model names it like one.
    View,
    /// A module loaded with `LoadLibrary`.
    Module,
    /// A process started with `CreateProcess`.
    Process,
}

/// What a handle is, for narratives.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct HandleInfo {
    pub kind: HandleKind,
    /// The file's current path (for a file, directory, section, view, module or process).
    pub path: Option<String>,
    /// Granted access after generic mapping (file and directory handles).
    pub access: u32,
    /// Share mode (file and directory handles).
    pub share: u32,
    /// The file object was opened with delete-on-close.
    pub delete_on_close: bool,
}

/// The modelled machine.
pub struct System {
    config: Config,
    events: Vec<Event>,
}

impl System {
    /// A machine with an empty NTFS `C:` volume.
    pub fn new(config: Config) -> System {
        System {
            config,
            events: Vec::new(),
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Add an empty volume (`@volume D: fat`). Fails if the letter is taken or invalid.
    pub fn add_volume(&mut self, letter: char, fs: FileSystem) -> Result<(), String> {
        let _ = (letter, fs);
        todo!()
    }

    /// Side effects since the last call of this method (names removed at close, ...).
    pub fn take_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    // ----- queries (scenario `expect` lines) -----

    /// The name is in its directory (a delete-pending name still is).
    pub fn exists(&self, path: &str) -> bool {
        let _ = path;
        todo!()
    }
    /// The names in a directory, with their stored case; `None` if not a directory.
    pub fn listing(&self, path: &str) -> Option<Vec<String>> {
        let _ = path;
        todo!()
    }
    /// `GetFileAttributes`; `None` if the name does not exist.
    pub fn attributes(&self, path: &str) -> Option<u32> {
        let _ = path;
        todo!()
    }
    /// `FileStandardInformation.DeletePending` of the handle's file.
    pub fn delete_pending(&self, h: Handle) -> CallResult<bool> {
        let _ = h;
        todo!()
    }
    /// What a handle is; `None` if it is not open.
    pub fn handle_info(&self, h: Handle) -> Option<HandleInfo> {
        let _ = h;
        todo!()
    }
    /// Number of open handles of every kind.
    pub fn open_handle_count(&self) -> usize {
        todo!()
    }

    /// Recompute every derived counter (share access, section and handle counts) from the
    /// objects that imply it and compare; `Err` names the first mismatch. For tests.
    pub fn check_invariants(&self) -> Result<(), String> {
        todo!()
    }
    /// Paths of files that are still delete-pending, hold share access, or have a section,
    /// view, module or process referring to them. Empty once everything is closed.
    pub fn held_files(&self) -> Vec<String> {
        todo!()
    }

    // ----- NT layer -----

    pub fn nt_create_file(
        &mut self,
        path: &str,
        access: u32,
        attributes: u32,
        share: u32,
        disposition: u32,
        options: u32,
    ) -> CallResult<Handle> {
        let _ = (path, access, attributes, share, disposition, options);
        todo!()
    }
    pub fn nt_open_file(
        &mut self,
        path: &str,
        access: u32,
        share: u32,
        options: u32,
    ) -> CallResult<Handle> {
        let _ = (path, access, share, options);
        todo!()
    }
    /// `NtClose` of any handle.
    pub fn nt_close(&mut self, h: Handle) -> CallResult<()> {
        let _ = h;
        todo!()
    }
    /// `FileDispositionInformation { DeleteFile }`.
    pub fn nt_set_disposition(&mut self, h: Handle, delete: bool) -> CallResult<()> {
        let _ = (h, delete);
        todo!()
    }
    /// `FileDispositionInformationEx { Flags }`.
    pub fn nt_set_disposition_ex(&mut self, h: Handle, flags: u32) -> CallResult<()> {
        let _ = (h, flags);
        todo!()
    }
    /// `FileRenameInformation { ReplaceIfExists }`.
    pub fn nt_set_rename(&mut self, h: Handle, target: &str, replace: bool) -> CallResult<()> {
        let _ = (h, target, replace);
        todo!()
    }
    /// `FileRenameInformationEx { Flags }` (`FILE_RENAME_FLAG_*`).
    pub fn nt_set_rename_ex(&mut self, h: Handle, target: &str, flags: u32) -> CallResult<()> {
        let _ = (h, target, flags);
        todo!()
    }
    /// `FileLinkInformation { ReplaceIfExists }`: a new name for the handle's file.
    pub fn nt_set_link(&mut self, h: Handle, new_path: &str, replace: bool) -> CallResult<()> {
        let _ = (h, new_path, replace);
        todo!()
    }
    /// `NtCreateSection(file, protect, SEC_COMMIT|SEC_IMAGE)`.
    pub fn nt_create_section(
        &mut self,
        file: Handle,
        protect: u32,
        allocation: u32,
    ) -> CallResult<Handle> {
        let _ = (file, protect, allocation);
        todo!()
    }
    pub fn nt_map_view_of_section(&mut self, section: Handle, protect: u32) -> CallResult<Handle> {
        let _ = (section, protect);
        todo!()
    }
    pub fn nt_unmap_view_of_section(&mut self, view: Handle) -> CallResult<()> {
        let _ = view;
        todo!()
    }

    // ----- Win32 layer -----

    pub fn create_file(
        &mut self,
        path: &str,
        access: u32,
        share: u32,
        disposition: u32,
        flags_and_attributes: u32,
    ) -> CallResult<Handle> {
        let _ = (path, access, share, disposition, flags_and_attributes);
        todo!()
    }
    pub fn close_handle(&mut self, h: Handle) -> CallResult<()> {
        let _ = h;
        todo!()
    }
    pub fn duplicate_handle(&mut self, h: Handle) -> CallResult<Handle> {
        let _ = h;
        todo!()
    }
    pub fn delete_file(&mut self, path: &str) -> CallResult<()> {
        let _ = path;
        todo!()
    }
    pub fn create_directory(&mut self, path: &str) -> CallResult<()> {
        let _ = path;
        todo!()
    }
    pub fn remove_directory(&mut self, path: &str) -> CallResult<()> {
        let _ = path;
        todo!()
    }
    pub fn move_file_ex(&mut self, from: &str, to: &str, flags: u32) -> CallResult<()> {
        let _ = (from, to, flags);
        todo!()
    }
    pub fn move_file(&mut self, from: &str, to: &str) -> CallResult<()> {
        let _ = (from, to);
        todo!()
    }
    pub fn create_hard_link(&mut self, new_path: &str, existing: &str) -> CallResult<()> {
        let _ = (new_path, existing);
        todo!()
    }
    pub fn set_file_attributes(&mut self, path: &str, attributes: u32) -> CallResult<()> {
        let _ = (path, attributes);
        todo!()
    }
    pub fn write_file(&mut self, h: Handle, n: u64) -> CallResult<()> {
        let _ = (h, n);
        todo!()
    }
    pub fn read_file(&mut self, h: Handle, n: u64) -> CallResult<()> {
        let _ = (h, n);
        todo!()
    }
    pub fn set_file_pointer(&mut self, h: Handle, offset: u64) -> CallResult<()> {
        let _ = (h, offset);
        todo!()
    }
    pub fn lock_file(&mut self, h: Handle, offset: u64, length: u64) -> CallResult<()> {
        let _ = (h, offset, length);
        todo!()
    }
    pub fn unlock_file(&mut self, h: Handle, offset: u64, length: u64) -> CallResult<()> {
        let _ = (h, offset, length);
        todo!()
    }
    /// `SetFileInformationByHandle(h, FileDispositionInfo, delete)`.
    pub fn set_disposition_info(&mut self, h: Handle, delete: bool) -> CallResult<()> {
        let _ = (h, delete);
        todo!()
    }
    /// `SetFileInformationByHandle(h, FileDispositionInfoEx, flags)`.
    pub fn set_disposition_info_ex(&mut self, h: Handle, flags: u32) -> CallResult<()> {
        let _ = (h, flags);
        todo!()
    }
    /// `SetFileInformationByHandle(h, FileRenameInfo, to, replace)`.
    pub fn set_rename_info(&mut self, h: Handle, to: &str, replace: bool) -> CallResult<()> {
        let _ = (h, to, replace);
        todo!()
    }
    /// `SetFileInformationByHandle(h, FileRenameInfoEx, to, flags)`.
    pub fn set_rename_info_ex(&mut self, h: Handle, to: &str, flags: u32) -> CallResult<()> {
        let _ = (h, to, flags);
        todo!()
    }
    /// `CreateFileMapping(h, NULL, protect, 0, 0, NULL)`: the whole file; `protect` may carry
    /// `SEC_IMAGE`.
    pub fn create_file_mapping(&mut self, h: Handle, protect: u32) -> CallResult<Handle> {
        let _ = (h, protect);
        todo!()
    }
    pub fn map_view_of_file(&mut self, mapping: Handle, desired_access: u32) -> CallResult<Handle> {
        let _ = (mapping, desired_access);
        todo!()
    }
    pub fn unmap_view_of_file(&mut self, view: Handle) -> CallResult<()> {
        let _ = view;
        todo!()
    }
    pub fn load_library(&mut self, path: &str) -> CallResult<Handle> {
        let _ = path;
        todo!()
    }
    pub fn free_library(&mut self, module: Handle) -> CallResult<()> {
        let _ = module;
        todo!()
    }
    pub fn create_process(&mut self, path: &str) -> CallResult<Handle> {
        let _ = path;
        todo!()
    }
    pub fn exit_process(&mut self, process: Handle) -> CallResult<()> {
        let _ = process;
        todo!()
    }
}

#[allow(dead_code)]
fn _unused(_: Refusal) {}
