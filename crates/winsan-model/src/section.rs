//! Sections (file mappings) and what holds them: views, loaded modules, processes.
//!
//! A section refers to the file but holds **no share access** (nt-rules G30): after the
//! file handle is closed a mapping alone never causes a sharing violation, except that a
//! writable data section counts as a writer. What sections do hold back is deletion: the
//! file system asks the memory manager (`MmFlushImageSection(MmFlushForDelete)`) and a
//! file with an image section, or a data section with a handle or a mapped view, cannot be
//! deleted (G31, G33), nor truncated (G32); an image in use cannot be opened for writing
//! (G34). Renaming is unaffected (G35). Source: the seed `000_38c597c0e28c28a3.txt`
//! (FastFAT `FatSetDispositionInfo`), Wine `dlls/kernel32/tests/file.c` 1866-1886,
//! 2551-2632, `dlls/ntdll/tests/file.c` 3635-3721, `dlls/kernel32/tests/loader.c` 1082-1096.

use crate::consts::{access::*, section::*, share::*};
use crate::reason::{Blocker, BlockerKind, Reason, Refusal};
use crate::status::NtStatus::*;
use crate::system::{Handle, NodeId, Slot, System, IMAGE_MIN_SIZE};
use crate::CallResult;
use rustc_hash::FxHashMap;

/// A section object.
pub(crate) struct Section {
    pub node: NodeId,
    pub image: bool,
    pub writable: bool,
    pub handles: u32,
    pub views: u32,
}

/// A mapped view of a section.
pub(crate) struct View {
    pub section: u32,
    pub writable: bool,
}

/// A process started from an image; it holds the image until it exits.
pub(crate) struct Process {
    /// The image, while the process runs.
    pub node: Option<NodeId>,
    pub path: String,
    pub handles: u32,
}

/// Page protections that allow writing through a view.
fn protect_writable(protect: u32) -> bool {
    protect & (PAGE_READWRITE | PAGE_EXECUTE_READWRITE) != 0
}

impl System {
    /// `NtCreateSection(file, protect, SEC_COMMIT|SEC_IMAGE)`.
    pub fn nt_create_section(&mut self, file: Handle, protect: u32, allocation: u32) -> CallResult<Handle> {
        let obj = self.file_object(file)?;
        let (node, access) = (self.objects[obj].node, self.objects[obj].access);
        let image = allocation & SEC_IMAGE == SEC_IMAGE;
        let base = protect & 0xFF;
        if base.count_ones() != 1 {
            return Err(Refusal::new(
                STATUS_INVALID_PAGE_PROTECTION,
                Reason::InvalidParameter("page protection"),
            ));
        }
        if self.nodes[node].is_dir() {
            return Err(Refusal::new(
                STATUS_INVALID_FILE_FOR_SECTION,
                Reason::IsDirectory {
                    path: self.node_path(node),
                },
            ));
        }
        // The file handle must allow what the protection asks (MS CreateFileMappingW).
        let need_read = access & FILE_READ_DATA != 0;
        let writable = !image && protect_writable(base);
        if !need_read
            || (writable && access & FILE_WRITE_DATA == 0)
            || (base & (PAGE_EXECUTE | PAGE_EXECUTE_READ | PAGE_EXECUTE_WRITECOPY | PAGE_EXECUTE_READWRITE) != 0
                && access & FILE_EXECUTE == 0
                && !image)
        {
            return Err(Refusal::new(
                STATUS_ACCESS_DENIED,
                Reason::HandleLacksAccess {
                    handle: file,
                    needed: if writable { "FILE_WRITE_DATA" } else { "FILE_READ_DATA" },
                },
            ));
        }
        let n = &self.nodes[node];
        if image && !n.image {
            return Err(Refusal::new(
                STATUS_INVALID_IMAGE_NOT_MZ,
                Reason::NotAnImage {
                    path: self.node_path(node),
                },
            ));
        }
        if n.size == 0 {
            // MS CreateFileMappingW: an empty file with a zero maximum size cannot be mapped.
            return Err(Refusal::new(
                STATUS_MAPPED_FILE_SIZE_ZERO,
                Reason::EmptyFile {
                    path: self.node_path(node),
                },
            ));
        }
        let s = self.sections.insert(Section {
            node,
            image,
            writable,
            handles: 1,
            views: 0,
        });
        let n = &mut self.nodes[node];
        if image {
            n.image_refs += 1;
        } else {
            n.data_refs += 1;
            n.writable_sections += writable as u32;
        }
        Ok(self.new_handle(Slot::Section(s)))
    }

