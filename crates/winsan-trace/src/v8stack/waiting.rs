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
//!   being the very pointer the system call was given (libuv's `uv_fs_t`, whose layout
//!   is libuv's stable ABI: the same from node 18 to 24);
//! * its `data`: node's request wrap (`FSReqCallback`, `FSReqPromise`; `ReqWrap::
//!   Dispatched` sets it), a C++ object whose `BaseObject` holds a global handle to its
//!   JavaScript object, which in turn holds the C++ object's address in an embedder
//!   field (`BaseObject::kSlot`): each is checked against the other;
//! * the JavaScript object's properties: `oncomplete` (the callback, wrapped by
//!   `fs.makeCallback` in a closure whose context holds the program's function) or
//!   `promise` (`fs.promises`);
//! * from a promise, its reactions (`PromiseReaction`: the handlers `then` and `await`
//!   attached, and the promise they derive): a program's function given to `then`, or
//!   the closure V8 made for an `await`, whose context holds the suspended async
//!   function (`JSAsyncFunctionObject`: its function, and in `input_or_debug_pos` the
//!   bytecode offset it is suspended at, V8's `JSGeneratorObject::code_offset`), whose
//!   own promise leads on to whoever awaits it: V8's async stack trace, walked the same
//!   way its `CaptureAsyncStackTrace` does.
//!
//! An async function is named `async NAME` at the line of its `await` (as V8 names it in
//! an `Error`'s stack); a callback `callback NAME` at the line where it is defined. The
//! main thread runs while this is read, so every object is checked for the type it must
//! have and anything else ends the walk: a half-made chain gives fewer frames, not
//! wrong ones.

use std::collections::HashSet;

use super::Thread;
use crate::pyframe::PyFrame;

/// libuv's `uv_fs_t` (`uv.h`, x86-64; unchanged through libuv 1.x): `type` (an `int`,
/// `UV_FS` = 6), `path`, `new_path`, and `work_req` (what the thread pool hands its
/// worker, inside the request).
const UV_FS: u32 = 6;
const REQ_TYPE: u64 = 8;
const REQ_PATH: u64 = 104;
const REQ_NEW_PATH: u64 = 272;
const REQ_WORK: u64 = 336;
/// How long the main thread is given to get back to its event loop.
const IDLE_WAIT: std::time::Duration = std::time::Duration::from_millis(20);
/// How far up the worker's stack the request is looked for.
const STACK_WORDS: usize = 2048;
/// A context with at most this many slots for variables is a closure's own (a wrapper's,
/// a callback's scope): all its functions are followed.
const SMALL_CONTEXT: usize = 6;
/// At most this many heap objects are visited from the request.
const MAX_OBJECTS: usize = 256;

/// A JavaScript object's header (map, properties, elements) and the generator fields
/// V8 lays out after it (`JSGeneratorObject`: function, context, receiver,
/// `input_or_debug_pos`, resume mode, continuation, parameters and registers; then an
/// async function's promise).
const JS_OBJECT_HEADER: u64 = 24;
const GENERATOR_FUNCTION: u64 = 24;
const GENERATOR_POSITION: u64 = 48;

/// The frames waiting for the asynchronous fs call that thread `t` is making with the
/// system call arguments `args`, innermost first; empty when `t` is not running one.
pub(super) fn frames(t: &Thread, pid: u32, args: &[u64; 6]) -> Vec<PyFrame> {
    let Some(req) = request(t, args) else {
        return vec![];
    };
    let Some(object) = t.word(req).and_then(|data| wrapper(t, data)) else {
        return vec![];
    };
    let frames = waiters(t, object);
    if !frames.is_empty() || !event_loop_idle(pid) {
        return frames;
    }
    waiters(t, object)
}

/// The frames waiting on node's request object `object`, innermost first.
fn waiters(t: &Thread, object: u64) -> Vec<PyFrame> {
    let mut walk = Walk {
        t,
        seen: HashSet::new(),
        out: vec![],
    };
    let mut queue: std::collections::VecDeque<u64> = properties(t, object).into();
    while let Some(o) = queue.pop_front() {
        if walk.seen.len() >= MAX_OBJECTS {
            break;
        }
        if walk.seen.insert(o) {
            queue.extend(walk.visit(o));
        }
    }
    // A `then` with both handlers of the program: one waiter.
    walk.out.dedup_by(|a, b| a.file == b.file && a.line == b.line);
    walk.out
}

/// Whether the main thread of node process `pid` had to be waited for (at most
/// `IDLE_WAIT`) to be back in its event loop's `epoll_wait`: the worker may start the
/// call before the JavaScript that made it has attached its handlers (an `await` just
/// after the call, a promise returned from an async function, linked in a microtask);
/// by then they are attached. `false` when it was already there (nothing new to read).
fn event_loop_idle(pid: u32) -> bool {
    // epoll_wait, epoll_pwait, epoll_pwait2 (x86-64).
    const EPOLL_WAIT: [&str; 3] = ["232", "281", "441"];
    let start = std::time::Instant::now();
    let mut waited = false;
    while start.elapsed() < IDLE_WAIT {
        let Ok(s) = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/syscall")) else {
            return waited;
        };
        if s.split_whitespace().next().is_some_and(|nr| EPOLL_WAIT.contains(&nr)) {
            return waited;
        }
        waited = true;
        std::thread::sleep(std::time::Duration::from_micros(200));
    }
    waited
}

