//! The JavaScript waiting for an asynchronous fs call: the frames of a call that runs on
//! one of libuv's worker threads.
//!
//! `fs.unlink(path, callback)` and `fs.promises.unlink(path)` return at once; node's
//! binding queues a `uv_fs_t` request to libuv's thread pool, whose worker thread makes
//! the system call (libuv's `uv__fs_work`) while the main thread runs on. The worker has
//! no JavaScript frames, and the frame that made the call is gone. What is left is who
//! waits for its result, and that is what a program's author recognises:
//!
//! * the request: the worker's stack holds a pointer to it (libuv passes it down to the
//!   call), told from other words by its type (`UV_FS`) and its `path` (or `new_path`)
//!   being the very pointer the system call was given, or its `file` the descriptor
//!   (`ftruncate`; `copyfile` opens its own) (libuv's `uv_fs_t`, whose layout is
//!   libuv's stable ABI: the same from node 18 to 26);
//! * its `data`: node's request wrap (`FSReqCallback`, `FSReqPromise`; `ReqWrap::
//!   Dispatched` sets it), a C++ object whose `BaseObject` holds a global handle to its
//!   JavaScript object, which in turn holds the C++ object's address in an embedder
//!   field (`BaseObject::kSlot`): each is checked against the other. A request made
//!   synchronously inside a job of node's own has none: the job's object is the first
//!   such C++ object the worker's stack points to;
//! * the JavaScript object's properties: `oncomplete` (the callback, wrapped by
//!   `fs.makeCallback` in a closure whose context holds the program's function),
//!   `ondone` (a job's callback) or `promise` (`fs.promises`);
//! * from a promise, its reactions (`PromiseReaction`: the handlers `then` and `await`
//!   attached, and the promise they derive): a program's function given to `then`, or
//!   the closure V8 made for an `await`, whose context holds the suspended async
//!   function (`JSAsyncFunctionObject`: its function, and in `input_or_debug_pos` the
//!   bytecode offset it is suspended at, V8's `JSGeneratorObject::code_offset`), whose
//!   own promise leads on to whoever awaits it (an async generator's: the request its
//!   `for await` consumer awaits): V8's async stack trace, walked the same way its
//!   `CaptureAsyncStackTrace` does;
//! * from a callback of the program, the promise it resolves (a resolving function in
//!   its scope) and on from there;
//! * from an event emitter in a scope (a file stream, whose open this is): its
//!   listeners (`_events`, an `error` listener first), then the callbacks its
//!   `_writableState` keeps for its end, read as named properties (the map's
//!   descriptors, or its dictionary) with V8's metadata as llnode does; node's own
//!   listeners (`pipeline`'s end-of-stream ones) are followed only to an `await`.
//!
//! The walk is depth first and gives one chain: a promise awaited by two functions
//! shows one of them. An async function is named `async NAME` at the line of its
//! `await` (as V8 names it in an `Error`'s stack); a callback `callback NAME` at the line
//! where it is defined. The worker may start before the JavaScript that made the call
//! has attached its handlers, so the main thread is first given a moment to get back to
//! its event loop. It runs on while this is read, so every object is checked for the
//! type it must have and anything else ends the walk: a half-made chain gives fewer
//! frames, not wrong ones.

use std::collections::HashSet;
use std::time::Duration;

use super::Thread;
use crate::pyframe::PyFrame;

/// libuv's `uv_fs_t` (`uv.h`, x86-64; unchanged through libuv 1.x): `type` (an `int`,
/// `UV_FS` = 6), `fs_type` (`uv_fs_type`: `UV_FS_FTRUNCATE` = 9, `UV_FS_COPYFILE` = 29),
/// `path`, `new_path`, `file`, and `work_req` (what the thread pool hands its worker,
/// inside the request).
const UV_FS: u32 = 6;
const REQ_TYPE: u64 = 8;
const REQ_PATH: u64 = 104;
const REQ_NEW_PATH: u64 = 272;
const REQ_FS_TYPE: u64 = 64;
const REQ_FILE: u64 = 280;
const UV_FS_FTRUNCATE: i32 = 9;
const UV_FS_COPYFILE: i32 = 29;
const REQ_WORK: u64 = 336;
/// How long the main thread is given to get back to its event loop, for one call and
/// (`IDLE_BUDGET`) for all of a process's.
const IDLE_WAIT: Duration = Duration::from_millis(20);
const IDLE_BUDGET: Duration = Duration::from_secs(1);
/// How far up the worker's stack the request is looked for.
const STACK_WORDS: usize = 2048;
/// A context with at most this many slots for variables is a closure's own (a wrapper's,
/// a callback's scope): all its functions are followed.
const SMALL_CONTEXT: usize = 6;
/// At most this many links are followed from the request.
const MAX_DEPTH: u32 = 400;
/// At most this many heap objects are visited from the request.
const MAX_OBJECTS: usize = 1024;

