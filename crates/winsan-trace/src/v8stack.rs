//! A Node.js caller's JavaScript frames, read from its V8 stack and heap.
//!
//! V8 keeps a frame pointer chain through every JavaScript frame it runs (x64: `rbp`;
//! V8's `frame-constants.h`): at a frame pointer `fp` are the caller's frame pointer,
//! above it the return address, below it either a *marker* (an even word: the type of a
//! frame V8 made for itself, `StackFrame::TypeToMarker`) or the frame's context (a tagged
//! pointer, odd: a JavaScript frame), then the function being run. Where the frame is in
//! its function depends on how the function was compiled, which the return address into
//! the frame tells:
//!
//! * **interpreted** (the return address is in the node binary's interpreter): the frame
//!   holds its `BytecodeArray` and the offset of the bytecode it is at, for a caller the
//!   call it made; the bytecode array's source position table (VLQ-encoded pairs of code
//!   offset and script offset, V8's `source-position-table.cc`) turns that into a
//!   position in the script, whose source gives the line;
//! * **baseline** (Sparkplug machine code, compiled at run time): the code object that
//!   holds the return address, found by its header, has a bytecode offset table that maps
//!   the machine code back to bytecodes, walked with V8's bytecode sizes
//!   (`Bytecodes::kBytecodeSizes`, read from the binary's symbol table);
//! * **optimized** (Maglev, TurboFan): the code object's own source position table gives
//!   the position and which inlined function it is in; its deoptimization data gives for
//!   each inlined function the position of its call in its caller, so one machine frame
//!   yields every function it runs.
//!
//! A function is named from its shared function info (the name, or its scope info).
//!
//! When a Node program calls `fs.unlinkSync`, V8 leaves JavaScript through an *exit*
//! frame (`EXIT`, `BUILTIN_EXIT`, `API_CALLBACK_EXIT`...) into node's C++ binding,
//! which makes the system call. Of a thread stopped in that call only the stack pointer
//! can be read without ptrace (`/proc/TID/syscall`), so the exit frame is found by
//! looking up the stack for a frame pointer whose marker is an exit type and whose chain
//! leads through JavaScript frames (function, shared function info and script each of
//! the type it must be) to the entry frame. The offsets and type numbers are not
//! guessed: node is built with V8's postmortem metadata (`v8_postmortem_support`), a
//! `v8dbg_*` dynamic symbol for each (what llnode reads), which differ from one V8
//! version to the next; what it lacks (where a bytecode array keeps its source position
//! table, a code object's byte arrays) is told by decoding each candidate and checking it
//! against what it must describe. Checked against node 18, 20, 22, 24, 25 and 26 (V8 14
//! changed how source position tables encode code offsets, and boxes some closure
//! variables in context cells).
//!
//! An asynchronous call (`fs.unlink(path, callback)`, `fs.promises`) runs on a libuv
//! worker thread, which has no JavaScript frames: its frames are those waiting for it
//! (the `waiting` module). Anything unexpected ends the walk with the frames found so far;
//! nothing here can fail the program.

use std::collections::HashMap;
use std::os::unix::fs::MetadataExt;

use crate::pyframe::PyFrame;

mod waiting;
pub(crate) use waiting::EventLoopWaits;

/// At most this many frames are read, innermost first.
const MAX_FRAMES: usize = 64;
/// Frames followed past [`MAX_FRAMES`] only to tell whether those left are the
/// program's or only node's own (a main module is called through some 10 frames of
/// node's module loader, with the entry frame and builtins' frames between).
const LOOKAHEAD: usize = 24;
/// The stack read above the stopped thread's stack pointer, where the exit frame is
/// looked for (node's C++ between it and the system call takes a few KiB).
const STACK_BYTES: usize = 256 << 10;
/// The longest script prefix read to count lines.
const MAX_SOURCE: usize = 64 << 20;

/// V8's string representations and encodings (`instance-type.h`), from the metadata.
#[derive(Clone, Debug, Default)]
struct Strings {
    first_nonstring: u16,
    representation_mask: u16,
    encoding_mask: u16,
    seq: u16,
    cons: u16,
    sliced: u16,
    thin: u16,
    one_byte: u16,
    length: u64,
    seq_one_byte_chars: u64,
    seq_two_byte_chars: u64,
    cons_first: u64,
    cons_second: u64,
    sliced_parent: u64,
    sliced_offset: u64,
    thin_actual: u64,
}

/// How a source position table encodes the code offset of an entry (the script position
/// that follows it is a zig-zag VLQ delta in both).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Positions {
    /// V8 before 14 (node 18 to 24): a zig-zag VLQ delta, negative for an expression
    /// position (`-delta - 1`), as `source-position-table.cc` writes it.
    #[default]
    Signed,
    /// V8 14 (node 25 and 26): an unsigned VLQ of `delta << 2 | 2 | is_statement`. Read
    /// off the tables of live processes against `node --print-bytecode`'s positions; bit
    /// 1 was set in every entry seen and is not read.
    Tagged,
}

/// The offsets (within a heap object, untagged) and type numbers of one V8 build.
#[derive(Clone, Debug, Default)]
struct Layout {
    /// Markers of the frames through which V8 calls C++ (`TypeToMarker`: type × 2).
    exit: Vec<u64>,
    /// Markers of the frames where C++ entered JavaScript: the walk ends there.
    entry: Vec<u64>,
    fp_context: i64,
    fp_function: i64,
    fp_bytecode_array: i64,
    fp_bytecode_offset: i64,
    map_instance_type: u64,
    function_shared: u64,
    shared_type: u16,
    shared_script: u64,
    script_type: u16,
    script_name: u64,
    script_source: u64,
    bytecode_type: u16,
    bytecode_length: u64,
    bytecode_data: u64,
    byte_array_types: Vec<u16>,
    byte_array_length: u64,
    byte_array_data: u64,
    strings: Strings,
    /// How source position tables encode their code offsets.
    positions: Positions,
    /// Baseline (Sparkplug) code: the type of `Code` objects, the offsets of a code
    /// object's instruction start and size where the metadata has them, and the size of
    /// each bytecode (`Bytecodes::kBytecodeSizes`, three rows: operand scale 1, 2, 4;
    /// from the symbol table, absent from a stripped binary).
    code_type: Option<u16>,
    code_instruction_start: Option<u64>,
    code_instruction_size: Option<u64>,
    bytecode_sizes: Option<Vec<u8>>,
    /// Code compiled at run time: the instruction stream objects its machine code lives
    /// in (V8 11 and later), the code object's field pointing to its stream; fixed
    /// arrays, and the deoptimization data's elements for inlining (`InliningPositions`,
    /// `LiteralArray`).
    instruction_stream_type: Option<u16>,
    code_instruction_stream: Option<u64>,
    fixed_array_types: Vec<u16>,
    fixed_array_data: u64,
    deopt_inlining_positions: u64,
    deopt_literals: u64,
    shared_wrapper_type: Option<u16>,
    shared_wrapper_shared: Option<u64>,
    /// Function names: the shared info's name or scope info, the scope info's layout.
    shared_name: Option<u64>,
    debug_info_type: Option<u16>,
    scope_info_type: Option<u16>,
    scope_first_vars: Option<u64>,
    scope_context_locals: Option<u64>,
    /// What an asynchronous call's waiters are read with ([`waiting`]): objects' sizes
    /// and property arrays, promises and their reactions, async functions, closures'
    /// contexts, where an uncompiled function starts.
    map_instance_size: Option<u64>,
    receiver_properties: Option<u64>,
    property_array_type: Option<u16>,
    promise_type: Option<u16>,
    reaction_type: Option<u16>,
    capability_type: Option<u16>,
    async_function_type: Option<u16>,
    async_generator_type: Option<u16>,
    generator_request_type: Option<u16>,
    function_context: Option<u64>,
    context_types: (Option<u16>, Option<u16>),
    context_prev: Option<u64>,
    context_scope_info: Option<u64>,
    context_cell_type: Option<u16>,
    uncompiled_types: Vec<u16>,
    uncompiled_start: Option<u64>,
    /// Named properties ([`Named`]): an event emitter's listeners.
    named: Option<Named>,
    js_array_type: Option<u16>,
    symbol_type: Option<u16>,
    js_object_elements: Option<u64>,
}

/// Where V8 keeps an object's named properties (what llnode reads them with): a map in
/// dictionary mode (`bit_field3`) keeps them in a `NameDictionary` (a hash table of
/// key, value and details entries after its prefix); else the map's descriptors give
/// each key and details (a `Smi`: its location, and a field's index: in the object
/// after its in-object start, or in its property array beyond them), or hold the value.
#[derive(Clone, Copy, Debug, Default)]
struct Named {
    map_bit_field3: u64,
    dictionary_shift: u32,
    own_mask: u32,
    own_shift: u32,
    map_descriptors: u64,
    map_inobject_start: u64,
    descriptors_header: u64,
    desc_size: u64,
    desc_key: u64,
    desc_details: u64,
    desc_value: u64,
    index_mask: i64,
    index_shift: i64,
    location_mask: i64,
    location_shift: i64,
    location_field: i64,
    /// The index of a `NameDictionary`'s first entry, and an entry's size.
    dict_entries: u64,
    dict_entry_size: u64,
}

