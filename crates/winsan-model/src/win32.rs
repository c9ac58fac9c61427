//! The Win32 (kernel32/kernelbase) layer: each call as the NT calls it makes.
//!
//! How the Win32 calls reach the NT layer follows Microsoft's documentation of each API and
//! is corroborated by Wine's `dlls/kernelbase/file.c` (nt-rules "Sources"): `CreateFileW`
//! adds `SYNCHRONIZE|FILE_READ_ATTRIBUTES`, turns `FILE_FLAG_DELETE_ON_CLOSE` into
//! `FILE_DELETE_ON_CLOSE` plus `DELETE` access (D17) and opens non-directories unless
//! `FILE_FLAG_BACKUP_SEMANTICS` (F27); `DeleteFileW` and `RemoveDirectoryW` open with
//! `DELETE` and full sharing, set a disposition and close (B8, F26); `MoveFileExW` opens the
//! source with `DELETE` and sets `FileRenameInformation` (H37).

use crate::config::DeleteSemantics;
use crate::consts::{
    access::*, attributes::*, disposition::*, flags::*, movefile::*, nt_disposition::*, options::*, section::*,
    share::*, win32_disposition::*,
};
use crate::reason::{Reason, Refusal};
use crate::status::NtStatus::*;
use crate::status::Win32Error;
use crate::system::{Handle, Lock, OpenRequest, Slot, System, IMAGE_MIN_SIZE};
use crate::CallResult;

impl System {
    /// `CreateFileW(path, access, share, NULL, disposition, flags_and_attributes, NULL)`.
    pub fn create_file(
        &mut self,
        path: &str,
        access: u32,
        share: u32,
        disposition: u32,
        flags_and_attributes: u32,
    ) -> CallResult<Handle> {
        let nt_disposition = match disposition {
            CREATE_NEW => FILE_CREATE,
            CREATE_ALWAYS => FILE_OVERWRITE_IF,
            OPEN_EXISTING => FILE_OPEN,
            OPEN_ALWAYS => FILE_OPEN_IF,
            TRUNCATE_EXISTING => FILE_OVERWRITE,
            _ => {
                return Err(Refusal::new(
                    STATUS_INVALID_PARAMETER,
                    Reason::InvalidParameter("creation disposition"),
                ))
            }
        };
        let mut access = access | SYNCHRONIZE | FILE_READ_ATTRIBUTES;
        let mut options = FILE_SYNCHRONOUS_IO_NONALERT;
        if flags_and_attributes & FILE_FLAG_BACKUP_SEMANTICS != 0 {
            options |= FILE_OPEN_FOR_BACKUP_INTENT;
        } else {
            options |= FILE_NON_DIRECTORY_FILE;
        }
        if flags_and_attributes & FILE_FLAG_DELETE_ON_CLOSE != 0 {
            options |= FILE_DELETE_ON_CLOSE;
            access |= DELETE;
        }
        if flags_and_attributes & FILE_FLAG_OPEN_REPARSE_POINT != 0 {
            options |= FILE_OPEN_REPARSE_POINT;
        }
        let req = OpenRequest {
            path,
            access,
            attributes: flags_and_attributes & SETTABLE,
            share,
            disposition: nt_disposition,
            options,
        };
        self.open(req).map(|(h, _)| h).map_err(|e| {
            if e.status == STATUS_OBJECT_NAME_COLLISION {
                // CreateFileW reports an existing name as ERROR_FILE_EXISTS.
                e.with_win32(Win32Error::ERROR_FILE_EXISTS)
            } else {
                e
            }
        })
    }

    /// `CloseHandle` of a file, directory, mapping or process handle.
    pub fn close_handle(&mut self, h: Handle) -> CallResult<()> {
        self.nt_close(h)
    }

