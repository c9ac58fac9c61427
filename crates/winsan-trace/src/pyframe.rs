//! Where in a Python program a trapped call comes from: the interpreter's frames of the
//! calling thread, read from outside (`process_vm_readv`) while the thread is stopped in
//! the call.
//!
//! A system call alone does not say which Python function made it: `os.remove` after
//! `tempfile.mkstemp` (the seed's bug) and the unlink in `NamedTemporaryFile.close` are the
//! same `unlink`, yet on Windows the second one is never made (the file was opened with
//! `O_TEMPORARY`, delete-on-close). The frames tell them apart, and they give a finding
//! the source line a user needs. Two more things are read from them: which builtin the
//! innermost frame is calling ([`PyFrames::calling`]: `os.rename` and `os.replace` are
//! the same `rename` on Linux, not on Windows), and whether a `try` around the call
//! catches what Windows would raise ([`PyFrames::caught`], from the code's exception
//! table and the handler's `except` clauses; for a finding, where:
//! [`PyFrames::catcher`], `contextlib.suppress` and `shutil.rmtree`'s handler too).
//!
//! How: the interpreter's state hangs off the exported `_PyRuntime` (found in `.dynsym`
//! of the executable or of `libpython3.X.so`, as debuggers do); the thread state whose
//! `native_thread_id` is the caller's TID holds the current frame; each frame names its
//! code object (file, function, first line) and its last instruction, whose line comes
//! from the code's location table. Struct offsets are those of CPython 3.11, 3.12 and
//! 3.13 on 64-bit Linux (measured with `offsetof` against their internal headers, and
//! checked against the running interpreters by the tests); `Py_Version` is read first,
//! and for any other version nothing is read (no location, no decision based on it).
//!
//! A call made on a `concurrent.futures` thread pool's worker for a coroutine
//! (`asyncio.to_thread`, `loop.run_in_executor`) has only the pool's frames, and one made
//! on trio's worker thread (`trio.to_thread.run_sync`) only trio's; for a finding,
//! [`PyFrames::stack_with_waiters`] adds the coroutines waiting for it (`pyframe/asyncio.rs`,
//! `pyframe/trio.rs`).

use crate::sys;
use std::collections::HashMap;

mod asyncio;
mod trio;
mod walk;

/// One Python frame.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct PyFrame {
    pub file: String,
    pub function: String,
    /// 0 when the location table has none.
    pub line: u32,
    /// Where the frame is in the process (its `_PyInterpreterFrame`), and its code
    /// object: enough to read its arguments later ([`PyFrames::argument_is_true`]).
    #[serde(skip)]
    pub(crate) at: FrameAt,
}

/// A frame's address and its code object's, in the traced process.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct FrameAt {
    frame: u64,
    code: u64,
    /// Called by C code (3.11's `is_entry`; in 3.12 and later an entry shim follows):
    /// what it raises passes through that C code before any outer frame sees it.
    from_c: bool,
}

impl PyFrame {
    /// Whether C code called this frame (a callback the interpreter or a C function ran:
    /// an `atexit` function, a signal handler, `map`'s function), rather than the Python
    /// frame after it.
    pub(crate) fn called_from_c(&self) -> bool {
        self.at.from_c
    }
}

impl std::fmt::Display for PyFrame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.line, self.function.is_empty()) {
            // Where the line is not known (a binary without line tables): the file alone.
            (0, false) => write!(f, "{} in {}", self.file, self.function),
            (0, true) => write!(f, "{}", self.file),
            (_, false) => write!(f, "{}:{} in {}", self.file, self.line, self.function),
            // Where the function's name is not known (JavaScript).
            (_, true) => write!(f, "{}:{}", self.file, self.line),
        }
    }
}

/// Offsets into the interpreter's structures of one CPython version, 64-bit Linux,
/// measured with `offsetof` against that version's internal headers (`Py_BUILD_CORE`,
/// `internal/pycore_frame.h`, `pycore_runtime.h`, `pycore_interp.h`; 3.14 and 3.15:
/// `pycore_interpframe_structs.h`, Debian's `libpython3.14-dev` 3.14.10 and
/// `libpython3.15-dev` 3.15.2).
#[derive(Clone, Copy, Debug)]
struct Layout {
    runtime_interpreters_head: u64,
    interp_threads_head: u64,
    tstate_next: u64,
    /// 3.11 and 3.12 reach the current frame through `tstate->cframe->current_frame`;
    /// 3.13 has `tstate->current_frame`.
    tstate_frame: Frame,
    tstate_native_thread_id: u64,
    frame_code: u64,
    frame_previous: u64,
    /// `prev_instr` (3.11, 3.12) or `instr_ptr` (3.13 and later): the call being made.
    frame_instr: u64,
    frame_owner: u64,
    /// 3.11's `is_entry` (a bool): the frame was called from C.
    frame_is_entry: Option<u64>,
    /// `localsplus[]`: the arguments first, in order, then the other locals.
    frame_localsplus: u64,
    /// 3.12 and later: a frame whose owner is this or above (3.12, 3.13:
    /// `FRAME_OWNED_BY_CSTACK`; 3.14: `FRAME_OWNED_BY_INTERPRETER` and `_CSTACK`) is the
    /// interpreter's entry shim, not Python code.
    owner_cstack: Option<u8>,
    /// The tag bits of a `_PyStackRef` (3.14 and later): the frame's code and every
    /// slot of `localsplus` are tagged pointers (`pycore_stackref.h`: in the default
    /// build `Py_TAG_BITS` is 3, a deferred or immortal reference has bit 0 set).
    stackref_tags: u64,
    /// `PyTupleObject.ob_item` (3.14 caches the hash before it).
    tuple_items: u64,
    code_firstlineno: u64,
    /// `co_stacksize` and `co_nlocalsplus` (both `int`): the value stack of a frame is
    /// `localsplus[co_nlocalsplus .. co_nlocalsplus + co_stacksize]`.
    code_stacksize: u64,
    code_nlocalsplus: u64,
    /// `co_localsplusnames`: a tuple of the names of `localsplus`.
    code_localsplusnames: u64,
    code_filename: u64,
    code_name: u64,
    code_linetable: u64,
    code_instructions: u64,
    /// `co_names` (a tuple of the names the code loads) and `co_exceptiontable` (bytes).
    code_names: u64,
    code_exceptiontable: u64,
    /// The opcodes an `except` clause is made of.
    ops: &'static Opcodes,
    /// 3.12 and later: where a code object that `sys.monitoring` or `sys.settrace`
    /// instruments (coverage, debuggers) keeps the opcodes it replaced.
    monitoring: Option<Monitoring>,
    str_ascii_data: u64,
    str_utf8_length: u64,
    str_utf8: u64,
    /// `sizeof(PyCompactUnicodeObject)`: where a compact non-ASCII string's characters
    /// are (one, two or four bytes each, by its kind).
    str_compact_data: u64,
    /// What [`asyncio`] reads: generators and coroutines, value stacks, instance
    /// attributes.
    objects: Objects,
}

/// The layout of what the walk from an executor's work item to the coroutines waiting
/// for it reads ([`asyncio`]), measured with `offsetof` as [`Layout`]'s (3.11, 3.12:
/// `cpython/genobject.h`, `internal/pycore_frame.h`, `internal/pycore_object.h`; 3.13 to
/// 3.15: `internal/pycore_genobject.h`, `pycore_interpframe_structs.h`,
/// `pycore_object.h`).
#[derive(Clone, Copy, Debug)]
struct Objects {
    /// `PyGenObject.gi_iframe` (a coroutine's `cr_iframe` is at the same place): the
    /// generator's own `_PyInterpreterFrame`, and `gi_frame_state` (an `int8_t`).
    gen_iframe: u64,
    gen_frame_state: u64,
    /// The lowest and highest `gi_frame_state` of a suspended generator (`FRAME_SUSPENDED`, 3.13's
    /// `FRAME_SUSPENDED_YIELD_FROM`, 3.15's `FRAME_SUSPENDED_YIELD_FROM_LOCKED`).
    suspended: (i8, i8),
    /// The top of a frame's value stack: 3.11 to 3.13's `int stacktop` (an index into
    /// `localsplus`), 3.14's `_PyStackRef *stackpointer` (one past the top).
    stack_top: StackTop,
    /// How far below the top of a suspended coroutine's value stack the object it
    /// awaits is (`_PyGen_yf`, `Objects/genobject.c`: `_PyFrame_StackPeek`): on top in
    /// 3.11 to 3.14; 3.15's `SEND` keeps a second value above its receiver
    /// (`_PyOpcode_num_popped` of `SEND`, `internal/pycore_opcode_metadata.h`: 3, was 2;
    /// a suspended 3.15 coroutine has a `NULL` reference there).
    awaited_depth: u64,
    /// Where an instance's attributes are (`Py_TPFLAGS_MANAGED_DICT` types).
    attributes: Attributes,
}

#[derive(Clone, Copy, Debug)]
enum StackTop {
    Index(u64),
    Pointer(u64),
}

/// Where the instance attributes of an object of a class with `Py_TPFLAGS_MANAGED_DICT`
/// (every class defined in Python without `__slots__`) are.
#[derive(Clone, Copy, Debug)]
enum Attributes {
    /// 3.11: `_PyObject_ValuesPointer` (the word 4 before the object: a `PyDictValues *`,
    /// its values in the order of the class's shared keys, `NULL` once a dict is made)
    /// and `_PyObject_ManagedDictPointer` (3 before: the dict, if made).
    BeforeObject,
    /// 3.12: `_PyObject_DictOrValuesPointer` (3 before): the dict, or the values
    /// (`PyDictValues *`) minus 1 (`_PyDictOrValues_IsValues`: the low bit set).
    Tagged,
    /// 3.13 and later: with `Py_TPFLAGS_INLINE_VALUES`, the values follow the object
    /// (`_PyObject_InlineValues`: at `tp_basicsize`, a `PyDictValues` whose `valid`
    /// byte is cleared once they moved to a dict); the dict, if made, 3 words before.
    Inline,
}

impl Layout {
    /// The object a frame field or slot refers to (a `_PyStackRef`'s tag bits cleared).
    fn object(&self, slot: u64) -> u64 {
        slot & !self.stackref_tags
    }

    /// Whether a frame with this `owner` is an entry shim (3.12 and later).
    fn is_shim(&self, owner: u8) -> bool {
        self.owner_cstack.is_some_and(|c| owner >= c)
    }

    /// The thread state's field that leads to the current frame, and the range of the
    /// thread state (`lo..hi`) that holds it and `native_thread_id`: read in one go.
    fn tstate_range(&self) -> (u64, u64, u64) {
        let field = match self.tstate_frame {
            Frame::ViaCFrame { cframe, .. } => cframe,
            Frame::Direct(at) => at,
        };
        let id = self.tstate_native_thread_id;
        (field, field.min(id), field.max(id) + 8)
    }
}

#[derive(Clone, Copy, Debug)]
enum Frame {
    ViaCFrame { cframe: u64, current_frame: u64 },
    Direct(u64),
}

const PY311: Layout = Layout {
    runtime_interpreters_head: 40,
    interp_threads_head: 16,
    tstate_next: 8,
    tstate_frame: Frame::ViaCFrame {
        cframe: 56,
        current_frame: 8,
    },
    tstate_native_thread_id: 160,
    frame_code: 32,
    frame_previous: 48,
    frame_instr: 56,
    frame_owner: 69,
    frame_is_entry: Some(68),
    frame_localsplus: 72,
    owner_cstack: None,
    stackref_tags: 0,
    tuple_items: 24,
    code_firstlineno: 72,
    code_stacksize: 68,
    code_nlocalsplus: 76,
    code_localsplusnames: 96,
    code_filename: 112,
    code_name: 120,
    code_linetable: 136,
    code_instructions: 184,
    code_names: 32,
    code_exceptiontable: 40,
    ops: &OPS311,
    monitoring: None,
    str_ascii_data: 48,
    str_utf8_length: 48,
    str_utf8: 56,
    str_compact_data: 72,
    objects: Objects {
        gen_iframe: 80,
        gen_frame_state: 75,
        suspended: (-1, -1),
        stack_top: StackTop::Index(64),
        awaited_depth: 1,
        attributes: Attributes::BeforeObject,
    },
};

