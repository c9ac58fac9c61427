//! The modelled machine: volumes, the namespace, files, file objects and handles, and the
//! NT-layer calls that open, close, delete, rename and link.
//!
//! The vocabulary is the file system's: a *file* (FCB/SCB: one per file, shared by all its
//! hard links and handles) carries the share-access counters, the delete disposition and
//! the section references; a *link* is one name of a file in a directory; a *file object*
//! is one successful open (its access, share mode and delete-on-close flag), and *handles*
//! refer to file objects (`DuplicateHandle` adds a handle, not a file object). Share access
//! is released and dispositions are acted on at *cleanup*, when a file object's last handle
//! closes (nt-rules A4, FastFAT cleanup.c).

use crate::access::{map_generic, DataAccess, ShareAccess};
use crate::config::{Config, DeleteSemantics, FileSystem};
use crate::consts::{access::*, attributes::*, disposition::*, nt_disposition::*, options::*, rename::*, share::*};
use crate::path::{fold, fold_into, WinPath};
use crate::reason::{Blocker, BlockerKind, Event, Reason, Refusal, RemovalCause};
use crate::status::NtStatus::*;
use crate::CallResult;
use rustc_hash::FxHashMap;
use smallvec::SmallVec;
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

pub(crate) type NodeId = u32;
pub(crate) type LinkId = u32;
pub(crate) type ObjId = u32;

/// One name of a file in a directory.
pub(crate) struct Link {
    pub parent: NodeId,
    /// The name as spelled when created (or last renamed).
    pub name: Box<str>,
    pub node: NodeId,
    /// In its parent's directory (false once deleted).
    pub attached: bool,
    /// File objects opened through this name.
    pub refs: u32,
    /// The path it had when it was deleted while file objects still used it (its parent
    /// directory may go too, so the path is kept, not recomputed).
    pub deleted_path: Option<Box<str>>,
}

/// Delete disposition of a file (nt-rules C13, C14).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Pending {
    None,
    /// Legacy: this link goes when the file's last file object is cleaned up.
    Legacy(LinkId),
    /// POSIX: this link goes when the file object that set it is cleaned up.
    Posix(LinkId),
}

/// A file or directory (FCB).
pub(crate) struct Node {
    pub volume: u8,
    /// For directories: case-folded name -> link.
    pub dir: Option<Box<FxHashMap<Box<str>, LinkId>>>,
    pub attributes: u32,
    pub size: u64,
    /// WriteFile put a runnable image's bytes here (scenario convention: at least
    /// [`IMAGE_MIN_SIZE`] bytes written from offset 0, as the Wine scenario runner does).
    pub image: bool,
    pub links: SmallVec<[LinkId; 2]>,
    /// Open file objects (participating in sharing or not).
    pub objects: u32,
    pub share: ShareAccess,
    pub pending: Pending,
    /// Data section handles plus mapped data views (user references, nt-rules G31).
    pub data_refs: u32,
    /// Writable data sections in existence (nt-rules G30).
    pub writable_sections: u32,
    /// Image section handles, image views, loaded modules and running processes (G33).
    pub image_refs: u32,
    pub locks: Vec<Lock>,
    /// Head of the list of this file's open file objects ([`NONE`] when empty).
    pub first_obj: ObjId,
}

/// "No object" in the intrusive lists.
pub(crate) const NONE: u32 = u32::MAX;

/// At most this many blockers are named in a refusal.
pub(crate) const MAX_BLOCKERS: usize = 32;

impl Node {
    pub fn is_dir(&self) -> bool {
        self.dir.is_some()
    }
}

/// An exclusive byte-range lock.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Lock {
    pub obj: ObjId,
    pub offset: u64,
    pub length: u64,
}

impl Lock {
    pub fn overlaps(&self, offset: u64, length: u64) -> bool {
        length != 0
            && self.length != 0
            && offset < self.offset.saturating_add(self.length)
            && self.offset < offset.saturating_add(length)
    }
}

/// One successful open.
pub(crate) struct FileObject {
    pub node: NodeId,
    pub link: LinkId,
    /// Granted access, generic-mapped.
    pub access: u32,
    pub share: u32,
    pub handles: u32,
    pub pointer: u64,
    pub delete_on_close: bool,
    /// This object set a POSIX delete disposition.
    pub posix_setter: bool,
    /// A handle that refers to this object (the oldest still open).
    pub first_handle: Handle,
    /// Neighbours in the file's list of file objects.
    pub prev: ObjId,
    pub next: ObjId,
}

impl FileObject {
    pub fn data(&self) -> DataAccess {
        DataAccess::of(self.access)
    }
}

/// The minimum size of a file that WriteFile turned into a runnable image.
pub(crate) const IMAGE_MIN_SIZE: u64 = 1024;

pub(crate) struct Volume {
    pub letter: char,
    pub fs: FileSystem,
    pub root: NodeId,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Slot {
    Free,
    File(ObjId),
    Section(u32),
    View(u32),
    Module(NodeId),
    Process(u32),
}

/// A generic slab: stable ids, slots reused.
pub(crate) struct Slab<T> {
    items: Vec<Option<T>>,
    free: Vec<u32>,
}

impl<T> Default for Slab<T> {
    fn default() -> Self {
        Slab {
            items: Vec::new(),
            free: Vec::new(),
        }
    }
}

impl<T> Slab<T> {
    pub fn insert(&mut self, v: T) -> u32 {
        if let Some(i) = self.free.pop() {
            self.items[i as usize] = Some(v);
            i
        } else {
            self.items.push(Some(v));
            (self.items.len() - 1) as u32
        }
    }
    pub fn remove(&mut self, i: u32) -> T {
        let v = self.items[i as usize].take().expect("slab: removing a free slot");
        self.free.push(i);
        v
    }
    pub fn get(&self, i: u32) -> Option<&T> {
        self.items.get(i as usize).and_then(|o| o.as_ref())
    }
    pub fn iter(&self) -> impl Iterator<Item = (u32, &T)> {
        self.items
            .iter()
            .enumerate()
            .filter_map(|(i, o)| o.as_ref().map(|v| (i as u32, v)))
    }
}

impl<T> std::ops::Index<u32> for Slab<T> {
    type Output = T;
    fn index(&self, i: u32) -> &T {
        self.items[i as usize].as_ref().expect("slab: dangling id")
    }
}

impl<T> std::ops::IndexMut<u32> for Slab<T> {
    fn index_mut(&mut self, i: u32) -> &mut T {
        self.items[i as usize].as_mut().expect("slab: dangling id")
    }
}

/// How an open names its target once the path is walked.
pub(crate) enum Lookup {
    /// The name exists: its link.
    Found(LinkId),
    /// The parent directory exists and the last component does not.
    Missing { parent: NodeId, name: String },
    /// The path is the root directory of a volume.
    Root(NodeId),
}

/// The modelled machine.
pub struct System {
    pub(crate) config: Config,
    pub(crate) volumes: Vec<Volume>,
    pub(crate) nodes: Slab<Node>,
    pub(crate) links: Slab<Link>,
    pub(crate) objects: Slab<FileObject>,
    pub(crate) handles: Vec<Slot>,
    free_handles: Vec<u32>,
    pub(crate) sections: Slab<crate::section::Section>,
    pub(crate) views: Slab<crate::section::View>,
    pub(crate) processes: Slab<crate::section::Process>,
    pub(crate) events: Vec<Event>,
    record_events: bool,
    key_buf: String,
}

/// What an NT open asks for, decoded.
pub(crate) struct OpenRequest<'a> {
    pub path: &'a str,
    pub access: u32,
    pub attributes: u32,
    pub share: u32,
    pub disposition: u32,
    pub options: u32,
}