/// A JavaScript object's header (map, properties, elements) and the generator fields
/// V8 lays out after it (`JSGeneratorObject`: function, context, receiver,
/// `input_or_debug_pos`, resume mode, continuation, parameters and registers; then an
/// async function's promise).
const JS_OBJECT_HEADER: u64 = 24;
const GENERATOR_FUNCTION: u64 = 24;
const GENERATOR_POSITION: u64 = 48;

/// The frames waiting for the asynchronous fs call that thread `t` is making with the
/// system call arguments `args`, innermost first; empty when `t` is not running one.
/// `waits`: how long each process's main thread may still be waited for.
pub(super) fn frames(t: &Thread, pid: u32, args: &[u64; 6], waits: &mut EventLoopWaits) -> Vec<PyFrame> {
    let Some(req) = request(t, args) else {
        return vec![];
    };
    // Node's request wrap; for a request made without one (a synchronous call in a job
    // of node's own: node 26's `fs.writeFile` opens, writes and closes in one trip to the
    // thread pool), the job's, found on the worker's stack.
    let Some(object) = t
        .word(req)
        .and_then(|data| wrapper(t, data))
        .or_else(|| job_on_stack(t))
    else {
        return vec![];
    };
    waits.wait(pid);
    waiters(t, object)
}

/// What is left of each process's budget for waiting for its event loop
/// ([`event_loop_idle`]): at most [`IDLE_WAIT`] per call, [`IDLE_BUDGET`] in all. Node's
/// libuv workers and Python's executor threads wait the same way.
#[derive(Default)]
pub(crate) struct EventLoopWaits(std::collections::HashMap<u32, Duration>);

impl EventLoopWaits {
    /// Waits for the event loop of `pid`, within its budget.
    pub(crate) fn wait(&mut self, pid: u32) {
        if self.0.len() > 4096 {
            self.0.clear();
        }
        let budget = self.0.entry(pid).or_insert(IDLE_BUDGET);
        let waited = event_loop_idle(pid, IDLE_WAIT.min(*budget));
        *budget = budget.saturating_sub(waited);
    }
}

/// The frames waiting on node's request object `object`, innermost first.
fn waiters(t: &Thread, object: u64) -> Vec<PyFrame> {
    let mut walk = Walk {
        t,
        seen: HashSet::new(),
    };
    properties(t, object)
        .into_iter()
        .find_map(|o| walk.follow(o, 0))
        .unwrap_or_default()
}

/// A frame, then those that wait for it.
fn chain(frame: Option<PyFrame>, rest: Option<Vec<PyFrame>>) -> Option<Vec<PyFrame>> {
    let mut out: Vec<PyFrame> = frame.into_iter().collect();
    out.extend(rest.unwrap_or_default());
    (!out.is_empty()).then_some(out)
}