impl Layout {
    /// The layout of the V8 in the ELF file `f`, from its `v8dbg_*` symbols; `None`
    /// without them, or for a build whose tagged values are not 8 bytes with 32-bit Smis
    /// (pointer compression: not node's default).
    fn of(f: std::fs::File) -> Option<Layout> {
        let elf = crate::elf::Elf::open(f)?;
        let metadata = elf.dynamic_integers(b"v8dbg_")?;
        if metadata.is_empty() {
            return None;
        }
        // The metadata names a field `class_CLASS__FIELD__TYPE`, the type spelled
        // differently across versions (`SharedFunctionInfo`, `Tagged_HeapObject_`).
        let get = |name: &str| metadata.iter().find(|(n, _)| n == name).map(|&(_, v)| v);
        let field = |class: &str, fields: &[&str]| {
            fields.iter().find_map(|f| {
                let prefix = format!("class_{class}__{f}__");
                metadata
                    .iter()
                    .find(|(n, _)| n.starts_with(&prefix))
                    .map(|&(_, v)| v as u64)
            })
        };
        let kind = |class: &str| {
            let prefix = format!("type_{class}__");
            metadata
                .iter()
                .find(|(n, _)| n.starts_with(&prefix))
                .and_then(|&(_, v)| u16::try_from(v).ok())
        };
        let markers = |which: &dyn Fn(&str) -> bool| -> Vec<u64> {
            metadata
                .iter()
                .filter(|(n, v)| n.strip_prefix("frametype_").is_some_and(which) && *v > 0)
                .map(|&(_, v)| (v as u64) << 1)
                .collect()
        };
        if get("SystemPointerSize") != Some(8) || get("SmiShiftSize") != Some(31) {
            return None;
        }
        let strings = Strings {
            first_nonstring: u16::try_from(get("FirstNonstringType")?).ok()?,
            representation_mask: u16::try_from(get("StringRepresentationMask")?).ok()?,
            encoding_mask: u16::try_from(get("StringEncodingMask")?).ok()?,
            seq: u16::try_from(get("SeqStringTag")?).ok()?,
            cons: u16::try_from(get("ConsStringTag")?).ok()?,
            sliced: u16::try_from(get("SlicedStringTag")?).ok()?,
            thin: u16::try_from(get("ThinStringTag")?).ok()?,
            one_byte: u16::try_from(get("OneByteStringTag")?).ok()?,
            length: field("String", &["length"])?,
            seq_one_byte_chars: field("SeqOneByteString", &["chars"])?,
            seq_two_byte_chars: field("SeqTwoByteString", &["chars"])?,
            cons_first: field("ConsString", &["first"])?,
            cons_second: field("ConsString", &["second"])?,
            sliced_parent: field("SlicedString", &["parent"])?,
            sliced_offset: field("SlicedString", &["offset"])?,
            thin_actual: field("ThinString", &["actual"])?,
        };
        // Two constants of V8's from the symbol table, found in one pass: its version
        // (`Version::major_`) and `Bytecodes::kBytecodeSizes`.
        let [major, bytecode_sizes] = elf.static_symbol_bytes([
            (b"_ZN2v88internal7Version6major_E", 4),
            (b"_ZN2v88internal11interpreter9Bytecodes14kBytecodeSizesE", 3 << 10),
        ]);
        // Where the binary has no version, a frame type that first came with V8 14 tells it.
        let positions = match major {
            Some(b) if b.len() == 4 => {
                if i32::from_le_bytes(b.try_into().ok()?) >= 14 {
                    Positions::Tagged
                } else {
                    Positions::Signed
                }
            }
            _ if get("frametype_WasmStackEntryFrame").is_some() => Positions::Tagged,
            _ => Positions::Signed,
        };
        let byte_array_types: Vec<u16> = [kind("ByteArray"), kind("TrustedByteArray")]
            .into_iter()
            .flatten()
            .collect();
        Some(Layout {
            exit: markers(&|n| n.contains("Exit") && !n.starts_with("Wasm")),
            entry: markers(&|n| n == "EntryFrame" || n == "ConstructEntryFrame"),
            fp_context: get("off_fp_context_or_frame_type")
                .or_else(|| get("off_fp_context"))?
                .into(),
            fp_function: get("off_fp_function")?.into(),
            fp_bytecode_array: get("off_fp_bytecode_array")?.into(),
            fp_bytecode_offset: get("off_fp_bytecode_offset")?.into(),
            map_instance_type: field("Map", &["instance_type"])?,
            function_shared: field("JSFunction", &["shared"])?,
            shared_type: kind("SharedFunctionInfo")?,
            shared_script: field("SharedFunctionInfo", &["script_or_debug_info", "raw_script", "script"])?,
            script_type: kind("Script")?,
            script_name: field("Script", &["name"])?,
            script_source: field("Script", &["source"])?,
            bytecode_type: kind("BytecodeArray")?,
            // `FixedArrayBase::length` where the metadata does not name it.
            bytecode_length: field("BytecodeArray", &["length"]).unwrap_or(8),
            bytecode_data: field("BytecodeArray", &["data"])?,
            byte_array_types,
            byte_array_length: field("ByteArray", &["length"]).unwrap_or(8),
            byte_array_data: 16,
            strings,
            positions,
            code_type: kind("Code"),
            code_instruction_start: field("Code", &["instruction_start"]),
            code_instruction_size: field("Code", &["instruction_size"]),
            bytecode_sizes: bytecode_sizes.filter(|b| b.len() % 3 == 0 && b.len() >= 3 * 4),
            instruction_stream_type: kind("InstructionStream"),
            code_instruction_stream: field("Code", &["instruction_stream"]),
            fixed_array_types: [
                kind("FixedArray"),
                kind("TrustedFixedArray"),
                kind("ProtectedFixedArray"),
            ]
            .into_iter()
            .flatten()
            .collect(),
            fixed_array_data: field("FixedArray", &["data"]).unwrap_or(16),
            // V8 10 (node 18) does not publish them: its values.
            deopt_inlining_positions: get("DeoptimizationDataInliningPositionsIndex").map_or(7, |v| v as u64),
            deopt_literals: get("DeoptimizationDataLiteralArrayIndex").map_or(2, |v| v as u64),
            shared_wrapper_type: kind("SharedFunctionInfoWrapper"),
            shared_wrapper_shared: field("SharedFunctionInfoWrapper", &["shared_info"]),
            shared_name: field("SharedFunctionInfo", &["name_or_scope_info"]),
            debug_info_type: kind("DebugInfo"),
            scope_info_type: kind("ScopeInfo"),
            scope_first_vars: get("scopeinfo_idx_first_vars").map(|v| v as u64),
            scope_context_locals: get("scopeinfo_idx_ncontextlocals").map(|v| v as u64),
            map_instance_size: field("Map", &["instance_size_in_words"]),
            receiver_properties: field("JSReceiver", &["raw_properties_or_hash"]),
            property_array_type: kind("PropertyArray"),
            promise_type: kind("JSPromise"),
            reaction_type: kind("PromiseReaction"),
            capability_type: kind("PromiseCapability"),
            async_function_type: kind("JSAsyncFunctionObject"),
            async_generator_type: kind("JSAsyncGeneratorObject"),
            generator_request_type: kind("AsyncGeneratorRequest"),
            function_context: field("JSFunction", &["context"]),
            context_types: (
                get("FirstContextType").and_then(|v| u16::try_from(v).ok()),
                get("LastContextType").and_then(|v| u16::try_from(v).ok()),
            ),
            context_prev: get("context_idx_prev").map(|v| v as u64),
            context_scope_info: get("context_idx_scope_info").map(|v| v as u64),
            context_cell_type: kind("ContextCell"),
            uncompiled_types: [
                "UncompiledDataWithoutPreparseData",
                "UncompiledDataWithPreparseData",
                "UncompiledDataWithoutPreparseDataWithJob",
                "UncompiledDataWithPreparseDataAndJob",
            ]
            .into_iter()
            .filter_map(kind)
            .collect(),
            uncompiled_start: field("UncompiledData", &["start_position"]),
            named: (|| {
                let int = |n: &str| get(n).and_then(|v| u32::try_from(v).ok());
                Some(Named {
                    map_bit_field3: field("Map", &["bit_field3"])?,
                    dictionary_shift: int("bit_field3_is_dictionary_map_shift")?,
                    own_mask: int("bit_field3_number_of_own_descriptors_mask")?,
                    own_shift: int("bit_field3_number_of_own_descriptors_shift")?,
                    map_descriptors: field("Map", &["instance_descriptors"])?,
                    map_inobject_start: field("Map", &["inobject_properties_start_or_constructor_function_index"])?,
                    descriptors_header: field("DescriptorArray", &["header_size"])?,
                    desc_size: u64::from(int("prop_desc_size")?),
                    desc_key: u64::from(int("prop_desc_key")?),
                    desc_details: u64::from(int("prop_desc_details")?),
                    desc_value: u64::from(int("prop_desc_value")?),
                    index_mask: get("prop_index_mask")?.into(),
                    index_shift: get("prop_index_shift")?.into(),
                    location_mask: get("prop_location_mask")?.into(),
                    location_shift: get("prop_location_shift")?.into(),
                    location_field: get("prop_location_Field")?.into(),
                    dict_entries: u64::from(
                        int("namedictionary_prefix_start_index")? + int("namedictionaryshape_prefix_size")?,
                    ),
                    dict_entry_size: u64::from(int("namedictionaryshape_entry_size")?),
                })
            })(),
            js_array_type: kind("JSArray"),
            symbol_type: kind("Symbol"),
            js_object_elements: field("JSObject", &["elements"]),
        })
    }
}

