//! A Node.js caller's JavaScript frames, read from its V8 stack and heap.
//!
//! V8 keeps a frame pointer chain through every JavaScript frame it runs (x64: `rbp`;
//! V8's `frame-constants.h`): at a frame pointer `fp` are the caller's frame pointer,
//! above it the return address, below it either a *marker* (an even word: the type of a
//! frame V8 made for itself, `StackFrame::TypeToMarker`) or the frame's context (a tagged
//! pointer, odd: a JavaScript frame), then the function being run. An interpreted frame
//! also holds its `BytecodeArray` and the offset of the bytecode it is at, for a caller
//! the call it made. The bytecode array's source position table (VLQ-encoded pairs of
//! code offset and script offset, V8's `source-position-table.cc`) turns that offset into
//! a position in the script, whose source gives the line.
//!
//! When a Node program calls `fs.unlinkSync`, V8 leaves JavaScript through an *exit*
//! frame (`EXIT`, `BUILTIN_EXIT`, `API_CALLBACK_EXIT`...) into node's C++ binding,
//! which makes the system call. Of a thread stopped in that call only the stack pointer
//! can be read without ptrace (`/proc/TID/syscall`), so the exit frame is found by
//! looking up the stack for a frame pointer whose marker is an exit type and whose chain
//! leads to a JavaScript frame whose function, shared function info and script all have
//! the types they must have. The offsets and type numbers are not guessed: node is built
//! with V8's postmortem metadata (`v8_postmortem_support`), a `v8dbg_*` dynamic symbol
//! for each (what llnode reads), which differ from one V8 version to the next.
//!
//! An asynchronous call (`fs.unlink(path, callback)`, `fs.promises`) runs on a libuv
//! worker thread, which has no JavaScript frames: it has no stack here. A frame of
//! optimized code has its function and script but no line. Anything unexpected ends the
//! walk with the frames found so far; nothing here can fail the program.

use std::collections::HashMap;
use std::os::unix::fs::MetadataExt;

use crate::pyframe::PyFrame;

/// At most this many frames are read, innermost first.
const MAX_FRAMES: usize = 64;
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
    /// Baseline (Sparkplug) code: the type of `Code` objects, the offsets of a code
    /// object's instruction start and size where the metadata has them, and the size of
    /// each bytecode (`Bytecodes::kBytecodeSizes`, three rows: operand scale 1, 2, 4;
    /// from the symbol table, absent from a stripped binary).
    code_type: Option<u16>,
    code_instruction_start: Option<u64>,
    code_instruction_size: Option<u64>,
    bytecode_sizes: Option<Vec<u8>>,
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
            code_type: kind("Code"),
            code_instruction_start: field("Code", &["instruction_start"]),
            code_instruction_size: field("Code", &["instruction_size"]),
            bytecode_sizes: elf
                .static_symbol_bytes(b"_ZN2v88internal11interpreter9Bytecodes14kBytecodeSizesE", 3 << 10)
                .filter(|b| b.len() % 3 == 0 && b.len() >= 3 * 4),
        })
    }
}