/// Waits (at most `max`) for the main thread of node process `pid` to be back in its
/// event loop's `epoll_wait`, and says how long it waited: the worker may start the call
/// before the JavaScript that made it has attached its handlers (an `await` just after
/// the call, a promise returned from an async function and linked in a microtask); by
/// then they are attached. (The same for a Python's asyncio event loop, whose selector
/// waits in `epoll_wait` too: [`crate::pyframe::PyFrames::stack_with_waiters`].)
fn event_loop_idle(pid: u32, max: Duration) -> Duration {
    // epoll_wait, epoll_pwait, epoll_pwait2 (x86-64).
    const EPOLL_WAIT: [&str; 3] = ["232", "281", "441"];
    let start = std::time::Instant::now();
    while start.elapsed() < max {
        let Ok(s) = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/syscall")) else {
            break;
        };
        let call = s.split_whitespace().next().unwrap_or_default();
        // Back in its event loop; or stopped in a call of those winsan traps, which may
        // be waiting for this very supervisor: no JavaScript runs before it returns.
        if EPOLL_WAIT.contains(&call)
            || call
                .parse()
                .is_ok_and(|nr: libc::c_long| crate::syscalls::TABLE.iter().any(|&(n, ..)| n == nr))
        {
            break;
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    start.elapsed()
}

/// The `uv_fs_t` whose call this is: a word on the stack that points to it (or to its
/// `work_req`), its type `UV_FS` and its path one of the call's pointers (or its file the
/// call's descriptor).
fn request(t: &Thread, args: &[u64; 6]) -> Option<u64> {
    let pointers: Vec<u64> = args.iter().copied().filter(|&a| a > 0x10000).collect();
    let is_request = |r: u64| {
        let mut b = [0u8; REQ_FILE as usize + 4];
        if crate::sys::read_mem(t.tid, r, &mut b) != Some(b.len()) {
            return false;
        }
        let word = |o: u64| u64::from_le_bytes(b[o as usize..o as usize + 8].try_into().unwrap_or_default());
        let kind = u32::from_le_bytes(
            b[REQ_TYPE as usize..REQ_TYPE as usize + 4]
                .try_into()
                .unwrap_or_default(),
        );
        let int = |o: u64| i32::from_le_bytes(b[o as usize..o as usize + 4].try_into().unwrap_or_default());
        kind == UV_FS
            && (pointers.contains(&word(REQ_PATH))
                || pointers.contains(&word(REQ_NEW_PATH))
                // A call on the request's file descriptor (`ftruncate`), or on those
                // `uv_fs_copyfile` opens itself.
                || (int(REQ_FS_TYPE) == UV_FS_FTRUNCATE && i64::from(int(REQ_FILE)) == args[0] as i64)
                || int(REQ_FS_TYPE) == UV_FS_COPYFILE)
    };
    let mut tried = HashSet::new();
    t.stack
        .chunks_exact(8)
        .take(STACK_WORDS)
        .map(|w| u64::from_le_bytes(w.try_into().unwrap_or_default()))
        .filter(|&w| w & 7 == 0 && w > 0x10000 && w < 1 << 47)
        .flat_map(|w| [w, w.wrapping_sub(REQ_WORK)])
        .find(|&r| tried.len() < 4096 && tried.insert(r) && is_request(r))
}

/// The JavaScript object of the first of node's C++ objects a word of the worker's stack
/// points to (the job running on it).
fn job_on_stack(t: &Thread) -> Option<u64> {
    t.stack
        .chunks_exact(8)
        .take(STACK_WORDS)
        .map(|w| u64::from_le_bytes(w.try_into().unwrap_or_default()))
        .filter(|&w| w & 7 == 0 && w > 0x10000 && w < 1 << 47)
        .find_map(|w| wrapper(t, w))
}

/// The JavaScript object of node's request wrap at `data`: a global handle among the C++
/// object's first fields whose object holds `data` in one of its embedder fields.
fn wrapper(t: &Thread, data: u64) -> Option<u64> {
    if data & 7 != 0 || data < 0x10000 {
        return None;
    }
    (1..8).find_map(|k| {
        let slot = t.word(data + 8 * k).filter(|&s| s & 7 == 0 && s > 0x10000)?;
        let object = t.word(slot).filter(|&o| o & 1 == 1)?;
        (0..4)
            .any(|i| t.field(object, JS_OBJECT_HEADER + 8 * i) == Some(data))
            .then_some(object)
    })
}

/// The values of an object's properties: its in-object fields (after the header) and its
/// property array.
fn properties(t: &Thread, object: u64) -> Vec<u64> {
    let l = t.layout;
    let (Some(size), Some(props)) = (l.map_instance_size, l.receiver_properties) else {
        return vec![];
    };
    let words = t
        .field(object, 0)
        .and_then(|map| t.bytes(map, size, 1))
        .map_or(0, |b| u64::from(b[0]))
        .min(32);
    let mut out: Vec<u64> = (JS_OBJECT_HEADER / 8..words)
        .filter_map(|i| t.field(object, 8 * i))
        .collect();
    if let Some(array) = t
        .field(object, props)
        .filter(|&a| l.property_array_type.is_some() && t.kind(a) == l.property_array_type)
    {
        // `length_and_hash`: the length in its low 10 bits.
        let n = t
            .field(array, 8)
            .and_then(Thread::smi)
            .map_or(0, |v| (v & 0x3ff) as u64)
            .min(64);
        out.extend((0..n).filter_map(|i| t.field(array, 16 + 8 * i)));
    }
    out.retain(|&w| w & 1 == 1);
    out
}

struct Walk<'a, 'b> {
    t: &'a Thread<'b>,
    seen: HashSet<u64>,
}

impl Walk<'_, '_> {
    /// The frames waiting from `o` on: the first chain of waiters through it that names
    /// any (a promise awaited by two functions is one chain, not both), `None` when none
    /// does.
    fn follow(&mut self, o: u64, depth: u32) -> Option<Vec<PyFrame>> {
        let t = self.t;
        let l = t.layout;
        if depth > MAX_DEPTH || self.seen.len() >= MAX_OBJECTS || o & 1 == 0 || !self.seen.insert(o) {
            return None;
        }
        let kind = t.kind(o)?;
        if Some(kind) == l.promise_type {
            return self.reactions(o, depth);
        }
        if Some(kind) == l.capability_type {
            // A promise capability: its promise (then resolve, reject).
            return (8..32)
                .step_by(8)
                .filter_map(|k| t.field(o, k))
                .find_map(|w| self.follow(w, depth + 1));
        }
        if Some(kind) == l.async_function_type || Some(kind) == l.async_generator_type {
            let frame = self.suspended(o);
            // An async function's own promise: who awaits it; an async generator's
            // queue of requests (`AsyncGeneratorRequest`: next, resume mode, value,
            // promise), the first of which is what its consumer awaits (`for await`).
            let after: Vec<u64> = (72..104).step_by(8).filter_map(|k| t.field(o, k)).collect();
            let promise = if Some(kind) == l.async_function_type {
                after.into_iter().find(|&p| t.kind(p) == l.promise_type)
            } else {
                after
                    .into_iter()
                    .find(|&q| l.generator_request_type.is_some() && t.kind(q) == l.generator_request_type)
                    .and_then(|q| {
                        (8..40)
                            .step_by(8)
                            .filter_map(|k| t.field(q, k))
                            .find(|&p| t.kind(p) == l.promise_type)
                    })
            };
            let rest = promise.and_then(|p| self.follow(p, depth + 1));
            return chain(frame, rest);
        }
        let Some(shared) = function_shared(t, o) else {
            // An event emitter (a file stream, whose open this may be): the listeners
            // waiting for its events.
            return self.listeners(o, depth);
        };
        let context = l.function_context.and_then(|c| t.field(o, c))?;
        if let Some(frame) = program_function(t, shared) {
            // The program's callback, and whom it hands the result to where its own
            // scope says (a promise's resolving function it closes over:
            // `new Promise((resolve) => fs.unlink(p, (err) => resolve()))`, util.promisify
            // and its kin).
            return chain(Some(frame), self.scope(context, depth + 1, true));
        }
        // node's or V8's own closure (the wrapper of a callback, an await's or a promise's
        // resolving functions): what its scope holds for it.
        self.scope(context, depth + 1, false)
    }

    /// The listeners of event emitter `o` (its `_events`: each a function or an array of
    /// them), those of the events a failed or finished call is told by first; then, for
    /// a stream, the callbacks its state keeps for when it finishes (`end(data, cb)`:
    /// arrays of functions among the properties of `_writableState`).
    fn listeners(&mut self, o: u64, depth: u32) -> Option<Vec<PyFrame>> {
        const FIRST: [&str; 5] = ["error", "open", "ready", "finish", "close"];
        let t = self.t;
        let own = named(t, o, 24);
        let property = |name: &str| {
            own.iter()
                .find(|&&(k, _)| t.string(k, 32).as_deref() == Some(name))
                .map(|&(_, v)| v)
        };
        let mut entries: Vec<(usize, u64)> = property("_events")
            .map(|events| named(t, events, 32))
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v)| {
                let name = t.string(k, 16).unwrap_or_default();
                (FIRST.iter().position(|&f| f == name).unwrap_or(FIRST.len()), v)
            })
            .collect();
        entries.sort_by_key(|&(rank, _)| rank);
        let state = property("_writableState").map(|s| named(t, s, 64)).unwrap_or_default();
        let is_array = |v: u64| t.kind(v).is_some() && t.kind(v) == t.layout.js_array_type;
        let mut functions: Vec<u64> = entries
            .into_iter()
            .flat_map(|(_, v)| if is_array(v) { array_elements(t, v, 8) } else { vec![v] })
            .collect();
        functions.extend(
            state
                .into_iter()
                .filter(|&(_, v)| is_array(v))
                .flat_map(|(_, v)| array_elements(t, v, 8)),
        );
        functions
            .into_iter()
            .filter(|&f| function_shared(t, f).is_some())
            .find_map(|f| self.follow(f, depth + 1))
    }

    /// What a closure's scope (`context`, and the scopes around it) holds that waits:
    /// promises, async functions, and functions. The context of a function of a module's
    /// scope is that whole scope, of a builtin the native context: a large context is a
    /// scope's boundary, where of node's (`program` false) only the program's functions
    /// are followed, and of the program's (`program`: the scope of its callback) nothing
    /// (its promises and functions may have nothing to do with this call). In the
    /// program's scopes a function it may call or not (a library's wrapper calling the
    /// callback it was given, which resolves a promise) is taken only when the chain
    /// through it ends at an `await`.
    fn scope(&mut self, context: u64, depth: u32, program: bool) -> Option<Vec<PyFrame>> {
        let t = self.t;
        let l = t.layout;
        if depth > MAX_DEPTH || self.seen.len() >= MAX_OBJECTS || !self.seen.insert(context) {
            return None;
        }
        let slots = context_slots(t, context);
        let small = slots.len() <= SMALL_CONTEXT;
        if program && !small {
            return None;
        }
        for w in slots {
            let (follow, must_reach_await) = match function_shared(t, w) {
                // A function of the program's scope (the callback a library wrapper
                // calls): only if the chain through it ends at an await.
                Some(s) if program => (true, t.script_of(s).is_some()),
                Some(s) if small || program_function(t, s).is_some() => (true, false),
                // Node's own function in a large scope (a stream's end-of-stream listener
                // keeping `pipeline`'s callback): only if the chain through it ends at an
                // await.
                Some(_) => (true, true),
                // An object: a promise or a suspended async function anywhere; an event
                // emitter only in a closure's own scope (a module's scope holds emitters
                // such as `process`, whose listeners wait for other things).
                None => (small || is_waitable(t, w), false),
            };
            if !follow {
                continue;
            }
            match self.follow(w, depth + 1) {
                Some(found) if !must_reach_await || found.iter().any(|f| f.function.starts_with("async ")) => {
                    return Some(found)
                }
                _ => {}
            }
        }
        // The enclosing scope, where the variables of the function around are
        // (`fs.truncate`'s callback, kept by the closure inside its open callback).
        let previous = t.field(context, 16 + 8 * l.context_prev?)?;
        (small && is_context(t, previous)).then_some(())?;
        self.scope(previous, depth + 1, program)
    }

    /// The waiters of a pending promise: its reactions (`reactions_or_result`, a list
    /// linked by `next`, the last attached first), in the order they were attached; of
    /// each the handler (fulfill, else reject: the same waiter) and then the promise
    /// `then` derived, which waits in turn.
    fn reactions(&mut self, promise: u64, depth: u32) -> Option<Vec<PyFrame>> {
        let t = self.t;
        let l = t.layout;
        let mut list = vec![];
        let mut r = t.field(promise, JS_OBJECT_HEADER)?;
        while t.kind(r) == l.reaction_type && list.len() < 16 && !list.contains(&r) {
            list.push(r);
            let Some(next) = t.field(r, 8) else { break };
            r = next;
        }
        list.into_iter().rev().find_map(|r| {
            // After `next`: the reject and fulfill handlers, the derived promise or
            // capability, and (before or after them, by V8 version) the embedder's data:
            // told apart by their types.
            let fields: Vec<u64> = (16..56).step_by(8).filter_map(|k| t.field(r, k)).collect();
            let derived = fields
                .iter()
                .copied()
                .find(|&w| {
                    t.kind(w)
                        .is_some_and(|k| Some(k) == l.promise_type || Some(k) == l.capability_type)
                })
                .unwrap_or(0);
            let mut handlers: Vec<u64> = fields
                .into_iter()
                .filter(|&w| function_shared(t, w).is_some())
                .collect();
            handlers.reverse();
            let handler = handlers.into_iter().find_map(|h| self.follow(h, depth + 1));
            match handler {
                Some(mut frames) if frames.last().is_some_and(|f| f.function.starts_with("callback ")) => {
                    frames.extend(self.follow(derived, depth + 1).unwrap_or_default());
                    Some(frames)
                }
                Some(frames) => Some(frames),
                None => self.follow(derived, depth + 1),
            }
        })
    }

    /// An async function suspended at an `await`: its function at the line of it.
    fn suspended(&self, generator: u64) -> Option<PyFrame> {
        let t = self.t;
        let l = t.layout;
        let shared = t
            .field(generator, GENERATOR_FUNCTION)
            .and_then(|f| function_shared(t, f))?;
        let raw = Thread::smi(t.field(generator, GENERATOR_POSITION)?)?;
        let at = bytecode_of(t, shared)
            .and_then(|(b, length)| t.bytecode_position(b, length, raw - (l.bytecode_data as i64 - 1)));
        let mut frame = t.describe(shared, at)?;
        frame.function = format!("async {}", nonempty(&frame.function));
        Some(frame)
    }
}