/// Reads of one stopped thread: its stack, read once, and its heap, a word at a time.
struct Thread<'a> {
    tid: u32,
    sp: u64,
    stack: &'a [u8],
    layout: &'a Layout,
    /// The executable mappings of the node binary.
    exe_code: Vec<(u64, u64)>,
    /// The scripts read for their lines, by address.
    scripts: std::cell::RefCell<HashMap<u64, std::rc::Rc<ScriptLines>>>,
}

/// A script's source in V8, and how its lines are its file's.
struct ScriptLines {
    units: Vec<u16>,
    map: LineMap,
}

enum LineMap {
    Same,
    Mapped(SourceMap),
    Unknown,
}

impl Thread<'_> {
    /// A word of the stack, or of the heap when it is not on the stack read.
    fn word(&self, a: u64) -> Option<u64> {
        if let Some(i) = a.checked_sub(self.sp).and_then(|i| usize::try_from(i).ok()) {
            if let Some(b) = self.stack.get(i..i.checked_add(8)?) {
                return Some(u64::from_le_bytes(b.try_into().ok()?));
            }
        }
        let mut b = [0u8; 8];
        (crate::sys::read_mem(self.tid, a, &mut b)? == 8).then_some(u64::from_le_bytes(b))
    }

    /// A field of a heap object (a tagged pointer: low bit set).
    fn field(&self, object: u64, offset: u64) -> Option<u64> {
        (object & 1 == 1).then_some(())?;
        self.word((object - 1).checked_add(offset)?)
    }

    fn bytes(&self, object: u64, offset: u64, n: usize) -> Option<Vec<u8>> {
        (object & 1 == 1).then_some(())?;
        let mut b = vec![0u8; n];
        (crate::sys::read_mem(self.tid, (object - 1).checked_add(offset)?, &mut b)? == n).then_some(b)
    }

    /// A heap object's instance type, from its map.
    fn kind(&self, object: u64) -> Option<u16> {
        let map = self.field(object, 0)?;
        let b = self.bytes(map, self.layout.map_instance_type, 2)?;
        Some(u16::from_le_bytes([b[0], b[1]]))
    }

    fn is(&self, object: u64, kind: u16) -> bool {
        self.kind(object) == Some(kind)
    }

    /// A Smi's value (the upper 32 bits; the lower are 0).
    fn smi(word: u64) -> Option<i64> {
        (word & 0xffff_ffff == 0).then_some((word as i64) >> 32)
    }

    /// Up to `max` UTF-16 code units of a string (V8's representations: sequential,
    /// cons, sliced, thin; an external string is not read): V8's script offsets count
    /// those units.
    fn units(&self, object: u64, max: usize) -> Option<Vec<u16>> {
        let mut out = vec![];
        self.units_into(object, max, &mut out, 0)?;
        Some(out)
    }

    fn string(&self, object: u64, max: usize) -> Option<String> {
        Some(String::from_utf16_lossy(&self.units(object, max)?))
    }

    fn units_into(&self, object: u64, max: usize, out: &mut Vec<u16>, depth: u32) -> Option<()> {
        let s = &self.layout.strings;
        let kind = self.kind(object)?;
        if kind >= s.first_nonstring || depth > 64 {
            return None;
        }
        let b = self.bytes(object, s.length, 4)?;
        let length = usize::try_from(i32::from_le_bytes(b.try_into().ok()?)).ok()?;
        let want = length.min(max.saturating_sub(out.len()));
        let representation = kind & s.representation_mask;
        if representation == s.seq {
            if kind & s.encoding_mask == s.one_byte {
                out.extend(
                    self.bytes(object, s.seq_one_byte_chars, want)?
                        .into_iter()
                        .map(u16::from),
                );
            } else {
                let b = self.bytes(object, s.seq_two_byte_chars, want * 2)?;
                out.extend(b.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])));
            }
        } else if representation == s.cons {
            self.units_into(self.field(object, s.cons_first)?, max, out, depth + 1)?;
            if out.len() < max {
                self.units_into(self.field(object, s.cons_second)?, max, out, depth + 1)?;
            }
        } else if representation == s.thin {
            self.units_into(self.field(object, s.thin_actual)?, max, out, depth + 1)?;
        } else if representation == s.sliced {
            let offset = usize::try_from(Self::smi(self.field(object, s.sliced_offset)?)?).ok()?;
            let mut whole = vec![];
            self.units_into(
                self.field(object, s.sliced_parent)?,
                offset + want,
                &mut whole,
                depth + 1,
            )?;
            out.extend(whole.iter().skip(offset).take(want));
        } else {
            return None;
        }
        Some(())
    }

    /// Whether executable code at `pc` is the node binary's own (its builtins, among
    /// them the interpreter's): else it was compiled at run time.
    fn in_binary(&self, pc: u64) -> bool {
        self.exe_code.iter().any(|&(a, b)| a <= pc && pc < b)
    }

    /// The JavaScript frame whose frame pointer is `fp`, at `pc` (the return address into
    /// it), with the functions inlined into it (optimized code), innermost first; `None`
    /// when it is not one.
    fn frames(&self, fp: u64, pc: u64) -> Option<Vec<PyFrame>> {
        let l = self.layout;
        let function = self.word(fp.checked_add_signed(l.fp_function)?)?;
        let shared = self.field(function, l.function_shared)?;
        if !self.is(shared, l.shared_type) {
            return None;
        }
        let bytecode = || {
            let b = self.word(fp.checked_add_signed(l.fp_bytecode_array)?)?;
            self.is(b, l.bytecode_type)
                .then(|| Some((b, Self::smi(self.field(b, l.bytecode_length)?)?)))
                .flatten()
        };
        // Interpreted code runs in the binary's interpreter and keeps its bytecode offset
        // in the frame; an on-stack-replaced frame keeps a stale one there, which the
        // code's address tells apart.
        if self.in_binary(pc) {
            let at = bytecode().and_then(|(b, length)| {
                let raw = Self::smi(self.word(fp.checked_add_signed(l.fp_bytecode_offset)?)?)?;
                self.bytecode_position(b, length, raw - (l.bytecode_data as i64 - 1))
            });
            return Some(self.describe(shared, at).into_iter().collect());
        }
        let Some((code, start, size)) = self.code_at(pc) else {
            return Some(self.describe(shared, None).into_iter().collect());
        };
        // Baseline code: its bytecode offset table maps `pc` to a bytecode.
        if let Some((b, length)) = bytecode() {
            if let Some(offset) = self.baseline_offset(b, length, code, pc - start) {
                let at = self.bytecode_position(b, length, offset);
                return Some(self.describe(shared, at).into_iter().collect());
            }
        }
        // Optimized code: its own source position table, with the functions inlined.
        let frames: Vec<PyFrame> = self
            .optimized(code, pc - start, size, shared)
            .into_iter()
            .filter_map(|(sfi, at)| self.describe(sfi, Some(at)))
            .collect();
        if frames.is_empty() {
            return Some(self.describe(shared, None).into_iter().collect());
        }
        Some(frames)
    }

    /// The frame of function `shared` at script offset `at`: its script's path, the line
    /// there, and the function's name. `None` without a script (a builtin).
    fn describe(&self, shared: u64, at: Option<usize>) -> Option<PyFrame> {
        let l = self.layout;
        let script = self.script_of(shared)?;
        let name = self
            .string(self.field(script, l.script_name)?, 4096)
            .unwrap_or_default();
        let path = script_path(&name);
        let line = at.and_then(|at| self.line(script, &path, at)).unwrap_or(0);
        Some(PyFrame {
            file: path,
            function: self.function_name(shared).unwrap_or_default(),
            line,
            at: Default::default(),
        })
    }

    /// A function's script: its shared info's, or with a debug info there (node 18 and 20
    /// under a debugger or collecting block coverage: `NODE_V8_COVERAGE`, c8), the debug
    /// info's.
    fn script_of(&self, shared: u64) -> Option<u64> {
        let l = self.layout;
        let held = self.field(shared, l.shared_script)?;
        let kind = self.kind(held)?;
        if kind == l.script_type {
            return Some(held);
        }
        (Some(kind) == l.debug_info_type).then_some(())?;
        (1..8)
            .filter_map(|k| self.field(held, 8 * k))
            .find(|&w| self.is(w, l.script_type))
    }

    /// The line (from 1) in the file `path` of script offset `at` (UTF-16 units), when it
    /// can be told: V8's line where its source is the file's (or has the same line ends:
    /// types stripped to spaces), else the line an inline source map gives (code a test
    /// runner transformed: Vitest, babel-jest), else none.
    fn line(&self, script: u64, path: &str, at: usize) -> Option<u32> {
        let lines = self.script_lines(script, path)?;
        let units = lines.units.get(..at)?;
        let generated = line_ends(units).len();
        match &lines.map {
            // A script compiled with a line offset (`vm.Script`'s `lineOffset`, kept
            // after its name) counts its lines from there.
            LineMap::Same => {
                let offset = self
                    .field(script, self.layout.script_name + 8)
                    .and_then(Self::smi)
                    .filter(|o| (0..10_000_000).contains(o))
                    .unwrap_or(0);
                u32::try_from(generated as i64 + 1 + offset).ok()
            }
            LineMap::Mapped(map) => {
                let start = line_ends(units).last().map_or(0, |&e| e + 1);
                map.original_line(generated, at - start)
            }
            LineMap::Unknown => None,
        }
    }

    /// A script's source and how its lines map to its file's, read once per stack.
    fn script_lines(&self, script: u64, path: &str) -> Option<std::rc::Rc<ScriptLines>> {
        if let Some(l) = self.scripts.borrow().get(&script) {
            return Some(l.clone());
        }
        let source = self.field(script, self.layout.script_source)?;
        let units = self.units(source, MAX_SOURCE)?;
        let map = line_map(&units, path);
        let lines = std::rc::Rc::new(ScriptLines { units, map });
        self.scripts.borrow_mut().insert(script, lines.clone());
        Some(lines)
    }

    /// A function's name: `name_or_scope_info` is the name, or the function's scope info
    /// holding it (after its context locals' names and infos and an optional saved class
    /// variable, the function variable's name; else the inferred name). Flags (V8's
    /// `ScopeFlags`, the same bits from V8 10 to 13): saved class variable bit 10,
    /// function variable bits 12-13, inferred name bit 14; a module scope (type 5) holds
    /// one more slot first from V8 13.
    fn function_name(&self, shared: u64) -> Option<String> {
        let l = self.layout;
        let held = self.field(shared, l.shared_name?)?;
        let kind = self.kind(held)?;
        if kind < l.strings.first_nonstring {
            return self.string(held, 1024);
        }
        if Some(kind) != l.scope_info_type {
            return None;
        }
        let (first, locals) = (l.scope_first_vars?, l.scope_context_locals?);
        let slot = |k: u64| self.field(held, 8 + 8 * k);
        let flags_word = slot(0)?;
        let flags = Self::smi(flags_word).unwrap_or(flags_word as u32 as i64) as u64;
        let n = u64::try_from(Self::smi(slot(locals)?)?).ok().filter(|&n| n < 100_000)?;
        let mut k = first;
        if flags & 0xf == 5 && first > 3 {
            k += 1;
        }
        k += if n < 75 { n } else { 1 } + n;
        k += (flags >> 10) & 1;
        let name_at = |k: u64| {
            let w = slot(k)?;
            (w & 1 == 1).then_some(())?;
            self.string(w, 1024).filter(|s| !s.is_empty())
        };
        let mut name = None;
        if (flags >> 12) & 3 != 0 {
            // The function variable: its name, then its slot (a Smi).
            Self::smi(slot(k + 1)?)?;
            name = name_at(k);
            k += 2;
        }
        if name.is_none() && (flags >> 14) & 1 == 1 {
            name = name_at(k);
        }
        name
    }

    /// The code object that holds `pc`, compiled at run time: found by its header, looked
    /// for down from `pc` (a word that points to a map of instruction streams, a map
    /// being an object whose map is the meta map), and checked: the code object points
    /// back to it and its instructions hold `pc`. With its instruction start and size.
    fn code_at(&self, pc: u64) -> Option<(u64, u64, u64)> {
        let l = self.layout;
        let want = l.instruction_stream_type.or(l.code_type)?;
        let mut maps: HashMap<u64, Option<u16>> = HashMap::new();
        let mut map_kind = |w: u64| -> Option<u16> {
            if maps.len() > 4096 && !maps.contains_key(&w) {
                return None;
            }
            *maps.entry(w).or_insert_with(|| {
                let meta = self.field(w, 0)?;
                (self.field(meta, 0)? == meta).then_some(())?;
                let b = self.bytes(w, l.map_instance_type, 2)?;
                Some(u16::from_le_bytes([b[0], b[1]]))
            })
        };
        const CHUNK: u64 = 8 << 10;
        let top = pc & !7;
        let mut chunk = vec![0u8; CHUNK as usize];
        for base in (0..(2u64 << 20) / CHUNK).map(|i| top.saturating_sub((i + 1) * CHUNK)) {
            if crate::sys::read_mem(self.tid, base + 8, &mut chunk)? != chunk.len() {
                return None;
            }
            for i in (0..chunk.len() / 8).rev() {
                let w = u64::from_le_bytes(chunk[i * 8..i * 8 + 8].try_into().ok()?);
                if w & 3 != 1 || !(0x10000..1 << 47).contains(&w) || map_kind(w) != Some(want) {
                    continue;
                }
                let header = base + 8 + 8 * i as u64 + 1;
                if let Some(found) = self.code_of_header(header, pc) {
                    return Some(found);
                }
            }
        }
        None
    }

    fn code_of_header(&self, header: u64, pc: u64) -> Option<(u64, u64, u64)> {
        let l = self.layout;
        let (code, start) = if l.instruction_stream_type.is_none() {
            // V8 10: the code object holds its instructions after a header of this size.
            (header, header - 1 + l.code_instruction_start?)
        } else {
            let code_type = l.code_type?;
            let code = (1..6)
                .filter_map(|k| self.field(header, 8 * k))
                .find(|&w| self.is(w, code_type))?;
            let back = l
                .code_instruction_stream
                .or_else(|| (1..10).map(|k| 8 * k).find(|&k| self.field(code, k) == Some(header)))?;
            (self.field(code, back)? == header).then_some(())?;
            let start = self.field(code, l.code_instruction_start.unwrap_or(back + 8))?;
            (header < start && start <= header + 512).then_some((code, start))?
        };
        let size = match l.code_instruction_size {
            Some(o) => {
                let b = self.bytes(code, o, 4)?;
                u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            }
            None => 1 << 20,
        };
        (start <= pc && pc < start + size).then_some((code, start, size))
    }

    /// The tagged fields of a code object's header (up to its instruction stream).
    fn code_fields(&self, code: u64) -> impl Iterator<Item = u64> + '_ {
        let end = self.layout.code_instruction_stream.unwrap_or(40);
        (8..end).step_by(8).filter_map(move |k| self.field(code, k))
    }

    /// The bytecode offset of a baseline frame `at` bytes into its code: the bytecode
    /// offset table (V8's `bytecode-offset-iterator.h`) among the code object's byte
    /// arrays, told from the others by having one entry more than the bytecode array
    /// has bytecodes.
    fn baseline_offset(&self, bytecode: u64, length: i64, code: u64, at: u64) -> Option<i64> {
        let l = self.layout;
        let sizes = l.bytecode_sizes.as_deref()?;
        let n = usize::try_from(length).ok().filter(|&n| n <= 1 << 20)?;
        let starts = bytecode_starts(&self.bytes(bytecode, l.bytecode_data, n)?, sizes)?;
        if at == 0 {
            return Some(-1);
        }
        self.code_fields(code)
            .filter_map(|t| self.byte_array(t))
            .find_map(|table| baseline_bytecode_offset(&table, &starts, at))
    }

    /// The functions and script offsets of optimized code `at` bytes into it (of `size`),
    /// innermost first: the code's source position table (the last of its byte arrays
    /// that decodes as one) gives a position and an inlining id; the deoptimization data
    /// (its fixed array holding a byte array at `InliningPositionsIndex`) gives for each
    /// inlined function its caller's position and, through the literal array, its shared
    /// function info.
    fn optimized(&self, code: u64, at: u64, size: u64, shared: u64) -> Vec<(u64, usize)> {
        let l = self.layout;
        let mut out = vec![];
        let Ok(size) = i64::try_from(size) else {
            return out;
        };
        let Some(table) = self
            .code_fields(code)
            .filter_map(|t| self.byte_array(t))
            .filter_map(|b| {
                decode_positions(&b, l.positions).filter(|t| t.iter().all(|&(c, _)| (0..=size).contains(&c)))
            })
            .last()
        else {
            return out;
        };
        // The return address is one past the call.
        let Some(mut raw) = table
            .iter()
            .take_while(|&&(c, _)| c < at as i64)
            .last()
            .map(|&(_, r)| r)
        else {
            return out;
        };
        let element = |array: u64, i: u64| self.field(array, l.fixed_array_data + 8 * i);
        let deopt = self.code_fields(code).find(|&d| {
            self.kind(d).is_some_and(|k| l.fixed_array_types.contains(&k))
                && self
                    .field(d, 8)
                    .and_then(Self::smi)
                    .is_some_and(|n| n > l.deopt_inlining_positions as i64)
                && element(d, l.deopt_inlining_positions)
                    .and_then(|p| self.byte_array(p))
                    .is_some()
        });
        for _ in 0..64 {
            let Some(offset) = script_offset(raw) else {
                return out;
            };
            let inlined = ((raw >> 31) & 0xffff) - 1;
            if inlined < 0 {
                out.push((shared, offset));
                return out;
            }
            let Some(deopt) = deopt else {
                return out;
            };
            let entry = element(deopt, l.deopt_inlining_positions)
                .and_then(|p| self.byte_array(p))
                .and_then(|b| {
                    b.get(16 * inlined as usize..16 * inlined as usize + 12)
                        .map(<[u8]>::to_vec)
                });
            let Some(entry) = entry else {
                return out;
            };
            let parent = i64::from_le_bytes(entry[..8].try_into().unwrap_or_default());
            let function = u64::from(u32::from_le_bytes(entry[8..12].try_into().unwrap_or_default()));
            let sfi = element(deopt, l.deopt_literals)
                .and_then(|lits| element(lits, function))
                .map(|w| w & !2)
                .and_then(|w| self.unwrap_shared(w));
            let Some(sfi) = sfi else {
                return out;
            };
            out.push((sfi, offset));
            raw = parent;
        }
        out
    }

    /// A shared function info, or the wrapper that holds one (V8 13).
    fn unwrap_shared(&self, w: u64) -> Option<u64> {
        let l = self.layout;
        let kind = self.kind(w)?;
        if kind == l.shared_type {
            return Some(w);
        }
        (Some(kind) == l.shared_wrapper_type).then_some(())?;
        let inner = self.field(w, l.shared_wrapper_shared?)?;
        self.is(inner, l.shared_type).then_some(inner)
    }

    /// The bytes of a byte array (`ByteArray`, `TrustedByteArray`).
    fn byte_array(&self, object: u64) -> Option<Vec<u8>> {
        let l = self.layout;
        if !self.kind(object).is_some_and(|k| l.byte_array_types.contains(&k)) {
            return None;
        }
        let n = Self::smi(self.field(object, l.byte_array_length)?)?;
        let n = usize::try_from(n).ok().filter(|&n| n > 0 && n < 1 << 24)?;
        self.bytes(object, l.byte_array_data, n)
    }

    /// The source position table of `bytecode` (`length` bytes), decoded: the last
    /// tagged header field holding a byte array that decodes as one (code offsets within
    /// the bytecode, in order) and is not the handler table (whose 16-byte entries are
    /// ranges of the bytecode). `None` when the table was not made (V8 makes them lazily:
    /// only once a stack trace needs one).
    fn position_table(&self, bytecode: u64, length: i64) -> Option<Vec<(i64, i64)>> {
        let l = self.layout;
        (8..l.bytecode_data.saturating_sub(7))
            .step_by(8)
            .filter_map(|slot| self.field(bytecode, slot).and_then(|t| self.byte_array(t)))
            .filter_map(|bytes| position_table(&bytes, length, l.positions))
            .last()
    }

    /// The script offset of bytecode `offset` of `bytecode` (`length` bytes), from its
    /// source position table.
    fn bytecode_position(&self, bytecode: u64, length: i64, offset: i64) -> Option<usize> {
        (-1..length).contains(&offset).then_some(())?;
        script_offset(position_at(&self.position_table(bytecode, length)?, offset)?)
    }

    /// The script offsets of every entry of a bytecode array's source position table.
    fn bytecode_positions(&self, bytecode: u64, length: i64) -> Vec<usize> {
        self.position_table(bytecode, length)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(_, raw)| script_offset(raw))
            .collect()
    }
}