const PY312: Layout = Layout {
    runtime_interpreters_head: 40,
    interp_threads_head: 72,
    tstate_next: 8,
    tstate_frame: Frame::ViaCFrame {
        cframe: 56,
        current_frame: 0,
    },
    tstate_native_thread_id: 144,
    frame_code: 0,
    frame_previous: 8,
    frame_instr: 56,
    frame_owner: 70,
    frame_is_entry: None,
    frame_localsplus: 72,
    owner_cstack: Some(3),
    stackref_tags: 0,
    tuple_items: 24,
    code_firstlineno: 68,
    code_stacksize: 64,
    code_nlocalsplus: 72,
    code_localsplusnames: 96,
    code_filename: 112,
    code_name: 120,
    code_linetable: 136,
    code_instructions: 192,
    code_names: 32,
    code_exceptiontable: 40,
    ops: &OPS312,
    monitoring: Some(Monitoring {
        code_monitoring: 168,
        lines: 40,
        per_instruction_opcodes: 56,
        lines_sized: false,
        instrumented_line: 254,
        instrumented_instruction: 253,
        instrumented_pop_jump_if_false: 249,
    }),
    str_ascii_data: 40,
    str_utf8_length: 40,
    str_utf8: 48,
    str_compact_data: 56,
    objects: Objects {
        gen_iframe: 72,
        gen_frame_state: 67,
        suspended: (-1, -1),
        stack_top: StackTop::Index(64),
        awaited_depth: 1,
        attributes: Attributes::Tagged,
    },
};

/// 3.13 moved the interpreter list and the thread list, dropped `cframe` and grew the code
/// object; the rest is as in 3.12.
const PY313: Layout = Layout {
    runtime_interpreters_head: 632,
    interp_threads_head: 7344,
    tstate_frame: Frame::Direct(72),
    tstate_native_thread_id: 160,
    code_instructions: 200,
    ops: &OPS313,
    monitoring: Some(Monitoring {
        code_monitoring: 176,
        lines: 32,
        per_instruction_opcodes: 48,
        lines_sized: false,
        instrumented_line: 254,
        instrumented_instruction: 247,
        instrumented_pop_jump_if_false: 251,
    }),
    objects: Objects {
        suspended: (-2, -1),
        attributes: Attributes::Inline,
        ..PY312.objects
    },
    ..PY312
};

/// 3.14 made the frame's code and slots `_PyStackRef`s, added `stackpointer` before the
/// owner (entry frames: `FRAME_OWNED_BY_INTERPRETER`, 3), moved the interpreter list
/// again, and cached a tuple's hash.
const PY314: Layout = Layout {
    runtime_interpreters_head: 808,
    frame_owner: 74,
    frame_localsplus: 80,
    stackref_tags: 3,
    tuple_items: 32,
    code_instructions: 208,
    ops: &OPS314,
    monitoring: Some(Monitoring {
        code_monitoring: 176,
        lines: 96,
        per_instruction_opcodes: 112,
        lines_sized: true,
        instrumented_line: 254,
        instrumented_instruction: 238,
        instrumented_pop_jump_if_false: 242,
    }),
    objects: Objects {
        stack_top: StackTop::Pointer(64),
        ..PY313.objects
    },
    ..PY313
};

/// 3.15 moved the interpreter and thread lists and `native_thread_id`; frames and code
/// objects are as in 3.14.
const PY315: Layout = Layout {
    runtime_interpreters_head: 936,
    interp_threads_head: 7336,
    tstate_native_thread_id: 184,
    ops: &OPS315,
    monitoring: Some(Monitoring {
        code_monitoring: 176,
        lines: 104,
        per_instruction_opcodes: 120,
        lines_sized: true,
        instrumented_line: 253,
        instrumented_instruction: 237,
        instrumented_pop_jump_if_false: 241,
    }),
    objects: Objects {
        suspended: (1, 3),
        awaited_depth: 2,
        ..PY314.objects
    },
    ..PY314
};

/// Where an instrumented code object keeps its own opcodes (`_PyCoMonitoringData`,
/// `cpython/code.h` in 3.12 and 3.13, `internal/pycore_instruments.h` from 3.14): a
/// line event replaces the first instruction of each line with `INSTRUMENTED_LINE`,
/// whose original is in `lines` (3.12, 3.13: `{original_opcode, line_delta}` per code
/// unit; from 3.14 `{bytes_per_entry, data[]}` with the original first in each entry);
/// an instruction event puts `INSTRUMENTED_INSTRUCTION` over `per_instruction_opcodes`;
/// a branch event turns `POP_JUMP_IF_FALSE` into its instrumented twin.
#[derive(Clone, Copy, Debug)]
struct Monitoring {
    /// `PyCodeObject._co_monitoring`.
    code_monitoring: u64,
    lines: u64,
    per_instruction_opcodes: u64,
    /// 3.14 and later: `lines` starts with `bytes_per_entry`.
    lines_sized: bool,
    instrumented_line: u8,
    instrumented_instruction: u8,
    instrumented_pop_jump_if_false: u8,
}

/// The opcodes of one CPython version that the head of an `except` clause is made of
/// (`Lib/opcode.py` of each version: `opmap`, the specialized forms the adaptive
/// interpreter writes in place, and `_inline_cache_entries`), e.g. in 3.11:
/// `PUSH_EXC_INFO; LOAD_GLOBAL OSError; CHECK_EXC_MATCH; POP_JUMP_FORWARD_IF_FALSE next`.
#[derive(Debug)]
struct Opcodes {
    push_exc_info: u8,
    pop_top: u8,
    check_exc_match: u8,
    extended_arg: u8,
    build_tuple: u8,
    load_name: u8,
    /// `LOAD_GLOBAL` and its specializations; the name is `co_names[arg >> 1]`.
    load_global: &'static [u8],
    load_global_caches: usize,
    /// `LOAD_ATTR` and its specializations; the name is `co_names[arg >> attr_shift]`.
    load_attr: &'static [u8],
    load_attr_caches: usize,
    attr_shift: u32,
    /// The forward jump to the next clause when the exception does not match.
    pop_jump_if_false: u8,
    pop_jump_caches: usize,
    /// An `except*` clause's: its handler starts with `BUILD_LIST`, `COPY` (and in 3.11
    /// `SWAP`), the clause tests with `CHECK_EG_MATCH`, then `COPY 1` and a jump on
    /// `None` (`POP_JUMP_FORWARD_IF_NONE` in 3.11) to a `POP_TOP` before the next clause.
    check_eg_match: u8,
    copy: u8,
    build_list: u8,
    swap: u8,
    pop_jump_if_none: u8,
    /// A `with` block's exit handler: `PUSH_EXC_INFO; WITH_EXCEPT_START` (which calls the
    /// context manager's `__exit__` with the exception), then a jump on its result.
    with_except_start: u8,
    /// Where the context manager's exit is on the value stack of its `with` block (the
    /// depth of the block's exception-table entry): 3.11 to 3.13's `BEFORE_WITH` leaves
    /// the bound method `__exit__` on top (`false`); 3.14's `LOAD_SPECIAL __exit__`
    /// leaves the function and, above it, the context manager itself (`true`).
    with_exit_self: bool,
}

const OPS311: Opcodes = Opcodes {
    push_exc_info: 35,
    pop_top: 1,
    check_exc_match: 36,
    extended_arg: 144,
    build_tuple: 102,
    load_name: 101,
    load_global: &[116, 47, 48, 55],
    load_global_caches: 5,
    load_attr: &[106, 39, 40, 41, 42, 43],
    load_attr_caches: 4,
    attr_shift: 0,
    pop_jump_if_false: 114,
    pop_jump_caches: 0,
    check_eg_match: 37,
    copy: 120,
    build_list: 103,
    swap: 99,
    pop_jump_if_none: 129,
    with_except_start: 49,
    with_exit_self: false,
};

const OPS312: Opcodes = Opcodes {
    push_exc_info: 35,
    pop_top: 1,
    check_exc_match: 36,
    extended_arg: 144,
    build_tuple: 102,
    load_name: 101,
    load_global: &[116, 111, 112],
    load_global_caches: 4,
    load_attr: &[106, 70, 72, 73, 76, 77, 78, 79, 80, 81, 82],
    load_attr_caches: 9,
    attr_shift: 1,
    pop_jump_if_false: 114,
    pop_jump_caches: 0,
    check_eg_match: 37,
    copy: 120,
    build_list: 103,
    swap: 99,
    pop_jump_if_none: 129,
    with_except_start: 49,
    with_exit_self: false,
};

const OPS313: Opcodes = Opcodes {
    push_exc_info: 33,
    pop_top: 32,
    check_exc_match: 7,
    extended_arg: 71,
    build_tuple: 52,
    load_name: 92,
    load_global: &[91, 203, 204],
    load_global_caches: 4,
    load_attr: &[82, 191, 192, 193, 194, 195, 196, 197, 198, 199, 200, 201, 202],
    load_attr_caches: 9,
    attr_shift: 1,
    pop_jump_if_false: 97,
    pop_jump_caches: 1,
    check_eg_match: 6,
    copy: 61,
    build_list: 47,
    swap: 115,
    pop_jump_if_none: 98,
    with_except_start: 44,
    with_exit_self: false,
};

/// 3.14 and 3.15 (`Lib/_opcode_metadata.py`): after the jump to the next clause comes a
/// `NOT_TAKEN`, which the clause walk does not need to read.
const OPS314: Opcodes = Opcodes {
    push_exc_info: 32,
    pop_top: 31,
    check_exc_match: 6,
    extended_arg: 69,
    build_tuple: 51,
    load_name: 93,
    load_global: &[92, 192, 193],
    load_global_caches: 4,
    load_attr: &[80, 177, 178, 179, 180, 181, 182, 183, 184, 185, 186, 187, 188, 189],
    load_attr_caches: 9,
    attr_shift: 1,
    pop_jump_if_false: 100,
    pop_jump_caches: 1,
    check_eg_match: 5,
    copy: 59,
    build_list: 46,
    swap: 117,
    pop_jump_if_none: 101,
    with_except_start: 43,
    with_exit_self: true,
};

const OPS315: Opcodes = Opcodes {
    push_exc_info: 30,
    pop_top: 29,
    check_exc_match: 6,
    extended_arg: 67,
    build_tuple: 49,
    load_name: 92,
    load_global: &[91, 196, 197],
    load_global_caches: 4,
    load_attr: &[79, 183, 184, 185, 186, 187, 188, 189, 190, 191, 192, 193, 194, 195],
    load_attr_caches: 9,
    attr_shift: 1,
    pop_jump_if_false: 99,
    pop_jump_caches: 1,
    check_eg_match: 5,
    copy: 57,
    build_list: 44,
    swap: 116,
    pop_jump_if_none: 100,
    with_except_start: 41,
    with_exit_self: true,
};

/// The same in every version: `PyVarObject.ob_size`, `PyBytesObject.ob_sval`,
/// `PyASCIIObject.length` and `.state`.
const VAR_SIZE: u64 = 16;
const BYTES_DATA: u64 = 32;
const STR_LENGTH: u64 = 16;
const STR_STATE: u64 = 32;
/// `PyObject.ob_type`; `PyFunctionObject.func_code` (after the object header, the
/// globals, builtins, name and qualname: `_Py_COMMON_FIELDS` in 3.11 to 3.15);
/// `PyMethodObject.im_func`; `PyCellObject.ob_ref`.
const OB_TYPE: u64 = 8;
const CELL_REF: u64 = 16;
const FUNC_CODE: u64 = 48;
const METHOD_FUNC: u64 = 16;
/// `PyCFunctionObject.m_ml` (its `PyMethodDef`, whose first field is `ml_name`) and
/// `.m_module` (for a module's function, the module's name).
const CFUNC_DEF: u64 = 16;
const CFUNC_MODULE: u64 = 32;

