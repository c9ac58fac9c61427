//! A stand-in for `winsan_model::System` while the model's `system.rs` is being written.
//!
//! It implements only the calls [`crate::oracle`] makes, only for the tiny, fresh machines
//! the oracle builds (one file or two, their parents, a few handles), with the model's
//! own types ([`Refusal`], [`Reason`], [`Blocker`], [`ShareAccess`]) so that switching to
//! the real model changes nothing else. [`crate::oracle::model_is_ready`] decides which one
//! runs; once the model lands this file can be deleted.

use crate::oracle::WinApi;
use std::collections::HashMap;
use winsan_model::consts::{
    access::*, attributes::*, disposition::*, flags::*, rename::*, section::*, win32_disposition::*,
};
use winsan_model::{
    map_generic, Blocker, BlockerKind, CallResult, Class, Config, DataAccess, FileSystem, Handle,
    NtStatus, Reason, Refusal, ShareAccess, ShareConflict, Win32Error,
};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    File,
    Dir,
    Section { image: bool, writable: bool },
    View { writable: bool },
    Module,
    Process,
}

struct Node {
    dir: bool,
    readonly: bool,
    share: ShareAccess,
    pending: bool,
}

struct H {
    node: usize,
    kind: Kind,
    access: u32,
    share: u32,
}

/// The stand-in machine.
pub struct Interim {
    config: Config,
    names: HashMap<String, usize>,
    nodes: Vec<Node>,
    handles: Vec<Option<H>>,
}

fn refuse(status: NtStatus, reason: Reason) -> Refusal {
    Refusal::new(status, reason)
}

fn key(path: &str) -> String {
    path.to_ascii_lowercase()
}

