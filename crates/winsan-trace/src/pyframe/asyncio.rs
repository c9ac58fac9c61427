//! The coroutines waiting for a call that a `concurrent.futures` thread pool's worker
//! makes: `await asyncio.to_thread(os.remove, p)`, `await loop.run_in_executor(None,
//! functools.partial(os.remove, p))` (aiofiles' calls are the latter).
//!
//! The worker's frames are only the pool's (`_WorkItem.run`, `_worker`, `threading`'s
//! bootstrap), and the coroutine that asked for the call is not running: it is suspended,
//! waiting for the call's result. That is the code a program's author recognises, and the
//! code whose `if sys.platform != "win32":` says whether the call happens on Windows at
//! all. The chain from the worker to it (`Lib/concurrent/futures/thread.py`,
//! `Lib/asyncio/futures.py`, `tasks.py`, `base_events.py` and `Modules/_asynciomodule.c`
//! of CPython 3.11 to 3.15):
//!
//! * the work item, `self` of `_WorkItem.run` (3.14 and later: `run(self, ctx)`, which
//!   calls `WorkerContext.run`), whose `future` attribute is the `concurrent.futures.
//!   Future` (class `Future`) that `ThreadPoolExecutor.submit` returned;
//! * that future's `_done_callbacks` (a list) holds the `_call_set_state` closure that
//!   `asyncio.futures._chain_future` added (`wrap_future`, from `run_in_executor`); its
//!   free variable `destination` is the asyncio future the coroutine awaits;
//! * that future (`_asyncio.Future`, C) keeps its first callback in a field of its own
//!   (`fut_callback0`) and the others as `(callback, context)` tuples in a list
//!   (`fut_callbacks`); a pure-Python `asyncio.futures.Future` in its `_callbacks` list.
//!   A task awaiting it put its wakeup there: in every version a builtin method
//!   (`task_wakeup`) bound to the task, an `_asyncio.Task`; `asyncio.gather` its
//!   `_done_callback` closure, whose free variable `outer` is the gathering future,
//!   awaited in turn;
//! * the task's coroutine (`task_coro`), suspended at its `await`: what a suspended
//!   frame awaits is on top of its value stack (`_PyGen_yf`, `Objects/genobject.c`),
//!   another coroutine, an async generator's step (`async for`, `asynccontextmanager`:
//!   the generator is its first field) and the generator, and so on down to the
//!   future's iterator (`_asyncio.FutureIter`, `future.__await__()`, whose first field
//!   is the future);
//! * a task is a future too: whoever awaits it is found the same way.
//!
//! anyio's worker threads (`anyio.to_thread.run_sync`, which Starlette and FastAPI run
//! blocking code with) are given the asyncio future itself: the `future` local of
//! `WorkerThread.run` (`anyio/_backends/_asyncio.py`) leads to the same walk.
//!
//! Not followed (no frames, the pool's alone): the pure-Python `asyncio.tasks.Task`
//! (its wakeup is a bound method of a Python object, used only without `_asyncio`), a
//! future awaited through a pure-Python `__await__` generator, and a chain that leads
//! to a task whose coroutine awaits something other than this future.
//!
//! The C future's and task's fields are in no header (`Modules/_asynciomodule.c`), and
//! their order changed between versions: their first words are scanned for pointers of
//! the type a field must have. A Python instance's attributes are read where its
//! version keeps them ([`Attributes`]), and which one is which is told from what it
//! holds. The event loop runs on while this is read (the worker released the GIL for
//! its call), so every object is checked for the type it must have, the walk ends at
//! anything else, and the coroutines found must lead to the very future the work item
//! completes: a half-read chain gives no frames, never wrong ones. All reads are
//! bounded ([`MAX_READS`]). This runs only for a finding.

use std::collections::HashSet;

use super::{c_string, frame_at, read_u64, string, Attributes, Interpreter, Layout, PyFrame, StackTop};
use super::{CELL_REF, FUNC_CODE, OB_TYPE, VAR_SIZE};
use crate::sys;