/// The layout of `Py_Version` (`0xMMmm....`), if this module knows it.
fn layout_of(version: u32) -> Option<&'static Layout> {
    match version >> 16 {
        0x030B => Some(&PY311),
        0x030C => Some(&PY312),
        0x030D => Some(&PY313),
        0x030E => Some(&PY314),
        0x030F => Some(&PY315),
        _ => None,
    }
}

/// Where one process's interpreter is.
#[derive(Clone, Copy, Debug)]
struct Interpreter {
    runtime: u64,
    layout: &'static Layout,
    /// `Py_True` (`_Py_TrueStruct`), if exported.
    py_true: Option<u64>,
    /// `Py_False` (`_Py_FalseStruct`) and `Py_None` (`_Py_NoneStruct`), if exported.
    py_false: Option<u64>,
    py_none: Option<u64>,
    /// `PyFunction_Type`, `PyMethod_Type` and `PyCell_Type`, if exported.
    function_type: Option<u64>,
    method_type: Option<u64>,
    cell_type: Option<u64>,
    /// `PyCFunction_Type` (`builtin_function_or_method`), if exported.
    builtin_type: Option<u64>,
    /// `PyList_Type`, `PyTuple_Type`, `PyDict_Type`, `PyCoro_Type` and `PyGen_Type`, if
    /// exported ([`asyncio`]).
    list_type: Option<u64>,
    tuple_type: Option<u64>,
    dict_type: Option<u64>,
    coro_type: Option<u64>,
    gen_type: Option<u64>,
}

/// A C function of a module (`os.rename` is `("posix", "rename")`).
pub type Builtin = (&'static str, &'static str);

/// A thread of a CPython, found once (its `/proc/TID/maps`, the interpreter's list of
/// thread states) and then trusted while its thread state still names it.
#[derive(Debug)]
struct PyThread {
    interp: Interpreter,
    tstate: u64,
    /// `PyMethodDef` addresses already read → `(module, name)` (`None`: not a module's).
    defs: Vec<(u64, Option<(String, String)>)>,
    /// The last call of a wanted builtin found.
    seen: Option<Seen>,
}

/// Where a thread's innermost frame is: the frame, and for 3.11 and 3.12 the `_PyCFrame`
/// through which the thread state points to it (0 for 3.13 and later).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct FrameOf {
    cframe: u64,
    frame: u64,
}

/// A call site where a thread called a wanted builtin: its frame, the frame's code and
/// instruction, and the builtin object in the stack slot at byte offset `slot`.
#[derive(Clone, Debug)]
struct Seen {
    at: FrameOf,
    code: u64,
    instr: u64,
    slot: u64,
    object: u64,
    builtin: (String, String),
}

/// The memory that tells whether a thread is at its last call site again (the thread
/// state, for 3.11 and 3.12 the `_PyCFrame`, and the frame), so that a caller can read it
/// together with other ranges ([`crate::sys::Batch`]) and hand the bytes to
/// [`PyFrames::calling_after`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeenRanges {
    ranges: [(u64, u64); 3],
    len: usize,
}

impl SeenRanges {
    pub fn ranges(&self) -> &[(u64, u64)] {
        &self.ranges[..self.len]
    }
}

impl Seen {
    /// The ranges that tell whether the thread is at this call site again.
    fn ranges(&self, t: &PyThread) -> SeenRanges {
        let l = t.interp.layout;
        let (_, lo, hi) = l.tstate_range();
        let frame_len = l.frame_code.max(l.frame_instr).max(self.slot) + 8;
        let tstate = (t.tstate + lo, hi - lo);
        let frame = (self.at.frame, frame_len);
        match l.tstate_frame {
            Frame::ViaCFrame { current_frame, .. } => SeenRanges {
                ranges: [tstate, (self.at.cframe + current_frame, 8), frame],
                len: 3,
            },
            Frame::Direct(_) => SeenRanges {
                ranges: [tstate, frame, (0, 0)],
                len: 2,
            },
        }
    }

    /// Whether thread `tid` is at this call site again, in one read of [`Seen::ranges`]
    /// (the thread is stopped, so they are consistent).
    fn still(&self, tid: u32, t: &PyThread) -> bool {
        let ranges = self.ranges(t);
        let mut b = [0u8; 4096];
        let total: u64 = ranges.ranges().iter().map(|r| r.1).sum();
        let Some(b) = b.get_mut(..total as usize) else {
            return false;
        };
        if sys::read_mem_ranges(tid, ranges.ranges(), b) != Some(b.len()) {
            return false;
        }
        self.still_in(tid, t, b)
    }

    /// [`Seen::still`] on the bytes of [`Seen::ranges`], read.
    fn still_in(&self, tid: u32, t: &PyThread, b: &[u8]) -> bool {
        let l = t.interp.layout;
        let (field, lo, hi) = l.tstate_range();
        let ranges = self.ranges(t);
        // The frame is the last range.
        let frame_len = ranges.ranges().last().map_or(0, |r| r.1);
        if b.len() as u64 != ranges.ranges().iter().map(|r| r.1).sum::<u64>() {
            return false;
        }
        let (ts, rest) = b.split_at((hi - lo) as usize);
        let (cf, fr) = rest.split_at(rest.len() - frame_len as usize);
        let pointed = match l.tstate_frame {
            Frame::ViaCFrame { .. } => {
                word(ts, field - lo) == Some(self.at.cframe) && word(cf, 0) == Some(self.at.frame)
            }
            Frame::Direct(_) => word(ts, field - lo) == Some(self.at.frame),
        };
        pointed
            && word(ts, l.tstate_native_thread_id - lo) == Some(tid as u64)
            && word(fr, l.frame_code).map(|c| l.object(c)) == Some(self.code)
            && word(fr, l.frame_instr) == Some(self.instr)
            && word(fr, self.slot).map(|o| l.object(o)) == Some(self.object)
    }
}

/// The word at byte offset `at` of `b`.
fn word(b: &[u8], at: u64) -> Option<u64> {
    let at = usize::try_from(at).ok()?;
    b.get(at..at + 8)
        .map(|w| u64::from_ne_bytes(w.try_into().expect("8 bytes")))
}

/// ELF symbol lookups, kept per file so that an interpreter is read once, and the
/// processes found to be CPython.
#[derive(Default)]
pub struct PyFrames {
    /// `(dev, ino)` of an ELF file → its `_PyRuntime` and `Py_Version` symbols.
    symbols: HashMap<(u64, u64), Option<Symbols>>,
    /// Threads asked about by [`PyFrames::calling`], which runs on a fast path: `Ok`, a
    /// CPython thread; `Err(exe)`, not one while its executable is `exe` (`(dev, ino)`;
    /// an exec keeps the TID).
    threads: HashMap<u32, Result<PyThread, (u64, u64)>>,
    /// Processes found to be CPython: the interpreter, and where `Py_Version` is and what
    /// it says (checked on each use).
    interpreters: HashMap<u32, (Interpreter, u64, u32)>,
    /// How long each process's event loop may still be waited for
    /// ([`PyFrames::stack_with_waiters`]).
    waits: crate::v8stack::EventLoopWaits,
}

#[derive(Clone, Copy, Debug)]
struct Symbols {
    runtime: u64,
    version: u64,
    py_true: Option<u64>,
    py_false: Option<u64>,
    py_none: Option<u64>,
    function_type: Option<u64>,
    method_type: Option<u64>,
    cell_type: Option<u64>,
    builtin_type: Option<u64>,
    list_type: Option<u64>,
    tuple_type: Option<u64>,
    dict_type: Option<u64>,
    coro_type: Option<u64>,
    gen_type: Option<u64>,
    /// Position-dependent (`ET_EXEC`): symbol values are addresses.
    fixed: bool,
}

/// At most this many frames are read, innermost first, for what decides whether a call
/// is a finding ([`PyFrames::stack`]): the frames near the call are the ones that tell.
pub const MAX_FRAMES: usize = 16;

/// At most this many frames are named in a finding ([`PyFrames::read_on`]): a test
/// run by pytest is some 40 frames above the interpreter's first (pluggy's hook calls,
/// pytest's runner), so the call's own frames past 16 are often where the program's
/// author can act (a test calling a library).
pub const FINDING_MAX_FRAMES: usize = 64;

/// A thread's frames as read for a finding ([`PyFrames::stack_with_waiters`]).
#[derive(Debug, Default)]
pub struct Stack {
    /// Innermost first.
    pub frames: Vec<PyFrame>,
    /// Where the first frame not read is, when the walk of the thread's own frames
    /// stopped at its limit with frames left ([`PyFrames::read_on`] reads on from it).
    unread: Option<u64>,
}

impl Stack {
    /// Whether the stack goes on past its last frame.
    pub fn truncated(&self) -> bool {
        self.unread.is_some()
    }
}

/// What a worker thread's call is awaited through: a `concurrent.futures` work item,
/// (anyio) the asyncio future itself, or (trio) the cell `task_register` of the closure
/// making the call.
enum WaitedFor {
    WorkItem(u64),
    Future(u64),
    TaskRegister(u64),
}

impl PyFrames {
    /// The Python frames of thread `tid` of process `pid`, innermost first; empty when the
    /// process is not a CPython this module can read.
    pub fn stack(&mut self, pid: u32, tid: u32) -> Vec<PyFrame> {
        self.walk(pid, tid).map(|(frames, _)| frames).unwrap_or_default()
    }

    /// [`frames`] of thread `tid` of process `pid`.
    fn walk(&mut self, pid: u32, tid: u32) -> Option<(Vec<PyFrame>, Option<u64>)> {
        if self.symbols.len() > 64 {
            self.symbols.clear();
        }
        self.find(pid).and_then(|i| frames(tid, i))
    }

    /// The rest of `stack` (read by [`PyFrames::stack_with_waiters`] from thread `tid` of
    /// `pid`, which is still stopped in the same call), up to [`FINDING_MAX_FRAMES`] in
    /// all, when its walk stopped at [`MAX_FRAMES`] with frames left. Frames that cannot
    /// all be read are not added (the stack stays cut where it was).
    pub fn read_on(&mut self, pid: u32, tid: u32, stack: &mut Stack) {
        let (Some(from), Some(interp)) = (stack.unread, self.find(pid)) else {
            return;
        };
        let mut more = stack.frames.clone();
        if let Some(unread) = walk_frames(tid, interp.layout, from, &mut more, FINDING_MAX_FRAMES) {
            stack.frames = more;
            stack.unread = unread;
        }
    }