impl Interim {
    pub fn new(config: Config) -> Interim {
        let mut s = Interim {
            config,
            names: HashMap::new(),
            nodes: Vec::new(),
            handles: Vec::new(),
        };
        s.insert(r"C:\", true, false);
        s
    }

    fn insert(&mut self, path: &str, dir: bool, readonly: bool) -> usize {
        self.nodes.push(Node {
            dir,
            readonly,
            share: ShareAccess::default(),
            pending: false,
        });
        let id = self.nodes.len() - 1;
        self.names.insert(key(path), id);
        id
    }

    fn node(&self, path: &str) -> Option<usize> {
        self.names.get(&key(path)).copied()
    }

    fn live(&self) -> impl Iterator<Item = (Handle, &H)> {
        self.handles
            .iter()
            .enumerate()
            .filter_map(|(i, h)| h.as_ref().map(|h| (Handle(i as u32), h)))
    }

    fn blocker(h: Handle, x: &H) -> Blocker {
        let what = match x.kind {
            Kind::File | Kind::Dir => BlockerKind::File {
                access: x.access,
                share: x.share,
            },
            Kind::Section { image: true, .. } => BlockerKind::ImageSection,
            Kind::Section { writable, .. } => BlockerKind::DataSection { writable },
            Kind::View { writable } => BlockerKind::View { writable },
            Kind::Module => BlockerKind::Module,
            Kind::Process => BlockerKind::Process,
        };
        Blocker { handle: h, what }
    }

    fn is_image(k: Kind) -> bool {
        matches!(
            k,
            Kind::Section { image: true, .. } | Kind::Module | Kind::Process
        )
    }
    fn is_data_section(k: Kind) -> bool {
        matches!(k, Kind::Section { image: false, .. } | Kind::View { .. })
    }

    fn blockers_where(&self, node: usize, f: impl Fn(&H) -> bool) -> Vec<Blocker> {
        self.live()
            .filter(|(_, x)| x.node == node && f(x))
            .map(|(h, x)| Self::blocker(h, x))
            .collect()
    }

    /// Rule A3 plus the section rules that apply at open.
    fn check_open(&self, node: usize, access: u32, share: u32) -> Result<(), Refusal> {
        let want = DataAccess::of(access);
        if let Err(conflict) = self.nodes[node].share.check(want, share) {
            let blockers = self.blockers_where(node, |x| {
                matches!(x.kind, Kind::File | Kind::Dir) && {
                    let held = DataAccess::of(x.access);
                    match conflict {
                        ShareConflict::NotSharedByExisting(c) => {
                            held.participates() && x.share & class_bit(c) == 0
                        }
                        ShareConflict::NotSharedByNew(c) => has_class(held, c),
                    }
                }
            });
            return Err(refuse(
                NtStatus::STATUS_SHARING_VIOLATION,
                Reason::SharingViolation { conflict, blockers },
            ));
        }
        if access & FILE_WRITE_DATA != 0 {
            let b = self.blockers_where(node, |x| Self::is_image(x.kind));
            if !b.is_empty() {
                return Err(refuse(
                    NtStatus::STATUS_SHARING_VIOLATION,
                    Reason::ImageSectionInUse { blockers: b },
                ));
            }
        }
        if want.participates() && share & winsan_model::consts::share::FILE_SHARE_WRITE == 0 {
            let b = self.blockers_where(node, |x| {
                matches!(
                    x.kind,
                    Kind::Section {
                        image: false,
                        writable: true
                    }
                )
            });
            if !b.is_empty() {
                return Err(refuse(
                    NtStatus::STATUS_SHARING_VIOLATION,
                    Reason::WritableSection { blockers: b },
                ));
            }
        }
        Ok(())
    }

    fn push(&mut self, node: usize, kind: Kind, access: u32, share: u32) -> Handle {
        if matches!(kind, Kind::File | Kind::Dir) {
            self.nodes[node].share.add(DataAccess::of(access), share);
        }
        self.handles.push(Some(H {
            node,
            kind,
            access,
            share,
        }));
        Handle(self.handles.len() as u32 - 1)
    }

    fn get(&self, h: Handle) -> CallResult<&H> {
        self.handles
            .get(h.0 as usize)
            .and_then(|x| x.as_ref())
            .ok_or_else(|| refuse(NtStatus::STATUS_INVALID_HANDLE, Reason::InvalidHandle))
    }

    fn unlink_name(&mut self, node: usize) {
        self.names.retain(|_, v| *v != node);
    }

    fn name_of(&self, node: usize) -> String {
        self.names
            .iter()
            .find(|(_, v)| **v == node)
            .map(|(k, _)| k.clone())
            .unwrap_or_default()
    }

    fn has_file_handles(&self, node: usize) -> bool {
        self.live()
            .any(|(_, x)| x.node == node && matches!(x.kind, Kind::File | Kind::Dir))
    }

    /// The delete disposition checks (rules C16, G31/G33) and its effect.
    fn dispose(&mut self, node: usize, posix: bool, ignore_ro: bool) -> CallResult<()> {
        let path = self.name_of(node);
        if self.nodes[node].readonly && !ignore_ro {
            return Err(refuse(
                NtStatus::STATUS_CANNOT_DELETE,
                Reason::ReadOnly { path },
            ));
        }
        let b = self.blockers_where(node, |x| {
            Self::is_image(x.kind) || Self::is_data_section(x.kind)
        });
        if !b.is_empty() {
            return Err(refuse(
                NtStatus::STATUS_CANNOT_DELETE,
                Reason::SectionPreventsDelete { blockers: b },
            ));
        }
        if self.nodes[node].dir {
            let prefix = format!("{}\\", path.trim_end_matches('\\'));
            let children: Vec<usize> = self
                .names
                .iter()
                .filter(|(k, _)| k.starts_with(&prefix) && !k[prefix.len()..].contains('\\'))
                .map(|(_, v)| *v)
                .collect();
            if !children.is_empty() {
                let pending = children.iter().filter(|&&c| self.nodes[c].pending).count();
                return Err(refuse(
                    NtStatus::STATUS_DIRECTORY_NOT_EMPTY,
                    Reason::DirectoryNotEmpty {
                        path,
                        entries: children.len(),
                        pending,
                    },
                ));
            }
        }
        if posix || !self.has_file_handles(node) {
            self.unlink_name(node);
        } else {
            self.nodes[node].pending = true;
        }
        Ok(())
    }

    fn open_for_delete(&mut self, path: &str, dir: bool) -> CallResult<usize> {
        let node = self.node(path).ok_or_else(|| {
            refuse(
                NtStatus::STATUS_OBJECT_NAME_NOT_FOUND,
                Reason::NotFound { path: path.into() },
            )
        })?;
        if self.nodes[node].pending {
            return Err(refuse(
                NtStatus::STATUS_DELETE_PENDING,
                Reason::DeletePending { path: path.into() },
            ));
        }
        if self.nodes[node].dir != dir {
            return Err(if dir {
                refuse(
                    NtStatus::STATUS_NOT_A_DIRECTORY,
                    Reason::NotDirectory { path: path.into() },
                )
            } else {
                refuse(
                    NtStatus::STATUS_FILE_IS_A_DIRECTORY,
                    Reason::IsDirectory { path: path.into() },
                )
            });
        }
        self.check_open(node, DELETE | SYNCHRONIZE, 7)?;
        Ok(node)
    }

    fn deletefile_posix(&self) -> bool {
        self.config.deletefile_semantics(FileSystem::Ntfs) == winsan_model::DeleteSemantics::Posix
    }

    /// Rules H38-H40, E25, G35: may this rename replace `to`?
    fn check_target(
        &self,
        to: &str,
        replace: bool,
        posix: bool,
        ignore_ro: bool,
    ) -> CallResult<()> {
        let Some(t) = self.node(to) else {
            return Ok(());
        };
        if !replace {
            return Err(refuse(
                NtStatus::STATUS_OBJECT_NAME_COLLISION,
                Reason::Collision { path: to.into() },
            ));
        }
        if self.nodes[t].dir {
            return Err(refuse(
                NtStatus::STATUS_ACCESS_DENIED,
                Reason::TargetIsDirectory { path: to.into() },
            ));
        }
        if self.nodes[t].readonly && !ignore_ro {
            return Err(refuse(
                NtStatus::STATUS_ACCESS_DENIED,
                Reason::TargetReadOnly { path: to.into() },
            ));
        }
        let img = self.blockers_where(t, |x| Self::is_image(x.kind));
        if !img.is_empty() {
            return Err(refuse(
                NtStatus::STATUS_ACCESS_DENIED,
                Reason::TargetImageInUse {
                    path: to.into(),
                    blockers: img,
                },
            ));
        }
        let open = self.blockers_where(t, |x| {
            Self::is_data_section(x.kind)
                || (matches!(x.kind, Kind::File | Kind::Dir)
                    && (!posix || x.share & winsan_model::consts::share::FILE_SHARE_DELETE == 0))
        });
        if !open.is_empty() {
            return Err(refuse(
                NtStatus::STATUS_ACCESS_DENIED,
                Reason::TargetOpen {
                    path: to.into(),
                    blockers: open,
                },
            ));
        }
        Ok(())
    }

    fn do_rename(&mut self, node: usize, to: &str) {
        let from = self.name_of(node);
        if let Some(t) = self.node(to) {
            self.unlink_name(t);
        }
        // Move the node and everything below it.
        let prefix = format!("{from}\\");
        let moved: Vec<(String, usize)> = self
            .names
            .iter()
            .filter(|(k, _)| **k == from || k.starts_with(&prefix))
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        for (k, v) in moved {
            self.names.remove(&k);
            self.names
                .insert(format!("{}{}", key(to), &k[from.len()..]), v);
        }
    }

    fn open_below(&self, node: usize) -> Vec<Blocker> {
        let prefix = format!("{}\\", self.name_of(node));
        self.live()
            .filter(|(_, x)| self.name_of(x.node).starts_with(&prefix))
            .map(|(h, x)| Self::blocker(h, x))
            .collect()
    }
}

fn class_bit(c: Class) -> u32 {
    use winsan_model::consts::share::*;
    match c {
        Class::Read => FILE_SHARE_READ,
        Class::Write => FILE_SHARE_WRITE,
        Class::Delete => FILE_SHARE_DELETE,
    }
}
fn has_class(a: DataAccess, c: Class) -> bool {
    match c {
        Class::Read => a.read,
        Class::Write => a.write,
        Class::Delete => a.delete,
    }
}

impl WinApi for Interim {
    fn create_directory(&mut self, path: &str) -> CallResult<()> {
        if self.node(path).is_some() {
            return Err(refuse(
                NtStatus::STATUS_OBJECT_NAME_COLLISION,
                Reason::Collision { path: path.into() },
            ));
        }
        self.insert(path, true, false);
        Ok(())
    }