    /// `NtMapViewOfSection(section, protect)`.
    pub fn nt_map_view_of_section(&mut self, section: Handle, protect: u32) -> CallResult<Handle> {
        let Slot::Section(s) = self.slot(section) else {
            return Err(Self::invalid_handle());
        };
        let sec = &self.sections[s];
        let writable = protect_writable(protect & 0xFF);
        if writable && (sec.image || !sec.writable) {
            return Err(Refusal::new(
                STATUS_SECTION_PROTECTION,
                Reason::InvalidParameter("a writable view of a read-only section"),
            ));
        }
        let (node, image) = (sec.node, sec.image);
        self.sections[s].views += 1;
        let n = &mut self.nodes[node];
        if image {
            n.image_refs += 1;
        } else {
            n.data_refs += 1;
        }
        let v = self.views.insert(View { section: s, writable });
        Ok(self.new_handle(Slot::View(v)))
    }

    /// `NtUnmapViewOfSection(view)`.
    pub fn nt_unmap_view_of_section(&mut self, view: Handle) -> CallResult<()> {
        let Slot::View(v) = self.slot(view) else {
            return Err(Refusal::new(STATUS_NOT_MAPPED_VIEW, Reason::InvalidHandle));
        };
        self.free_handle(view);
        let s = self.views.remove(v).section;
        self.sections[s].views -= 1;
        self.drop_section_ref(s);
        Ok(())
    }

    pub(crate) fn release_section_handle(&mut self, s: u32) {
        self.sections[s].handles -= 1;
        self.drop_section_ref(s);
    }

    /// One reference (handle or view) to a section went; drop the section with its last.
    fn drop_section_ref(&mut self, s: u32) {
        let sec = &self.sections[s];
        let (node, image, writable, gone) = (sec.node, sec.image, sec.writable, sec.handles == 0 && sec.views == 0);
        let n = &mut self.nodes[node];
        if image {
            n.image_refs -= 1;
        } else {
            n.data_refs -= 1;
        }
        if gone {
            self.sections.remove(s);
            if writable {
                self.nodes[node].writable_sections -= 1;
            }
            self.maybe_free_node(node);
        }
    }

    pub(crate) fn release_process_handle(&mut self, p: u32) {
        self.processes[p].handles -= 1;
        let proc_ = &self.processes[p];
        if proc_.handles == 0 && proc_.node.is_none() {
            self.processes.remove(p);
        }
    }

    /// Load an image as the loader does: open it for execute with read and delete sharing
    /// (bpo-14597: a loaded DLL can be renamed), create an image section, map it, and
    /// close the file and section handles; the view keeps the image section.
    fn map_image(&mut self, path: &str, missing: crate::NtStatus) -> CallResult<NodeId> {
        let file = match self.nt_open_file(
            path,
            GENERIC_READ | GENERIC_EXECUTE | SYNCHRONIZE,
            FILE_SHARE_READ | FILE_SHARE_DELETE,
            crate::consts::options::FILE_NON_DIRECTORY_FILE,
        ) {
            Ok(h) => h,
            Err(e) if e.status == STATUS_OBJECT_NAME_NOT_FOUND => return Err(Refusal::new(missing, e.reason)),
            Err(e) => return Err(e),
        };
        let node = self.objects[self.file_object(file)?].node;
        let n = &self.nodes[node];
        if !n.image || n.size < IMAGE_MIN_SIZE {
            self.nt_close(file)?;
            return Err(Refusal::new(
                STATUS_INVALID_IMAGE_NOT_MZ,
                Reason::NotAnImage { path: path.to_string() },
            ));
        }
        let section = self.nt_create_section(file, PAGE_EXECUTE_READ, SEC_IMAGE);
        self.nt_close(file)?;
        let section = section?;
        // The module or process holds one image reference; section and file handles go.
        self.nodes[node].image_refs += 1;
        self.nt_close(section)?;
        Ok(node)
    }