    /// [`PyFrames::stack`], for a finding: where the thread is a `concurrent.futures`
    /// thread pool's worker running a call that coroutines wait for (`asyncio.to_thread`,
    /// `loop.run_in_executor`), its frames are only the pool's; then the stack is the
    /// pool's frames up to and including the work item's `run`, followed by the frames of
    /// the coroutines waiting for it, innermost first (see `pyframe/asyncio.rs`). The same
    /// for trio's worker threads (`trio.to_thread.run_sync`): the frames up to and
    /// including trio's `worker_fn`, then the trio task's (see `pyframe/trio.rs`). The process's
    /// main thread is first given a moment to get back to its event loop: the worker
    /// may start the call before the coroutine that made it awaits it.
    pub fn stack_with_waiters(&mut self, pid: u32, tid: u32) -> Stack {
        let Some((stack, unread)) = self.walk(pid, tid) else {
            return Stack::default();
        };
        // The work item's `run` (3.14: called by it, `WorkerContext.run`, before it), or
        // anyio's worker thread's, with the asyncio future it completes, or trio's
        // `worker_fn`, with the list holding the task that waits.
        let in_pool = |f: &PyFrame| f.function == "run" && f.file.ends_with("/concurrent/futures/thread.py");
        let in_anyio = |f: &PyFrame| f.function == "run" && f.file.ends_with("/anyio/_backends/_asyncio.py");
        let Some((at, waited_for)) = stack.iter().enumerate().take(4).find_map(|(i, f)| {
            if in_pool(f) {
                let (interp, item) = self.local(pid, tid, f, "self")?;
                asyncio::is_work_item(tid, &interp, item).then_some((i, WaitedFor::WorkItem(item)))
            } else if in_anyio(f) {
                let (_, future) = self.local(pid, tid, f, "future")?;
                Some((i, WaitedFor::Future(future)))
            } else if trio::is_worker_fn(f) {
                let (_, task_register) = self.local(pid, tid, f, "task_register")?;
                Some((i, WaitedFor::TaskRegister(task_register)))
            } else {
                None
            }
        }) else {
            return Stack { frames: stack, unread };
        };
        let own = |frames| Stack { frames, unread };
        let Some(interp) = self.find(pid) else {
            return own(stack);
        };
        self.waits.wait(pid);
        let waiting = match waited_for {
            WaitedFor::WorkItem(item) => asyncio::waiters(tid, &interp, item),
            WaitedFor::Future(future) => asyncio::waiters_of_future(tid, &interp, future),
            WaitedFor::TaskRegister(task_register) => trio::waiters(tid, &interp, task_register),
        };
        if waiting.is_empty() {
            return own(stack);
        }
        let mut out = stack[..=at].to_vec();
        out.extend(waiting);
        Stack {
            frames: out,
            unread: None,
        }
    }

    /// Whether the argument `name` of the function of `frame` (a frame of thread `tid` of
    /// `pid`, just read by [`PyFrames::stack`]) is `True`; `None` when that cannot be read
    /// (no such argument, not a version this module reads, the thread ran on).
    pub fn argument_is_true(&mut self, pid: u32, tid: u32, frame: &PyFrame, name: &str) -> Option<bool> {
        let (interp, value) = self.local(pid, tid, frame, name)?;
        Some(value == interp.py_true?)
    }

    /// Whether the local `name` of `frame` (as for [`PyFrames::argument_is_true`]) is a
    /// Python function, or a method bound to one (either perhaps in a cell), whose code is not in a file ending
    /// with `outside` (a caller's error handler, not the library's own); `Some(false)`
    /// for `None` or anything else.
    pub fn is_function_outside(
        &mut self,
        pid: u32,
        tid: u32,
        frame: &PyFrame,
        name: &str,
        outside: &str,
    ) -> Option<bool> {
        let (interp, mut value) = self.local(pid, tid, frame, name)?;
        let l = interp.layout;
        let (function, method) = (interp.function_type?, interp.method_type?);
        // A local that a nested function uses is a cell (3.12's rmtree wraps `onerror`).
        if Some(read_u64(tid, value + OB_TYPE)?) == interp.cell_type {
            value = read_u64(tid, value + CELL_REF)?;
            if value == 0 {
                return Some(false);
            }
        }
        if read_u64(tid, value + OB_TYPE)? == method {
            value = read_u64(tid, value + METHOD_FUNC)?;
        }
        if read_u64(tid, value + OB_TYPE)? != function {
            return Some(false);
        }
        let code = read_u64(tid, value + FUNC_CODE)?;
        let file = string(tid, l, read_u64(tid, code + l.code_filename)?)?;
        Some(!file.ends_with(outside))
    }

    /// The interpreter of `pid` and the value (an object's address) of the local `name`
    /// of `frame`.
    fn local(&mut self, pid: u32, tid: u32, frame: &PyFrame, name: &str) -> Option<(Interpreter, u64)> {
        let interp = self.find(pid)?;
        let value = walk::Walk::new(tid, &interp).local(frame, name)?;
        Some((interp, value))
    }

    /// Which of `wanted` the innermost Python frame of thread `tid` is calling, if any:
    /// the builtin (a module's C function) on that frame's value stack. The callable of a
    /// `CALL` stays on the stack, below its arguments, while it runs; values above the
    /// callable are its arguments or stale, so the lowest slot holding one of `wanted`
    /// is taken. `None` for a thread that is not CPython's (3.11 to 3.15) or calls none
    /// of them.
    ///
    /// This runs for every rename a CPython makes onto an existing name, so it keeps the
    /// last call site it found per thread: when the thread is at the same site again
    /// (same frame, code and instruction, same callable in the same slot), one read of
    /// the thread's memory confirms it.
    pub fn calling(&mut self, tid: u32, wanted: &[Builtin]) -> Option<usize> {
        self.calling_after(tid, wanted, None)
    }

    /// The ranges to read for thread `tid`'s next [`PyFrames::calling_after`]: where it
    /// last called a wanted builtin. `None` when it has not (or is not a CPython's).
    pub fn seen_ranges(&self, tid: u32) -> Option<SeenRanges> {
        match self.threads.get(&tid) {
            Some(Ok(t)) => t.seen.as_ref().map(|s| s.ranges(t)),
            _ => None,
        }
    }

    /// [`PyFrames::calling`], given [`PyFrames::seen_ranges`] and their bytes already
    /// read (ignored if the thread's last call site is no longer the one they are of).
    pub fn calling_after(&mut self, tid: u32, wanted: &[Builtin], read: Option<(SeenRanges, &[u8])>) -> Option<usize> {
        if self.threads.len() > 4096 {
            self.threads.clear();
        }
        let position = |b: &(String, String)| wanted.iter().position(|w| w.0 == b.0 && w.1 == b.1);
        if let Some(Ok(t)) = self.threads.get(&tid) {
            if let Some(seen) = &t.seen {
                let still = match read {
                    Some((ranges, b)) if ranges == seen.ranges(t) => seen.still_in(tid, t, b),
                    _ => seen.still(tid, t),
                };
                if still {
                    return position(&seen.builtin);
                }
            }
        }
        let (interp, at) = self.thread(tid)?;
        let l = interp.layout;
        let builtin = interp.builtin_type?;
        // The frame's header and its first slots in one read.
        let mut head = [0u8; 96 + 8 * 64];
        let head = &mut head[..(l.frame_localsplus + 8 * 64) as usize];
        let got = sys::read_mem(tid, at.frame, head)?;
        let head = &head[..got];
        if head.get(l.frame_owner as usize).is_some_and(|&o| l.is_shim(o)) {
            return None; // an entry shim: no Python code is calling
        }
        let (code, instr) = (l.object(word(head, l.frame_code)?), word(head, l.frame_instr)?);
        let mut sizes = [0u8; 12];
        let lo = l.code_stacksize.min(l.code_nlocalsplus);
        sys::read_mem(tid, code + lo, &mut sizes)?;
        let int = |at: u64| i32::from_ne_bytes(sizes[(at - lo) as usize..][..4].try_into().expect("4 bytes"));
        let (first, count) = (int(l.code_nlocalsplus), int(l.code_stacksize));
        if first < 0 || !(0..=256).contains(&count) {
            return None;
        }
        let start = l.frame_localsplus + 8 * first as u64;
        let end = start + 8 * count as u64;
        let mut more = vec![];
        let stack: &[u8] = if end as usize <= got {
            &head[start as usize..end as usize]
        } else {
            more.resize((end - start) as usize, 0);
            (sys::read_mem(tid, at.frame + start, &mut more)? == more.len()).then_some(())?;
            &more
        };
        // (offset of the slot in the frame, object) of every object on the stack.
        let objects: Vec<(u64, u64)> = (0..count as u64)
            .filter_map(|i| Some((start + 8 * i, l.object(word(stack, 8 * i)?))))
            .filter(|&(_, p)| p != 0 && p % 8 == 0)
            .collect();
        let types = read_words(tid, objects.iter().map(|&(_, o)| o + OB_TYPE));
        let builtins: Vec<(u64, u64)> = objects
            .iter()
            .zip(&types)
            .filter(|(_, &t)| t == Some(builtin))
            .map(|(&o, _)| o)
            .collect();
        let defs = read_words(tid, builtins.iter().map(|&(_, o)| o + CFUNC_DEF));
        for (&(slot, object), def) in builtins.iter().zip(defs) {
            let Some(name) = def.and_then(|def| self.def_name(tid, l, object, def)) else {
                continue;
            };
            let Some(i) = position(&name) else { continue };
            if let Some(Ok(t)) = self.threads.get_mut(&tid) {
                t.seen = Some(Seen {
                    at,
                    code,
                    instr,
                    slot,
                    object,
                    builtin: name,
                });
            }
            return Some(i);
        }
        None
    }

    /// Whether the exception the call being made would raise on Windows, of a class
    /// caught by any of `catching` (the class and its bases, as named in `except`
    /// clauses), is caught by the program: some frame of `stack` (a thread's frames just
    /// read by [`PyFrames::stack`], innermost first) is inside a `try` whose `except`
    /// names one of them, or is a bare `except:`. A handler that is not an `except` (a
    /// `finally`, a `with` block's exit, a comprehension's clean-up) passes the exception
    /// on to the handler around it in the same frame; `except` clauses of other classes
    /// pass it on to the next frame, up to the first frame called from C (an asyncio
    /// task's step keeps what its coroutine raises, to raise it later).
    ///
    /// A catch-all (`except:`, `except Exception`, `except BaseException`) in the
    /// standard library or in pytest and pluggy is no recovery: there it is what runs
    /// others' code and reports what it raises (pytest's test call, a pool worker, a
    /// thread's run), so it counts only in the program's own code and its libraries.
    pub fn caught(&mut self, pid: u32, tid: u32, stack: &[PyFrame], catching: &[&str]) -> bool {
        let Some(interp) = self.find(pid) else {
            return false;
        };
        for f in stack.iter().take(MAX_FRAMES) {
            if clause_catches(tid, &interp, f.at, catching, !runs_others_code(f)) == Some(true) {
                return true;
            }
            if f.at.from_c {
                return false; // C code between: it may catch, keep or re-raise
            }
        }
        false
    }

    /// Where the program catches the exception the call being made would raise on
    /// Windows, of a class caught by any of `catching` (as for [`PyFrames::caught`]),
    /// for a finding: the frame of `stack` that catches it, and how. The frames' handlers
    /// are read as [`PyFrames::caught`] reads them, and more thoroughly: an `except`
    /// clause of other classes passes the exception on to a `try` around it in the same
    /// frame, and a `with contextlib.suppress(...)` of one of `catching` catches it (see
    /// `frame_handles`). Where something cannot be read, or C code calls a frame
    /// before any catches, `None`: a doubtful catch is none.
    ///
    /// `shutil.rmtree` catches every `OSError` of its walk and hands it to its error
    /// handler (`PyFrames::rmtree_errors`): with `ignore_errors=True` the handler does
    /// nothing, and the error is caught there, by the `rmtree` call (the frame calling
    /// it); without a handler of the program's, the default one raises it again, from
    /// `rmtree` to its caller, and the walk goes on there; with one of the program's,
    /// what it does is not known: `None`.
    pub fn catcher(&mut self, pid: u32, tid: u32, stack: &[PyFrame], catching: &[&str]) -> Option<Catch> {
        let interp = self.find(pid)?;
        let stack = &stack[..stack.len().min(FINDING_MAX_FRAMES)];
        let mut i = 0;
        while let Some(f) = stack.get(i) {
            match frame_handles(tid, &interp, f.at, catching, !runs_others_code(f), true) {
                // shutil's own `except OSError`, which hands it to rmtree's handler.
                Handled::Caught(..) if in_rmtree(f) => {
                    let r = i + stack[i..].iter().position(|f| f.function == "rmtree" && in_rmtree(f))?;
                    if stack[i..r].iter().any(|f| f.at.from_c) {
                        return None;
                    }
                    match self.rmtree_errors(pid, tid, &stack[r])? {
                        RmtreeErrors::Ignored => {
                            let caller = r + 1;
                            let at = if caller < stack.len() && !stack[r].at.from_c {
                                caller
                            } else {
                                r
                            };
                            return Some(Catch {
                                frame: at,
                                by: "shutil.rmtree(ignore_errors=True)".into(),
                                clause_line: None,
                            });
                        }
                        RmtreeErrors::Raised => i = r,
                        RmtreeErrors::Handled => return None,
                    }
                }
                Handled::Caught(by, clause_line) => {
                    return Some(Catch {
                        frame: i,
                        by,
                        clause_line,
                    })
                }
                Handled::Passed => {}
                Handled::Unknown => return None,
            }
            if stack[i].at.from_c {
                return None; // C code between: it may catch, keep or re-raise
            }
            i += 1;
        }
        None
    }