    fn create_file(
        &mut self,
        path: &str,
        access: u32,
        share: u32,
        disposition: u32,
        flags_and_attributes: u32,
    ) -> CallResult<Handle> {
        let access = map_generic(access);
        let node = match self.node(path) {
            None => {
                if matches!(disposition, OPEN_EXISTING | TRUNCATE_EXISTING) {
                    return Err(refuse(
                        NtStatus::STATUS_OBJECT_NAME_NOT_FOUND,
                        Reason::NotFound { path: path.into() },
                    ));
                }
                let ro = flags_and_attributes & FILE_ATTRIBUTE_READONLY != 0;
                let n = self.insert(path, false, ro);
                return Ok(self.push(n, Kind::File, access, share));
            }
            Some(n) => n,
        };
        if self.nodes[node].pending {
            return Err(refuse(
                NtStatus::STATUS_DELETE_PENDING,
                Reason::DeletePending { path: path.into() },
            ));
        }
        if disposition == CREATE_NEW {
            return Err(refuse(
                NtStatus::STATUS_OBJECT_NAME_COLLISION,
                Reason::Collision { path: path.into() },
            ));
        }
        let dir = self.nodes[node].dir;
        if dir && flags_and_attributes & FILE_FLAG_BACKUP_SEMANTICS == 0 {
            return Err(refuse(
                NtStatus::STATUS_FILE_IS_A_DIRECTORY,
                Reason::IsDirectory { path: path.into() },
            ));
        }
        let truncates = matches!(disposition, CREATE_ALWAYS | TRUNCATE_EXISTING);
        if self.nodes[node].readonly
            && (access & (FILE_WRITE_DATA | FILE_APPEND_DATA) != 0 || truncates)
        {
            return Err(refuse(
                NtStatus::STATUS_ACCESS_DENIED,
                Reason::ReadOnly { path: path.into() },
            ));
        }
        self.check_open(node, access, share)?;
        if truncates {
            let b = self.blockers_where(node, |x| Self::is_data_section(x.kind));
            if !b.is_empty() {
                return Err(refuse(
                    NtStatus::STATUS_USER_MAPPED_FILE,
                    Reason::UserMappedFile { blockers: b },
                ));
            }
        }
        Ok(self.push(
            node,
            if dir { Kind::Dir } else { Kind::File },
            access,
            share,
        ))
    }