/// `PyTypeObject.tp_name`, `.tp_basicsize`, `.tp_flags` and `.tp_base` (`cpython/object.h`,
/// the same in 3.11 to 3.15).
const TP_NAME: u64 = 24;
const TP_BASICSIZE: u64 = 32;
const TP_FLAGS: u64 = 168;
const TP_BASE: u64 = 256;
/// `Py_TPFLAGS_MANAGED_DICT` (3.11 to 3.15) and `Py_TPFLAGS_INLINE_VALUES` (3.13 and
/// later), `object.h`.
const MANAGED_DICT: u64 = 1 << 4;
const INLINE_VALUES: u64 = 1 << 2;
/// `PyFunctionObject.func_closure` (`cpython/funcobject.h`), `PyCFunctionObject.m_self`
/// (`cpython/methodobject.h`), `PyListObject.ob_item` (`cpython/listobject.h`).
const FUNC_CLOSURE: u64 = 72;
const CFUNC_SELF: u64 = 24;
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
/// How many words of a C future or task are scanned for its fields (`FutureObj_HEAD`
/// has about a dozen, a task some more).
const OBJECT_WORDS: u64 = 24;
/// At most this many items of a list, entries of a dict, coroutines down one await
/// chain, futures from the first, and words read in all.
const MAX_ITEMS: u64 = 32;
const MAX_AWAITS: usize = 32;
const MAX_FUTURES: usize = 16;
const MAX_READS: usize = 4096;

/// Whether `obj` is a `concurrent.futures` work item (class `_WorkItem`).
pub(super) fn is_work_item(tid: u32, interp: &Interpreter, obj: u64) -> bool {
    let mut w = Walk::new(tid, interp);
    w.type_of(obj).and_then(|t| w.type_name(t)).as_deref() == Some("_WorkItem")
}

/// The frames of the coroutines waiting for the work item `item` of thread `tid`,
/// innermost first; empty when they cannot be told.
pub(super) fn waiters(tid: u32, interp: &Interpreter, item: u64) -> Vec<PyFrame> {
    let mut w = Walk::new(tid, interp);
    for value in w.attributes(item) {
        let is_future = w.type_of(value).and_then(|t| w.type_name(t)).as_deref() == Some("Future");
        if let Some(destination) = is_future.then(|| w.destination(value)).flatten() {
            return w.awaiting(destination, 0);
        }
    }
    vec![]
}

/// The frames of the coroutines awaiting the asyncio future `fut` (anyio's worker
/// threads are given the future they complete: `anyio.to_thread.run_sync` awaits it),
/// innermost first; empty when it is not one or they cannot be told.
pub(super) fn waiters_of_future(tid: u32, interp: &Interpreter, fut: u64) -> Vec<PyFrame> {
    let mut w = Walk::new(tid, interp);
    if !w.is_a(fut, "_asyncio.Future") {
        return vec![];
    }
    w.awaiting(fut, 0)
}

struct Walk<'a> {
    tid: u32,
    i: &'a Interpreter,
    l: &'static Layout,
    reads: usize,
    /// Futures already followed.
    seen: HashSet<u64>,
}

impl<'a> Walk<'a> {
    fn new(tid: u32, i: &'a Interpreter) -> Self {
        Walk {
            tid,
            i,
            l: i.layout,
            reads: 0,
            seen: HashSet::new(),
        }
    }

    /// Counts a read of `n` words; `None` once the budget is spent.
    fn spend(&mut self, n: usize) -> Option<()> {
        self.reads += n.max(1);
        (self.reads <= MAX_READS).then_some(())
    }

    fn word(&mut self, at: u64) -> Option<u64> {
        self.spend(1)?;
        read_u64(self.tid, at)
    }