fn nonempty(name: &str) -> &str {
    if name.is_empty() {
        "<anonymous>"
    } else {
        name
    }
}

/// A function's shared function info, when `o` is a function.
fn function_shared(t: &Thread, o: u64) -> Option<u64> {
    let shared = t.field(o, t.layout.function_shared)?;
    t.is(shared, t.layout.shared_type).then_some(shared)
}

/// A function of the program (its script a file, not node's own): named `callback
/// NAME`, at the line where it is defined.
fn program_function(t: &Thread, shared: u64) -> Option<PyFrame> {
    let script = t.script_of(shared)?;
    let name = t.string(t.field(script, t.layout.script_name)?, 4096)?;
    let path = super::script_path(&name);
    if path.is_empty() || path.starts_with("node:") || path.starts_with("internal/") {
        return None;
    }
    let mut frame = t.describe(shared, start_position(t, shared))?;
    frame.function = format!("callback {}", nonempty(&frame.function));
    Some(frame)
}

/// Where a function's source starts: its uncompiled data's start position or, once it
/// is compiled, its scope info's (V8's `PositionInfo`, where the slots before it depend
/// on the scope's flags: found as the pair of Smis `start < end` closest around every
/// position of the function's bytecode; an arrow function's expression body ends at
/// its last).
fn start_position(t: &Thread, shared: u64) -> Option<usize> {
    let l = t.layout;
    let data = shared_data(t, shared);
    if let Some(start) = l.uncompiled_start {
        if let Some(u) = data
            .iter()
            .find(|&&d| t.kind(d).is_some_and(|k| l.uncompiled_types.contains(&k)))
        {
            let b = t.bytes(*u, start, 4)?;
            return usize::try_from(i32::from_le_bytes(b.try_into().ok()?)).ok();
        }
    }
    let (b, length) = bytecode_of(t, shared)?;
    let positions = t.bytecode_positions(b, length);
    let (&first, &last) = (positions.iter().min()?, positions.iter().max()?);
    let scope = t
        .field(shared, l.shared_name?)
        .filter(|&s| l.scope_info_type.is_some() && t.kind(s) == l.scope_info_type)?;
    let slots: Vec<Option<i64>> = (1..64).map(|k| t.field(scope, 8 * k).and_then(Thread::smi)).collect();
    let source = t.field(t.script_of(shared)?, l.script_source)?;
    let b = t.bytes(source, l.strings.length, 4)?;
    let length = usize::try_from(i32::from_le_bytes(b.try_into().ok()?)).ok()?;
    position_info(&slots, first, last, length)
}

