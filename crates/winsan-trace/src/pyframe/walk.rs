//! Reading a Python program's objects from outside, for [`super::asyncio`] and
//! [`super::trio`]: an object's type and its name, a list's or a tuple's items, an
//! instance's attributes (in a dict, or in `__slots__`), a closure's free variables, and
//! the await chain of a suspended coroutine, each frame on the way.
//!
//! The program runs on while this is read (a worker thread in a call releases the GIL):
//! every object is checked for the type it must have, and anything else ends the walk.
//! All reads are bounded ([`MAX_READS`]).

use std::collections::HashSet;

use super::{c_string, frame_at, read_u64, string, Attributes, Interpreter, Layout, PyFrame, StackTop};
use super::{CELL_REF, FUNC_CODE, OB_TYPE, VAR_SIZE};
use crate::sys;

/// `PyTypeObject.tp_name`, `.tp_basicsize`, `.tp_flags`, `.tp_members` and `.tp_base`
/// (`cpython/object.h`, the same in 3.11 to 3.15).
const TP_NAME: u64 = 24;
const TP_BASICSIZE: u64 = 32;
pub(super) const TP_FLAGS: u64 = 168;
const TP_MEMBERS: u64 = 240;
const TP_BASE: u64 = 256;
/// A `PyMemberDef` (`descrobject.h`, 3.11 to 3.15): `name`, `type`, `offset`, `flags`,
/// `doc`, a word each; a `__slots__` entry is one of type `Py_T_OBJECT_EX`
/// (`T_OBJECT_EX`, 16; `Objects/typeobject.c`, `type_new_descriptors`).
const MEMBER_WORDS: u64 = 5;
const MEMBER_OBJECT_EX: u64 = 16;
/// `Py_TPFLAGS_MANAGED_DICT` (3.11 to 3.15) and `Py_TPFLAGS_INLINE_VALUES` (3.13 and
/// later), `object.h`.
const MANAGED_DICT: u64 = 1 << 4;
const INLINE_VALUES: u64 = 1 << 2;
/// `PyFunctionObject.func_closure` (`cpython/funcobject.h`), `PyListObject.ob_item`
/// (`cpython/listobject.h`).
const FUNC_CLOSURE: u64 = 72;
const LIST_ITEMS: u64 = 24;
/// `PyDictObject.ma_keys` and `.ma_values`; `PyDictKeysObject.dk_log2_index_bytes`,
/// `.dk_kind` (`DICT_KEYS_GENERAL` is 0: entries of hash, key and value; otherwise key
/// and value), `.dk_nentries` and `.dk_indices` (`internal/pycore_dict.h`, 3.11 to 3.15).
const DICT_KEYS: u64 = 32;
const DICT_VALUES: u64 = 40;
const KEYS_LOG2_INDEX_BYTES: usize = 9;
const KEYS_KIND: usize = 10;
const KEYS_NENTRIES: u64 = 24;
const KEYS_INDICES: u64 = 32;
/// `SHARED_KEYS_MAX_SIZE`: a class's instances share at most this many keys.
const SHARED_KEYS_MAX_SIZE: usize = 30;
/// `FRAME_OWNED_BY_GENERATOR` (`internal/pycore_frame.h`, 3.11 to 3.15; from 3.14
/// `pycore_interpframe_structs.h`): the owner of a generator's or coroutine's frame.
const OWNED_BY_GENERATOR: u8 = 1;
/// At most this many items of a list, entries of a dict or members of a class,
/// coroutines down one await chain, and words read in all.
const MAX_ITEMS: u64 = 32;
const MAX_AWAITS: usize = 32;
const MAX_READS: usize = 4096;

pub(super) struct Walk<'a> {
    pub(super) tid: u32,
    pub(super) i: &'a Interpreter,
    pub(super) l: &'static Layout,
    reads: usize,
    /// Objects already followed (asyncio's futures).
    pub(super) seen: HashSet<u64>,
}

impl<'a> Walk<'a> {
    pub(super) fn new(tid: u32, i: &'a Interpreter) -> Self {
        Walk {
            tid,
            i,
            l: i.layout,
            reads: 0,
            seen: HashSet::new(),
        }
    }