    /// `n` words from `at`.
    fn words(&mut self, at: u64, n: u64) -> Option<Vec<u64>> {
        self.spend(n as usize)?;
        let mut b = vec![0u8; 8 * n as usize];
        (sys::read_mem(self.tid, at, &mut b)? == b.len()).then_some(())?;
        Some(
            b.chunks_exact(8)
                .map(|w| u64::from_ne_bytes(w.try_into().expect("8 bytes")))
                .collect(),
        )
    }

    fn bytes<const N: usize>(&mut self, at: u64) -> Option<[u8; N]> {
        self.spend(N.div_ceil(8))?;
        let mut b = [0u8; N];
        (sys::read_mem(self.tid, at, &mut b)? == N).then_some(b)
    }

    fn int(&mut self, at: u64) -> Option<i32> {
        self.bytes::<4>(at).map(i32::from_ne_bytes)
    }

    /// The type of the object at `obj`, if that can be an object's address.
    fn type_of(&mut self, obj: u64) -> Option<u64> {
        (obj > 0x10000 && obj % 8 == 0 && obj < 1 << 47).then_some(())?;
        self.word(obj + OB_TYPE).filter(|&t| t > 0x10000 && t % 8 == 0)
    }

    fn type_name(&mut self, ty: u64) -> Option<String> {
        let name = self.word(ty + TP_NAME)?;
        self.spend(8)?;
        c_string(self.tid, name)
    }

