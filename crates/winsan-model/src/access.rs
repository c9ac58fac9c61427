//! Access masks and the I/O manager's share-access bookkeeping (`IoCheckShareAccess`).
//!
//! Rule A1-A3 (nt-rules.md): for sharing, an open's desired access is reduced to three
//! classes, *read* (`FILE_READ_DATA|FILE_EXECUTE`), *write* (`FILE_WRITE_DATA|
//! FILE_APPEND_DATA`) and *delete* (`DELETE`); nothing else takes part. An open with none
//! of them is neither checked nor recorded. Source: ReactOS `IoCheckShareAccess`;
//! Wine `dlls/kernel32/tests/file.c` (W-K) 2447-2550, asserted on Windows for all 24x8
//! access/share pairs.

use crate::consts::access::*;
use crate::consts::share::*;

/// Maps `GENERIC_*` bits to the file-specific rights (`IoGetFileObjectGenericMapping`).
pub fn map_generic(mut access: u32) -> u32 {
    if access & GENERIC_READ != 0 {
        access |= FILE_GENERIC_READ;
    }
    if access & GENERIC_WRITE != 0 {
        access |= FILE_GENERIC_WRITE;
    }
    if access & GENERIC_EXECUTE != 0 {
        access |= FILE_GENERIC_EXECUTE;
    }
    if access & GENERIC_ALL != 0 {
        access |= FILE_ALL_ACCESS;
    }
    access & !(GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE | GENERIC_ALL)
}

/// The three access classes that take part in sharing (rule A1).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Hash)]
pub struct DataAccess {
    pub read: bool,
    pub write: bool,
    pub delete: bool,
}

impl DataAccess {
    /// The classes of an (already generic-mapped) access mask.
    pub fn of(access: u32) -> DataAccess {
        DataAccess {
            read: access & (FILE_READ_DATA | FILE_EXECUTE) != 0,
            write: access & (FILE_WRITE_DATA | FILE_APPEND_DATA) != 0,
            delete: access & DELETE != 0,
        }
    }

    /// The share flags that would admit these classes.
    pub fn as_share_bits(self) -> u32 {
        let mut share = 0;
        if self.read {
            share |= FILE_SHARE_READ;
        }
        if self.write {
            share |= FILE_SHARE_WRITE;
        }
        if self.delete {
            share |= FILE_SHARE_DELETE;
        }
        share
    }

    /// Rule A2: an open with no data class neither checks nor restricts sharing.
    pub fn participates(self) -> bool {
        self.read || self.write || self.delete
    }
}

/// Per-file share counters over the participating file objects (ReactOS `SHARE_ACCESS`).
/// The check is O(1) in the number of open handles.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct ShareAccess {
    pub open_count: u32,
    pub readers: u32,
    pub writers: u32,
    pub deleters: u32,
    pub shared_read: u32,
    pub shared_write: u32,
    pub shared_delete: u32,
}

/// Why a share check failed, from the new open's point of view.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ShareConflict {
    /// The new open wants this access class and some existing open does not share it.
    NotSharedByExisting(Class),
    /// Some existing open holds this access class and the new open's share mode leaves it out.
    NotSharedByNew(Class),
}

/// One access class.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Class {
    Read,
    Write,
    Delete,
}

impl Class {
    pub fn name(self) -> &'static str {
        match self {
            Class::Read => "read",
            Class::Write => "write",
            Class::Delete => "delete",
        }
    }
    pub fn share_flag(self) -> &'static str {
        match self {
            Class::Read => "FILE_SHARE_READ",
            Class::Write => "FILE_SHARE_WRITE",
            Class::Delete => "FILE_SHARE_DELETE",
        }
    }
}

impl ShareAccess {
    /// Rule A3, the two-way check: the new open must be admitted by every existing share
    /// mode, and its own share mode must admit every access already granted.
    pub fn check(&self, want: DataAccess, share: u32) -> Result<(), ShareConflict> {
        if !want.participates() {
            return Ok(());
        }
        let n = self.open_count;
        if want.read && self.shared_read < n {
            return Err(ShareConflict::NotSharedByExisting(Class::Read));
        }
        if want.write && self.shared_write < n {
            return Err(ShareConflict::NotSharedByExisting(Class::Write));
        }
        if want.delete && self.shared_delete < n {
            return Err(ShareConflict::NotSharedByExisting(Class::Delete));
        }
        if self.readers > 0 && share & FILE_SHARE_READ == 0 {
            return Err(ShareConflict::NotSharedByNew(Class::Read));
        }
        if self.writers > 0 && share & FILE_SHARE_WRITE == 0 {
            return Err(ShareConflict::NotSharedByNew(Class::Write));
        }
        if self.deleters > 0 && share & FILE_SHARE_DELETE == 0 {
            return Err(ShareConflict::NotSharedByNew(Class::Delete));
        }
        Ok(())
    }

    /// `IoSetShareAccess`: record a granted participating open.
    pub fn add(&mut self, want: DataAccess, share: u32) {
        if !want.participates() {
            return;
        }
        self.open_count += 1;
        self.readers += want.read as u32;
        self.writers += want.write as u32;
        self.deleters += want.delete as u32;
        self.shared_read += (share & FILE_SHARE_READ != 0) as u32;
        self.shared_write += (share & FILE_SHARE_WRITE != 0) as u32;
        self.shared_delete += (share & FILE_SHARE_DELETE != 0) as u32;
    }

    /// `IoRemoveShareAccess`: at cleanup of the file object (rule A4).
    pub fn remove(&mut self, want: DataAccess, share: u32) {
        if !want.participates() {
            return;
        }
        self.open_count -= 1;
        self.readers -= want.read as u32;
        self.writers -= want.write as u32;
        self.deleters -= want.delete as u32;
        self.shared_read -= (share & FILE_SHARE_READ != 0) as u32;
        self.shared_write -= (share & FILE_SHARE_WRITE != 0) as u32;
        self.shared_delete -= (share & FILE_SHARE_DELETE != 0) as u32;
    }

    pub fn is_empty(&self) -> bool {
        *self == ShareAccess::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generic_read_write_maps_to_data_classes() {
        let a = DataAccess::of(map_generic(GENERIC_READ | GENERIC_WRITE));
        assert_eq!(
            a,
            DataAccess {
                read: true,
                write: true,
                delete: false
            }
        );
        assert!(DataAccess::of(map_generic(GENERIC_ALL)).delete);
        assert!(!DataAccess::of(FILE_READ_ATTRIBUTES | SYNCHRONIZE).participates());
    }

    #[test]
    fn two_way_check() {
        let mut s = ShareAccess::default();
        s.add(
            DataAccess {
                read: true,
                write: true,
                delete: false,
            },
            FILE_SHARE_READ,
        );
        // a reader that shares read only cannot coexist with an existing writer
        assert_eq!(
            s.check(
                DataAccess {
                    read: true,
                    ..Default::default()
                },
                FILE_SHARE_READ
            ),
            Err(ShareConflict::NotSharedByNew(Class::Write))
        );
        assert_eq!(
            s.check(
                DataAccess {
                    read: true,
                    ..Default::default()
                },
                FILE_SHARE_READ | FILE_SHARE_WRITE
            ),
            Ok(())
        );
        assert_eq!(
            s.check(
                DataAccess {
                    delete: true,
                    ..Default::default()
                },
                7
            ),
            Err(ShareConflict::NotSharedByExisting(Class::Delete))
        );
    }
}