    /// Counts a read of `n` words; `None` once the budget is spent.
    pub(super) fn spend(&mut self, n: usize) -> Option<()> {
        self.reads += n.max(1);
        (self.reads <= MAX_READS).then_some(())
    }

    pub(super) fn word(&mut self, at: u64) -> Option<u64> {
        self.spend(1)?;
        read_u64(self.tid, at)
    }

    /// `n` words from `at`.
    pub(super) fn words(&mut self, at: u64, n: u64) -> Option<Vec<u64>> {
        self.spend(n as usize)?;
        let mut b = vec![0u8; 8 * n as usize];
        (sys::read_mem(self.tid, at, &mut b)? == b.len()).then_some(())?;
        Some(
            b.chunks_exact(8)
                .map(|w| u64::from_ne_bytes(w.try_into().expect("8 bytes")))
                .collect(),
        )
    }

    pub(super) fn bytes<const N: usize>(&mut self, at: u64) -> Option<[u8; N]> {
        self.spend(N.div_ceil(8))?;
        let mut b = [0u8; N];
        (sys::read_mem(self.tid, at, &mut b)? == N).then_some(b)
    }

    pub(super) fn int(&mut self, at: u64) -> Option<i32> {
        self.bytes::<4>(at).map(i32::from_ne_bytes)
    }

    /// The type of the object at `obj`, if that can be an object's address.
    pub(super) fn type_of(&mut self, obj: u64) -> Option<u64> {
        (obj > 0x10000 && obj % 8 == 0 && obj < 1 << 47).then_some(())?;
        self.word(obj + OB_TYPE).filter(|&t| t > 0x10000 && t % 8 == 0)
    }

    pub(super) fn type_name(&mut self, ty: u64) -> Option<String> {
        let name = self.word(ty + TP_NAME)?;
        self.spend(8)?;
        c_string(self.tid, name)
    }

    /// Whether `obj`'s type, or one of its bases (a subclass, such as `asyncio.gather`'s
    /// `_GatheringFuture`), is named `name`.
    pub(super) fn is_a(&mut self, obj: u64, name: &str) -> bool {
        let mut ty = self.type_of(obj);
        for _ in 0..8 {
            let Some(t) = ty.filter(|&t| t != 0) else {
                return false;
            };
            if self.type_name(t).as_deref() == Some(name) {
                return true;
            }
            ty = self.word(t + TP_BASE);
        }
        false
    }

    /// The items of the list `list` (at most [`MAX_ITEMS`]); none if it is not a list.
    pub(super) fn list_items(&mut self, list: u64) -> Vec<u64> {
        let mut items = || -> Option<Vec<u64>> {
            (self.type_of(list)? == self.i.list_type?).then_some(())?;
            let n = self.word(list + VAR_SIZE)?.min(MAX_ITEMS);
            let at = self.word(list + LIST_ITEMS)?;
            if n == 0 {
                return Some(vec![]);
            }
            self.words(at, n)
        };
        items().unwrap_or_default()
    }

    /// Item `k` of the tuple `tuple`.
    pub(super) fn tuple_item(&mut self, tuple: u64, k: u64) -> Option<u64> {
        (self.type_of(tuple)? == self.i.tuple_type?).then_some(())?;
        (k < self.word(tuple + VAR_SIZE)?).then_some(())?;
        self.word(tuple + self.l.tuple_items + 8 * k)
    }

    /// The values of the instance attributes of `obj`, an instance of a class defined in
    /// Python (`Py_TPFLAGS_MANAGED_DICT`), in no particular order.
    pub(super) fn attributes(&mut self, obj: u64) -> Vec<u64> {
        let mut values = || -> Option<Vec<u64>> {
            let ty = self.type_of(obj)?;
            let flags = self.word(ty + TP_FLAGS)?;
            (flags & MANAGED_DICT != 0).then_some(())?;
            match self.l.objects.attributes {
                Attributes::BeforeObject => match self.word(obj.checked_sub(32)?)? {
                    0 => {
                        let dict = self.word(obj - 24)?;
                        self.dict_values(dict)
                    }
                    values => self.split_values(values),
                },
                Attributes::Tagged => match self.word(obj.checked_sub(24)?)? {
                    tagged if tagged & 1 == 1 => self.split_values(tagged + 1),
                    dict => self.dict_values(dict),
                },
                Attributes::Inline => {
                    if flags & INLINE_VALUES != 0 {
                        let values = obj + self.word(ty + TP_BASICSIZE)?;
                        let [_, _, _, valid] = self.bytes::<4>(values)?;
                        if valid != 0 {
                            return self.split_values(values);
                        }
                    }
                    let dict = self.word(obj.checked_sub(24)?)?;
                    self.dict_values(dict)
                }
            }
        };
        let mut out = values().unwrap_or_default();
        out.retain(|&v| v != 0);
        out
    }