/// The start of the closest pair of consecutive Smis `start < end` among a scope info's
/// slots (`None`: not a Smi) around the positions `first..=last`, within a script of
/// `length` characters.
fn position_info(slots: &[Option<i64>], first: usize, last: usize, length: usize) -> Option<usize> {
    slots
        .windows(2)
        .filter_map(|w| {
            let (start, end) = (usize::try_from(w[0]?).ok()?, usize::try_from(w[1]?).ok()?);
            (start <= first && last <= end && start < end && end <= length).then_some(start)
        })
        .max()
}

/// The tagged fields of a shared function info (its function data among them: V8 12 and
/// 13 split it in two and do not publish where).
fn shared_data(t: &Thread, shared: u64) -> Vec<u64> {
    (8..72)
        .step_by(8)
        .filter_map(|k| t.field(shared, k))
        .filter(|&w| w & 1 == 1)
        .collect()
}

/// A compiled function's bytecode array and its length: its function data, or held by
/// it (interpreter data, baseline code).
fn bytecode_of(t: &Thread, shared: u64) -> Option<(u64, i64)> {
    let l = t.layout;
    let with_length = |b: u64| Some((b, Thread::smi(t.field(b, l.bytecode_length)?)?));
    let data = shared_data(t, shared);
    if let Some(&b) = data.iter().find(|&&d| t.is(d, l.bytecode_type)) {
        return with_length(b);
    }
    data.iter()
        .filter(|&&d| t.kind(d).is_some_and(|k| k >= l.strings.first_nonstring))
        .flat_map(|&d| (8..48).step_by(8).filter_map(move |k| t.field(d, k)))
        .find(|&b| t.is(b, l.bytecode_type))
        .and_then(with_length)
}