    /// `DuplicateHandle`: another handle to the same object.
    pub fn duplicate_handle(&mut self, h: Handle) -> CallResult<Handle> {
        match self.slot(h) {
            Slot::File(o) => {
                self.objects[o].handles += 1;
                Ok(self.new_handle(Slot::File(o)))
            }
            Slot::Section(s) => {
                let sec = &mut self.sections[s];
                sec.handles += 1;
                let (node, image) = (sec.node, sec.image);
                let n = &mut self.nodes[node];
                if image {
                    n.image_refs += 1;
                } else {
                    n.data_refs += 1;
                }
                Ok(self.new_handle(Slot::Section(s)))
            }
            Slot::Process(p) => {
                self.processes[p].handles += 1;
                Ok(self.new_handle(Slot::Process(p)))
            }
            Slot::Free | Slot::View(_) | Slot::Module(_) => Err(Self::invalid_handle()),
        }
    }

    /// Open a name with `DELETE`, set the disposition DeleteFile/RemoveDirectory use on
    /// this version and file system, close (nt-rules B8, B11, F26).
    fn delete_by_name(&mut self, path: &str, kind_option: u32) -> CallResult<()> {
        let h = self
            .open(OpenRequest {
                path,
                access: DELETE | SYNCHRONIZE | FILE_READ_ATTRIBUTES,
                attributes: 0,
                share: FILE_SHARE_VALID_FLAGS,
                disposition: FILE_OPEN,
                options: kind_option | FILE_OPEN_REPARSE_POINT | FILE_SYNCHRONOUS_IO_NONALERT,
            })?
            .0;
        let result = self.delete_disposition(h);
        self.nt_close(h)?;
        result
    }

    /// `DeleteFileW`.
    pub fn delete_file(&mut self, path: &str) -> CallResult<()> {
        self.delete_by_name(path, FILE_NON_DIRECTORY_FILE)
    }

    /// `RemoveDirectoryW`.
    pub fn remove_directory(&mut self, path: &str) -> CallResult<()> {
        self.delete_by_name(path, FILE_DIRECTORY_FILE | FILE_OPEN_FOR_BACKUP_INTENT)
    }

    /// `CreateDirectoryW`.
    pub fn create_directory(&mut self, path: &str) -> CallResult<()> {
        let h = self.nt_create_file(
            path,
            FILE_LIST_DIRECTORY | SYNCHRONIZE,
            0,
            FILE_SHARE_READ | FILE_SHARE_WRITE,
            FILE_CREATE,
            FILE_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT | FILE_OPEN_FOR_BACKUP_INTENT,
        )?;
        self.nt_close(h)
    }

    /// `MoveFileExW(from, to, flags)` (nt-rules H37-H42).
    pub fn move_file_ex(&mut self, from: &str, to: &str, flags: u32) -> CallResult<()> {
        if flags & (MOVEFILE_DELAY_UNTIL_REBOOT | MOVEFILE_CREATE_HARDLINK) != 0 {
            return Err(Refusal::new(
                STATUS_INVALID_PARAMETER,
                Reason::NotSupported("MOVEFILE_DELAY_UNTIL_REBOOT and MOVEFILE_CREATE_HARDLINK are not modelled"),
            ));
        }
        crate::path::WinPath::parse(to)?;
        let h = self
            .open(OpenRequest {
                path: from,
                access: DELETE | SYNCHRONIZE,
                attributes: 0,
                share: FILE_SHARE_VALID_FLAGS,
                disposition: FILE_OPEN,
                options: FILE_OPEN_REPARSE_POINT | FILE_SYNCHRONOUS_IO_NONALERT | FILE_OPEN_FOR_BACKUP_INTENT,
            })?
            .0;
        let replace = flags & MOVEFILE_REPLACE_EXISTING != 0;
        let mut result = self.nt_set_rename(h, to, replace);
        if matches!(&result, Err(e) if e.status == STATUS_NOT_SAME_DEVICE) && flags & MOVEFILE_COPY_ALLOWED != 0 {
            result = self.copy_then_delete(h, to, replace);
        }
        self.nt_close(h)?;
        result
    }