    /// The values of a `PyDictValues` (an instance's attributes, or a split dict's):
    /// 3.11 and 3.12 give the slots in use in the bytes before them (see
    /// [`insertion_order`]); from 3.13 they follow a header whose first byte is their
    /// number (`capacity`), unused ones `NULL`.
    pub(super) fn split_values(&mut self, values: u64) -> Option<Vec<u64>> {
        if let Attributes::Inline = self.l.objects.attributes {
            let [capacity] = self.bytes::<1>(values)?;
            let n = (capacity as u64).min(SHARED_KEYS_MAX_SIZE as u64);
            return self.words(values + 8, n);
        }
        let [used, prefix] = self.bytes::<2>(values.checked_sub(2)?)?;
        let n = (used as u64 + 2)
            .min(prefix as u64)
            .min(SHARED_KEYS_MAX_SIZE as u64 + 2);
        self.spend(1)?;
        let mut b = vec![0u8; n as usize];
        (sys::read_mem(self.tid, values - n, &mut b)? == b.len()).then_some(())?;
        let slots = insertion_order(&b);
        let last = slots.iter().max().map_or(0, |&s| s + 1);
        let all = self.words(values, last as u64)?;
        Some(slots.iter().map(|&s| all[s]).collect())
    }

    /// The values of the dict `dict`: split (its values as an instance's) or combined
    /// (its entries after the index table, `DK_ENTRIES`).
    pub(super) fn dict_values(&mut self, dict: u64) -> Option<Vec<u64>> {
        (self.type_of(dict)? == self.i.dict_type?).then_some(())?;
        let values = self.word(dict + DICT_VALUES)?;
        if values != 0 {
            return self.split_values(values);
        }
        let keys = self.word(dict + DICT_KEYS)?;
        let head = self.bytes::<16>(keys)?;
        let (log2_index_bytes, kind) = (head[KEYS_LOG2_INDEX_BYTES], head[KEYS_KIND]);
        (log2_index_bytes <= 24).then_some(())?;
        let n = self.word(keys + KEYS_NENTRIES)?.min(MAX_ITEMS);
        let (size, value) = if kind == 0 { (3, 2) } else { (2, 1) };
        let entries = self.words(keys + KEYS_INDICES + (1 << log2_index_bytes), n * size)?;
        Some(entries.chunks_exact(size as usize).map(|e| e[value]).collect())
    }

    /// Whether `f` is a Python function named `name` whose code is in a file ending with
    /// `file`.
    pub(super) fn is_function(&mut self, f: u64, name: &str, file: &str) -> bool {
        let mut check = || -> Option<bool> {
            (self.type_of(f)? == self.i.function_type?).then_some(())?;
            let code = self.word(f + FUNC_CODE)?;
            let l = self.l;
            let named = string(self.tid, l, self.word(code + l.code_name)?)?;
            let path = string(self.tid, l, self.word(code + l.code_filename)?)?;
            Some(named == name && path.ends_with(file))
        };
        check() == Some(true)
    }

    /// The value of the free variable `name` of the closure `f` (a Python function): its
    /// cell in `func_closure`. A code object's free variables are the last of its
    /// `co_localsplusnames`, one per item of the closure and in its order (3.11 and later:
    /// `COPY_FREE_VARS` copies `closure[i]` to `localsplus[co_nlocalsplus - n + i]`).
    pub(super) fn closure_var(&mut self, f: u64, name: &str) -> Option<u64> {
        (self.type_of(f)? == self.i.function_type?).then_some(())?;
        let (code, closure) = (self.word(f + FUNC_CODE)?, self.word(f + FUNC_CLOSURE)?);
        (self.type_of(closure)? == self.i.tuple_type?).then_some(())?;
        let free = self.word(closure + VAR_SIZE)?;
        let l = self.l;
        let count = u64::try_from(self.int(code + l.code_nlocalsplus)?).ok()?.min(256);
        let names = self.word(code + l.code_localsplusnames)?;
        let first_free = count.checked_sub(free)?;
        let index = (first_free..count).find(|&i| {
            self.tuple_item(names, i)
                .and_then(|s| string(self.tid, l, s))
                .is_some_and(|s| s == name)
        })?;
        let cell = self.tuple_item(closure, index - first_free)?;
        (self.type_of(cell)? == self.i.cell_type?).then_some(())?;
        self.word(cell + CELL_REF).filter(|&v| v != 0)
    }