/// Reads of one stopped thread: its stack, read once, and its heap, a word at a time.
struct Thread<'a> {
    tid: u32,
    sp: u64,
    stack: &'a [u8],
    layout: &'a Layout,
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

    /// Up to `max` characters of a string (V8's representations: sequential, cons,
    /// sliced, thin; an external string is not read).
    fn string(&self, object: u64, max: usize) -> Option<String> {
        let mut out = String::new();
        self.string_into(object, max, &mut out, 0)?;
        Some(out)
    }

    fn string_into(&self, object: u64, max: usize, out: &mut String, depth: u32) -> Option<()> {
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
                        .map(char::from),
                );
            } else {
                let b = self.bytes(object, s.seq_two_byte_chars, want * 2)?;
                let units = b.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]]));
                out.extend(char::decode_utf16(units).map(|c| c.unwrap_or('\u{fffd}')));
            }
        } else if representation == s.cons {
            self.string_into(self.field(object, s.cons_first)?, max, out, depth + 1)?;
            if out.len() < max {
                self.string_into(self.field(object, s.cons_second)?, max, out, depth + 1)?;
            }
        } else if representation == s.thin {
            self.string_into(self.field(object, s.thin_actual)?, max, out, depth + 1)?;
        } else if representation == s.sliced {
            let offset = usize::try_from(Self::smi(self.field(object, s.sliced_offset)?)?).ok()?;
            let mut whole = String::new();
            self.string_into(
                self.field(object, s.sliced_parent)?,
                offset + want,
                &mut whole,
                depth + 1,
            )?;
            out.extend(whole.chars().skip(offset).take(want));
        } else {
            return None;
        }
        Some(())
    }

    /// The frame whose frame pointer is `fp` when it is a JavaScript frame; `pc` is
    /// where it is (the return address into it).
    fn frame(&self, fp: u64, pc: u64) -> Option<PyFrame> {
        let l = self.layout;
        let function = self.word(fp.checked_add_signed(l.fp_function)?)?;
        let shared = self.field(function, l.function_shared)?;
        if !self.is(shared, l.shared_type) {
            return None;
        }
        let script = self.field(shared, l.shared_script)?;
        if !self.is(script, l.script_type) {
            return None;
        }
        let name = self
            .string(self.field(script, l.script_name)?, 4096)
            .unwrap_or_default();
        let line = self.line(fp, pc, function, shared, script).unwrap_or(0);
        Some(PyFrame {
            file: script_path(&name),
            function: String::new(),
            line,
            at: Default::default(),
        })
    }

    /// The line (from 1) of the bytecode an interpreted or baseline frame is at.
    fn line(&self, fp: u64, pc: u64, function: u64, shared: u64, script: u64) -> Option<u32> {
        let l = self.layout;
        let bytecode = self.word(fp.checked_add_signed(l.fp_bytecode_array)?)?;
        if !self.is(bytecode, l.bytecode_type) {
            return None;
        }
        let length = Self::smi(self.field(bytecode, l.bytecode_length)?)?;
        // A baseline (Sparkplug) frame keeps its feedback vector (or cell) where an
        // interpreted frame keeps the offset, which is not a Smi then.
        let offset = match Self::smi(self.word(fp.checked_add_signed(l.fp_bytecode_offset)?)?) {
            Some(raw) => raw - (l.bytecode_data as i64 - 1),
            None => self.baseline_offset(bytecode, length, pc, [function, shared])?,
        };
        let position = self.positions(bytecode, length, offset)?;
        let source = self.field(script, l.script_source)?;
        let prefix = self.string(source, position.min(MAX_SOURCE))?;
        (prefix.chars().count() == position).then_some(())?;
        u32::try_from(prefix.matches('\n').count() + 1).ok()
    }

    /// The bytecode offset of a baseline frame at `pc`: its code object is the
    /// function's or its shared info's (whichever holds the code `pc` is in), whose
    /// bytecode offset table (V8's `bytecode-offset-iterator.h`) gives the size of the
    /// machine code of the prologue and then of each bytecode in turn. The table is told
    /// from the code object's other byte arrays by having one entry more than the
    /// bytecode array has bytecodes.
    fn baseline_offset(&self, bytecode: u64, length: i64, pc: u64, holders: [u64; 2]) -> Option<i64> {
        let l = self.layout;
        let (sizes, code_type) = (l.bytecode_sizes.as_deref()?, l.code_type?);
        let n = usize::try_from(length).ok().filter(|&n| n <= 1 << 20)?;
        let starts = bytecode_starts(&self.bytes(bytecode, l.bytecode_data, n)?, sizes)?;
        for holder in holders {
            for slot in (8..=72).step_by(8) {
                let Some(code) = self.field(holder, slot).filter(|&c| self.is(c, code_type)) else {
                    continue;
                };
                let words: Vec<u64> = (0..=12).filter_map(|i| self.field(code, i * 8)).collect();
                // Where its instructions begin: the metadata's field, else any raw word
                // at most 1 MiB below `pc`.
                let begins: Vec<u64> = match l.code_instruction_start {
                    Some(o) => self.field(code, o).into_iter().chain(code.checked_add(o - 1)).collect(),
                    None => words.iter().copied().filter(|&w| w & 1 == 0).collect(),
                };
                let size = l
                    .code_instruction_size
                    .and_then(|o| self.bytes(code, o, 4))
                    .map(|b| u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])));
                for &table in words.iter().filter(|&&w| w & 1 == 1) {
                    let Some(entries) = self.byte_array(table) else {
                        continue;
                    };
                    for &begin in &begins {
                        let Some(at) = pc
                            .checked_sub(begin)
                            .filter(|&at| at > 0 && size.is_none_or(|s| at <= s))
                        else {
                            continue;
                        };
                        if let Some(offset) = baseline_bytecode_offset(&entries, &starts, at) {
                            return Some(offset);
                        }
                    }
                }
            }
        }
        None
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

    /// The script offset of bytecode `offset` of `bytecode` (`length` bytes), from its
    /// source position table: the tagged header field holding a byte array that decodes
    /// as one (code offsets within the bytecode, in order). `None` when the table was
    /// not made (V8 makes them lazily: only once a stack trace needs one).
    fn positions(&self, bytecode: u64, length: i64, offset: i64) -> Option<usize> {
        let l = self.layout;
        (0..length).contains(&offset).then_some(())?;
        let mut found = None;
        for slot in (8..l.bytecode_data.saturating_sub(7)).step_by(8) {
            let Some(bytes) = self.field(bytecode, slot).and_then(|t| self.byte_array(t)) else {
                continue;
            };
            if let Some(p) = position_at(&bytes, length, offset) {
                found = Some(p);
            }
        }
        found
    }
}