    /// A move across volumes with `MOVEFILE_COPY_ALLOWED`: copy to the target, then delete
    /// the source through the handle already open for `DELETE`.
    fn copy_then_delete(&mut self, src: Handle, to: &str, replace: bool) -> CallResult<()> {
        let obj = self.file_object(src)?;
        let node = self.objects[obj].node;
        if self.nodes[node].is_dir() {
            return Err(Refusal::new(STATUS_NOT_SAME_DEVICE, Reason::NotSameDevice));
        }
        if self.exists(to) && !replace {
            return Err(Refusal::new(
                STATUS_OBJECT_NAME_COLLISION,
                Reason::Collision { path: to.to_string() },
            ));
        }
        let (size, image, attributes) = (
            self.nodes[node].size,
            self.nodes[node].image,
            self.nodes[node].attributes,
        );
        let dst = self.nt_create_file(
            to,
            GENERIC_WRITE | SYNCHRONIZE,
            attributes,
            0,
            FILE_OVERWRITE_IF,
            FILE_NON_DIRECTORY_FILE,
        )?;
        let dnode = self.objects[self.file_object(dst)?].node;
        self.nodes[dnode].size = size;
        self.nodes[dnode].image = image;
        self.nt_close(dst)?;
        self.delete_disposition(src)
    }

    /// The delete disposition DeleteFile/RemoveDirectory set on this version and file system
    /// (nt-rules B11): POSIX semantics (forcing the image section check, as DeleteFileW
    /// does), or legacy delete-pending.
    fn delete_disposition(&mut self, h: Handle) -> CallResult<()> {
        let node = self.objects[self.file_object(h)?].node;
        match self.deletefile_semantics(node) {
            DeleteSemantics::Posix => self.nt_set_disposition_ex(
                h,
                FILE_DISPOSITION_FLAG_DELETE
                    | FILE_DISPOSITION_FLAG_POSIX_SEMANTICS
                    | FILE_DISPOSITION_FLAG_FORCE_IMAGE_SECTION_CHECK,
            ),
            DeleteSemantics::Legacy => self.nt_set_disposition(h, true),
        }
    }

    /// `MoveFileW` = `MoveFileExW(from, to, MOVEFILE_COPY_ALLOWED)` (nt-rules H37).
    pub fn move_file(&mut self, from: &str, to: &str) -> CallResult<()> {
        self.move_file_ex(from, to, MOVEFILE_COPY_ALLOWED)
    }

    /// `CreateHardLinkW(new_path, existing)` (nt-rules I45, I46).
    pub fn create_hard_link(&mut self, new_path: &str, existing: &str) -> CallResult<()> {
        let h = self.nt_open_file(
            existing,
            FILE_WRITE_ATTRIBUTES | SYNCHRONIZE,
            FILE_SHARE_VALID_FLAGS,
            FILE_OPEN_REPARSE_POINT | FILE_SYNCHRONOUS_IO_NONALERT,
        )?;
        let result = self.nt_set_link(h, new_path, false).map_err(|e| {
            if e.status == STATUS_FILE_IS_A_DIRECTORY {
                Refusal::new(STATUS_ACCESS_DENIED, e.reason)
            } else {
                e
            }
        });
        self.nt_close(h)?;
        result
    }

    /// `SetFileAttributesW(path, attributes)`.
    pub fn set_file_attributes(&mut self, path: &str, attributes: u32) -> CallResult<()> {
        let h = self.nt_open_file(
            path,
            FILE_WRITE_ATTRIBUTES | SYNCHRONIZE,
            FILE_SHARE_VALID_FLAGS,
            FILE_OPEN_REPARSE_POINT | FILE_SYNCHRONOUS_IO_NONALERT,
        )?;
        let node = self.objects[self.file_object(h)?].node;
        self.nodes[node].attributes = attributes & SETTABLE;
        self.nt_close(h)
    }