impl System {
    /// A machine with an empty NTFS `C:` volume.
    pub fn new(config: Config) -> System {
        let mut sys = System {
            config,
            volumes: Vec::new(),
            nodes: Slab::default(),
            links: Slab::default(),
            objects: Slab::default(),
            handles: Vec::new(),
            free_handles: Vec::new(),
            sections: Slab::default(),
            views: Slab::default(),
            processes: Slab::default(),
            events: Vec::new(),
            record_events: true,
            key_buf: String::new(),
        };
        sys.add_volume('C', FileSystem::Ntfs).expect("C: is free");
        sys
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Add an empty volume (`@volume D: fat`). Fails if the letter is taken or invalid.
    pub fn add_volume(&mut self, letter: char, fs: FileSystem) -> Result<(), String> {
        if !letter.is_ascii_alphabetic() {
            return Err(format!("`{letter}` is not a drive letter"));
        }
        let letter = letter.to_ascii_uppercase();
        if self.volumes.iter().any(|v| v.letter == letter) {
            return Err(format!("volume {letter}: exists already"));
        }
        let volume = self.volumes.len() as u8;
        let root = self.nodes.insert(Node::new(volume, true));
        self.volumes.push(Volume { letter, fs, root });
        Ok(())
    }

    /// Stop (or resume) recording [`Event`]s; long-running callers that never read them
    /// (benchmarks, the sanitizer) turn recording off.
    pub fn set_event_recording(&mut self, on: bool) {
        self.record_events = on;
        if !on {
            self.events.clear();
        }
    }

    /// Side effects since the last call of this method (names removed at close, ...).
    pub fn take_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    /// A link's path for an event recorded after the link changes; empty (and free) when
    /// events are not recorded.
    pub(crate) fn path_for_event(&self, link: LinkId) -> String {
        if self.record_events {
            self.link_path(link)
        } else {
            String::new()
        }
    }

    pub(crate) fn event(&mut self, e: impl FnOnce(&System) -> Event) {
        if self.record_events {
            let e = e(self);
            self.events.push(e);
        }
    }

    // ------------------------------------------------------------------ namespace

    pub(crate) fn volume_of_node(&self, node: NodeId) -> &Volume {
        &self.volumes[self.nodes[node].volume as usize]
    }

    /// Walk a path to its link, or to the missing last component's parent.
    pub(crate) fn lookup(&mut self, path: &str) -> CallResult<Lookup> {
        let p = WinPath::parse(path)?;
        let Some(vol) = self.volumes.iter().find(|v| v.letter == p.drive) else {
            return Err(Refusal::new(
                STATUS_OBJECT_PATH_NOT_FOUND,
                Reason::PathNotFound {
                    path: format!("{}:\\", p.drive),
                },
            ));
        };
        let mut dir = vol.root;
        let n = p.components.len();
        if n == 0 {
            return Ok(Lookup::Root(dir));
        }
        let mut buf = std::mem::take(&mut self.key_buf);
        let mut result = None;
        for (i, comp) in p.components.iter().enumerate() {
            fold_into(comp, &mut buf);
            let Some(children) = self.nodes[dir].dir.as_ref() else {
                // A file where a directory is needed on the way.
                result = Some(Err(Refusal::new(
                    STATUS_OBJECT_PATH_NOT_FOUND,
                    Reason::PathNotFound {
                        path: join_prefix(&p, i),
                    },
                )));
                break;
            };
            match children.get(buf.as_str()) {
                Some(&link) if i + 1 == n => {
                    result = Some(Ok(Lookup::Found(link)));
                    break;
                }
                Some(&link) => dir = self.links[link].node,
                None if i + 1 == n => {
                    result = Some(Ok(Lookup::Missing {
                        parent: dir,
                        name: comp.to_string(),
                    }));
                    break;
                }
                None => {
                    result = Some(Err(Refusal::new(
                        STATUS_OBJECT_PATH_NOT_FOUND,
                        Reason::PathNotFound {
                            path: join_prefix(&p, i + 1),
                        },
                    )));
                    break;
                }
            }
        }
        self.key_buf = buf;
        result.expect("loop always decides")
    }

    /// The current path of a link (`<deleted>` parts for names no longer attached).
    pub(crate) fn link_path(&self, link: LinkId) -> String {
        if self.links[link].name.is_empty() {
            // The pseudo-name of a volume root's file objects.
            return self.node_path(self.links[link].node);
        }
        let mut l = &self.links[link];
        if !l.attached {
            return match &l.deleted_path {
                Some(p) => format!("{p} (deleted)"),
                None => format!("{} (deleted)", l.name),
            };
        }
        let mut parts: Vec<&str> = Vec::new();
        loop {
            parts.push(&l.name);
            let parent = &self.nodes[l.parent];
            match parent.links.first() {
                Some(&pl) => l = &self.links[pl],
                None => break,
            }
        }
        let vol = self.volume_of_node(l.parent).letter;
        let mut s = format!("{vol}:");
        for part in parts.iter().rev() {
            s.push('\\');
            s.push_str(part);
        }
        s
    }

    /// A path of a file: its first name, or the name its file objects still hold.
    pub(crate) fn node_path(&self, node: NodeId) -> String {
        if let Some(&l) = self.nodes[node].links.first() {
            return self.link_path(l);
        }
        if let Some(v) = self.volumes.iter().find(|v| v.root == node) {
            return format!("{}:\\", v.letter);
        }
        match self.links.iter().find(|(_, l)| l.node == node) {
            Some((id, _)) => self.link_path(id),
            None => "<deleted file>".to_string(),
        }
    }

    pub(crate) fn attach(&mut self, parent: NodeId, name: String, node: NodeId) -> LinkId {
        let key: Box<str> = fold(&name).into();
        let link = self.links.insert(Link {
            parent,
            name: name.into_boxed_str(),
            node,
            attached: true,
            refs: 0,
            deleted_path: None,
        });
        self.nodes[parent]
            .dir
            .as_mut()
            .expect("parent is a directory")
            .insert(key, link);
        self.nodes[node].links.push(link);
        link
    }

    /// Take a name out of its directory; frees what nothing refers to any more.
    pub(crate) fn detach(&mut self, link: LinkId) {
        // Narratives (event recording on) name a deleted-but-open file by its old path;
        // without them only its name is kept, which saves building the path.
        if self.record_events && self.links[link].attached && self.links[link].refs > 0 {
            let path = self.link_path(link);
            self.links[link].deleted_path = Some(path.into_boxed_str());
        }
        let (parent, node) = {
            let l = &mut self.links[link];
            if !l.attached {
                return;
            }
            l.attached = false;
            (l.parent, l.node)
        };
        let mut key = std::mem::take(&mut self.key_buf);
        fold_into(&self.links[link].name, &mut key);
        if let Some(d) = self.nodes[parent].dir.as_mut() {
            d.remove(key.as_str());
        }
        self.key_buf = key;
        let n = &mut self.nodes[node];
        n.links.retain(|l| *l != link);
        if let Pending::Legacy(l) | Pending::Posix(l) = n.pending {
            if l == link {
                n.pending = Pending::None;
            }
        }
        self.release_link(link);
        self.maybe_free_node(node);
    }

    fn release_link(&mut self, link: LinkId) {
        if self.links.get(link).is_some_and(|l| !l.attached && l.refs == 0) {
            self.links.remove(link);
        }
    }

    pub(crate) fn maybe_free_node(&mut self, node: NodeId) {
        let n = &self.nodes[node];
        if n.links.is_empty()
            && n.objects == 0
            && n.data_refs == 0
            && n.image_refs == 0
            && n.writable_sections == 0
            && !self.is_root(node)
        {
            self.nodes.remove(node);
        }
    }

    /// A volume's root directory (it has no name, and cannot be deleted).
    fn is_root(&self, node: NodeId) -> bool {
        self.volumes.iter().any(|v| v.root == node)
    }

    fn fs_of(&self, node: NodeId) -> FileSystem {
        self.volume_of_node(node).fs
    }

    // ------------------------------------------------------------------ handles

    pub(crate) fn new_handle(&mut self, slot: Slot) -> Handle {
        if let Some(i) = self.free_handles.pop() {
            self.handles[i as usize] = slot;
            Handle(i)
        } else {
            self.handles.push(slot);
            Handle((self.handles.len() - 1) as u32)
        }
    }

    pub(crate) fn slot(&self, h: Handle) -> Slot {
        self.handles.get(h.0 as usize).copied().unwrap_or(Slot::Free)
    }

    pub(crate) fn free_handle(&mut self, h: Handle) {
        self.handles[h.0 as usize] = Slot::Free;
        self.free_handles.push(h.0);
    }

    pub(crate) fn invalid_handle() -> Refusal {
        Refusal::new(STATUS_INVALID_HANDLE, Reason::InvalidHandle)
    }

    pub(crate) fn file_object(&self, h: Handle) -> CallResult<ObjId> {
        match self.slot(h) {
            Slot::File(o) => Ok(o),
            Slot::Free => Err(Self::invalid_handle()),
            _ => Err(Refusal::new(STATUS_OBJECT_TYPE_MISMATCH, Reason::InvalidHandle)),
        }
    }

    /// A handle that refers to a file object (for naming blockers).
    pub(crate) fn handle_of_object(&self, obj: ObjId) -> Handle {
        self.objects[obj].first_handle
    }

    /// The open file objects of a file that match `pred`, as blockers (at most
    /// [`MAX_BLOCKERS`]): only refusals pay for this walk, never the share check itself.
    pub(crate) fn file_blockers(&self, node: NodeId, pred: impl Fn(&FileObject) -> bool) -> Vec<Blocker> {
        let mut v = Vec::new();
        let mut id = self.nodes[node].first_obj;
        while id != NONE && v.len() < MAX_BLOCKERS {
            let o = &self.objects[id];
            if pred(o) {
                v.push(Blocker {
                    handle: o.first_handle,
                    what: BlockerKind::File {
                        access: o.access,
                        share: o.share,
                    },
                });
            }
            id = o.next;
        }
        v.sort_by_key(|b| b.handle);
        v
    }

    // ------------------------------------------------------------------ queries

    /// The name is in its directory (a delete-pending name still is).
    pub fn exists(&self, path: &str) -> bool {
        self.peek(path).is_some()
    }

    /// Non-mutating lookup.
    fn peek(&self, path: &str) -> Option<NodeId> {
        let p = WinPath::parse(path).ok()?;
        let vol = self.volumes.iter().find(|v| v.letter == p.drive)?;
        let mut node = vol.root;
        for comp in &p.components {
            let d = self.nodes[node].dir.as_ref()?;
            node = self.links[*d.get(fold(comp).as_str())?].node;
        }
        Some(node)
    }

    /// The names in a directory, with their stored case; `None` if not a directory.
    pub fn listing(&self, path: &str) -> Option<Vec<String>> {
        let node = self.peek(path)?;
        let d = self.nodes[node].dir.as_ref()?;
        let mut names: Vec<String> = d.values().map(|&l| self.links[l].name.to_string()).collect();
        names.sort();
        Some(names)
    }

    /// `GetFileAttributes`; `None` if the name does not exist.
    pub fn attributes(&self, path: &str) -> Option<u32> {
        let node = self.peek(path)?;
        Some(self.attributes_of(node))
    }

    pub(crate) fn attributes_of(&self, node: NodeId) -> u32 {
        let n = &self.nodes[node];
        let mut a = n.attributes;
        if n.is_dir() {
            a |= FILE_ATTRIBUTE_DIRECTORY;
        }
        if a == 0 {
            a = FILE_ATTRIBUTE_NORMAL;
        }
        a
    }

    /// `FileStandardInformation.DeletePending` of the handle's file.
    pub fn delete_pending(&self, h: Handle) -> CallResult<bool> {
        let obj = self.file_object(h)?;
        let node = self.objects[obj].node;
        // A file whose every name a POSIX delete removed while it is still open reads
        // DeletePending TRUE too (nt-rules C14); a volume root has no name to begin with.
        let unlinked = self.nodes[node].links.is_empty() && !self.is_root(node);
        Ok(self.nodes[node].pending != Pending::None || unlinked)
    }

    /// What a handle is; `None` if it is not open.
    pub fn handle_info(&self, h: Handle) -> Option<HandleInfo> {
        let info = |kind, node: NodeId| HandleInfo {
            kind,
            path: Some(self.node_path(node)),
            access: 0,
            share: 0,
            delete_on_close: false,
        };
        Some(match self.slot(h) {
            Slot::Free => return None,
            Slot::File(o) => {
                let obj = &self.objects[o];
                let kind = if self.nodes[obj.node].is_dir() {
                    HandleKind::Directory
                } else {
                    HandleKind::File
                };
                HandleInfo {
                    kind,
                    path: Some(self.link_path(obj.link)),
                    access: obj.access,
                    share: obj.share,
                    delete_on_close: obj.delete_on_close,
                }
            }
            Slot::Section(s) => {
                let sec = &self.sections[s];
                info(HandleKind::Section { image: sec.image }, sec.node)
            }
            Slot::View(v) => info(HandleKind::View, self.sections[self.views[v].section].node),
            Slot::Module(node) => info(HandleKind::Module, node),
            Slot::Process(p) => {
                let proc_ = &self.processes[p];
                HandleInfo {
                    path: Some(proc_.path.clone()),
                    ..info(HandleKind::Process, proc_.node.unwrap_or(0))
                }
            }
        })
    }

    /// Number of open handles of every kind.
    pub fn open_handle_count(&self) -> usize {
        self.handles.iter().filter(|s| **s != Slot::Free).count()
    }

    /// Recompute every derived counter (share access, section and handle counts) from the
    /// objects that imply it and compare; `Err` names the first mismatch. For tests.
    pub fn check_invariants(&self) -> Result<(), String> {
        let mut share: FxHashMap<NodeId, ShareAccess> = FxHashMap::default();
        let mut objects: FxHashMap<NodeId, u32> = FxHashMap::default();
        let mut link_refs: FxHashMap<LinkId, u32> = FxHashMap::default();
        let mut handle_counts: FxHashMap<ObjId, u32> = FxHashMap::default();
        for s in &self.handles {
            if let Slot::File(o) = s {
                *handle_counts.entry(*o).or_default() += 1;
            }
        }
        for (id, o) in self.objects.iter() {
            share.entry(o.node).or_default().add(o.data(), o.share);
            *objects.entry(o.node).or_default() += 1;
            *link_refs.entry(o.link).or_default() += 1;
            let hc = handle_counts.get(&id).copied().unwrap_or(0);
            if hc != o.handles || hc == 0 {
                return Err(format!(
                    "file object {id}: {} handles recorded, {hc} in the table",
                    o.handles
                ));
            }
        }
        let (data, writable, image) = self.section_refs();
        for (id, n) in self.nodes.iter() {
            let want = share.get(&id).copied().unwrap_or_default();
            if n.share != want {
                return Err(format!(
                    "{}: share counters {:?}, open file objects imply {:?}",
                    self.node_path(id),
                    n.share,
                    want
                ));
            }
            let want = objects.get(&id).copied().unwrap_or(0);
            if n.objects != want {
                return Err(format!(
                    "{}: {} file objects recorded, {want} exist",
                    self.node_path(id),
                    n.objects
                ));
            }
            for (what, have, want) in [
                ("data", n.data_refs, &data),
                ("writable", n.writable_sections, &writable),
                ("image", n.image_refs, &image),
            ] {
                let want = want.get(&id).copied().unwrap_or(0);
                if have != want {
                    return Err(format!(
                        "{}: {what} section references {have}, objects imply {want}",
                        self.node_path(id)
                    ));
                }
            }
            for &l in &n.links {
                if !self.links[l].attached || self.links[l].node != id {
                    return Err(format!(
                        "{}: link {l} is not an attached name of it",
                        self.node_path(id)
                    ));
                }
            }
            if let Some(d) = &n.dir {
                for (key, &l) in d.iter() {
                    if **key != *fold(&self.links[l].name) || self.links[l].parent != id {
                        return Err(format!("{}: entry {key} does not match its link", self.node_path(id)));
                    }
                }
            }
        }
        for (id, l) in self.links.iter() {
            let want = link_refs.get(&id).copied().unwrap_or(0);
            if l.refs != want {
                return Err(format!(
                    "link {}: {} refs recorded, {want} file objects use it",
                    l.name, l.refs
                ));
            }
            if !l.attached && l.refs == 0 {
                return Err(format!("link {}: detached and unused but not freed", l.name));
            }
        }
        Ok(())
    }

    /// Paths of files that are still delete-pending, hold share access, or have a section,
    /// view, module or process referring to them. Empty once everything is closed.
    pub fn held_files(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .nodes
            .iter()
            .filter(|(_, n)| {
                n.objects > 0
                    || !n.share.is_empty()
                    || n.pending != Pending::None
                    || n.data_refs > 0
                    || n.image_refs > 0
                    || n.writable_sections > 0
                    || !n.locks.is_empty()
            })
            .map(|(id, _)| self.node_path(id))
            .collect();
        v.sort();
        v
    }

    // ------------------------------------------------------------------ NT layer: open

    /// `NtCreateFile`.
    pub fn nt_create_file(
        &mut self,
        path: &str,
        access: u32,
        attributes: u32,
        share: u32,
        disposition: u32,
        options: u32,
    ) -> CallResult<Handle> {
        self.open(OpenRequest {
            path,
            access,
            attributes,
            share,
            disposition,
            options,
        })
        .map(|(h, _)| h)
    }

    /// `NtOpenFile` = `NtCreateFile(..., FILE_OPEN, ...)`.
    pub fn nt_open_file(&mut self, path: &str, access: u32, share: u32, options: u32) -> CallResult<Handle> {
        self.nt_create_file(path, access, 0, share, FILE_OPEN, options)
    }

    /// The I/O manager and file system's open path. Returns the handle and whether the file
    /// existed before.
    pub(crate) fn open(&mut self, req: OpenRequest<'_>) -> CallResult<(Handle, bool)> {
        if req.disposition > FILE_OVERWRITE_IF
            || req.share & !FILE_SHARE_VALID_FLAGS != 0
            || (req.options & FILE_DIRECTORY_FILE != 0 && req.options & FILE_NON_DIRECTORY_FILE != 0)
            // Wine ntdll/tests/file.c create_file_test: a directory open takes only
            // FILE_CREATE, FILE_OPEN or FILE_OPEN_IF.
            || (req.options & FILE_DIRECTORY_FILE != 0 && !matches!(req.disposition, FILE_CREATE | FILE_OPEN | FILE_OPEN_IF))
        {
            return Err(Refusal::new(
                STATUS_INVALID_PARAMETER,
                Reason::InvalidParameter("disposition, share mode or create options"),
            ));
        }
        let access = map_generic(req.access);
        let delete_on_close = req.options & FILE_DELETE_ON_CLOSE != 0;
        if delete_on_close && access & DELETE == 0 {
            // FILE_DELETE_ON_CLOSE needs DELETE access (nt-rules D17; the Win32 layer adds it).
            return Err(Refusal::new(
                STATUS_INVALID_PARAMETER,
                Reason::InvalidParameter("FILE_DELETE_ON_CLOSE without DELETE access"),
            ));
        }
        match self.lookup(req.path)? {
            Lookup::Root(root) => {
                if req.options & FILE_NON_DIRECTORY_FILE != 0 {
                    return Err(Refusal::new(
                        STATUS_FILE_IS_A_DIRECTORY,
                        Reason::IsDirectory {
                            path: req.path.to_string(),
                        },
                    ));
                }
                if req.disposition == FILE_CREATE {
                    return Err(Refusal::new(
                        STATUS_OBJECT_NAME_COLLISION,
                        Reason::Collision {
                            path: req.path.to_string(),
                        },
                    ));
                }
                // The root has no link; give its file objects a detached pseudo-link.
                let link = self.links.insert(Link {
                    parent: root,
                    name: "".into(),
                    node: root,
                    attached: false,
                    refs: 0,
                    deleted_path: None,
                });
                match self.open_existing(root, link, access, &req) {
                    Ok(h) => Ok((h, true)),
                    Err(e) => {
                        self.release_link(link);
                        Err(e)
                    }
                }
            }
            Lookup::Found(link) => {
                let node = self.links[link].node;
                self.open_existing(node, link, access, &req).map(|h| (h, true))
            }
            Lookup::Missing { parent, name } => {
                if req.disposition == FILE_OPEN || req.disposition == FILE_OVERWRITE {
                    return Err(Refusal::new(
                        STATUS_OBJECT_NAME_NOT_FOUND,
                        Reason::NotFound {
                            path: req.path.to_string(),
                        },
                    ));
                }
                let p = &self.nodes[parent];
                if p.pending != Pending::None {
                    // FastFAT create.c: a delete-pending directory on the path refuses creation.
                    return Err(Refusal::new(
                        STATUS_DELETE_PENDING,
                        Reason::DeletePending {
                            path: self.node_path(parent),
                        },
                    ));
                }
                let is_dir = req.options & FILE_DIRECTORY_FILE != 0;
                let attrs = req.attributes & SETTABLE;
                if delete_on_close && attrs & FILE_ATTRIBUTE_READONLY != 0 {
                    // nt-rules D21: delete-on-close of a read-only file.
                    return Err(Refusal::new(
                        STATUS_CANNOT_DELETE,
                        Reason::ReadOnly {
                            path: req.path.to_string(),
                        },
                    ));
                }
                let volume = p.volume;
                let node = self.nodes.insert(Node::new(volume, is_dir));
                self.nodes[node].attributes = if is_dir {
                    attrs & !FILE_ATTRIBUTE_READONLY
                } else {
                    attrs | FILE_ATTRIBUTE_ARCHIVE
                };
                let link = self.attach(parent, name, node);
                Ok((self.grant(node, link, access, req.share, delete_on_close), false))
            }
        }
    }

    /// Open an existing file: the checks in the order the file system makes them.
    fn open_existing(&mut self, node: NodeId, link: LinkId, access: u32, req: &OpenRequest<'_>) -> CallResult<Handle> {
        let path = || req.path.to_string();
        let n = &self.nodes[node];
        // nt-rules C13: a delete-pending file refuses every open, whatever the disposition.
        if n.pending != Pending::None {
            return Err(Refusal::new(
                STATUS_DELETE_PENDING,
                Reason::DeletePending { path: path() },
            ));
        }
        if req.disposition == FILE_CREATE {
            return Err(Refusal::new(
                STATUS_OBJECT_NAME_COLLISION,
                Reason::Collision { path: path() },
            ));
        }
        let delete_on_close = req.options & FILE_DELETE_ON_CLOSE != 0;
        let overwrite = matches!(req.disposition, FILE_SUPERSEDE | FILE_OVERWRITE | FILE_OVERWRITE_IF);
        if n.is_dir() {
            if req.options & FILE_NON_DIRECTORY_FILE != 0 {
                return Err(Refusal::new(
                    STATUS_FILE_IS_A_DIRECTORY,
                    Reason::IsDirectory { path: path() },
                ));
            }
            if overwrite {
                return Err(Refusal::new(
                    STATUS_OBJECT_NAME_COLLISION,
                    Reason::Collision { path: path() },
                ));
            }
        } else if req.options & FILE_DIRECTORY_FILE != 0 {
            return Err(Refusal::new(
                STATUS_NOT_A_DIRECTORY,
                Reason::NotDirectory { path: path() },
            ));
        }
        let read_only = !n.is_dir() && n.attributes & FILE_ATTRIBUTE_READONLY != 0;
        // nt-rules E23: a read-only file refuses write access and overwriting.
        if read_only && (access & (FILE_WRITE_DATA | FILE_APPEND_DATA) != 0 || overwrite) {
            return Err(Refusal::new(STATUS_ACCESS_DENIED, Reason::ReadOnly { path: path() }));
        }
        // nt-rules A3: the share check, two-way.
        let want = DataAccess::of(access);
        if let Err(conflict) = n.share.check(want, req.share) {
            let blockers = self.file_blockers(node, |o| {
                let d = o.data();
                (want.read && o.share & FILE_SHARE_READ == 0)
                    || (want.write && o.share & FILE_SHARE_WRITE == 0)
                    || (want.delete && o.share & FILE_SHARE_DELETE == 0)
                    || (d.read && req.share & FILE_SHARE_READ == 0)
                    || (d.write && req.share & FILE_SHARE_WRITE == 0)
                    || (d.delete && req.share & FILE_SHARE_DELETE == 0)
            });
            return Err(Refusal::new(
                STATUS_SHARING_VIOLATION,
                Reason::SharingViolation { conflict, blockers },
            ));
        }
        // nt-rules G30: a writable user section is a writer that shares nothing but write.
        if want.participates() && n.writable_sections > 0 && req.share & FILE_SHARE_WRITE == 0 {
            return Err(Refusal::new(
                STATUS_SHARING_VIOLATION,
                Reason::WritableSection {
                    blockers: self.section_blockers(node, false),
                },
            ));
        }
        // nt-rules G34: MmFlushImageSection(MmFlushForWrite) for write data or delete-on-close.
        if n.image_refs > 0 {
            if access & FILE_WRITE_DATA != 0 || overwrite {
                return Err(Refusal::new(
                    STATUS_SHARING_VIOLATION,
                    Reason::ImageSectionInUse {
                        blockers: self.section_blockers(node, true),
                    },
                ));
            }
            if delete_on_close {
                return Err(Refusal::new(
                    STATUS_CANNOT_DELETE,
                    Reason::SectionPreventsDelete {
                        blockers: self.section_blockers(node, true),
                    },
                ));
            }
        }
        // nt-rules D21: delete-on-close of a read-only file.
        if read_only && delete_on_close {
            return Err(Refusal::new(STATUS_CANNOT_DELETE, Reason::ReadOnly { path: path() }));
        }
        // nt-rules G32: truncating a file with a user-mapped section.
        if overwrite && n.data_refs > 0 {
            return Err(Refusal::new(
                STATUS_USER_MAPPED_FILE,
                Reason::UserMappedFile {
                    blockers: self.section_blockers(node, false),
                },
            ));
        }
        // MS CreateFileW: CREATE_ALWAYS over a hidden or system file must name those
        // attributes (TRUNCATE_EXISTING, FILE_OVERWRITE, is not checked).
        let hs = FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_SYSTEM;
        if matches!(req.disposition, FILE_SUPERSEDE | FILE_OVERWRITE_IF) && n.attributes & hs & !req.attributes != 0 {
            return Err(Refusal::new(
                STATUS_ACCESS_DENIED,
                Reason::InvalidParameter("overwriting a hidden or system file without those attributes"),
            ));
        }
        if overwrite {
            let attrs = req.attributes & SETTABLE;
            let n = &mut self.nodes[node];
            n.size = 0;
            n.image = false;
            n.attributes = if req.disposition == FILE_SUPERSEDE {
                attrs | FILE_ATTRIBUTE_ARCHIVE
            } else {
                n.attributes | attrs | FILE_ATTRIBUTE_ARCHIVE
            };
        }
        Ok(self.grant(node, link, access, req.share, delete_on_close))
    }

    /// Create the file object and its handle, recording share access (IoSetShareAccess).
    fn grant(&mut self, node: NodeId, link: LinkId, access: u32, share: u32, delete_on_close: bool) -> Handle {
        let next = self.nodes[node].first_obj;
        let obj = self.objects.insert(FileObject {
            node,
            link,
            access,
            share,
            handles: 1,
            pointer: 0,
            delete_on_close,
            posix_setter: false,
            first_handle: Handle(NONE),
            prev: NONE,
            next,
        });
        if next != NONE {
            self.objects[next].prev = obj;
        }
        let n = &mut self.nodes[node];
        n.first_obj = obj;
        n.objects += 1;
        n.share.add(DataAccess::of(access), share);
        self.links[link].refs += 1;
        let h = self.new_handle(Slot::File(obj));
        self.objects[obj].first_handle = h;
        h
    }

    // ------------------------------------------------------------------ NT layer: close

    /// `NtClose` of any handle.
    pub fn nt_close(&mut self, h: Handle) -> CallResult<()> {
        match self.slot(h) {
            Slot::Free | Slot::View(_) | Slot::Module(_) => Err(Self::invalid_handle()),
            Slot::File(obj) => {
                self.free_handle(h);
                let o = &mut self.objects[obj];
                o.handles -= 1;
                if o.handles == 0 {
                    self.cleanup(obj);
                } else if o.first_handle == h {
                    // The original of a duplicated handle closed: name another one.
                    let other = self
                        .handles
                        .iter()
                        .position(|s| *s == Slot::File(obj))
                        .expect("a handle remains");
                    self.objects[obj].first_handle = Handle(other as u32);
                }
                Ok(())
            }
            Slot::Section(s) => {
                self.free_handle(h);
                self.release_section_handle(s);
                Ok(())
            }
            Slot::Process(p) => {
                self.free_handle(h);
                self.release_process_handle(p);
                Ok(())
            }
        }
    }

    /// IRP_MJ_CLEANUP of a file object: its last handle closed.
    fn cleanup(&mut self, obj: ObjId) {
        let o = self.objects.remove(obj);
        let node = o.node;
        if o.prev != NONE {
            self.objects[o.prev].next = o.next;
        } else {
            self.nodes[node].first_obj = o.next;
        }
        if o.next != NONE {
            self.objects[o.next].prev = o.prev;
        }
        {
            let n = &mut self.nodes[node];
            n.share.remove(o.data(), o.share);
            n.objects -= 1;
            n.locks.retain(|l| l.obj != obj);
        }
        self.links[o.link].refs -= 1;
        let link_attached = self.links[o.link].attached;
        // nt-rules D19/D22: delete-on-close turns into delete-pending at cleanup, unless the
        // directory is not empty then (the delete is forgotten).
        if o.delete_on_close && link_attached {
            let n = &self.nodes[node];
            if n.dir.as_ref().is_some_and(|d| !d.is_empty()) {
                self.event(|s| Event::DeleteOnCloseDropped {
                    path: s.link_path(o.link),
                });
            } else if n.pending == Pending::None {
                self.nodes[node].pending = Pending::Legacy(o.link);
                if self.nodes[node].objects > 0 {
                    self.event(|s| Event::DeletePendingSet {
                        path: s.link_path(o.link),
                    });
                }
            }
        }
        // nt-rules C14: a POSIX delete takes the name away when its setter is cleaned up.
        if o.posix_setter {
            if let Pending::Posix(l) = self.nodes[node].pending {
                let path = self.path_for_event(l);
                self.detach(l);
                self.event(|_| Event::Removed {
                    path,
                    cause: RemovalCause::PosixDelete,
                });
            }
        }
        // nt-rules C13: legacy delete-pending acts when the file's last file object goes.
        if self.nodes.get(node).is_some_and(|n| n.objects == 0) {
            if let Pending::Legacy(l) = self.nodes[node].pending {
                let cause = if o.delete_on_close && l == o.link {
                    RemovalCause::DeleteOnClose
                } else {
                    RemovalCause::LastHandleClosed
                };
                let path = self.path_for_event(l);
                self.detach(l);
                self.event(|_| Event::Removed { path, cause });
            }
        }
        self.release_link(o.link);
        if self.nodes.get(node).is_some() {
            self.maybe_free_node(node);
        }
    }

    // ------------------------------------------------------------------ dispositions

    /// `FileDispositionInformation { DeleteFile }`.
    pub fn nt_set_disposition(&mut self, h: Handle, delete: bool) -> CallResult<()> {
        let obj = self.file_object(h)?;
        self.need_delete_access(h, obj)?;
        let node = self.objects[obj].node;
        if !delete {
            // nt-rules C13: FALSE clears a pending delete (but not delete-on-close, D20).
            if self.nodes[node].pending != Pending::None {
                self.nodes[node].pending = Pending::None;
                self.clear_posix_setters(node);
                self.event(|s| Event::DeletePendingCleared {
                    path: s.node_path(node),
                });
            }
            return Ok(());
        }
        self.check_deletable(obj, false)?;
        self.set_pending(obj, false);
        Ok(())
    }

    /// `FileDispositionInformationEx { Flags }`.
    pub fn nt_set_disposition_ex(&mut self, h: Handle, flags: u32) -> CallResult<()> {
        let obj = self.file_object(h)?;
        self.ex_class_available(obj)?;
        if flags & !KNOWN != 0 {
            return Err(Refusal::new(
                STATUS_INVALID_PARAMETER,
                Reason::InvalidParameter("unknown FILE_DISPOSITION_* flags"),
            ));
        }
        self.need_delete_access(h, obj)?;
        let node = self.objects[obj].node;
        if flags & FILE_DISPOSITION_FLAG_DELETE == 0 {
            if flags & FILE_DISPOSITION_FLAG_ON_CLOSE != 0 {
                // nt-rules D20: ON_CLOSE without DELETE clears delete-on-close.
                self.objects[obj].delete_on_close = false;
            } else if self.nodes[node].pending != Pending::None {
                self.nodes[node].pending = Pending::None;
                self.clear_posix_setters(node);
                self.event(|s| Event::DeletePendingCleared {
                    path: s.node_path(node),
                });
            }
            return Ok(());
        }
        self.check_deletable(obj, flags & FILE_DISPOSITION_FLAG_IGNORE_READONLY_ATTRIBUTE != 0)?;
        if flags & FILE_DISPOSITION_FLAG_ON_CLOSE != 0 {
            self.objects[obj].delete_on_close = true;
            return Ok(());
        }
        self.set_pending(obj, flags & FILE_DISPOSITION_FLAG_POSIX_SEMANTICS != 0);
        Ok(())
    }

    /// The Ex information classes (nt-rules B12): absent before Windows 10 1607
    /// (`STATUS_INVALID_INFO_CLASS`), and unknown to FAT (FastFAT fileinfo.c: unknown
    /// classes -> `STATUS_INVALID_PARAMETER`).
    fn ex_class_available(&self, obj: ObjId) -> CallResult<()> {
        if !self.config.windows.has_ex_classes() {
            return Err(Refusal::new(
                STATUS_INVALID_INFO_CLASS,
                Reason::NotSupported("the Ex information classes before Windows 10 1607"),
            ));
        }
        if self.fs_of(self.objects[obj].node) == FileSystem::Fat {
            return Err(Refusal::new(
                STATUS_INVALID_PARAMETER,
                Reason::NotSupported("the Ex information classes on FAT"),
            ));
        }
        Ok(())
    }

    fn need_delete_access(&self, h: Handle, obj: ObjId) -> CallResult<()> {
        if self.objects[obj].access & DELETE == 0 {
            return Err(Refusal::new(
                STATUS_ACCESS_DENIED,
                Reason::HandleLacksAccess {
                    handle: h,
                    needed: "DELETE",
                },
            ));
        }
        Ok(())
    }

    fn clear_posix_setters(&mut self, node: NodeId) {
        let ids: Vec<ObjId> = self
            .objects
            .iter()
            .filter(|(_, o)| o.node == node && o.posix_setter)
            .map(|(i, _)| i)
            .collect();
        for i in ids {
            self.objects[i].posix_setter = false;
        }
    }

    /// nt-rules C16, the checks of setting a delete disposition, in the file system's order:
    /// read-only, sections (MmFlushImageSection), root, non-empty directory.
    pub(crate) fn check_deletable(&self, obj: ObjId, ignore_readonly: bool) -> CallResult<()> {
        let o = &self.objects[obj];
        let node = o.node;
        let n = &self.nodes[node];
        if n.attributes & FILE_ATTRIBUTE_READONLY != 0 && !ignore_readonly {
            return Err(Refusal::new(
                STATUS_CANNOT_DELETE,
                Reason::ReadOnly {
                    path: self.link_path(o.link),
                },
            ));
        }
        // MmFlushImageSection(MmFlushForDelete) fails while a section is in use, and NTFS
        // then refuses the disposition unless the name being deleted is not the file's
        // last: a second hard link of a running or mapped file can be deleted (WinFsp
        // src/sys/fileinfo.c FspFsvolSetDispositionInformation: "If MmFlushImageSection
        // fails ... it only allows the deletion to go through when a secondary hard link
        // is being deleted"). FAT has no hard links.
        if (n.image_refs > 0 || n.data_refs > 0) && !self.has_other_name(node, o.link) {
            return Err(Refusal::new(
                STATUS_CANNOT_DELETE,
                Reason::SectionPreventsDelete {
                    blockers: self.section_blockers(node, n.image_refs > 0),
                },
            ));
        }
        if self.is_root(node) {
            return Err(Refusal::new(STATUS_CANNOT_DELETE, Reason::RootDirectory));
        }
        if let Some(d) = &n.dir {
            if !d.is_empty() {
                let pending = d
                    .values()
                    .filter(|&&l| self.nodes[self.links[l].node].pending != Pending::None)
                    .count();
                return Err(Refusal::new(
                    STATUS_DIRECTORY_NOT_EMPTY,
                    Reason::DirectoryNotEmpty {
                        path: self.link_path(o.link),
                        entries: d.len(),
                        pending,
                    },
                ));
            }
        }
        Ok(())
    }

    fn set_pending(&mut self, obj: ObjId, posix: bool) {
        let (node, link) = (self.objects[obj].node, self.objects[obj].link);
        if posix {
            self.nodes[node].pending = Pending::Posix(link);
            self.objects[obj].posix_setter = true;
            self.event(|s| Event::PosixDeleteSet {
                path: s.link_path(link),
            });
        } else {
            if self.nodes[node].pending == Pending::None {
                self.nodes[node].pending = Pending::Legacy(link);
            }
            self.event(|s| Event::DeletePendingSet {
                path: s.link_path(link),
            });
        }
    }

    // ------------------------------------------------------------------ rename and link

    /// `FileRenameInformation { ReplaceIfExists }`.
    pub fn nt_set_rename(&mut self, h: Handle, target: &str, replace: bool) -> CallResult<()> {
        let obj = self.file_object(h)?;
        self.need_delete_access(h, obj)?;
        self.rename(obj, target, replace, false, false)
    }

    /// `FileRenameInformationEx { Flags }` (`FILE_RENAME_FLAG_*`).
    pub fn nt_set_rename_ex(&mut self, h: Handle, target: &str, flags: u32) -> CallResult<()> {
        let obj = self.file_object(h)?;
        self.ex_class_available(obj)?;
        self.need_delete_access(h, obj)?;
        self.rename(
            obj,
            target,
            flags & FILE_RENAME_FLAG_REPLACE_IF_EXISTS != 0,
            flags & FILE_RENAME_FLAG_POSIX_SEMANTICS != 0,
            flags & FILE_RENAME_FLAG_IGNORE_READONLY_ATTRIBUTE != 0,
        )
    }

    /// `FileLinkInformation { ReplaceIfExists }`: a new name for the handle's file.
    pub fn nt_set_link(&mut self, h: Handle, new_path: &str, replace: bool) -> CallResult<()> {
        let obj = self.file_object(h)?;
        let node = self.objects[obj].node;
        if self.fs_of(node) == FileSystem::Fat {
            // nt-rules I46: FAT has no hard links.
            return Err(Refusal::new(
                STATUS_INVALID_DEVICE_REQUEST,
                Reason::NotSupported("hard links on FAT"),
            ));
        }
        if self.nodes[node].is_dir() {
            return Err(Refusal::new(
                STATUS_FILE_IS_A_DIRECTORY,
                Reason::IsDirectory {
                    path: self.link_path(self.objects[obj].link),
                },
            ));
        }
        if let Ok(Lookup::Found(tl)) = self.lookup(new_path) {
            if self.links[tl].node == node {
                // nt-rules I46: a link to a name the file already has is a collision, or
                // nothing to do when replacing (W-N 2347-2410).
                return if replace {
                    Ok(())
                } else {
                    Err(Refusal::new(
                        STATUS_OBJECT_NAME_COLLISION,
                        Reason::Collision {
                            path: new_path.to_string(),
                        },
                    ))
                };
            }
        }
        let (parent, name) = self.target_slot(node, new_path, replace, false, false, None)?;
        self.attach(parent, name, node);
        Ok(())
    }

    /// Resolve a rename or link target: its parent and final name, after replacing an
    /// existing target when that is allowed (nt-rules H38-H43, E25, G35, I46).
    fn target_slot(
        &mut self,
        node: NodeId,
        target: &str,
        replace: bool,
        posix: bool,
        ignore_readonly: bool,
        source_link: Option<LinkId>,
    ) -> CallResult<(NodeId, String)> {
        let src_volume = self.nodes[node].volume;
        let src_fs = self.fs_of(node);
        let lookup = match self.lookup(target) {
            Ok(l) => l,
            Err(e) if e.status == STATUS_OBJECT_PATH_NOT_FOUND => {
                let p = WinPath::parse(target)?;
                if !self.volumes.iter().any(|v| v.letter == p.drive)
                    || self.volumes.iter().position(|v| v.letter == p.drive) != Some(src_volume as usize)
                {
                    return Err(Refusal::new(STATUS_NOT_SAME_DEVICE, Reason::NotSameDevice));
                }
                return Err(e);
            }
            Err(e) => return Err(e),
        };
        let target_volume = match &lookup {
            Lookup::Found(l) => self.nodes[self.links[*l].parent].volume,
            Lookup::Missing { parent, .. } => self.nodes[*parent].volume,
            Lookup::Root(r) => self.nodes[*r].volume,
        };
        if target_volume != src_volume {
            return Err(Refusal::new(STATUS_NOT_SAME_DEVICE, Reason::NotSameDevice));
        }
        match lookup {
            Lookup::Root(_) => Err(Refusal::new(
                STATUS_ACCESS_DENIED,
                Reason::TargetIsDirectory {
                    path: target.to_string(),
                },
            )),
            Lookup::Missing { parent, name } => {
                if self.nodes[parent].pending != Pending::None {
                    return Err(Refusal::new(
                        STATUS_DELETE_PENDING,
                        Reason::DeletePending {
                            path: self.node_path(parent),
                        },
                    ));
                }
                Ok((parent, name))
            }
            Lookup::Found(tl) => {
                let name = WinPath::parse(target)?
                    .components
                    .last()
                    .copied()
                    .unwrap_or_default()
                    .to_string();
                let parent = self.links[tl].parent;
                if Some(tl) == source_link {
                    // Renaming to its own name (perhaps in another case): nt-rules H42/H38.
                    return Ok((parent, name));
                }
                let tpath = || target.to_string();
                let tnode = self.links[tl].node;
                if !replace {
                    return Err(Refusal::new(
                        STATUS_OBJECT_NAME_COLLISION,
                        Reason::Collision { path: tpath() },
                    ));
                }
                let t = &self.nodes[tnode];
                if src_fs == FileSystem::Fat && (t.is_dir() || t.attributes & FILE_ATTRIBUTE_READONLY != 0) {
                    // nt-rules E25 (FAT): a read-only or directory target is a collision.
                    return Err(Refusal::new(
                        STATUS_OBJECT_NAME_COLLISION,
                        Reason::Collision { path: tpath() },
                    ));
                }
                if t.is_dir() {
                    return Err(Refusal::new(
                        STATUS_ACCESS_DENIED,
                        Reason::TargetIsDirectory { path: tpath() },
                    ));
                }
                if t.attributes & FILE_ATTRIBUTE_READONLY != 0 && !ignore_readonly {
                    return Err(Refusal::new(
                        STATUS_ACCESS_DENIED,
                        Reason::TargetReadOnly { path: tpath() },
                    ));
                }
                if t.image_refs > 0 {
                    return Err(Refusal::new(
                        STATUS_ACCESS_DENIED,
                        Reason::TargetImageInUse {
                            path: tpath(),
                            blockers: self.section_blockers(tnode, true),
                        },
                    ));
                }
                if t.data_refs > 0 {
                    return Err(Refusal::new(
                        STATUS_ACCESS_DENIED,
                        Reason::TargetOpen {
                            path: tpath(),
                            blockers: self.section_blockers(tnode, false),
                        },
                    ));
                }
                if tnode != node && t.objects > 0 {
                    // nt-rules H39: any open handle refuses a legacy replace; H43: a POSIX
                    // replace needs every holder to share delete.
                    let all_share_delete =
                        t.share.shared_delete == t.share.open_count && t.share.open_count == t.objects;
                    if !(posix && all_share_delete) {
                        return Err(Refusal::new(
                            STATUS_ACCESS_DENIED,
                            Reason::TargetOpen {
                                path: tpath(),
                                blockers: self.file_blockers(tnode, |_| true),
                            },
                        ));
                    }
                }
                let replaced = self.path_for_event(tl);
                self.detach(tl);
                self.event(|_| Event::Replaced { path: replaced });
                Ok((parent, name))
            }
        }
    }

    fn rename(
        &mut self,
        obj: ObjId,
        target: &str,
        replace: bool,
        posix: bool,
        ignore_readonly: bool,
    ) -> CallResult<()> {
        let (node, link) = (self.objects[obj].node, self.objects[obj].link);
        if !self.links[link].attached {
            return Err(Refusal::new(
                STATUS_FILE_DELETED,
                Reason::NotFound {
                    path: self.link_path(link),
                },
            ));
        }
        WinPath::parse(target)?;
        // nt-rules F28: a directory with an open file below it cannot be renamed.
        if self.nodes[node].is_dir() {
            let below = self.open_below(node);
            if !below.is_empty() {
                return Err(Refusal::new(
                    STATUS_ACCESS_DENIED,
                    Reason::OpenBelowDirectory {
                        path: self.link_path(link),
                        blockers: below,
                    },
                ));
            }
            // A directory cannot move into its own subtree.
            let target_parent = match self.lookup(target) {
                Ok(Lookup::Missing { parent, .. }) => Some(parent),
                Ok(Lookup::Found(tl)) if tl != link => Some(self.links[tl].parent),
                _ => None,
            };
            if let Some(parent) = target_parent {
                if self.is_within(parent, node) {
                    return Err(Refusal::new(
                        STATUS_INVALID_PARAMETER,
                        Reason::InvalidParameter("a directory cannot move below itself"),
                    ));
                }
            }
        }
        let (parent, name) = self.target_slot(node, target, replace, posix, ignore_readonly, Some(link))?;
        // Move the link in place so that open file objects follow it.
        let mut old_key = std::mem::take(&mut self.key_buf);
        fold_into(&self.links[link].name, &mut old_key);
        let old_parent = self.links[link].parent;
        self.nodes[old_parent]
            .dir
            .as_mut()
            .expect("directory")
            .remove(old_key.as_str());
        self.key_buf = old_key;
        let l = &mut self.links[link];
        l.parent = parent;
        l.name = name.as_str().into();
        self.nodes[parent]
            .dir
            .as_mut()
            .expect("directory")
            .insert(fold(&name).into(), link);
        Ok(())
    }

    /// Is `node` equal to or below `dir`?
    fn is_within(&self, mut node: NodeId, dir: NodeId) -> bool {
        loop {
            if node == dir {
                return true;
            }
            match self.nodes[node].links.first() {
                Some(&l) => node = self.links[l].parent,
                None => return false,
            }
        }
    }

    /// Whether `node` has a name in the namespace other than `link`.
    fn has_other_name(&self, node: NodeId, link: LinkId) -> bool {
        self.nodes[node]
            .links
            .iter()
            .any(|&l| l != link && self.links[l].attached)
    }

    /// File objects open below a directory (not on the directory itself).
    fn open_below(&self, dir: NodeId) -> Vec<Blocker> {
        let mut v: Vec<Blocker> = self
            .objects
            .iter()
            .filter(|(_, o)| {
                o.node != dir && self.links[o.link].attached && self.is_within(self.links[o.link].parent, dir)
            })
            .map(|(id, o)| Blocker {
                handle: self.handle_of_object(id),
                what: BlockerKind::File {
                    access: o.access,
                    share: o.share,
                },
            })
            .collect();
        v.sort_by_key(|b| b.handle);
        v
    }

    /// The semantics DeleteFile/RemoveDirectory use for a file.
    pub(crate) fn deletefile_semantics(&self, node: NodeId) -> DeleteSemantics {
        self.config.deletefile_semantics(self.fs_of(node))
    }
}

impl Node {
    fn new(volume: u8, dir: bool) -> Node {
        Node {
            volume,
            dir: if dir { Some(Box::default()) } else { None },
            attributes: 0,
            size: 0,
            image: false,
            links: SmallVec::new(),
            objects: 0,
            share: ShareAccess::default(),
            pending: Pending::None,
            data_refs: 0,
            writable_sections: 0,
            image_refs: 0,
            locks: Vec::new(),
            first_obj: NONE,
        }
    }
}

/// The first `n` components of a parsed path, as a path (for "directory not found").
fn join_prefix(p: &WinPath<'_>, n: usize) -> String {
    let mut s = format!("{}:", p.drive);
    for c in &p.components[..n.min(p.components.len())] {
        s.push('\\');
        s.push_str(c);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consts::{flags::*, win32_disposition::*};

    #[test]
    fn seed_mkstemp_remove_is_a_sharing_violation() {
        let mut sys = System::new(Config::default());
        sys.create_directory(r"C:\t").unwrap();
        let h = sys
            .create_file(
                r"C:\t\a.txt",
                GENERIC_READ | GENERIC_WRITE,
                FILE_SHARE_READ | FILE_SHARE_WRITE,
                CREATE_NEW,
                0,
            )
            .unwrap();
        let e = sys.delete_file(r"C:\t\a.txt").unwrap_err();
        assert_eq!(e.status, STATUS_SHARING_VIOLATION);
        assert_eq!(e.reason.blockers()[0].handle, h);
        sys.close_handle(h).unwrap();
        sys.delete_file(r"C:\t\a.txt").unwrap();
        assert!(!sys.exists(r"C:\t\a.txt"));
        sys.check_invariants().unwrap();
    }

    #[test]
    fn legacy_pending_name_stays_until_last_close() {
        let mut sys = System::new(Config {
            delete: Some(DeleteSemantics::Legacy),
            ..Config::default()
        });
        sys.create_directory(r"C:\t").unwrap();
        let h = sys
            .create_file(
                r"C:\t\a",
                GENERIC_READ,
                FILE_SHARE_READ | FILE_SHARE_DELETE,
                CREATE_NEW,
                0,
            )
            .unwrap();
        sys.delete_file(r"C:\t\a").unwrap();
        assert!(sys.exists(r"C:\t\a"));
        assert!(sys.delete_pending(h).unwrap());
        let e = sys
            .create_file(r"C:\t\a", GENERIC_READ, 7, OPEN_EXISTING, 0)
            .unwrap_err();
        assert_eq!(e.status, STATUS_DELETE_PENDING);
        assert_eq!(
            sys.remove_directory(r"C:\t").unwrap_err().status,
            STATUS_DIRECTORY_NOT_EMPTY
        );
        sys.close_handle(h).unwrap();
        assert!(!sys.exists(r"C:\t\a"));
        sys.remove_directory(r"C:\t").unwrap();
        assert!(sys.held_files().is_empty());
        sys.check_invariants().unwrap();
    }

    #[test]
    fn delete_on_close_with_duplicate() {
        let mut sys = System::new(Config::default());
        let h = sys
            .create_file(
                r"C:\x",
                GENERIC_WRITE,
                FILE_SHARE_DELETE,
                CREATE_NEW,
                FILE_FLAG_DELETE_ON_CLOSE,
            )
            .unwrap();
        let d = sys.duplicate_handle(h).unwrap();
        sys.close_handle(h).unwrap();
        assert!(sys.exists(r"C:\x"));
        sys.close_handle(d).unwrap();
        assert!(!sys.exists(r"C:\x"));
        sys.check_invariants().unwrap();
    }
}