/// `bytes` decoded, when they are the source position table of a bytecode array of
/// `length` bytes; `None` when they are not (another table of its, or of other code).
fn position_table(bytes: &[u8], length: i64, encoding: Positions) -> Option<Vec<(i64, i64)>> {
    if is_handler_table(bytes, length) {
        return None;
    }
    let table = decode_positions(bytes, encoding)?;
    table.iter().all(|&(c, _)| c < length).then_some(table)
}

/// The raw position at bytecode `offset` in a source position table: that of the last
/// entry at or before it.
fn position_at(table: &[(i64, i64)], offset: i64) -> Option<i64> {
    table
        .iter()
        .take_while(|&&(c, _)| c <= offset)
        .last()
        .map(|&(_, raw)| raw)
}

/// The entries of a source position table, `(code offset, raw position)` each, in order:
/// VLQ deltas from the function entry (code offset -1, position 0), the code offset's
/// delta telling a statement from an expression as `encoding` says (so code offsets
/// never decrease), the position's zig-zag. `None` when empty.
fn decode_positions(table: &[u8], encoding: Positions) -> Option<Vec<(i64, i64)>> {
    let mut rest = table;
    let mut vlq = || -> Option<u64> {
        let (mut value, mut shift) = (0u64, 0);
        loop {
            let (&b, tail) = rest.split_first()?;
            rest = tail;
            value |= u64::from(b & 0x7f).checked_shl(shift)?;
            shift += 7;
            if b & 0x80 == 0 || shift > 63 {
                break;
            }
        }
        Some(value)
    };
    let zigzag = |v: u64| ((v >> 1) as i64) ^ -((v & 1) as i64);
    let (mut code, mut position, mut out) = (-1i64, 0i64, vec![]);
    for _ in 0..table.len() {
        let Some(raw) = vlq() else {
            break;
        };
        let delta = match encoding {
            Positions::Signed => match zigzag(raw) {
                d if d >= 0 => d,
                d => -(d + 1),
            },
            Positions::Tagged => i64::try_from(raw >> 2).ok()?,
        };
        code = code.checked_add(delta)?;
        position = position.checked_add(zigzag(vlq()?))?;
        out.push((code, position));
    }
    (!out.is_empty()).then_some(out)
}