    /// The frames of the coroutine `coro` and those it awaits, innermost first, down to
    /// the first awaited object for which `end` holds (given it and the frames above it,
    /// outermost first); `None` if the chain leads elsewhere first.
    pub(super) fn chain(
        &mut self,
        coro: u64,
        end: &mut dyn FnMut(&mut Self, u64, &[PyFrame]) -> bool,
    ) -> Option<Vec<PyFrame>> {
        let mut frames = vec![];
        let mut obj = coro;
        let wanted = [self.i.coro_type?, self.i.gen_type?];
        for _ in 0..MAX_AWAITS {
            if !frames.is_empty() && end(self, obj, &frames) {
                // The task's coroutine is resumed by the event loop's step, C code
                // (asyncio's task step; trio's runner calls the coroutine's `send`).
                frames[0].at.from_c = true;
                frames.reverse();
                return Some(frames);
            }
            let ty = self.type_of(obj)?;
            if wanted.contains(&ty) {
                let (frame, awaited) = self.suspended(obj)?;
                frames.push(frame);
                obj = awaited;
                continue;
            }
            match self.type_name(ty).as_deref() {
                // An async generator's step (`anext()`, `asend()`, `athrow()`: what
                // `async for` and `asynccontextmanager` await): its first field is the
                // generator (`PyAsyncGenASend.ags_gen`, `PyAsyncGenAThrow.agt_gen`,
                // `Objects/genobject.c`, 3.11 to 3.15).
                Some("async_generator_asend" | "async_generator_athrow") => {
                    obj = self.word(obj + 16)?;
                }
                // An async generator is laid out as a generator: suspended at its await.
                Some("async_generator") => {
                    let (frame, awaited) = self.suspended(obj)?;
                    frames.push(frame);
                    obj = awaited;
                }
                _ => return None,
            }
        }
        None
    }

    /// The value of the local variable `name` of the frame `frame` (of this thread, or a
    /// suspended coroutine's): a free or cell variable's is its cell.
    pub(super) fn local(&mut self, frame: &PyFrame, name: &str) -> Option<u64> {
        let l = self.l;
        let names = self.word(frame.at.code + l.code_localsplusnames)?;
        let n = self.word(names + VAR_SIZE)?.min(256);
        let index = (0..n).find(|&i| {
            self.word(names + l.tuple_items + 8 * i)
                .and_then(|s| string(self.tid, l, s))
                .is_some_and(|s| s == name)
        })?;
        let value = l.object(self.word(frame.at.frame + l.frame_localsplus + 8 * index)?);
        (value != 0).then_some(value)
    }

    /// The value of the local variable `name` of `frame`, told apart from its absence:
    /// `Some(None)` when the code has no local of that name or it is unset; `None` when
    /// that cannot be read.
    pub(super) fn local_slot(&mut self, frame: &PyFrame, name: &str) -> Option<Option<u64>> {
        let l = self.l;
        let names = self.word(frame.at.code + l.code_localsplusnames)?;
        let n = self.word(names + VAR_SIZE)?;
        (n <= 256).then_some(())?;
        for i in 0..n {
            let s = self.word(names + l.tuple_items + 8 * i)?;
            if string(self.tid, l, s)? == name {
                let value = l.object(self.word(frame.at.frame + l.frame_localsplus + 8 * i)?);
                return Some((value != 0).then_some(value));
            }
        }
        Some(None)
    }