    /// What `shutil.rmtree` does with an error of its walk, read from its `frame`
    /// (`Lib/shutil.py`: every `OSError` of the walk goes to one error handler, made at
    /// the top of `rmtree`). 3.11: `if ignore_errors: def onerror(*args): pass`, `elif
    /// onerror is None: def onerror(*args): raise`; 3.12 and 3.13 make an `onexc` the
    /// same way, or one that calls the caller's `onerror` (kept in a cell); 3.14 and
    /// later also wrap a caller's `onexc`, kept as `_onexc`. So: `ignore_errors` is
    /// `True`: ignored; it is `False` and each of those locals is unset, `None` or a
    /// function of shutil.py: raised again; a handler of the program's (a function of
    /// another file, a method, any other callable): handled by it. `None` when that
    /// cannot be read, or `ignore_errors` is another value.
    fn rmtree_errors(&mut self, pid: u32, tid: u32, frame: &PyFrame) -> Option<RmtreeErrors> {
        let interp = self.find(pid)?;
        let w = &mut walk::Walk::new(tid, &interp);
        let ignore_errors = w.local_slot(frame, "ignore_errors")??;
        if ignore_errors == interp.py_true? {
            return Some(RmtreeErrors::Ignored);
        }
        (ignore_errors == interp.py_false?).then_some(())?;
        for name in ["onerror", "onexc", "_onexc"] {
            let Some(mut value) = w.local_slot(frame, name)? else {
                continue; // not a local of this version's rmtree, or unset
            };
            if w.type_of(value)? == interp.cell_type? {
                value = w.word(value + CELL_REF)?;
                if value == 0 {
                    continue;
                }
            }
            if Some(value) == interp.py_none {
                continue;
            }
            let shutils = w.type_of(value)? == interp.function_type?
                && w.word(value + FUNC_CODE)
                    .and_then(|code| w.word(code + interp.layout.code_filename))
                    .and_then(|file| string(tid, interp.layout, file))?
                    .ends_with("/shutil.py");
            if !shutils {
                return Some(RmtreeErrors::Handled);
            }
        }
        Some(RmtreeErrors::Raised)
    }

    /// Whether [`PyFrames::calling`] found thread `tid` to be a CPython thread.
    pub fn is_python_thread(&self, tid: u32) -> bool {
        matches!(self.threads.get(&tid), Some(Ok(_)))
    }

    /// The module and name of the `PyMethodDef` at `def` of `object`, a builtin of thread
    /// `tid` (kept per thread: a method table is static, its address stable).
    fn def_name(&mut self, tid: u32, l: &Layout, object: u64, def: u64) -> Option<(String, String)> {
        let Some(Ok(t)) = self.threads.get_mut(&tid) else {
            return None;
        };
        if let Some((_, known)) = t.defs.iter().find(|(d, _)| *d == def) {
            return known.clone();
        }
        // `m_module` is the module's name (a `str`) for a module's function
        // (`PyModule_AddFunctions`); a method bound to an object has none.
        let read = || -> Option<(String, String)> {
            let name = c_string(tid, read_u64(tid, def)?)?;
            let module = read_u64(tid, object + CFUNC_MODULE)?;
            Some((string(tid, l, module)?, name))
        };
        let found = read();
        if t.defs.len() >= 64 {
            t.defs.clear();
        }
        t.defs.push((def, found.clone()));
        found
    }

    /// The interpreter of thread `tid`, a CPython thread, and where its innermost frame is.
    fn thread(&mut self, tid: u32) -> Option<(Interpreter, FrameOf)> {
        match self.threads.get(&tid) {
            Some(Ok(t)) => {
                if let Some(at) = current_frame(tid, t.interp.layout, t.tstate) {
                    return Some((t.interp, at));
                }
            }
            Some(Err(exe)) if exe_of(tid) == Some(*exe) => return None,
            _ => {}
        }
        let found = self
            .find(tid)
            .and_then(|interp| Some((interp, thread_state(tid, &interp)?)));
        match found {
            Some((interp, tstate)) => {
                let t = PyThread {
                    interp,
                    tstate,
                    defs: vec![],
                    seen: None,
                };
                self.threads.insert(tid, Ok(t));
                Some((interp, current_frame(tid, interp.layout, tstate)?))
            }
            None => {
                if let Some(exe) = exe_of(tid) {
                    self.threads.insert(tid, Err(exe));
                }
                None
            }
        }
    }

    /// Find `_PyRuntime` of a CPython 3.11 to 3.15 among the files mapped into `pid`.
    /// A process found before is trusted while `Py_Version` still reads the same at the
    /// same address (an exec or a reused pid maps its files elsewhere).
    fn find(&mut self, pid: u32) -> Option<Interpreter> {
        if let Some(&(interp, at, version)) = self.interpreters.get(&pid) {
            let mut v = [0u8; 4];
            if sys::read_mem(pid, at, &mut v) == Some(4) && u32::from_ne_bytes(v) == version {
                return Some(interp);
            }
            self.interpreters.remove(&pid);
        }
        let (interp, at, version) = self.find_in_maps(pid)?;
        if self.interpreters.len() > 256 {
            self.interpreters.clear();
        }
        self.interpreters.insert(pid, (interp, at, version));
        Some(interp)
    }

    /// [`PyFrames::find`] from `/proc/PID/maps`; with where `Py_Version` is and its value.
    fn find_in_maps(&mut self, pid: u32) -> Option<(Interpreter, u64, u32)> {
        let maps = std::fs::read_to_string(format!("/proc/{pid}/maps")).ok()?;
        for m in maps.lines().filter_map(crate::procscan::maps_line) {
            let name = m.path.rsplit('/').next().unwrap_or("");
            let candidate = name.starts_with("libpython3") || name.starts_with("python3");
            if !candidate || m.offset != 0 || is_free_threaded(name) {
                continue;
            }
            let start = m.start;
            // Through /proc/PID/map_files would survive a replaced file but needs
            // privileges; the path is what a debugger uses too.
            let file = std::fs::File::open(m.path).ok()?;
            let meta = file.metadata().ok()?;
            use std::os::unix::fs::MetadataExt;
            let key = (meta.dev(), meta.ino());
            let syms = match self.symbols.get(&key) {
                Some(s) => *s,
                None => {
                    let s = symbols(file);
                    self.symbols.insert(key, s);
                    s
                }
            };
            let Some(s) = syms else { continue };
            let base = if s.fixed { 0 } else { start };
            let mut v = [0u8; 4];
            sys::read_mem(pid, base + s.version, &mut v)?;
            let version = u32::from_ne_bytes(v);
            let layout = layout_of(version)?; // another version: offsets unknown
            let interp = Interpreter {
                runtime: base + s.runtime,
                layout,
                py_true: s.py_true.map(|t| base + t),
                py_false: s.py_false.map(|t| base + t),
                py_none: s.py_none.map(|t| base + t),
                function_type: s.function_type.map(|t| base + t),
                method_type: s.method_type.map(|t| base + t),
                cell_type: s.cell_type.map(|t| base + t),
                builtin_type: s.builtin_type.map(|t| base + t),
                list_type: s.list_type.map(|t| base + t),
                tuple_type: s.tuple_type.map(|t| base + t),
                dict_type: s.dict_type.map(|t| base + t),
                coro_type: s.coro_type.map(|t| base + t),
                gen_type: s.gen_type.map(|t| base + t),
            };
            return Some((interp, base + s.version, version));
        }
        None
    }
}

/// Whether `name` (`python3.13t`, `libpython3.14t.so.1.0`) is a free-threaded build
/// (`Py_GIL_DISABLED`): its objects and frames are laid out otherwise (a thread id and
/// a shared reference count in every object header), and the same `Py_Version` does
/// not tell them apart. Its frames are not read.
fn is_free_threaded(name: &str) -> bool {
    let version = name.trim_start_matches("lib").trim_start_matches("python");
    let digits = version.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
    digits.starts_with('t')
}

fn read_u64(tid: u32, addr: u64) -> Option<u64> {
    let mut b = [0u8; 8];
    (sys::read_mem(tid, addr, &mut b)? == 8).then(|| u64::from_ne_bytes(b))
}

/// The thread state of thread `tid`: at most 1,024 thread states are walked.
fn thread_state(tid: u32, interp: &Interpreter) -> Option<u64> {
    let l = interp.layout;
    let is = read_u64(tid, interp.runtime + l.runtime_interpreters_head)?;
    let mut ts = read_u64(tid, is + l.interp_threads_head)?;
    for _ in 0..1024 {
        if ts == 0 {
            return None;
        }
        if read_u64(tid, ts + l.tstate_native_thread_id)? == tid as u64 {
            return Some(ts);
        }
        ts = read_u64(tid, ts + l.tstate_next)?;
    }
    None
}

/// The innermost frame of the thread whose state is `tstate`, if that state still names
/// thread `tid` (its `native_thread_id` is read in the same read as the frame's field).
fn current_frame(tid: u32, l: &Layout, tstate: u64) -> Option<FrameOf> {
    let (_, lo, hi) = l.tstate_range();
    let mut b = [0u8; 256];
    let b = b.get_mut(..(hi - lo) as usize)?;
    (sys::read_mem(tid, tstate + lo, b)? == b.len()).then_some(())?;
    if word(b, l.tstate_native_thread_id - lo)? != tid as u64 {
        return None;
    }
    match l.tstate_frame {
        Frame::ViaCFrame { cframe, current_frame } => {
            let cframe = word(b, cframe - lo)?;
            Some(FrameOf {
                cframe,
                frame: read_u64(tid, cframe + current_frame)?,
            })
        }
        Frame::Direct(at) => Some(FrameOf {
            cframe: 0,
            frame: word(b, at - lo)?,
        }),
    }
}

/// Where a program catches what a call would raise on Windows ([`PyFrames::catcher`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Catch {
    /// The frame that catches it (an index into the stack given).
    pub frame: usize,
    /// What catches it there: the `except` clause as written (`except OSError`,
    /// `except:`), `contextlib.suppress(PermissionError)` or
    /// `shutil.rmtree(ignore_errors=True)`.
    pub by: String,
    /// The line of the `except` clause (the line of its test), when that is what
    /// catches: the clause's body may raise again (`if e.errno != errno.ENOENT: raise`),
    /// which only its source tells.
    pub clause_line: Option<u32>,
}

/// What `shutil.rmtree`'s error handler does ([`PyFrames::rmtree_errors`]).
enum RmtreeErrors {
    /// `ignore_errors=True`: nothing.
    Ignored,
    /// The default: raises the error again.
    Raised,
    /// The program's own handler runs.
    Handled,
}

/// A frame of the standard library (or pytest, pluggy): there a catch-all (`except:`,
/// `except Exception`) is what runs others' code and reports what it raises (pytest's
/// test call, a pool worker, a thread's run), no recovery.
fn runs_others_code(f: &PyFrame) -> bool {
    f.file.contains("/_pytest/")
        || f.file.contains("/pluggy/")
        || (f.file.contains("/lib/python3") && !f.file.contains("-packages/"))
}