/// The script offset of a raw `SourcePosition`: bit 0 says external (never in code of
/// a script), then the offset plus one in 30 bits, then the inlining id plus one.
fn script_offset(raw: i64) -> Option<usize> {
    if raw & 1 != 0 {
        return None;
    }
    usize::try_from(((raw >> 1) & ((1 << 30) - 1)) - 1).ok()
}

/// Whether `bytes` are a bytecode array's handler table: 16-byte entries `{range start,
/// range end, handler offset << 3 | prediction, context register}` within the bytecode.
fn is_handler_table(bytes: &[u8], length: i64) -> bool {
    bytes.len() % 16 == 0
        && bytes.chunks_exact(16).all(|e| {
            let int = |i: usize| i64::from(i32::from_le_bytes([e[i], e[i + 1], e[i + 2], e[i + 3]]));
            let (start, end, handler, data) = (int(0), int(4), int(8), int(12));
            0 <= start
                && start < end
                && end <= length
                && handler >= 0
                && handler >> 3 <= 2 * length
                && -256 < data
                && data < 65536
        })
}

/// The offset of each bytecode of `code`, with `sizes` (`kBytecodeSizes`: a row per
/// operand scale, each opcode's size with its operands). A `Wide` or `ExtraWide` prefix
/// (opcodes 0 and 2, 1 and 3 with `DebugBreak`) scales the bytecode after it and counts
/// as part of it. `None` when the bytes do not end on a bytecode boundary.
fn bytecode_starts(code: &[u8], sizes: &[u8]) -> Option<Vec<i64>> {
    let count = sizes.len() / 3;
    let mut starts = vec![];
    let mut i = 0;
    while i < code.len() {
        starts.push(i as i64);
        let size = match code[i] {
            0 | 2 => 1 + usize::from(*sizes.get(count + usize::from(*code.get(i + 1)?))?),
            1 | 3 => 1 + usize::from(*sizes.get(2 * count + usize::from(*code.get(i + 1)?))?),
            op => usize::from(*sizes.get(usize::from(op))?),
        };
        if size == 0 {
            return None;
        }
        i += size;
    }
    (i == code.len()).then_some(starts)
}

