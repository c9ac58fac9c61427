//! The coroutines waiting for a call that one of trio's worker threads makes: `await
//! trio.to_thread.run_sync(os.remove, p)`, and anyio's `to_thread.run_sync` on its trio
//! backend (`anyio/_backends/_trio.py` calls trio's).
//!
//! The worker's frames are only trio's thread cache's (`WorkerThread._work` and
//! `_handle_job`), `outcome.capture` and trio's closure that makes the call; the
//! coroutine that asked for it is suspended, waiting for its result. That is the code a
//! program's author recognises, and the code whose `if sys.platform != "win32":` says
//! whether the call happens on Windows at all. The chain from the worker to it
//! (`trio/_threads.py`, `trio/_core/_thread_cache.py`, `_run.py` and `_traps.py` of trio
//! 0.35):
//!
//! * `to_thread_run_sync` hands the thread cache (`start_thread_soon`) its closure
//!   `worker_fn`, which `WorkerThread._handle_job` runs through `outcome.capture`;
//!   `worker_fn` makes the call through `Context.run` (C), so while the call runs it is
//!   the worker's innermost Python frame (below anyio's `wrapper`, for anyio);
//! * `worker_fn`'s free variable `task_register` is a list whose one item is the trio
//!   `Task` that made the call (`trio.lowlevel.current_task()`; `None` once it gave up
//!   waiting, cancelled with `abandon_on_cancel=True`);
//! * the task's coroutine, its `coro` (a `__slots__` member: `Task` is an attrs class),
//!   is suspended at its `await`, and its await chain ([`Walk::chain`]) leads down to
//!   `to_thread_run_sync`'s coroutine, suspended at `await
//!   trio.lowlevel.wait_task_rescheduled(abort)` until `report_back_in_trio_thread_fn`
//!   reschedules the task with the call's outcome.
//!
//! The chain must lead back to this very job: `to_thread_run_sync`'s `task_register`
//! (a cell variable, as `worker_fn` uses it) must be the cell `worker_fn`'s closure
//! holds, and what it awaits must be trio's `wait_task_rescheduled`. Anything else (the
//! task's coroutine still running, a chain that ends elsewhere) gives no frames, only the
//! worker's. Not followed: a nursery's parent task (the task's coroutine is the one
//! `start_soon` was given; where its parent called `start_soon` is on no stack anymore).
//! This runs only for a finding.

use super::walk::Walk;
use super::{Interpreter, PyFrame, CELL_REF};

/// Whether `f` is trio's closure that makes a worker thread's call (its `task_register`
/// leads to [`waiters`]).
pub(super) fn is_worker_fn(f: &PyFrame) -> bool {
    f.function == "worker_fn" && f.file.ends_with("/trio/_threads.py")
}

/// The frames of the coroutines of the trio task waiting for the call of the worker
/// thread `tid`, given the cell `task_register` of its `worker_fn`, innermost first;
/// empty when they cannot be told.
pub(super) fn waiters(tid: u32, interp: &Interpreter, task_register: u64) -> Vec<PyFrame> {
    Walk::new(tid, interp).trio_waiters(task_register).unwrap_or_default()
}

impl Walk<'_> {
    fn trio_waiters(&mut self, cell: u64) -> Option<Vec<PyFrame>> {
        (self.type_of(cell)? == self.i.cell_type?).then_some(())?;
        let register = self.word(cell + CELL_REF)?;
        let task = *self.list_items(register).first()?;
        let ty = self.type_of(task)?;
        (self.type_name(ty)? == "Task").then_some(())?;
        let coro = self.slot(task, "coro")?;
        (self.type_of(coro)? == self.i.coro_type?).then_some(())?;
        self.chain(coro, &mut |w, obj, above| w.is_wait_of(obj, above, cell))
    }

    /// Whether `obj`, awaited by the last of the frames `above`, is trio's
    /// `wait_task_rescheduled` awaited by the `to_thread_run_sync` whose `task_register`
    /// is `cell`.
    fn is_wait_of(&mut self, obj: u64, above: &[PyFrame], cell: u64) -> bool {
        let Some(run_sync) = above.last() else {
            return false;
        };
        if run_sync.function != "to_thread_run_sync" || !run_sync.file.ends_with("/trio/_threads.py") {
            return false;
        }
        if self.local(run_sync, "task_register") != Some(cell) {
            return false;
        }
        if self.i.coro_type.is_none() || self.type_of(obj) != self.i.coro_type {
            return false;
        }
        self.suspended(obj).is_some_and(|(wait, _)| {
            wait.function == "wait_task_rescheduled" && wait.file.ends_with("/trio/_core/_traps.py")
        })
    }
}