    fn close_handle(&mut self, h: Handle) -> CallResult<()> {
        let x = self
            .handles
            .get_mut(h.0 as usize)
            .and_then(|x| x.take())
            .ok_or_else(|| refuse(NtStatus::STATUS_INVALID_HANDLE, Reason::InvalidHandle))?;
        if matches!(x.kind, Kind::File | Kind::Dir) {
            self.nodes[x.node]
                .share
                .remove(DataAccess::of(x.access), x.share);
            if self.nodes[x.node].pending && !self.has_file_handles(x.node) {
                self.unlink_name(x.node);
            }
        }
        Ok(())
    }

    fn delete_file(&mut self, path: &str) -> CallResult<()> {
        let node = self.open_for_delete(path, false)?;
        let posix = self.deletefile_posix();
        self.dispose(node, posix, false)
    }

    fn remove_directory(&mut self, path: &str) -> CallResult<()> {
        let node = self.open_for_delete(path, true)?;
        let posix = self.deletefile_posix();
        self.dispose(node, posix, false)
    }

    fn move_file_ex(&mut self, from: &str, to: &str, flags: u32) -> CallResult<()> {
        let node = self.node(from).ok_or_else(|| {
            refuse(
                NtStatus::STATUS_OBJECT_NAME_NOT_FOUND,
                Reason::NotFound { path: from.into() },
            )
        })?;
        let dir = self.nodes[node].dir;
        self.open_for_delete(from, dir)?;
        if dir {
            let b = self.open_below(node);
            if !b.is_empty() {
                return Err(refuse(
                    NtStatus::STATUS_ACCESS_DENIED,
                    Reason::OpenBelowDirectory {
                        path: from.into(),
                        blockers: b,
                    },
                ));
            }
        }
        let replace = flags & winsan_model::consts::movefile::MOVEFILE_REPLACE_EXISTING != 0;
        self.check_target(to, replace, false, false)
            .map_err(|r| r.with_win32(Win32Error::ERROR_ACCESS_DENIED))
            .map_err(|r| {
                if r.status == NtStatus::STATUS_OBJECT_NAME_COLLISION {
                    r.with_win32(Win32Error::ERROR_ALREADY_EXISTS)
                } else {
                    r
                }
            })?;
        self.do_rename(node, to);
        Ok(())
    }