/// The bytecode a baseline frame is at, `at` bytes into its machine code: the bytecode
/// offset table holds unsigned VLQs (7 bits a byte, low first), the machine code size of
/// the prologue (bytecode offset -1) and then of each bytecode; `None` unless the table
/// has exactly one entry per bytecode besides the prologue's and `at` falls within it.
fn baseline_bytecode_offset(table: &[u8], starts: &[i64], at: u64) -> Option<i64> {
    let mut sizes = Vec::with_capacity(starts.len() + 1);
    let (mut value, mut shift) = (0u64, 0u32);
    for &b in table {
        value |= u64::from(b & 0x7f).checked_shl(shift)?;
        shift += 7;
        if b & 0x80 == 0 {
            sizes.push(value);
            (value, shift) = (0, 0);
        } else if shift > 35 {
            return None;
        }
    }
    if shift != 0 || sizes.len() != starts.len() + 1 {
        return None;
    }
    let (mut end, mut offset) = (sizes[0], -1);
    for (size, &start) in sizes[1..].iter().zip(starts) {
        if end >= at {
            break;
        }
        end += size;
        offset = start;
    }
    (end >= at).then_some(offset)
}

/// The offsets of the line ends of `units` as V8 counts them: `\r\n` (at its `\n`), `\n`,
/// `\r`, U+2028, U+2029.
fn line_ends(units: &[u16]) -> Vec<usize> {
    units
        .iter()
        .enumerate()
        .filter(|&(i, &u)| u == 0x0a || u == 0x2028 || u == 0x2029 || (u == 0x0d && units.get(i + 1) != Some(&0x0a)))
        .map(|(i, _)| i)
        .collect()
}

/// How the lines of a script's source (`units`) are those of its file `path`: the same
/// (the file's text, a BOM aside, or with the same line ends), through the source's
/// inline source map, or not known. A script without a readable file (node's own,
/// `eval`) keeps its lines.
fn line_map(units: &[u16], path: &str) -> LineMap {
    let Ok(bytes) = std::fs::read(path) else {
        return LineMap::Same;
    };
    // A byte order mark is no line (node's loaders keep it in one version, not another).
    let file: Vec<u16> = String::from_utf8_lossy(&bytes).encode_utf16().collect();
    let unmarked = |u: &[u16]| -> Vec<u16> { u.strip_prefix(&[0xfeff]).unwrap_or(u).to_vec() };
    let (file, source) = (unmarked(&file), unmarked(units));
    if file == source || line_ends(&file) == line_ends(&source) {
        return LineMap::Same;
    }
    // Node's type stripping (a `.ts` file run as it is) blanks out the types and appends
    // a `//# sourceURL=` line: the lines before it are the file's.
    let text = String::from_utf16_lossy(&source);
    if let Some(at) = text.rfind("//# sourceURL=").filter(|&at| !text[at..].contains('\n')) {
        let code: Vec<u16> = text[..at].trim_end_matches(['\n', '\r']).encode_utf16().collect();
        let file_text = String::from_utf16_lossy(&file);
        let file_code: Vec<u16> = file_text.trim_end_matches(['\n', '\r']).encode_utf16().collect();
        if line_ends(&code) == line_ends(&file_code) {
            return LineMap::Same;
        }
    }
    match SourceMap::inline(&String::from_utf16_lossy(units), path) {
        Some(map) => LineMap::Mapped(map),
        None => LineMap::Unknown,
    }
}

/// A source map's segments (ECMA-426, "Source map format"): per generated line, each
/// segment's generated column and, when it maps into the file itself, its original line
/// (0-based).
struct SourceMap {
    lines: Vec<Vec<(u64, Option<u64>)>>,
}

impl SourceMap {
    /// The map of the `//# sourceMappingURL=data:...;base64,` comment of `source`,
    /// keeping the segments that map into `path` (a source naming it, or the only one).
    fn inline(source: &str, path: &str) -> Option<SourceMap> {
        use base64::Engine;
        let at = source.rfind("sourceMappingURL=data:")?;
        let data = &source[at..];
        let payload = &data[data.find("base64,")? + "base64,".len()..];
        let payload = payload.split(|c: char| c.is_whitespace()).next()?;
        let json = base64::engine::general_purpose::STANDARD.decode(payload).ok()?;
        let map: serde_json::Value = serde_json::from_slice(&json).ok()?;
        let sources: Vec<&str> = map["sources"]
            .as_array()?
            .iter()
            .map(|s| s.as_str().unwrap_or(""))
            .collect();
        let root = map["sourceRoot"].as_str().unwrap_or("");
        let dir = std::path::Path::new(path).parent().unwrap_or(std::path::Path::new("/"));
        let own: Vec<bool> = sources
            .iter()
            .map(|s| {
                let s = s.strip_prefix("file://").unwrap_or(s);
                let joined = dir.join(root).join(s);
                sources.len() == 1 || normalize(&joined) == normalize(std::path::Path::new(path))
            })
            .collect();
        Self::parse(map["mappings"].as_str()?, &own)
    }

    /// The segments of `mappings` (base64 VLQ fields, relative to the segment before:
    /// generated column (per line), source, original line, original column, name).
    fn parse(mappings: &str, own: &[bool]) -> Option<SourceMap> {
        let digit = |c: u8| -> Option<u64> {
            Some(match c {
                b'A'..=b'Z' => c - b'A',
                b'a'..=b'z' => c - b'a' + 26,
                b'0'..=b'9' => c - b'0' + 52,
                b'+' => 62,
                b'/' => 63,
                _ => return None,
            } as u64)
        };
        let (mut source, mut line) = (0i64, 0i64);
        let mut lines = vec![];
        for text in mappings.split(';') {
            let mut column = 0i64;
            let mut segments = vec![];
            for segment in text.split(',').filter(|s| !s.is_empty()) {
                let mut fields = [0i64; 5];
                let mut n = 0;
                let (mut value, mut shift) = (0u64, 0u32);
                for &c in segment.as_bytes() {
                    let d = digit(c)?;
                    value |= (d & 0x1f).checked_shl(shift)?;
                    shift += 5;
                    if d & 0x20 == 0 {
                        let v = (value >> 1) as i64;
                        *fields.get_mut(n)? = if value & 1 == 1 { -v } else { v };
                        n += 1;
                        (value, shift) = (0, 0);
                    } else if shift > 60 {
                        return None;
                    }
                }
                column += fields[0];
                let original = if n >= 4 {
                    source += fields[1];
                    line += fields[2];
                    let mine = usize::try_from(source)
                        .ok()
                        .and_then(|s| own.get(s))
                        .copied()
                        .unwrap_or(false);
                    mine.then(|| u64::try_from(line).ok()).flatten()
                } else {
                    None
                };
                segments.push((u64::try_from(column).ok()?, original));
            }
            lines.push(segments);
        }
        Some(SourceMap { lines })
    }

    /// The original line (from 1) of generated line `line` (0-based), column `column`:
    /// that of the last segment at or before the column.
    fn original_line(&self, line: usize, column: usize) -> Option<u32> {
        let segment = self
            .lines
            .get(line)?
            .iter()
            .take_while(|s| s.0 <= column as u64)
            .last()?;
        u32::try_from(segment.1? + 1).ok()
    }
}