/// The variables' slots of a context (not its scope info nor the context it is in).
fn context_slots(t: &Thread, context: u64) -> Vec<u64> {
    let l = t.layout;
    if !is_context(t, context) {
        return vec![];
    }
    let n = t.field(context, 8).and_then(Thread::smi).unwrap_or(0).clamp(0, 16) as u64;
    (0..n)
        .filter(|&i| Some(i) != l.context_prev && Some(i) != l.context_scope_info)
        .filter_map(|i| t.field(context, 16 + 8 * i))
        .filter(|&w| w & 1 == 1)
        // V8 14 boxes some variables in a `ContextCell`: its value is its first field
        // (read off live cells of V8 14.1 and 14.6; the metadata does not name it).
        .filter_map(|w| match l.context_cell_type {
            Some(cell) if t.kind(w) == Some(cell) => t.field(w, 8).filter(|&v| v & 1 == 1),
            _ => Some(w),
        })
        .collect()
}

/// The named properties of `object` (at most `max`): `(key, value)`, the key a string
/// (or symbol), the value tagged. Empty when the layout is not known.
fn named(t: &Thread, object: u64, max: usize) -> Vec<(u64, u64)> {
    let l = t.layout;
    let (Some(n), Some(props)) = (l.named, l.receiver_properties) else {
        return vec![];
    };
    let Some(map) = t.field(object, 0) else {
        return vec![];
    };
    let Some(bits) = t
        .bytes(map, n.map_bit_field3, 4)
        .and_then(|b| b.try_into().ok())
        .map(u32::from_le_bytes)
    else {
        return vec![];
    };
    let element = |array: u64, i: u64| t.field(array, 16 + 8 * i);
    let mut out = vec![];
    if bits >> n.dictionary_shift & 1 == 1 {
        // A `NameDictionary`: capacity, then the entries after the prefix.
        let Some(dict) = t.field(object, props) else {
            return out;
        };
        let capacity = element(dict, 2).and_then(Thread::smi).unwrap_or(0).clamp(0, 1024) as u64;
        for i in 0..capacity {
            let at = n.dict_entries + i * n.dict_entry_size;
            if let (Some(k), Some(v)) = (element(dict, at), element(dict, at + 1)) {
                let key = t
                    .kind(k)
                    .is_some_and(|k| k < l.strings.first_nonstring || Some(k) == l.symbol_type);
                if key && v & 1 == 1 {
                    out.push((k, v));
                    if out.len() >= max {
                        break;
                    }
                }
            }
        }
        return out;
    }
    let Some(descriptors) = t.field(map, n.map_descriptors) else {
        return out;
    };
    let own = u64::from((bits & n.own_mask) >> n.own_shift).min(max as u64);
    let size = t
        .bytes(map, l.map_instance_size.unwrap_or(0), 1)
        .map_or(0, |b| u64::from(b[0]));
    let start = t.bytes(map, n.map_inobject_start, 1).map_or(0, |b| u64::from(b[0]));
    let inobject = size.saturating_sub(start);
    for i in 0..own {
        let at = n.descriptors_header + 8 * (i * n.desc_size);
        let (Some(k), Some(details)) = (
            t.field(descriptors, at + 8 * n.desc_key),
            t.field(descriptors, at + 8 * n.desc_details).and_then(Thread::smi),
        ) else {
            continue;
        };
        let value = if (details & n.location_mask) >> n.location_shift == n.location_field {
            let index = ((details & n.index_mask) >> n.index_shift) as u64;
            if index < inobject {
                t.field(object, 8 * (start + index))
            } else {
                t.field(object, props).and_then(|a| element(a, index - inobject))
            }
        } else {
            t.field(descriptors, at + 8 * n.desc_value)
        };
        if let Some(v) = value.filter(|&v| v & 1 == 1) {
            out.push((k, v));
        }
    }
    out
}