    /// `LoadLibrary(path)`: the module holds the image section until `FreeLibrary`.
    pub fn load_library(&mut self, path: &str) -> CallResult<Handle> {
        let node = self.map_image(path, STATUS_DLL_NOT_FOUND)?;
        Ok(self.new_handle(Slot::Module(node)))
    }

    pub fn free_library(&mut self, module: Handle) -> CallResult<()> {
        let Slot::Module(node) = self.slot(module) else {
            return Err(Self::invalid_handle());
        };
        self.free_handle(module);
        self.nodes[node].image_refs -= 1;
        self.maybe_free_node(node);
        Ok(())
    }

    /// `CreateProcess(path)`: the process holds its executable's image section until it exits.
    pub fn create_process(&mut self, path: &str) -> CallResult<Handle> {
        let node = self.map_image(path, STATUS_OBJECT_NAME_NOT_FOUND)?;
        let p = self.processes.insert(Process {
            node: Some(node),
            path: self.node_path(node),
            handles: 1,
        });
        Ok(self.new_handle(Slot::Process(p)))
    }

    /// The process exits (`TerminateProcess` from outside, as the scenario runner does);
    /// its image section goes. The process handle stays open until closed.
    pub fn exit_process(&mut self, process: crate::Handle) -> CallResult<()> {
        let Slot::Process(p) = self.slot(process) else {
            return Err(Self::invalid_handle());
        };
        if let Some(node) = self.processes[p].node.take() {
            self.nodes[node].image_refs -= 1;
            self.maybe_free_node(node);
        }
        Ok(())
    }

    /// What maps a file, as blockers (image holders when `image`, else data sections and views).
    pub(crate) fn section_blockers(&self, node: NodeId, image: bool) -> Vec<Blocker> {
        let mut v = Vec::new();
        for (i, slot) in self.handles.iter().enumerate() {
            let handle = Handle(i as u32);
            let what = match *slot {
                Slot::Section(s) if self.sections[s].node == node && self.sections[s].image == image => {
                    if image {
                        BlockerKind::ImageSection
                    } else {
                        BlockerKind::DataSection {
                            writable: self.sections[s].writable,
                        }
                    }
                }
                Slot::View(w)
                    if self.sections[self.views[w].section].node == node
                        && self.sections[self.views[w].section].image == image =>
                {
                    if image {
                        BlockerKind::ImageSection
                    } else {
                        BlockerKind::View {
                            writable: self.views[w].writable,
                        }
                    }
                }
                Slot::Module(n) if image && n == node => BlockerKind::Module,
                Slot::Process(p) if image && self.processes[p].node == Some(node) => BlockerKind::Process,
                _ => continue,
            };
            v.push(Blocker { handle, what });
            if v.len() >= crate::system::MAX_BLOCKERS {
                break;
            }
        }
        v
    }

    /// Section references per file implied by sections, views, modules and processes:
    /// (data handles+views, writable sections, image references). For invariant checks.
    pub(crate) fn section_refs(&self) -> (FxHashMap<NodeId, u32>, FxHashMap<NodeId, u32>, FxHashMap<NodeId, u32>) {
        let (mut data, mut writable, mut image) = (FxHashMap::default(), FxHashMap::default(), FxHashMap::default());
        for (_, s) in self.sections.iter() {
            let m = if s.image { &mut image } else { &mut data };
            *m.entry(s.node).or_default() += s.handles + s.views;
            if s.writable {
                *writable.entry(s.node).or_default() += 1;
            }
        }
        for slot in &self.handles {
            if let Slot::Module(n) = *slot {
                *image.entry(n).or_default() += 1;
            }
        }
        // A running process holds its image once, however many handles refer to it (or
        // none: closing a process handle does not stop the process).
        for (_, p) in self.processes.iter() {
            if let Some(n) = p.node {
                *image.entry(n).or_default() += 1;
            }
        }
        (data, writable, image)
    }
}