    /// The file object behind a handle, refusing directories for data I/O.
    fn data_object(&self, h: Handle) -> CallResult<u32> {
        let obj = self.file_object(h)?;
        if self.nodes[self.objects[obj].node].is_dir() {
            return Err(Refusal::new(
                STATUS_INVALID_DEVICE_REQUEST,
                Reason::IsDirectory {
                    path: self.link_path(self.objects[obj].link),
                },
            ));
        }
        Ok(obj)
    }

    /// A byte-range lock of another file object overlapping the range (MS LockFile).
    fn lock_conflict(&self, obj: u32, offset: u64, length: u64) -> CallResult<()> {
        let node = self.objects[obj].node;
        let blockers: Vec<_> = self.nodes[node]
            .locks
            .iter()
            .filter(|l| l.obj != obj && l.overlaps(offset, length))
            .map(|l| crate::Blocker {
                handle: self.handle_of_object(l.obj),
                what: crate::BlockerKind::Lock {
                    offset: l.offset,
                    length: l.length,
                },
            })
            .collect();
        if blockers.is_empty() {
            Ok(())
        } else {
            Err(Refusal::new(
                STATUS_FILE_LOCK_CONFLICT,
                Reason::LockConflict { blockers },
            ))
        }
    }

    /// `WriteFile(h, n bytes)` at the file pointer, or at the end for an append-only handle.
    pub fn write_file(&mut self, h: Handle, n: u64) -> CallResult<()> {
        let obj = self.data_object(h)?;
        let o = &self.objects[obj];
        if o.access & (FILE_WRITE_DATA | FILE_APPEND_DATA) == 0 {
            return Err(Refusal::new(
                STATUS_ACCESS_DENIED,
                Reason::HandleLacksAccess {
                    handle: h,
                    needed: "FILE_WRITE_DATA or FILE_APPEND_DATA",
                },
            ));
        }
        let node = o.node;
        let at = if o.access & FILE_WRITE_DATA == 0 {
            self.nodes[node].size
        } else {
            o.pointer
        };
        self.lock_conflict(obj, at, n)?;
        let end = at.saturating_add(n);
        let f = &mut self.nodes[node];
        f.size = f.size.max(end);
        if at == 0 && n >= IMAGE_MIN_SIZE {
            // Scenario convention: a write of at least IMAGE_MIN_SIZE bytes from offset 0
            // writes a runnable image, as the Wine scenario runner does.
            f.image = true;
        }
        self.objects[obj].pointer = end;
        Ok(())
    }

    /// `ReadFile(h, n bytes)` at the file pointer; reading at the end reads nothing.
    pub fn read_file(&mut self, h: Handle, n: u64) -> CallResult<()> {
        let obj = self.data_object(h)?;
        let o = &self.objects[obj];
        if o.access & FILE_READ_DATA == 0 {
            return Err(Refusal::new(
                STATUS_ACCESS_DENIED,
                Reason::HandleLacksAccess {
                    handle: h,
                    needed: "FILE_READ_DATA",
                },
            ));
        }
        let at = o.pointer;
        let size = self.nodes[o.node].size;
        let len = n.min(size.saturating_sub(at));
        self.lock_conflict(obj, at, len)?;
        self.objects[obj].pointer = at + len;
        Ok(())
    }

    /// `SetFilePointer(h, offset, NULL, FILE_BEGIN)`.
    pub fn set_file_pointer(&mut self, h: Handle, offset: u64) -> CallResult<()> {
        let obj = self.data_object(h)?;
        self.objects[obj].pointer = offset;
        Ok(())
    }