/// `p` with `.` and `..` resolved in its text.
fn normalize(p: &std::path::Path) -> std::path::PathBuf {
    let mut out = std::path::PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

/// A script's name as a path: node names a CommonJS module by its path and an ES module
/// by its `file:` URL.
fn script_path(name: &str) -> String {
    let Some(rest) = name.strip_prefix("file://") else {
        return name.to_owned();
    };
    let mut out = Vec::with_capacity(rest.len());
    let b = rest.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The JavaScript frames of Node threads, with the layouts of the node binaries seen.
#[derive(Default)]
pub struct V8Stacks {
    /// `(dev, ino)` of an executable → its V8's layout (`None`: no metadata).
    layouts: HashMap<(u64, u64), Option<Layout>>,
    /// The unwinder of node's own C++ frames, between the system call and V8's exit frame.
    native: crate::native::NativeStacks,
    /// How long each process's main thread may still be waited for ([`waiting`]).
    waits: EventLoopWaits,
    /// Whether the last stack read was the calling thread's own JavaScript frames (a
    /// synchronous call), not those of the code waiting for a worker thread's call.
    synchronous: bool,
}

/// A thread's JavaScript frames ([`V8Stacks::stack`]).
#[derive(Default)]
pub struct JsStack {
    /// Innermost first.
    pub frames: Vec<PyFrame>,
    /// The walk stopped at its limit with frames of the program left.
    pub cut: bool,
    /// The outermost frame is where V8 was entered from C++ (no JavaScript called it).
    pub entered: bool,
}

impl JsStack {
    fn walked(frames: Vec<PyFrame>, cut: bool, entered: bool) -> JsStack {
        JsStack { frames, cut, entered }
    }
}

impl V8Stacks {
    /// The JavaScript frames of thread `tid` of process `pid`, stopped in a system call
    /// made from JavaScript through node's C++, innermost first (node's own modules
    /// included; empty when there are none or they cannot be read); whether the walk
    /// stopped at its limit (64 frames, `MAX_FRAMES`) with frames of the program left;
    /// and whether the outermost of them is where V8 was entered from C++: the frame
    /// pointer chain was read up to its entry frame (not cut, not broken off), so that no
    /// JavaScript called that frame's function in this activation: node's C++ or V8's own
    /// did, such as the microtask queue running a promise's reaction or resuming an async
    /// function after its `await`. (The frames of an asynchronous call, read from who
    /// waits for it, are not such a chain: false.)
    pub fn stack(&mut self, pid: u32, tid: u32) -> JsStack {
        self.synchronous = false;
        if !cfg!(target_arch = "x86_64") {
            return JsStack::default();
        }
        self.frames(pid, tid).unwrap_or_default()
    }

    /// Whether the last [`V8Stacks::stack`] was the calling thread's own frames: the call
    /// was made synchronously by them (`fs.unlinkSync`), so what it throws on Windows
    /// goes up through them; not the frames waiting for a libuv worker's call (a
    /// callback's error is an argument, a promise's a rejection).
    pub fn synchronous(&self) -> bool {
        self.synchronous
    }

    fn frames(&mut self, pid: u32, tid: u32) -> Option<JsStack> {
        let exe = std::fs::File::open(format!("/proc/{pid}/exe")).ok()?;
        let m = exe.metadata().ok()?;
        if self.layouts.len() >= 16 {
            self.layouts.clear();
        }
        self.layouts
            .entry((m.dev(), m.ino()))
            .or_insert_with(|| Layout::of(exe))
            .as_ref()?;
        // Where node's C++ frames end (their call frame information unwinds them exactly):
        // the exit frame is the first above, and its frame pointer the one restored there
        // when a C++ frame saved it.
        let native = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.native.stop(pid, tid)));
        let (bottom, exit_fp) = native
            .unwrap_or_else(|_| {
                self.native = Default::default();
                None
            })
            .unzip();
        let layout = self.layouts.get(&(m.dev(), m.ino()))?.as_ref()?;
        let (sp, _) = crate::procscan::syscall_sp_pc(tid)?;
        let mut stack = vec![0u8; STACK_BYTES];
        let n = crate::sys::read_mem(tid, sp, &mut stack)?;
        stack.truncate(n);
        let (ino, path) = (m.ino(), std::fs::read_link(format!("/proc/{pid}/exe")).ok()?);
        let maps = std::fs::read_to_string(format!("/proc/{pid}/maps")).ok()?;
        let exe_code = maps
            .lines()
            .filter_map(crate::procscan::maps_line)
            .filter(|l| l.perms.get(2) == Some(&b'x') && l.ino == ino && std::path::Path::new(l.path) == path)
            .map(|l| (l.start, l.end))
            .collect();
        let t = Thread {
            tid,
            sp,
            stack: &stack,
            layout,
            exe_code,
            scripts: Default::default(),
        };
        let end = sp + n as u64;
        // The exit frame: its marker below its frame pointer, the caller's frame pointer
        // (higher on the stack) at it, JavaScript frames above up to an entry frame. It is
        // the frame pointer restored where node's C++ frames end, else the first exit
        // frame above them. Without that (their call frame information unreadable) it is
        // looked for from the stack pointer: below the live one, in the C++ frames'
        // unused slots, stale exit frames of earlier calls may remain whose chains join
        // the live chain further up, even with an entry frame of their own between;
        // above it, those of outer activations (JavaScript called back from C++) end at
        // outer entry frames. So: of the chains that end at the innermost entry frame,
        // the longest.
        let mut best: (u64, Vec<PyFrame>, bool) = (u64::MAX, vec![], false);
        let mut broken: Vec<PyFrame> = vec![];
        let is_exit = |fp: u64| {
            t.word(fp - 8).is_some_and(|m| layout.exit.contains(&m))
                && t.word(fp).is_some_and(|caller| caller > fp && caller < end)
        };
        // The chain ended at an entry frame, not where the most frames were read.
        let entered = |entry: u64| entry != u64::MAX;
        if let Some(fp) = exit_fp.flatten().filter(|&fp| is_exit(fp)) {
            if let (frames, Some(entry), cut) = walk(&t, fp, end) {
                self.synchronous = true;
                return Some(JsStack::walked(frames, cut, entered(entry)));
            }
        }
        if let Some(bottom) = bottom {
            if let Some((frames, Some(entry), cut)) = (bottom + 8..end.saturating_sub(8))
                .step_by(8)
                .filter(|&fp| is_exit(fp))
                .map(|fp| walk(&t, fp, end))
                .next()
            {
                self.synchronous = true;
                return Some(JsStack::walked(frames, cut, entered(entry)));
            }
        }
        for fp in (sp + 8..end.saturating_sub(8)).step_by(8) {
            if !is_exit(fp) {
                continue;
            }
            match walk(&t, fp, end) {
                (frames, _, _) if frames.is_empty() => {}
                (frames, Some(entry), cut) if entry < best.0 || (entry == best.0 && frames.len() > best.1.len()) => {
                    best = (entry, frames, cut);
                }
                (frames, None, _) if broken.is_empty() => broken = frames,
                _ => {}
            }
        }
        if best.1.is_empty() && broken.is_empty() {
            // No JavaScript called: a libuv worker thread making an asynchronous call.
            let args = crate::procscan::syscall_args(tid)?;
            return Some(JsStack::walked(
                waiting::frames(&t, pid, &args, &mut self.waits),
                false,
                false,
            ));
        }
        self.synchronous = true;
        Some(if best.1.is_empty() {
            JsStack::walked(broken, false, false)
        } else {
            JsStack::walked(best.1, best.2, entered(best.0))
        })
    }
}

/// The JavaScript frames of the frame pointer chain from `fp` (an exit frame's) up to
/// the entry frame, at most [`MAX_FRAMES`] frames of the chain; where the chain ended:
/// the entry frame's frame pointer (the end of the chain, or the most frames read:
/// `u64::MAX`), `None` if it broke off; and whether frames of the program are left past
/// the limit (the chain is followed [`LOOKAHEAD`] frames further to tell: below a main
/// module are node's own loader's frames, which [`shown`] leaves out).
fn walk(t: &Thread, mut fp: u64, end: u64) -> (Vec<PyFrame>, Option<u64>, bool) {
    let mut out = vec![];
    // The frame below: the return address into a frame is just above its frame pointer.
    let mut callee = None;
    // Where the frames past the limit begin, once the walk gets there.
    let mut kept = None;
    // How the chain ended (as returned); `None`: it went on past the lookahead.
    let mut ended = None;
    for step in 0..MAX_FRAMES + LOOKAHEAD {
        if step == MAX_FRAMES {
            kept = Some(out.len());
        }
        let Some(marker) = fp.checked_add_signed(t.layout.fp_context).and_then(|a| t.word(a)) else {
            ended = Some(None);
            break;
        };
        if marker & 1 == 0 {
            if t.layout.entry.contains(&marker) {
                ended = Some(Some(fp));
                break;
            }
        } else {
            let pc = callee.and_then(|c: u64| t.word(c + 8)).unwrap_or(0);
            match t.frames(fp, pc) {
                Some(f) => out.extend(f),
                // The first frame above the exit frame that is not a typed one must be
                // JavaScript: else this was not an exit frame.
                None if out.is_empty() => {
                    ended = Some(None);
                    break;
                }
                None => {}
            }
        }
        match t.word(fp) {
            Some(0) => {
                ended = Some(Some(u64::MAX));
                break;
            }
            Some(caller) if caller > fp && caller < end => (callee, fp) = (Some(fp), caller),
            _ => {
                ended = Some(None);
                break;
            }
        }
    }
    let Some(kept) = kept else {
        return (out, ended.flatten(), false);
    };
    let more = match ended {
        // The chain ended within the lookahead: were any of the frames past the limit
        // the program's?
        Some(Some(_)) => !shown(&out[kept..]).is_empty(),
        // Not read to its end: more frames, of whoever's.
        _ => true,
    };
    out.truncate(kept);
    // Where it ended is past the frames kept: as for a chain read as far as the most
    // frames, `u64::MAX` (its outermost frame kept is no entered one).
    (out, Some(u64::MAX), more)
}