    /// The value of the `__slots__` member `name` of `obj` (attrs makes its classes so by
    /// default): its offset in the instance is that of the `PyMemberDef` so named among
    /// its type's `tp_members` (`Objects/typeobject.c`, `type_new_descriptors`). Only the
    /// type's own members are looked at, not its bases'.
    pub(super) fn slot(&mut self, obj: u64, name: &str) -> Option<u64> {
        let ty = self.type_of(obj)?;
        let (size, members) = (self.word(ty + TP_BASICSIZE)?, self.word(ty + TP_MEMBERS)?);
        (members != 0).then_some(())?;
        for k in 0..MAX_ITEMS {
            let member = self.words(members + 8 * MEMBER_WORDS * k, MEMBER_WORDS)?;
            let (named, kind, offset) = (member[0], member[1] & 0xffff_ffff, member[2]);
            if named == 0 {
                return None;
            }
            self.spend(8)?;
            if kind == MEMBER_OBJECT_EX && offset >= 16 && offset + 8 <= size && c_string(self.tid, named)? == name {
                return self.word(obj + offset).filter(|&v| v != 0);
            }
        }
        None
    }

    /// The frame of the suspended generator or coroutine `gen` (its own
    /// `_PyInterpreterFrame`, `gi_iframe`) and what it awaits, on its value stack
    /// ([`super::Objects::awaited_depth`]).
    pub(super) fn suspended(&mut self, gen: u64) -> Option<(PyFrame, u64)> {
        let o = self.l.objects;
        let [state] = self.bytes::<1>(gen + o.gen_frame_state)?;
        let state = state as i8;
        (o.suspended.0..=o.suspended.1).contains(&state).then_some(())?;
        let frame = gen + o.gen_iframe;
        let l = self.l;
        let [owner] = self.bytes::<1>(frame + l.frame_owner)?;
        (owner == OWNED_BY_GENERATOR).then_some(())?;
        self.spend(64)?;
        let f = frame_at(self.tid, l, frame, false)?;
        let code = f.at.code;
        let (locals, size) = (self.int(code + l.code_nlocalsplus)?, self.int(code + l.code_stacksize)?);
        let (locals, size) = (u64::try_from(locals).ok()?, u64::try_from(size).ok()?);
        let base = frame + l.frame_localsplus;
        let top = match o.stack_top {
            StackTop::Index(at) => base + 8 * u64::try_from(self.int(frame + at)?).ok()?,
            StackTop::Pointer(at) => self.word(frame + at)?,
        };
        // Above the locals, within the stack, at a slot.
        let lowest = base + 8 * (locals + o.awaited_depth);
        let highest = base + 8 * (locals + size.min(4096));
        (lowest..=highest).contains(&top).then_some(())?;
        (top % 8 == 0).then_some(())?;
        let awaited = l.object(self.word(top.checked_sub(8 * o.awaited_depth)?)?);
        Some((f, awaited))
    }
}

/// The slots of a 3.11 or 3.12 `PyDictValues` in use, in the order their keys were
/// added, from the bytes just before its values (`internal/pycore_dict.h`: `[-1]` is
/// the size of that prefix, `[-2]` the number of slots used, and the bytes before,
/// backwards, the slot of each, `_PyDictValues_AddToInsertionOrder`).
fn insertion_order(prefix: &[u8]) -> Vec<usize> {
    let n = prefix.len();
    let (Some(&size), Some(&used)) = (prefix.last(), n.checked_sub(2).and_then(|i| prefix.get(i))) else {
        return vec![];
    };
    let used = used as usize;
    if used + 2 > (size as usize).min(n) {
        return vec![];
    }
    (0..used)
        .map(|k| prefix[n - 3 - k] as usize)
        .filter(|&s| s < SHARED_KEYS_MAX_SIZE)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insertion_order_of_values() {
        // A prefix of 8 bytes: unused, then slots 2, 0, 1 added in the order 1, 0, 2
        // (the first just before the count), three used, the prefix's size.
        assert_eq!(insertion_order(&[0xaa, 0xbb, 0xcc, 2, 0, 1, 3, 8]), vec![1, 0, 2]);
        assert_eq!(insertion_order(&[0, 8]), Vec::<usize>::new(), "none used");
        assert_eq!(
            insertion_order(&[5, 9, 8]),
            Vec::<usize>::new(),
            "more used than the prefix holds"
        );
        assert_eq!(insertion_order(&[]), Vec::<usize>::new());
        assert_eq!(insertion_order(&[40, 1, 8]), Vec::<usize>::new(), "not a slot");
    }
}