/// The first `max` elements of a JavaScript array (its `FixedArray` of elements).
fn array_elements(t: &Thread, array: u64, max: u64) -> Vec<u64> {
    let Some(elements) = t.layout.js_object_elements.and_then(|e| t.field(array, e)) else {
        return vec![];
    };
    let n = t
        .field(elements, 8)
        .and_then(Thread::smi)
        .unwrap_or(0)
        .clamp(0, max as i64) as u64;
    (0..n).filter_map(|i| t.field(elements, 16 + 8 * i)).collect()
}

/// A promise, a promise capability or a suspended async function or generator.
fn is_waitable(t: &Thread, o: u64) -> bool {
    let l = t.layout;
    t.kind(o).is_some_and(|k| {
        [
            l.promise_type,
            l.capability_type,
            l.async_function_type,
            l.async_generator_type,
        ]
        .contains(&Some(k))
    })
}

fn is_context(t: &Thread, o: u64) -> bool {
    let (Some(first), Some(last)) = t.layout.context_types else {
        return false;
    };
    t.kind(o).is_some_and(|k| (first..=last).contains(&k))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_layout_is_libuvs() {
        // uv.h: UV_REQ_FIELDS (data, type, reserved[6]) = 64 bytes, then fs_type, loop,
        // cb, result, ptr, path; statbuf (uv_stat_t: 12 longs, 4 timespecs) = 160 bytes;
        // new_path, then file, flags, mode, nbufs, bufs, off, uid, gid, atime, mtime.
        assert_eq!(REQ_PATH, 64 + 5 * 8);
        assert_eq!(REQ_NEW_PATH, REQ_PATH + 8 + 12 * 8 + 4 * 16);
        assert_eq!(REQ_FILE, REQ_NEW_PATH + 8);
        assert_eq!(REQ_WORK, REQ_NEW_PATH + 8 + 4 * 4 + 8 + 8 + 4 + 4 + 8 + 8);
    }

    #[test]
    fn a_compiled_function_starts_at_its_scope_infos_position() {
        // The slots of an arrow function's scope info (node 20): flags, counts, names
        // and infos, then start and end, its expression body ending at its last position.
        let slots = [
            Some(5730370),
            Some(1),
            Some(0),
            None,
            Some(-1),
            None,
            Some(608),
            Some(648),
            None,
            Some(20),
            Some(51052544),
        ];
        assert_eq!(position_info(&slots, 608, 648, 1000), Some(608));
        assert_eq!(position_info(&slots, 610, 640, 1000), Some(608));
        // A position outside it: not this function's pair, nor a count and a bit field
        // (past the end of the script).
        assert_eq!(position_info(&slots, 600, 640, 1000), None);
        // Of two pairs around the positions, the closer.
        let nested = [Some(100), Some(900), Some(300), Some(400)];
        assert_eq!(position_info(&nested, 310, 390, 1000), Some(300));
    }
}