/// A frame of `shutil.rmtree`'s walk (`rmtree`, `_rmtree_safe_fd`, 3.13's
/// `_rmtree_safe_fd_step`, `_rmtree_unsafe`...), whose `except OSError` clauses hand the
/// error to its error handler.
fn in_rmtree(f: &PyFrame) -> bool {
    f.file.ends_with("/shutil.py") && (f.function == "rmtree" || f.function.starts_with("_rmtree"))
}

/// What the handlers of one frame do with the exception the instruction it is executing
/// raises ([`frame_handles`]).
#[derive(Debug, PartialEq, Eq)]
enum Handled {
    /// Caught, by this (`except OSError`, `contextlib.suppress(PermissionError)`); for an
    /// `except` clause, with its line.
    Caught(String, Option<u32>),
    /// Not caught in this frame: it goes on to the caller.
    Passed,
    /// Not known (memory that could not be read, code not as expected).
    Unknown,
}

/// Whether the innermost `try` around the instruction that frame `at` is executing has
/// an `except` clause naming one of `catching` (the check [`PyFrames::caught`] makes).
fn clause_catches(tid: u32, interp: &Interpreter, at: FrameAt, catching: &[&str], catch_all: bool) -> Option<bool> {
    match frame_handles(tid, interp, at, catching, catch_all, false) {
        Handled::Caught(..) => Some(true),
        Handled::Passed => Some(false),
        Handled::Unknown => None,
    }
}

/// What frame `at` does with an exception of a class caught by any of `catching` raised
/// by the instruction it is executing: the handlers around that instruction are taken
/// innermost first. A handler that is not an `except` (a `finally`, a `with` block's exit,
/// a comprehension's clean-up) passes the exception on to the next handler of the frame
/// (the exception table covers the handler's own code with the handler around it). The
/// first `except` decides, unless `thorough`:
///
/// * then the `except` clauses that do not match raise it again from their handler's
///   code, which the table also covers with the handler around it (through the clean-up
///   that restores the previous exception, `COPY 3; POP_EXCEPT; RERAISE 1`): the walk
///   goes on there, to an outer `try` of the same frame;
/// * and a `with` block's exit catches it when its context manager is a
///   `contextlib.suppress` of one of `catching` ([`suppress_catches`]).
///
/// A bare `except:` or a catch-all class (`Exception`, `BaseException`) counts only if
/// `catch_all`.
fn frame_handles(
    tid: u32,
    interp: &Interpreter,
    at: FrameAt,
    catching: &[&str],
    catch_all: bool,
    thorough: bool,
) -> Handled {
    let l = interp.layout;
    let handles = || -> Option<Handled> {
        let code = at.code;
        let instr = read_u64(tid, at.frame + l.frame_instr)?;
        let index = instr.checked_sub(code + l.code_instructions)? / 2;
        let table = bytes(tid, read_u64(tid, code + l.code_exceptiontable)?)?;
        let units = read_u64(tid, code + VAR_SIZE)?;
        let names = read_u64(tid, code + l.code_names)?;
        let name = |i: u64| -> Option<String> {
            let n = read_u64(tid, names + VAR_SIZE)?;
            (i < n).then_some(())?;
            string(tid, l, read_u64(tid, names + l.tuple_items + 8 * i)?)
        };
        let counts = |n: &str| catching.contains(&n) && (catch_all || !matches!(n, "Exception" | "BaseException"));
        let Some((mut target, mut depth)) = handler_entry(&table, index)? else {
            return Some(Handled::Passed);
        };
        for _ in 0..16 {
            // The code units from the handler on (at most 1,024, within the code object).
            let len = units.checked_sub(target)?.min(1024) as usize;
            let mut bytecode = vec![0u8; 2 * len];
            let got = sys::read_mem(tid, code + l.code_instructions + 2 * target, &mut bytecode)?;
            bytecode.truncate(got);
            deinstrument(tid, l, code, target, &mut bytecode)?;
            match except_clauses(&bytecode, l.ops) {
                Some(clauses) => {
                    for clause in &clauses {
                        let named: Vec<Option<String>> = clause.names.iter().map(|&(i, _)| name(i)).collect();
                        if thorough && clause.names.first().map(|n| n.0) != Some(BARE_EXCEPT) && named.contains(&None) {
                            return None; // a name not read: which clause catches is not known
                        }
                        let caught =
                            clause.names.iter().zip(&named).any(|(&(i, _), n)| {
                                (i == BARE_EXCEPT && catch_all) || n.as_deref().is_some_and(counts)
                            });
                        if caught {
                            let line = code_line(tid, l, code, target + clause.test as u64);
                            return Some(Handled::Caught(clause.text(&named), line));
                        }
                    }
                    if !thorough {
                        return Some(Handled::Passed);
                    }
                }
                None if thorough && is_with_exit(&bytecode, l.ops) => {
                    let walk = &mut walk::Walk::new(tid, interp);
                    if let Some(by) = suppress_catches(walk, at, depth, catching, catch_all)? {
                        return Some(Handled::Caught(by, None));
                    }
                }
                // Not an `except`: where the exception goes from this handler's own code.
                None => {}
            }
            match handler_entry(&table, target)? {
                Some(next) => (target, depth) = next,
                None => return Some(Handled::Passed),
            }
        }
        None
    };
    handles().unwrap_or(Handled::Unknown)
}

/// Whether `bytecode` (a handler's code units) is a `with` block's exit:
/// `PUSH_EXC_INFO; WITH_EXCEPT_START`.
fn is_with_exit(bytecode: &[u8], ops: &Opcodes) -> bool {
    bytecode.len() >= 4 && bytecode[0] == ops.push_exc_info && bytecode[2] == ops.with_except_start
}

/// `PyFunctionObject.func_qualname` (`_Py_COMMON_FIELDS`, 3.11 to 3.15: after the
/// object header, the globals, builtins and name).
const FUNC_QUALNAME: u64 = 40;
/// `PyMethodObject.im_self` (after `im_func`).
const METHOD_SELF: u64 = 24;
/// `Py_TPFLAGS_HEAPTYPE` (a class made at run time, by a `class` statement: never a
/// base of a built-in exception) and `Py_TPFLAGS_TYPE_SUBCLASS` (the object is a
/// class), `object.h`.
const TPFLAGS_HEAPTYPE: u64 = 1 << 9;
const TPFLAGS_TYPE_SUBCLASS: u64 = 1 << 31;

/// Whether the context manager of the `with` block whose exit handler frame `at` reached
/// (the block's exception-table entry has `depth`) is a `contextlib.suppress` of a class
/// among `catching`: `Some(Some("contextlib.suppress(A, B)"))` then, `Some(None)` for
/// any other context manager, `None` when it cannot be read.
///
/// `contextlib.suppress.__exit__` (`Lib/contextlib.py`, 3.11 to 3.15) returns true, and
/// so swallows the exception, when its class is a subclass of one of the classes given,
/// kept in the instance's only attribute `_exceptions` (a tuple). The `with` keeps its
/// `__exit__` on the frame's value stack, at the bottom of the block's own stack
/// (`localsplus[co_nlocalsplus + depth - 1]`, see [`Opcodes::with_exit_self`]), from
/// which it is read: the function must be `suppress.__exit__` of `contextlib.py`, and
/// each class in `_exceptions` is matched by its name only if it is built in (an
/// exception class of the program's cannot be a base of the built-in one raised).
fn suppress_catches(
    w: &mut walk::Walk,
    at: FrameAt,
    depth: u64,
    catching: &[&str],
    catch_all: bool,
) -> Option<Option<String>> {
    let (tid, l) = (w.tid, w.l);
    let locals = u64::try_from(w.int(at.code + l.code_nlocalsplus)?).ok()?;
    let slot = |w: &mut walk::Walk, k: u64| -> Option<u64> {
        let i = depth.checked_sub(k)?;
        w.word(at.frame + l.frame_localsplus + 8 * (locals + i))
            .map(|v| l.object(v))
    };
    let (function, manager) = if l.ops.with_exit_self {
        (slot(w, 2)?, slot(w, 1)?)
    } else {
        let exit = slot(w, 1)?;
        if w.type_of(exit)? != w.i.method_type? {
            return Some(None); // a C type's method: not suppress's
        }
        (w.word(exit + METHOD_FUNC)?, w.word(exit + METHOD_SELF)?)
    };
    if !w.is_function(function, "__exit__", "/contextlib.py") {
        return Some(None);
    }
    w.spend(8)?;
    if string(tid, l, w.word(function + FUNC_QUALNAME)?)?.as_str() != "suppress.__exit__" {
        return Some(None);
    }
    // The instance's one attribute, `_exceptions`.
    let attributes = w.attributes(manager);
    let [exceptions] = attributes[..] else {
        return None;
    };
    (w.type_of(exceptions)? == w.i.tuple_type?).then_some(())?;
    let n = w.word(exceptions + VAR_SIZE)?;
    (n <= 16).then_some(())?;
    let (mut names, mut caught) = (vec![], false);
    for k in 0..n {
        let class = w.tuple_item(exceptions, k)?;
        let meta = w.type_of(class)?;
        (w.word(meta + walk::TP_FLAGS)? & TPFLAGS_TYPE_SUBCLASS != 0).then_some(())?;
        let name = w.type_name(class)?;
        let built_in = w.word(class + walk::TP_FLAGS)? & TPFLAGS_HEAPTYPE == 0;
        let counts = catch_all || !matches!(name.as_str(), "Exception" | "BaseException");
        caught |= built_in && counts && catching.contains(&name.as_str());
        names.push(name);
    }
    Some(caught.then(|| format!("contextlib.suppress({})", names.join(", "))))
}

/// Puts back the opcodes that instrumentation replaced in the first 64 code units of
/// `bytecode` (code units `first..` of `code`); `None` when they cannot be read.
fn deinstrument(tid: u32, l: &Layout, code: u64, first: u64, bytecode: &mut [u8]) -> Option<()> {
    let Some(m) = l.monitoring else {
        return Some(());
    };
    const UNITS: usize = 64;
    let units = (bytecode.len() / 2).min(UNITS);
    let has = |op: u8| bytecode[..2 * units].chunks_exact(2).any(|u| u[0] == op);
    let (line, instruction) = (has(m.instrumented_line), has(m.instrumented_instruction));
    if !line && !instruction && !has(m.instrumented_pop_jump_if_false) {
        return Some(());
    }
    let data = read_u64(tid, code + m.code_monitoring).filter(|&d| d != 0)?;
    let mut originals = vec![0u8; units];
    if line {
        let lines = read_u64(tid, data + m.lines).filter(|&a| a != 0)?;
        let (start, size) = if m.lines_sized {
            let mut b = [0u8; 1];
            sys::read_mem(tid, lines, &mut b)?;
            (lines + 1, b[0].max(1) as u64)
        } else {
            (lines, 2)
        };
        let mut entries = vec![0u8; units * size as usize];
        (sys::read_mem(tid, start + first * size, &mut entries)? == entries.len()).then_some(())?;
        for (o, e) in originals.iter_mut().zip(entries.chunks_exact(size as usize)) {
            *o = e[0];
        }
    }
    let mut per_instruction = vec![0u8; units];
    if instruction || originals.contains(&m.instrumented_instruction) {
        let at = read_u64(tid, data + m.per_instruction_opcodes).filter(|&a| a != 0)?;
        (sys::read_mem(tid, at + first, &mut per_instruction)? == units).then_some(())?;
    }
    for (k, unit) in bytecode[..2 * units].chunks_exact_mut(2).enumerate() {
        let mut op = unit[0];
        if op == m.instrumented_line {
            op = originals[k];
        }
        if op == m.instrumented_instruction {
            op = per_instruction[k];
        }
        if op == m.instrumented_pop_jump_if_false {
            op = l.ops.pop_jump_if_false;
        }
        unit[0] = op;
    }
    Some(())
}

/// In [`except_clauses`]: a bare `except:`, which catches everything.
const BARE_EXCEPT: u64 = u64::MAX;