/// The frames worth showing: the program's, not node's own modules (`node:fs`,
/// `node:internal/...`) nor code compiled from a string without a name.
pub fn shown(stack: &[PyFrame]) -> Vec<PyFrame> {
    stack
        .iter()
        .filter(|f| !f.file.is_empty() && !f.file.starts_with("node:") && !f.file.starts_with("internal/"))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A source position table as V8 encodes one (zig-zag VLQ deltas from code offset
    /// -1; a negative code delta marks an expression position).
    fn encode(entries: &[(i64, i64, bool)]) -> Vec<u8> {
        let mut out = vec![];
        let mut put = |v: i64| {
            let mut z = ((v << 1) ^ (v >> 63)) as u64;
            loop {
                let more = z > 0x7f;
                out.push((z & 0x7f) as u8 | if more { 0x80 } else { 0 });
                z >>= 7;
                if !more {
                    break;
                }
            }
        };
        let (mut code, mut pos) = (-1, 0);
        for &(c, script_offset, statement) in entries {
            let d = c - code;
            put(if statement { d } else { -d - 1 });
            let raw = (script_offset + 1) << 1;
            put(raw - pos);
            (code, pos) = (c, raw);
        }
        out
    }

    /// The script offset at bytecode `offset` of a bytecode array of `length` bytes whose
    /// source position table is `t`.
    fn offset_at(t: &[u8], length: i64, offset: i64) -> Option<usize> {
        script_offset(super::position_at(
            &position_table(t, length, Positions::Signed)?,
            offset,
        )?)
    }

    #[test]
    fn a_position_is_that_of_the_last_entry_at_or_before_the_offset() {
        // The top-level code of a CommonJS module in node 20: a call at offset 28 whose
        // statement entry is at 28, after an expression at 26.
        let t = encode(&[
            (-1, 0, false),
            (0, 0, false),
            (19, 11, true),
            (22, 11, false),
            (26, 11, false),
            (28, 166, true),
            (32, 177, true),
        ]);
        assert_eq!(offset_at(&t, 33, 28), Some(166));
        assert_eq!(offset_at(&t, 33, 27), Some(11));
        assert_eq!(offset_at(&t, 33, 0), Some(0));
        // The same bytes read as the table of a shorter bytecode array: not its table.
        assert_eq!(offset_at(&t, 30, 28), None);
        // Node 20's bytes for it, as read from a live process.
        let live = [
            0x01, 0x04, 0x03, 0x00, 0x26, 0x2c, 0x07, 0x00, 0x09, 0x00, 0x04, 0xec, 0x04, 0x08, 0x2c,
        ];
        assert_eq!(offset_at(&live, 33, 28), Some(166));
        assert_eq!(offset_at(&[0x80], 33, 0), None);
    }

    #[test]
    fn v8_14_tags_code_offsets() {
        // `cleanup` of node_frames_nested.js, as node 24 (V8 13.6) and node 26 (V8 14.6)
        // wrote its table, read from live processes; `node --print-bytecode` gives its
        // entries: the function entry, 495 S> at 0, 495 E> at 3, 525 S> at 8.
        let v13 = [1, 160, 15, 2, 32, 7, 0, 10, 120];
        let v14 = [2, 160, 15, 7, 32, 14, 0, 23, 120];
        let want = vec![(-1, 976), (0, 992), (3, 992), (8, 1052)];
        assert_eq!(decode_positions(&v13, Positions::Signed), Some(want.clone()));
        assert_eq!(decode_positions(&v14, Positions::Tagged), Some(want));
        // Read the old way, V8 14's code offsets run past the 9 bytes of bytecode.
        assert_eq!(position_table(&v14, 9, Positions::Signed), None);
        assert_eq!(
            script_offset(position_at(&position_table(&v14, 9, Positions::Tagged).unwrap(), 7).unwrap()),
            Some(495)
        );
    }

    #[test]
    fn baseline_code_maps_back_to_its_bytecodes() {
        // Opcodes 0..=3 are the prefixes; 4 is one byte, 5 two, 6 three (scaled: 3, 5).
        let mut sizes = vec![0u8; 3 * 8];
        for (scale, row) in [
            [1, 1, 1, 1, 1, 2, 3, 1],
            [1, 1, 1, 1, 1, 3, 5, 1],
            [1, 1, 1, 1, 1, 5, 9, 1],
        ]
        .iter()
        .enumerate()
        {
            sizes[scale * 8..scale * 8 + 8].copy_from_slice(row);
        }
        // 4 | 5 x | 0 6 x x x x | 6 x x
        let code = [4, 5, 0, 0, 6, 0, 0, 0, 0, 6, 0, 0];
        let starts = bytecode_starts(&code, &sizes).unwrap();
        assert_eq!(starts, [0, 1, 3, 9]);
        assert_eq!(bytecode_starts(&code[..11], &sizes), None);
        // Machine code: prologue 10 bytes, then 4, 200 (two VLQ bytes), 6, 8.
        let table = [10, 4, 0xc8, 0x01, 6, 8];
        assert_eq!(baseline_bytecode_offset(&table, &starts, 5), Some(-1));
        assert_eq!(baseline_bytecode_offset(&table, &starts, 10), Some(-1));
        assert_eq!(baseline_bytecode_offset(&table, &starts, 11), Some(0));
        // A return address at the very end of a bytecode's code is that bytecode's call.
        assert_eq!(baseline_bytecode_offset(&table, &starts, 214), Some(1));
        assert_eq!(baseline_bytecode_offset(&table, &starts, 215), Some(3));
        assert_eq!(baseline_bytecode_offset(&table, &starts, 228), Some(9));
        assert_eq!(baseline_bytecode_offset(&table, &starts, 229), None);
        // A table with another number of entries belongs to other code.
        assert_eq!(baseline_bytecode_offset(&table[..5], &starts, 11), None);
        assert_eq!(baseline_bytecode_offset(&[10, 0x80], &starts[..0], 1), None);
    }

    #[test]
    fn a_handler_table_is_not_taken_for_positions() {
        // One try range (bytecode 2..10, handler at 12, context register 3).
        let mut handler = vec![];
        for v in [2i32, 10, 12 << 3, 3] {
            handler.extend(v.to_le_bytes());
        }
        assert!(is_handler_table(&handler, 20));
        assert_eq!(position_table(&handler, 20, Positions::Signed), None);
        // Out of the bytecode's range: not its handler table.
        assert!(!is_handler_table(&handler, 8));
        assert_eq!(decode_positions(&[], Positions::Signed), None);
        assert_eq!(script_offset(3), None);
        assert_eq!(script_offset(12), Some(5));
    }

    #[test]
    fn source_maps_give_the_file_lines() {
        // Two generated lines above; generated line 2 maps to line 0, line 3 (from
        // column 4) to line 5; a second source is another file.
        let map = SourceMap::parse(";;AAAA;AAAA,IAKA,ECAA", &[true, false]).unwrap();
        assert_eq!(map.original_line(0, 0), None);
        assert_eq!(map.original_line(2, 7), Some(1));
        assert_eq!(map.original_line(3, 3), Some(1));
        assert_eq!(map.original_line(3, 4), Some(6));
        assert_eq!(map.original_line(3, 9), None);
        assert!(SourceMap::parse("A!", &[true]).is_none());
        let units: Vec<u16> = "a\r\nb\rc\u{2028}d\n".encode_utf16().collect();
        assert_eq!(line_ends(&units), [2, 4, 6, 8]);
        // A script without a file keeps its lines.
        assert!(matches!(line_map(&units, "node:fs"), LineMap::Same));
        // A byte order mark in the file or the source is no difference.
        let dir = std::env::temp_dir().join(format!("winsan-bom-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("m.cjs");
        std::fs::write(&file, "\u{feff}a\r\nb\rc\u{2028}d\n").unwrap();
        let with_mark: Vec<u16> = "\u{feff}a\r\nb\rc\u{2028}d\n".encode_utf16().collect();
        assert!(matches!(line_map(&units, file.to_str().unwrap()), LineMap::Same));
        assert!(matches!(line_map(&with_mark, file.to_str().unwrap()), LineMap::Same));
        let other: Vec<u16> = "x\n\na".encode_utf16().collect();
        assert!(matches!(line_map(&other, file.to_str().unwrap()), LineMap::Unknown));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_es_module_is_named_by_its_path() {
        assert_eq!(script_path("file:///tmp/a%20b/m.mjs"), "/tmp/a b/m.mjs");
        assert_eq!(script_path("/tmp/t.js"), "/tmp/t.js");
        assert_eq!(script_path("file:///x%"), "/x%");
        assert_eq!(script_path("node:fs"), "node:fs");
    }
}