    /// `LockFile(h, offset, length)`: an exclusive lock; overlapping any lock fails.
    pub fn lock_file(&mut self, h: Handle, offset: u64, length: u64) -> CallResult<()> {
        let obj = self.data_object(h)?;
        if self.objects[obj].access & (FILE_READ_DATA | FILE_WRITE_DATA | FILE_APPEND_DATA) == 0 {
            return Err(Refusal::new(
                STATUS_ACCESS_DENIED,
                Reason::HandleLacksAccess {
                    handle: h,
                    needed: "read or write",
                },
            ));
        }
        let node = self.objects[obj].node;
        let held: Vec<_> = self.nodes[node]
            .locks
            .iter()
            .filter(|l| l.overlaps(offset, length))
            .map(|l| crate::Blocker {
                handle: self.handle_of_object(l.obj),
                what: crate::BlockerKind::Lock {
                    offset: l.offset,
                    length: l.length,
                },
            })
            .collect();
        if !held.is_empty() {
            return Err(Refusal::new(
                STATUS_LOCK_NOT_GRANTED,
                Reason::LockConflict { blockers: held },
            ));
        }
        self.nodes[node].locks.push(Lock { obj, offset, length });
        Ok(())
    }

    /// `UnlockFile(h, offset, length)`: the exact range locked through this handle.
    pub fn unlock_file(&mut self, h: Handle, offset: u64, length: u64) -> CallResult<()> {
        let obj = self.data_object(h)?;
        let node = self.objects[obj].node;
        let locks = &mut self.nodes[node].locks;
        match locks
            .iter()
            .position(|l| l.obj == obj && l.offset == offset && l.length == length)
        {
            Some(i) => {
                locks.remove(i);
                Ok(())
            }
            None => Err(Refusal::new(STATUS_RANGE_NOT_LOCKED, Reason::NotLocked)),
        }
    }

    /// `SetFileInformationByHandle(h, FileDispositionInfo, delete)`.
    pub fn set_disposition_info(&mut self, h: Handle, delete: bool) -> CallResult<()> {
        self.nt_set_disposition(h, delete)
    }

    /// `SetFileInformationByHandle(h, FileDispositionInfoEx, flags)`.
    pub fn set_disposition_info_ex(&mut self, h: Handle, flags: u32) -> CallResult<()> {
        self.nt_set_disposition_ex(h, flags)
    }

    /// `SetFileInformationByHandle(h, FileRenameInfo, to, replace)`.
    pub fn set_rename_info(&mut self, h: Handle, to: &str, replace: bool) -> CallResult<()> {
        self.nt_set_rename(h, to, replace)
    }

    /// `SetFileInformationByHandle(h, FileRenameInfoEx, to, flags)`.
    pub fn set_rename_info_ex(&mut self, h: Handle, to: &str, flags: u32) -> CallResult<()> {
        self.nt_set_rename_ex(h, to, flags)
    }

    /// `CreateFileMapping(h, NULL, protect, 0, 0, NULL)`: the whole file; `protect` may carry
    /// `SEC_IMAGE`.
    pub fn create_file_mapping(&mut self, h: Handle, protect: u32) -> CallResult<Handle> {
        let alloc = if protect & SEC_IMAGE == SEC_IMAGE {
            SEC_IMAGE
        } else {
            SEC_COMMIT
        };
        self.nt_create_section(h, protect & 0xFF, alloc)
    }

    /// `MapViewOfFile(mapping, desired_access, 0, 0, 0)`.
    pub fn map_view_of_file(&mut self, mapping: Handle, desired_access: u32) -> CallResult<Handle> {
        let Slot::Section(s) = self.slot(mapping) else {
            return Err(Self::invalid_handle());
        };
        let write = desired_access & FILE_MAP_WRITE != 0;
        if write && (self.sections[s].image || !self.sections[s].writable) {
            // CreateFileMapping grants SECTION_MAP_WRITE only to writable mappings.
            return Err(Refusal::new(
                STATUS_ACCESS_DENIED,
                Reason::InvalidParameter("FILE_MAP_WRITE on a mapping that is not writable"),
            ));
        }
        let protect = if write {
            PAGE_READWRITE
        } else if desired_access & FILE_MAP_COPY != 0 {
            PAGE_WRITECOPY
        } else {
            PAGE_READONLY
        };
        self.nt_map_view_of_section(mapping, protect)
    }

    /// `UnmapViewOfFile(view)`.
    pub fn unmap_view_of_file(&mut self, view: Handle) -> CallResult<()> {
        self.nt_unmap_view_of_section(view)
    }
}