/// One `except` clause: the names it loads (indexes into `co_names`; `true` for an
/// attribute of the name before, as `error` of `os.error`), or [`BARE_EXCEPT`].
#[derive(Debug, Default, PartialEq, Eq)]
struct Clause {
    names: Vec<(u64, bool)>,
    /// `except*`.
    star: bool,
    /// Where its test is (`CHECK_EXC_MATCH`, a bare `except:`'s `POP_TOP`), in code
    /// units from the handler's start: an instruction on the clause's own line.
    test: usize,
}

impl Clause {
    /// The clause as written, given its names read (`except OSError`, `except
    /// (ValueError, os.error)`, `except* OSError`, `except:`).
    fn text(&self, named: &[Option<String>]) -> String {
        if self.names.first().map(|n| n.0) == Some(BARE_EXCEPT) {
            return "except:".into();
        }
        let mut classes: Vec<String> = vec![];
        for (&(_, attribute), name) in self.names.iter().zip(named) {
            let name = name.as_deref().unwrap_or("?");
            match classes.last_mut() {
                Some(last) if attribute => {
                    last.push('.');
                    last.push_str(name);
                }
                _ => classes.push(name.to_owned()),
            }
        }
        let star = if self.star { "*" } else { "" };
        match &classes[..] {
            [one] => format!("except{star} {one}"),
            _ => format!("except{star} ({})", classes.join(", ")),
        }
    }
}

/// The handler of code unit `index` in a 3.11 exception table
/// (`Objects/exception_handling_notes.txt`): entries of four varints (start, size,
/// target, depth and lasti; in code units), the first byte of an entry marked with bit 7;
/// a varint is big-endian 6-bit chunks, bit 6 set on all but the last. `Some((target,
/// depth))`, the depth being the value stack's below the handler's entry (`depth << 1 |
/// lasti`); `Some(None)` when no entry covers `index`; `None` when the table is not what
/// it should be.
fn handler_entry(table: &[u8], index: u64) -> Option<Option<(u64, u64)>> {
    let mut i = 0usize;
    let varint = |i: &mut usize| -> Option<u64> {
        let mut b = *table.get(*i)?;
        *i += 1;
        let mut v = (b & 0x3f) as u64;
        while b & 0x40 != 0 {
            b = *table.get(*i)?;
            *i += 1;
            v = (v << 6) | (b & 0x3f) as u64;
        }
        Some(v)
    };
    while i < table.len() {
        if table[i] & 0x80 == 0 {
            return None; // not at an entry
        }
        let (start, size, target) = (varint(&mut i)?, varint(&mut i)?, varint(&mut i)?);
        let depth = varint(&mut i)? >> 1;
        if (start..start + size).contains(&index) {
            return Some(Some((target, depth)));
        }
        if start > index {
            return Some(None);
        }
    }
    Some(None)
}

/// The `except` clauses of the handler at the start of `code`, in order:
/// `PUSH_EXC_INFO`, then per clause the loads of its classes (`LOAD_GLOBAL`,
/// `LOAD_NAME`, `LOAD_ATTR`, `BUILD_TUPLE`), `CHECK_EXC_MATCH` and the jump to the next
/// clause (`except*` clauses: see [`Opcodes::check_eg_match`]); a bare `except:` (its
/// `POP_TOP` drops the exception at once) is [`BARE_EXCEPT`]. `None` when the handler is
/// not that (a `finally`, a `with` block's exit, an instrumented or unknown instruction).
fn except_clauses(code: &[u8], ops: &Opcodes) -> Option<Vec<Clause>> {
    let unit = |pc: usize| -> Option<(u8, u32)> { Some((*code.get(2 * pc)?, *code.get(2 * pc + 1)? as u32)) };
    if unit(0)?.0 != ops.push_exc_info {
        return None;
    }
    let (mut pc, mut ext, mut clause, mut clauses) = (1usize, 0u32, Clause::default(), vec![]);
    for _ in 0..256 {
        let (op, arg) = unit(pc)?;
        let arg = (ext << 8) | arg;
        ext = 0;
        if op == ops.pop_top && clause.names.is_empty() {
            // `except:` drops the exception at once: it catches everything.
            clause.names.push((BARE_EXCEPT, false));
            clause.test = pc;
            clauses.push(clause);
            return Some(clauses);
        }
        if op == ops.extended_arg {
            ext = arg;
            pc += 1;
        } else if ops.load_global.contains(&op) {
            clause.names.push(((arg >> 1) as u64, false));
            pc += 1 + ops.load_global_caches;
        } else if ops.load_attr.contains(&op) {
            clause.names.push(((arg >> ops.attr_shift) as u64, true));
            pc += 1 + ops.load_attr_caches;
        } else if op == ops.load_name {
            clause.names.push((arg as u64, false));
            pc += 1;
        } else if op == ops.build_tuple {
            pc += 1;
        } else if clause.names.is_empty() && clauses.is_empty() && [ops.build_list, ops.copy, ops.swap].contains(&op) {
            // An `except*` handler's start: the list of what its clauses raise.
            pc += 1;
        } else if op == ops.check_exc_match || op == ops.check_eg_match {
            let star = op == ops.check_eg_match;
            (clause.star, clause.test) = (star, pc);
            clauses.push(std::mem::take(&mut clause));
            // The jump to the next clause (after `except*`'s `COPY 1`), perhaps after an
            // EXTENDED_ARG.
            let (mut at, mut high) = (pc + 1 + usize::from(star), 0u32);
            if star && unit(pc + 1).map(|u| u.0) != Some(ops.copy) {
                return Some(clauses);
            }
            if let Some((_, a)) = unit(at).filter(|u| u.0 == ops.extended_arg) {
                (at, high) = (at + 1, a);
            }
            let (jump, offset) = unit(at)?;
            let want = if star {
                ops.pop_jump_if_none
            } else {
                ops.pop_jump_if_false
            };
            if jump != want || clauses.len() >= 8 {
                return Some(clauses);
            }
            pc = at + 1 + ops.pop_jump_caches + ((high << 8) | offset) as usize;
            if star {
                // The exception that did not match is dropped before the next clause.
                if unit(pc).map(|u| u.0) != Some(ops.pop_top) {
                    return Some(clauses);
                }
                pc += 1;
            }
        } else {
            return (!clauses.is_empty()).then_some(clauses);
        }
    }
    Some(clauses)
}

/// `(dev, ino)` of the executable of thread `tid`.
fn exe_of(tid: u32) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(format!("/proc/{tid}/exe")).ok()?;
    Some((m.dev(), m.ino()))
}

/// The words at `addrs` in thread `tid`, in one `process_vm_readv` when all can be read
/// (an address that cannot, read alone, is `None`).
fn read_words(tid: u32, addrs: impl Iterator<Item = u64>) -> Vec<Option<u64>> {
    let ranges: Vec<(u64, u64)> = addrs.take(256).map(|a| (a, 8)).collect();
    let mut b = vec![0u8; 8 * ranges.len()];
    if sys::read_mem_ranges(tid, &ranges, &mut b) == Some(b.len()) {
        return (0..ranges.len() as u64).map(|i| word(&b, 8 * i)).collect();
    }
    ranges.iter().map(|&(a, _)| read_u64(tid, a)).collect()
}

/// A NUL-terminated string of at most 63 bytes (a `PyMethodDef`'s name).
fn c_string(tid: u32, at: u64) -> Option<String> {
    let mut b = [0u8; 64];
    let n = sys::read_mem(tid, at, &mut b)?;
    let end = b[..n].iter().position(|&c| c == 0)?;
    Some(String::from_utf8_lossy(&b[..end]).into_owned())
}

/// The frames of thread `tid`, innermost first, at most [`MAX_FRAMES`]; and where the
/// first frame not read is (`None`: the walk reached the outermost frame).
fn frames(tid: u32, interp: Interpreter) -> Option<(Vec<PyFrame>, Option<u64>)> {
    let l = interp.layout;
    let frame = current_frame(tid, l, thread_state(tid, &interp)?)?.frame;
    let mut out: Vec<PyFrame> = vec![];
    let unread = walk_frames(tid, l, frame, &mut out, MAX_FRAMES)?;
    Some((out, unread))
}

/// Read the frames of thread `tid` from the `_PyInterpreterFrame` at `frame` outwards
/// onto `out`, until it holds `max`; `Some(next)` is where the first frame not read is
/// (`None`: the chain ended); `None` when a read failed.
///
/// The chain is the frames' `previous` pointers (`Include/internal/pycore_frame.h`).
/// From 3.12 `_PyEval_EvalFrameDefault` links an entry frame of its own, owned by the C
/// stack (`FRAME_OWNED_BY_CSTACK`), below the frames each call from C runs, and the
/// outermost of these ends the chain (its `previous` is NULL). Such shims are not the
/// program's frames: they mark the frame before them as called from C, and a walk
/// stopped at `max` looks past them, so that a stack of exactly `max` frames is not
/// taken for a cut one.
fn walk_frames(tid: u32, l: &Layout, mut frame: u64, out: &mut Vec<PyFrame>, max: usize) -> Option<Option<u64>> {
    let mut walked = 0;
    while frame != 0 && walked < 4 * max {
        walked += 1;
        let mut owner = [0u8; 1];
        sys::read_mem(tid, frame + l.frame_owner, &mut owner)?;
        if l.is_shim(owner[0]) {
            // The entry shim: C code called the frame before it.
            if let Some(inner) = out.last_mut() {
                inner.at.from_c = true;
            }
            frame = read_u64(tid, frame + l.frame_previous)?;
            continue;
        }
        if out.len() >= max {
            return Some(Some(frame));
        }
        let from_c = match l.frame_is_entry {
            Some(at) => {
                let mut entry = [0u8; 1];
                sys::read_mem(tid, frame + at, &mut entry)?;
                entry[0] != 0
            }
            None => false,
        };
        out.push(frame_at(tid, l, frame, from_c)?);
        frame = read_u64(tid, frame + l.frame_previous)?;
    }
    Some((frame != 0).then_some(frame))
}

/// The Python frame whose `_PyInterpreterFrame` is at `frame`: its code's file and name,
/// and the line of the instruction it is at.
fn frame_at(tid: u32, l: &Layout, frame: u64, from_c: bool) -> Option<PyFrame> {
    let code = l.object(read_u64(tid, frame + l.frame_code)?);
    let instr = read_u64(tid, frame + l.frame_instr)?;
    let mut first = [0u8; 4];
    sys::read_mem(tid, code + l.code_firstlineno, &mut first)?;
    let first = i32::from_ne_bytes(first);
    let index = instr.wrapping_sub(code + l.code_instructions) / 2;
    let table = bytes(tid, read_u64(tid, code + l.code_linetable)?)?;
    Some(PyFrame {
        file: string(tid, l, read_u64(tid, code + l.code_filename)?)?,
        function: string(tid, l, read_u64(tid, code + l.code_name)?)?,
        line: line_of(&table, first, index).unwrap_or(0),
        at: FrameAt { frame, code, from_c },
    })
}

/// The line of code unit `index` of `code`, from its location table.
fn code_line(tid: u32, l: &Layout, code: u64, index: u64) -> Option<u32> {
    let mut first = [0u8; 4];
    sys::read_mem(tid, code + l.code_firstlineno, &mut first)?;
    let table = bytes(tid, read_u64(tid, code + l.code_linetable)?)?;
    line_of(&table, i32::from_ne_bytes(first), index)
}

/// The contents of a `bytes` object (at most 64 KiB).
fn bytes(tid: u32, obj: u64) -> Option<Vec<u8>> {
    let n = read_u64(tid, obj + VAR_SIZE)?.min(64 << 10) as usize;
    let mut b = vec![0u8; n];
    (sys::read_mem(tid, obj + BYTES_DATA, &mut b)? == n).then_some(b)
}