    fn set_file_attributes(&mut self, path: &str, attributes: u32) -> CallResult<()> {
        let node = self.node(path).ok_or_else(|| {
            refuse(
                NtStatus::STATUS_OBJECT_NAME_NOT_FOUND,
                Reason::NotFound { path: path.into() },
            )
        })?;
        self.nodes[node].readonly = attributes & FILE_ATTRIBUTE_READONLY != 0;
        Ok(())
    }

    fn set_disposition_info_ex(&mut self, h: Handle, flags: u32) -> CallResult<()> {
        let x = self.get(h)?;
        if x.access & DELETE == 0 {
            return Err(refuse(
                NtStatus::STATUS_ACCESS_DENIED,
                Reason::HandleLacksAccess {
                    handle: h,
                    needed: "DELETE",
                },
            ));
        }
        let node = x.node;
        if flags & FILE_DISPOSITION_FLAG_DELETE == 0 {
            self.nodes[node].pending = false;
            return Ok(());
        }
        self.dispose(
            node,
            flags & FILE_DISPOSITION_FLAG_POSIX_SEMANTICS != 0,
            flags & FILE_DISPOSITION_FLAG_IGNORE_READONLY_ATTRIBUTE != 0,
        )
    }

    fn set_rename_info_ex(&mut self, h: Handle, to: &str, flags: u32) -> CallResult<()> {
        let x = self.get(h)?;
        if x.access & DELETE == 0 {
            return Err(refuse(
                NtStatus::STATUS_ACCESS_DENIED,
                Reason::HandleLacksAccess {
                    handle: h,
                    needed: "DELETE",
                },
            ));
        }
        let node = x.node;
        self.check_target(
            to,
            flags & FILE_RENAME_FLAG_REPLACE_IF_EXISTS != 0,
            flags & FILE_RENAME_FLAG_POSIX_SEMANTICS != 0,
            flags & FILE_RENAME_FLAG_IGNORE_READONLY_ATTRIBUTE != 0,
        )?;
        self.do_rename(node, to);
        Ok(())
    }

    fn create_file_mapping(&mut self, h: Handle, protect: u32) -> CallResult<Handle> {
        let node = self.get(h)?.node;
        let image = protect & SEC_IMAGE == SEC_IMAGE;
        let writable = protect & (PAGE_READWRITE | PAGE_EXECUTE_READWRITE) != 0;
        Ok(self.push(node, Kind::Section { image, writable }, 0, 0))
    }

    fn map_view_of_file(&mut self, mapping: Handle, desired_access: u32) -> CallResult<Handle> {
        let node = self.get(mapping)?.node;
        let writable = desired_access & FILE_MAP_WRITE != 0;
        Ok(self.push(node, Kind::View { writable }, 0, 0))
    }

    fn load_library(&mut self, path: &str) -> CallResult<Handle> {
        self.image(path, Kind::Module)
    }

    fn create_process(&mut self, path: &str) -> CallResult<Handle> {
        self.image(path, Kind::Process)
    }
}

impl Interim {
    /// The loader opens the image for execute, sharing read and delete, makes an image
    /// section and closes the file handle.
    fn image(&mut self, path: &str, kind: Kind) -> CallResult<Handle> {
        use winsan_model::consts::share::*;
        let node = self.node(path).ok_or_else(|| {
            refuse(
                NtStatus::STATUS_OBJECT_NAME_NOT_FOUND,
                Reason::NotFound { path: path.into() },
            )
        })?;
        self.check_open(
            node,
            FILE_EXECUTE | FILE_READ_DATA | SYNCHRONIZE,
            FILE_SHARE_READ | FILE_SHARE_DELETE,
        )?;
        Ok(self.push(node, kind, 0, 0))
    }
}