/// The `uv_fs_t` whose call this is: a word on the stack that points to it (or to its
/// `work_req`), its type `UV_FS` and its path one of the call's pointers.
fn request(t: &Thread, args: &[u64; 6]) -> Option<u64> {
    let pointers: Vec<u64> = args.iter().copied().filter(|&a| a > 0x10000).collect();
    if pointers.is_empty() {
        return None;
    }
    let is_request = |r: u64| {
        let mut b = [0u8; REQ_NEW_PATH as usize + 8];
        if crate::sys::read_mem(t.tid, r, &mut b) != Some(b.len()) {
            return false;
        }
        let word = |o: u64| u64::from_le_bytes(b[o as usize..o as usize + 8].try_into().unwrap_or_default());
        let kind = u32::from_le_bytes(
            b[REQ_TYPE as usize..REQ_TYPE as usize + 4]
                .try_into()
                .unwrap_or_default(),
        );
        kind == UV_FS && (pointers.contains(&word(REQ_PATH)) || pointers.contains(&word(REQ_NEW_PATH)))
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
    out: Vec<PyFrame>,
}

impl Walk<'_, '_> {
    /// What an object of the chain leads to, recording the program's functions.
    fn visit(&mut self, o: u64) -> Vec<u64> {
        let t = self.t;
        let l = t.layout;
        let Some(kind) = t.kind(o) else {
            return vec![];
        };
        let fields = |from: u64, to: u64| -> Vec<u64> {
            (from..to)
                .step_by(8)
                .filter_map(|k| t.field(o, k))
                .filter(|&w| w & 1 == 1)
                .collect()
        };
        if Some(kind) == l.promise_type {
            // `reactions_or_result`, then flags (a Smi) and node's embedder field.
            return fields(JS_OBJECT_HEADER, JS_OBJECT_HEADER + 8)
                .into_iter()
                .filter(|&r| t.kind(r) == l.reaction_type)
                .collect();
        }
        if Some(kind) == l.reaction_type || Some(kind) == l.capability_type {
            // next, reject and fulfill handlers, the derived promise or capability.
            return fields(8, 48);
        }
        if Some(kind) == l.async_function_type || Some(kind) == l.async_generator_type {
            if let Some(frame) = self.suspended(o) {
                self.out.push(frame);
            }
            // An async function's own promise: who awaits it.
            if Some(kind) == l.async_function_type {
                return fields(72, 104)
                    .into_iter()
                    .filter(|&p| t.kind(p) == l.promise_type)
                    .collect();
            }
            return vec![];
        }
        if let Some(shared) = function_shared(t, o) {
            if let Some(frame) = program_function(t, shared) {
                self.out.push(frame);
                return vec![];
            }
            // node's or V8's own closure (the wrapper of a callback, an await's or a
            // promise's resolving functions): what its context holds for it. The
            // context of a function of node's module scope is that whole scope, of a
            // builtin the native context: of a large one, only the program's functions.
            let Some(context) = l.function_context.and_then(|c| t.field(o, c)) else {
                return vec![];
            };
            let slots = context_slots(t, context);
            if slots.len() <= SMALL_CONTEXT {
                return slots;
            }
            return slots
                .into_iter()
                .filter(|&w| match function_shared(t, w) {
                    Some(shared) => program_function(t, shared).is_some(),
                    None => true,
                })
                .collect();
        }
        vec![]
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

/// Where a function's source starts: its uncompiled data's start position, or (compiled)
/// the position of its first bytecode.
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
    t.bytecode_position(b, length, 0)
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

/// The slots of a context (not its scope info nor the context it is in: those hold the
/// whole enclosing scope, not what this closure was made for).
fn context_slots(t: &Thread, context: u64) -> Vec<u64> {
    let l = t.layout;
    let (Some(first), Some(last)) = (l.context_types.0, l.context_types.1) else {
        return vec![];
    };
    if !t.kind(context).is_some_and(|k| (first..=last).contains(&k)) {
        return vec![];
    }
    let n = t.field(context, 8).and_then(Thread::smi).unwrap_or(0).clamp(0, 16) as u64;
    (0..n)
        .filter(|&i| Some(i) != l.context_prev && Some(i) != l.context_scope_info)
        .filter_map(|i| t.field(context, 16 + 8 * i))
        .filter(|&w| w & 1 == 1)
        .collect()
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
        assert_eq!(REQ_WORK, REQ_NEW_PATH + 8 + 4 * 4 + 8 + 8 + 4 + 4 + 8 + 8);
    }
}