    /// Whether `obj`'s type, or one of its bases (a subclass, such as `asyncio.gather`'s
    /// `_GatheringFuture`), is named `name`.
    fn is_a(&mut self, obj: u64, name: &str) -> bool {
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
    fn list_items(&mut self, list: u64) -> Vec<u64> {
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
    fn tuple_item(&mut self, tuple: u64, k: u64) -> Option<u64> {
        (self.type_of(tuple)? == self.i.tuple_type?).then_some(())?;
        (k < self.word(tuple + VAR_SIZE)?).then_some(())?;
        self.word(tuple + self.l.tuple_items + 8 * k)
    }

    /// The values of the instance attributes of `obj`, an instance of a class defined in
    /// Python (`Py_TPFLAGS_MANAGED_DICT`), in no particular order.
    fn attributes(&mut self, obj: u64) -> Vec<u64> {
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
    fn split_values(&mut self, values: u64) -> Option<Vec<u64>> {
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
    fn dict_values(&mut self, dict: u64) -> Option<Vec<u64>> {
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
    fn is_function(&mut self, f: u64, name: &str, file: &str) -> bool {
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
    fn closure_var(&mut self, f: u64, name: &str) -> Option<u64> {
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

    /// The asyncio future that the `concurrent.futures.Future` `future` completes: the
    /// `destination` of the `_call_set_state` among its done callbacks.
    fn destination(&mut self, future: u64) -> Option<u64> {
        for value in self.attributes(future) {
            for callback in self.list_items(value) {
                if self.is_function(callback, "_call_set_state", "/asyncio/futures.py") {
                    return self.closure_var(callback, "destination");
                }
            }
        }
        None
    }

    /// The callbacks of the asyncio future `fut`.
    fn callbacks(&mut self, fut: u64) -> Vec<u64> {
        let mut out = vec![];
        let lists: Vec<u64> = if self.is_a(fut, "_asyncio.Future") {
            // `fut_callback0`, a callable, and `fut_callbacks`, a list, among its words.
            let words = self.words(fut + 16, OBJECT_WORDS).unwrap_or_default();
            let mut lists = vec![];
            for w in words {
                let Some(ty) = self.type_of(w) else { continue };
                if Some(ty) == self.i.builtin_type || Some(ty) == self.i.function_type {
                    out.push(w);
                } else if Some(ty) == self.i.list_type {
                    lists.push(w);
                }
            }
            lists
        } else {
            // A pure-Python future: its `_callbacks`.
            self.attributes(fut)
        };
        for list in lists {
            for item in self.list_items(list) {
                out.extend(self.tuple_item(item, 0));
            }
        }
        out
    }

    /// The frames of the coroutines awaiting the future `fut`, innermost first.
    fn awaiting(&mut self, fut: u64, depth: usize) -> Vec<PyFrame> {
        if depth >= MAX_FUTURES || !self.seen.insert(fut) {
            return vec![];
        }
        for callback in self.callbacks(fut) {
            let Some(ty) = self.type_of(callback) else { continue };
            // A task's wakeup: a builtin method bound to the task.
            if Some(ty) == self.i.builtin_type {
                let Some(task) = self.word(callback + CFUNC_SELF) else {
                    continue;
                };
                if !self.is_a(task, "_asyncio.Task") {
                    continue;
                }
                let Some(mut frames) = self.coroutine(task).and_then(|coro| self.chain(coro, fut)) else {
                    continue;
                };
                // A task is awaited in turn (a task made by `asyncio.gather`, or
                // `await task`).
                frames.extend(self.awaiting(task, depth + 1));
                return frames;
            }
            // `asyncio.gather`'s: the future it returned (`outer`) waits for this one.
            if self.is_function(callback, "_done_callback", "/asyncio/tasks.py") {
                if let Some(outer) = self.closure_var(callback, "outer") {
                    let frames = self.awaiting(outer, depth + 1);
                    if !frames.is_empty() {
                        return frames;
                    }
                }
            }
        }
        vec![]
    }

    /// The coroutine of the task `task` (`task_coro`): the first coroutine (or generator)
    /// among its words.
    fn coroutine(&mut self, task: u64) -> Option<u64> {
        let words = self.words(task + 16, OBJECT_WORDS)?;
        let wanted = [self.i.coro_type?, self.i.gen_type?];
        words
            .into_iter()
            .find(|&w| self.type_of(w).is_some_and(|t| wanted.contains(&t)))
    }

    /// The frames of the coroutine `coro` and those it awaits, down to `target` (or its
    /// `__await__` iterator), innermost first; `None` if the chain leads elsewhere.
    fn chain(&mut self, coro: u64, target: u64) -> Option<Vec<PyFrame>> {
        let mut frames = vec![];
        let mut obj = coro;
        let wanted = [self.i.coro_type?, self.i.gen_type?];
        for _ in 0..MAX_AWAITS {
            let ty = self.type_of(obj)?;
            if wanted.contains(&ty) {
                let (frame, awaited) = self.suspended(obj)?;
                frames.push(frame);
                obj = awaited;
                continue;
            }
            let name = self.type_name(ty);
            match name.as_deref() {
                // An async generator's step (`anext()`, `asend()`, `athrow()`: what
                // `async for` and `asynccontextmanager` await): its first field is the
                // generator (`PyAsyncGenASend.ags_gen`, `PyAsyncGenAThrow.agt_gen`,
                // `Objects/genobject.c`, 3.11 to 3.15).
                Some("async_generator_asend" | "async_generator_athrow") => {
                    obj = self.word(obj + 16)?;
                    continue;
                }
                // An async generator is laid out as a generator: suspended at its await.
                Some("async_generator") => {
                    let (frame, awaited) = self.suspended(obj)?;
                    frames.push(frame);
                    obj = awaited;
                    continue;
                }
                _ => {}
            }
            // `await future` awaits `future.__await__()`: a `FutureIter`, whose first
            // field is the future.
            let fut = if name.as_deref() == Some("_asyncio.FutureIter") {
                self.word(obj + 16)?
            } else {
                obj
            };
            if fut != target || frames.is_empty() {
                return None;
            }
            // The task's coroutine is resumed by the task's step, C code.
            frames[0].at.from_c = true;
            frames.reverse();
            return Some(frames);
        }
        None
    }

    /// The frame of the suspended generator or coroutine `gen` (its own
    /// `_PyInterpreterFrame`, `gi_iframe`) and what it awaits, on its value stack
    /// ([`super::Objects::awaited_depth`]).
    fn suspended(&mut self, gen: u64) -> Option<(PyFrame, u64)> {
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