/// The script offset at bytecode `offset` in a source position table: that of the last
/// entry at or before it. `None` when `table` does not decode as a table of a bytecode
/// array of `length` bytes.
fn position_at(table: &[u8], length: i64, offset: i64) -> Option<usize> {
    let mut rest = table;
    let mut int = || -> Option<i64> {
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
        // Zig-zag.
        Some(((value >> 1) as i64) ^ -((value & 1) as i64))
    };
    // Entries are deltas from the function entry (`kFunctionEntryBytecodeOffset`, -1);
    // the sign of the code offset delta tells a statement from an expression.
    let (mut code, mut position, mut at) = (-1i64, 0i64, None);
    let entries = table.len();
    for _ in 0..entries {
        let Some(delta) = int() else {
            break;
        };
        code = code.checked_add(if delta >= 0 { delta } else { -(delta + 1) })?;
        position = position.checked_add(int()?)?;
        if code >= length {
            return None;
        }
        if code <= offset {
            at = Some(position);
        }
    }
    // `SourcePosition`: bit 0 says external (never in bytecode), then the script offset
    // plus one in 30 bits.
    let raw = at?;
    if raw & 1 != 0 {
        return None;
    }
    usize::try_from(((raw >> 1) & ((1 << 30) - 1)) - 1).ok()
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
}

impl V8Stacks {
    /// The JavaScript frames of thread `tid` of process `pid`, stopped in a system call
    /// made from JavaScript through node's C++, innermost first (node's own modules
    /// included); empty when there are none or they cannot be read.
    pub fn stack(&mut self, pid: u32, tid: u32) -> Vec<PyFrame> {
        if !cfg!(target_arch = "x86_64") {
            return vec![];
        }
        self.frames(pid, tid).unwrap_or_default()
    }

    fn frames(&mut self, pid: u32, tid: u32) -> Option<Vec<PyFrame>> {
        let exe = std::fs::File::open(format!("/proc/{pid}/exe")).ok()?;
        let m = exe.metadata().ok()?;
        if self.layouts.len() >= 16 {
            self.layouts.clear();
        }
        let layout = self
            .layouts
            .entry((m.dev(), m.ino()))
            .or_insert_with(|| Layout::of(exe))
            .as_ref()?;
        let (sp, _) = crate::procscan::syscall_sp_pc(tid)?;
        let mut stack = vec![0u8; STACK_BYTES];
        let n = crate::sys::read_mem(tid, sp, &mut stack)?;
        stack.truncate(n);
        let t = Thread {
            tid,
            sp,
            stack: &stack,
            layout,
        };
        let end = sp + n as u64;
        // The exit frame: its marker below its frame pointer, the caller's frame pointer
        // (higher on the stack) at it; the first from which JavaScript frames follow.
        (sp + 8..end.saturating_sub(8))
            .step_by(8)
            .filter(|&fp| {
                t.word(fp - 8).is_some_and(|m| layout.exit.contains(&m))
                    && t.word(fp).is_some_and(|caller| caller > fp && caller < end)
            })
            .map(|fp| walk(&t, fp, end))
            .find(|frames| !frames.is_empty())
    }
}

/// The JavaScript frames of the frame pointer chain from `fp` (an exit frame's) up to
/// the entry frame.
fn walk(t: &Thread, mut fp: u64, end: u64) -> Vec<PyFrame> {
    let mut out = vec![];
    // The frame below: the return address into a frame is just above its frame pointer.
    let mut callee = None;
    for _ in 0..MAX_FRAMES {
        let Some(marker) = fp.checked_add_signed(t.layout.fp_context).and_then(|a| t.word(a)) else {
            break;
        };
        if marker & 1 == 0 {
            if t.layout.entry.contains(&marker) {
                break;
            }
        } else {
            let pc = callee.and_then(|c: u64| t.word(c + 8)).unwrap_or(0);
            match t.frame(fp, pc) {
                Some(f) => out.push(f),
                // The first frame above the exit frame that is not a typed one must be
                // JavaScript: else this was not an exit frame.
                None if out.is_empty() => return out,
                None => {}
            }
        }
        match t.word(fp) {
            Some(caller) if caller > fp && caller < end => (callee, fp) = (Some(fp), caller),
            _ => break,
        }
    }
    out
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
        assert_eq!(position_at(&t, 33, 28), Some(166));
        assert_eq!(position_at(&t, 33, 27), Some(11));
        assert_eq!(position_at(&t, 33, 0), Some(0));
        // The same bytes read as the table of a shorter bytecode array: not its table.
        assert_eq!(position_at(&t, 30, 28), None);
        // Node 20's bytes for it, as read from a live process.
        let live = [
            0x01, 0x04, 0x03, 0x00, 0x26, 0x2c, 0x07, 0x00, 0x09, 0x00, 0x04, 0xec, 0x04, 0x08, 0x2c,
        ];
        assert_eq!(position_at(&live, 33, 28), Some(166));
        assert_eq!(position_at(&[0x80], 33, 0), None);
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
    fn an_es_module_is_named_by_its_path() {
        assert_eq!(script_path("file:///tmp/a%20b/m.mjs"), "/tmp/a b/m.mjs");
        assert_eq!(script_path("/tmp/t.js"), "/tmp/t.js");
        assert_eq!(script_path("file:///x%"), "/x%");
        assert_eq!(script_path("node:fs"), "node:fs");
    }
}