/// A `str` object: compact ASCII in place, compact non-ASCII from its characters (a file
/// or function name in any script), otherwise its cached UTF-8 if any.
fn string(tid: u32, l: &Layout, obj: u64) -> Option<String> {
    let mut state = [0u8; 1];
    sys::read_mem(tid, obj + STR_STATE, &mut state)?;
    // state: interned (2 bits), kind (3), compact (1), ascii (1), ready (1).
    let (kind, compact, ascii) = ((state[0] >> 2) & 7, state[0] & 0x20 != 0, state[0] & 0x40 != 0);
    let (len, data) = if compact && ascii {
        (read_u64(tid, obj + STR_LENGTH)?, obj + l.str_ascii_data)
    } else if compact && matches!(kind, 1 | 2 | 4) {
        let chars = read_u64(tid, obj + STR_LENGTH)?.min(4096) as usize;
        let mut b = vec![0u8; chars * kind as usize];
        (sys::read_mem(tid, obj + l.str_compact_data, &mut b)? == b.len()).then_some(())?;
        let units = b.chunks_exact(kind as usize).map(|c| match c {
            [a] => *a as u32,
            [a, b] => u16::from_ne_bytes([*a, *b]) as u32,
            c => u32::from_ne_bytes(c.try_into().expect("4 bytes")),
        });
        return Some(units.map(|u| char::from_u32(u).unwrap_or('\u{fffd}')).collect());
    } else {
        let utf8 = read_u64(tid, obj + l.str_utf8)?;
        if utf8 == 0 {
            return Some("?".into());
        }
        (read_u64(tid, obj + l.str_utf8_length)?, utf8)
    };
    let mut b = vec![0u8; len.min(4096) as usize];
    sys::read_mem(tid, data, &mut b)?;
    Some(String::from_utf8_lossy(&b).into_owned())
}

/// The line of code unit `index` from a 3.11 location table (`Objects/locations.md`):
/// entries of a header byte `1CCCCLLL` (code `C`, `L`+1 code units) and their operands;
/// codes 0–9 keep the line, 10–12 add `C`−10, 13 and 14 start with a signed varint line
/// delta (14 then has three more varints), 15 has no location.
fn line_of(table: &[u8], first_line: i32, index: u64) -> Option<u32> {
    let mut line = first_line as i64;
    let mut unit = 0u64;
    let mut i = 0usize;
    let varint = |i: &mut usize| -> Option<u64> {
        let (mut v, mut shift) = (0u64, 0);
        loop {
            let b = *table.get(*i)?;
            *i += 1;
            v |= ((b & 0x3f) as u64) << shift;
            shift += 6;
            if b & 0x40 == 0 || shift > 60 {
                return Some(v);
            }
        }
    };
    let svarint = |i: &mut usize| -> Option<i64> {
        let v = varint(i)?;
        Some(if v & 1 != 0 {
            -((v >> 1) as i64)
        } else {
            (v >> 1) as i64
        })
    };
    while i < table.len() {
        let h = table[i];
        i += 1;
        if h & 0x80 == 0 {
            return None; // not at an entry: the table is not what we think
        }
        let code = (h >> 3) & 0x0f;
        let len = (h & 7) as u64 + 1;
        let mut has_line = true;
        match code {
            15 => has_line = false,
            14 => {
                line += svarint(&mut i)?;
                for _ in 0..3 {
                    varint(&mut i)?;
                }
            }
            13 => line += svarint(&mut i)?,
            10..=12 => {
                line += (code - 10) as i64;
                i += 2;
            }
            _ => i += 1,
        }
        if index < unit + len {
            return (has_line && line > 0).then_some(line as u32);
        }
        unit += len;
    }
    None
}

/// `_PyRuntime` and `Py_Version` from an ELF file's `.dynsym`.
fn symbols(f: std::fs::File) -> Option<Symbols> {
    let elf = crate::elf::Elf::open(f)?;
    let [runtime, version, py_true, py_false, py_none, function_type, method_type, cell_type, builtin_type, list_type, tuple_type, dict_type, coro_type, gen_type] =
        elf.dynamic_symbols([
            b"_PyRuntime",
            b"Py_Version",
            b"_Py_TrueStruct",
            b"_Py_FalseStruct",
            b"_Py_NoneStruct",
            b"PyFunction_Type",
            b"PyMethod_Type",
            b"PyCell_Type",
            b"PyCFunction_Type",
            b"PyList_Type",
            b"PyTuple_Type",
            b"PyDict_Type",
            b"PyCoro_Type",
            b"PyGen_Type",
        ])?;
    Some(Symbols {
        runtime: runtime?,
        version: version?,
        py_true,
        py_false,
        py_none,
        function_type,
        method_type,
        cell_type,
        builtin_type,
        list_type,
        tuple_type,
        dict_type,
        coro_type,
        gen_type,
        fixed: elf.fixed,
    })
}

/// The unlink that closes a `tempfile.NamedTemporaryFile` (`Lib/tempfile.py`,
/// `_TemporaryFileCloser`): in 3.11 from `close`, which unlinks when `delete` and only if
/// `os.name` is not `nt` (on Windows the file was opened with `O_TEMPORARY`, delete-on-close,
/// and closing it makes no unlink); in 3.12 and later from `cleanup`, which on Windows
/// skips the unlink only when the file was opened so (`delete_on_close`): the caller
/// checks that with what it saw at the create.
pub fn is_named_temporary_file_close(stack: &[PyFrame]) -> bool {
    stack
        .first()
        .is_some_and(|f| matches!(f.function.as_str(), "close" | "cleanup") && f.file.ends_with("/tempfile.py"))
}

/// Whether a file about to be created by the innermost frames of `stack` is the file of a
/// `tempfile.NamedTemporaryFile` that Windows would open with `O_TEMPORARY`: the frames
/// are `_mkstemp_inner` called by `NamedTemporaryFile`, whose `delete` is true (3.12 and
/// later: and `delete_on_close`; `Lib/tempfile.py`: `if _os.name == 'nt' and delete:
/// flags |= _os.O_TEMPORARY`).
pub fn opens_with_o_temporary(frames: &mut PyFrames, pid: u32, tid: u32, stack: &[PyFrame]) -> bool {
    let in_tempfile = |f: &PyFrame, name: &str| f.function == name && f.file.ends_with("/tempfile.py");
    let Some(ntf) = stack.iter().take(3).find(|f| in_tempfile(f, "NamedTemporaryFile")) else {
        return false;
    };
    if !stack.first().is_some_and(|f| in_tempfile(f, "_mkstemp_inner")) {
        return false;
    }
    let delete = frames.argument_is_true(pid, tid, ntf, "delete") == Some(true);
    delete && frames.argument_is_true(pid, tid, ntf, "delete_on_close") != Some(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The handler of `try: g(a) except ValueError: pass except OSError: h()` as
    /// CPython 3.13 compiles it (`dis`, `co_exceptiontable`).
    #[test]
    fn except_clauses_of_a_handler() {
        let table = b"\x82\x0b\x0e\x00\x8e\n0\x03\x9a\x130\x03\xaf\x010\x03";
        assert_eq!(
            handler_entry(table, 8),
            Some(Some((14, 0))),
            "the call g(a) at code unit 8"
        );
        assert_eq!(handler_entry(table, 1), Some(None), "before the try");
        assert_eq!(
            handler_entry(table, 15),
            Some(Some((48, 1))),
            "inside the handler: its cleanup (COPY, POP_EXCEPT, RERAISE), above the exception"
        );
        assert_eq!(handler_entry(b"\x02\x0b", 8), None, "not at an entry");
        let mut code: Vec<[u8; 2]> = vec![[33, 0], [91, 2]];
        code.extend([[0, 0]; 4]); // LOAD_GLOBAL's caches
        code.extend([[7, 0], [97, 3], [0, 0], [32, 0], [87, 0], [103, 0], [91, 4]]);
        code.extend([[0, 0]; 4]);
        code.extend([[7, 0], [97, 13], [0, 0], [32, 0]]);
        code.extend([[0, 0]; 13]);
        code.push([102, 0]); // RERAISE: no more clauses
        let bytes: Vec<u8> = code.concat();
        let names = |c: Option<Vec<Clause>>| -> Option<Vec<Vec<u64>>> {
            c.map(|c| c.iter().map(|c| c.names.iter().map(|n| n.0).collect()).collect())
        };
        assert_eq!(names(except_clauses(&bytes, &OPS313)), Some(vec![vec![1], vec![2]]));
        // `try: ... except* OSError: ... except* (ValueError, KeyError) as e: ...`
        // (3.13): BUILD_LIST, COPY 2; per clause its loads, CHECK_EG_MATCH, COPY 1,
        // POP_JUMP_IF_NONE (a cache) to a POP_TOP before the next clause.
        let mut star: Vec<[u8; 2]> = vec![[33, 0], [47, 0], [61, 2], [92, 1], [6, 0], [61, 1], [98, 5], [0, 0]];
        star.extend([[32, 0], [79, 4], [45, 3], [32, 0], [79, 1]]); // the clause's body
        star.extend([[32, 0], [92, 2], [92, 3], [52, 2], [6, 0], [61, 1], [98, 13], [0, 0]]);
        star.extend([[90, 4]; 13]);
        star.push([102, 0]);
        let clauses = except_clauses(&star.concat(), &OPS313).unwrap();
        assert!(clauses.iter().all(|c| c.star));
        assert_eq!(names(Some(clauses)), Some(vec![vec![1], vec![2, 3]]));
        // A finally block or a with block's exit is no except clause.
        assert_eq!(except_clauses(&[33, 0, 102, 0], &OPS313), None);
        assert_eq!(except_clauses(&[33, 0, 44, 0], &OPS313), None);
        assert!(is_with_exit(&[33, 0, 44, 0], &OPS313));
        assert!(!is_with_exit(&[33, 0, 102, 0], &OPS313));
    }

    /// A clause is shown as written: dotted names joined, several in parentheses.
    #[test]
    fn clause_texts() {
        let named = |names: &[&str]| -> Vec<Option<String>> { names.iter().map(|n| Some(n.to_string())).collect() };
        let clause = |names: &[(u64, bool)], star| Clause {
            names: names.to_vec(),
            star,
            test: 0,
        };
        assert_eq!(
            clause(&[(0, false)], false).text(&named(&["OSError"])),
            "except OSError"
        );
        assert_eq!(
            clause(&[(0, false), (1, false), (2, true)], false).text(&named(&["ValueError", "os", "error"])),
            "except (ValueError, os.error)"
        );
        assert_eq!(
            clause(&[(0, false)], true).text(&named(&["OSError"])),
            "except* OSError"
        );
        assert_eq!(clause(&[(BARE_EXCEPT, false)], false).text(&[None]), "except:");
    }

    #[test]
    fn free_threaded_builds_are_told_by_name() {
        for name in ["python3.13t", "libpython3.14t.so.1.0", "python3t"] {
            assert!(is_free_threaded(name), "{name}");
        }
        for name in ["python3.14", "python3", "libpython3.13.so.1.0", "libpython3.so"] {
            assert!(!is_free_threaded(name), "{name}");
        }
    }

    #[test]
    fn location_table_lines() {
        // Two entries: one unit on the first line (short form, code 0), then two units
        // one line down (one-line form, code 11).
        let table = [0x80, 0x00, 0x80 | (11 << 3) | 1, 0x04, 0x08];
        assert_eq!(line_of(&table, 10, 0), Some(10));
        assert_eq!(line_of(&table, 10, 1), Some(11));
        assert_eq!(line_of(&table, 10, 2), Some(11));
        assert_eq!(line_of(&table, 10, 3), None, "past the table");
        // Code 13: a signed varint delta; -3 is zigzag 7.
        let table = [0x80 | (13 << 3), 7];
        assert_eq!(line_of(&table, 10, 0), Some(7));
        // Code 15: no location.
        assert_eq!(line_of(&[0x80 | (15 << 3)], 10, 0), None);
    }
}
