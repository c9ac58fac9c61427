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
//! version keeps them ([`super::Attributes`]), and which one is which is told from what it
//! holds. The event loop runs on while this is read (the worker released the GIL for
//! its call), so every object is checked for the type it must have, the walk ends at
//! anything else, and the coroutines found must lead to the very future the work item
//! completes: a half-read chain gives no frames, never wrong ones. All reads are
//! bounded ([`Walk`]). This runs only for a finding.

use super::walk::Walk;
use super::{Interpreter, PyFrame};

/// `PyCFunctionObject.m_self` (`cpython/methodobject.h`).
const CFUNC_SELF: u64 = 24;
/// How many words of a C future or task are scanned for its fields (`FutureObj_HEAD`
/// has about a dozen, a task some more).
const OBJECT_WORDS: u64 = 24;
/// At most this many futures are followed from the first.
const MAX_FUTURES: usize = 16;

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

impl Walk<'_> {
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

    /// Whether `obj` is the future `fut`, or what `await fut` awaits: `fut.__await__()`,
    /// a `FutureIter`, whose first field is the future.
    fn is_future_or_its_iterator(&mut self, obj: u64, fut: u64) -> bool {
        if obj == fut {
            return true;
        }
        let iterator = self.type_of(obj).and_then(|t| self.type_name(t));
        iterator.as_deref() == Some("_asyncio.FutureIter") && self.word(obj + 16) == Some(fut)
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
                let Some(mut frames) = self
                    .coroutine(task)
                    .and_then(|coro| self.chain(coro, &mut |w, obj, _| w.is_future_or_its_iterator(obj, fut)))
                else {
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
}
