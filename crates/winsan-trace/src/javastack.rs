//! A Java caller's frames, read from the JVM's memory with HotSpot's own map of it.
//!
//! HotSpot publishes the layout of its structures for its Serviceability Agent (what
//! `jhsdb` reads a live or dead JVM with): `libjvm.so` exports `gHotSpotVMStructs`, an
//! array of `{type name, field name, type string, is static, offset, address}` entries
//! (`vmStructs.cpp`), `gHotSpotVMTypes` (sizes) and `gHotSpotVMIntConstants`, with the
//! entries' own layout in `gHotSpotVMStructEntry*Offset` variables. Nothing here guesses
//! an offset of HotSpot's: each comes from those tables, read once per JVM.
//!
//! From them: the JVM's Java threads (`ThreadsSMRSupport::_java_thread_list`), the one
//! whose `OSThread::_thread_id` is the caller, and its `JavaFrameAnchor`: the frame
//! pointer of the last Java frame, set while the thread runs native code (a JDK JNI
//! method making the system call). Interpreted frames are walked from there: below each
//! frame pointer the interpreter keeps the frame's `Method*` and its bytecode pointer
//! (x86-64 `frame_x86.hpp`: `interpreter_frame_method_offset` = -3 words,
//! `interpreter_frame_bcp_offset` = -8), and above it the caller's frame pointer and the
//! return address, which must lie in the interpreter's code for the caller to be one
//! (`AbstractInterpreter::_code`: the stub queue it is generated into). A method is
//! named from its constant pool (`ConstMethod::_name_index`, the holder class's name,
//! the class's `SourceFile`), its line from the compressed line number table after its
//! bytecodes (`CompressedLineNumberReadStream`: a byte `bci_delta << 3 | line_delta`, or
//! 0xFF and two signed UNSIGNED5 numbers; 0 ends it).
//!
//! Code the JIT compiled is found in the code cache (`CodeCache::_heaps`: each heap's
//! segment map leads back from a pc to the start of its block, `CodeHeap::find_start`),
//! as an `nmethod` (a compiled method, or the wrapper compiled for a native one). Its
//! frame has a fixed size (`CodeBlob::_frame_size` words, the return address last and
//! the caller's frame pointer below it: `frame::sender_for_compiled_frame`), and the pc
//! of each call in it has a `PcDesc`, whose scope (`ScopeDesc`, in the nmethod's debug
//! information: CompressedStream numbers for the caller scope's offset, the method's
//! index in the nmethod's metadata, the bytecode index + 1) names the method and
//! bytecode, then those of the methods it was inlined into, one scope after another.
//! An interpreted frame called from compiled code keeps its caller's stack pointer below
//! its frame pointer (`interpreter_frame_sender_sp_offset` = -1). A frame whose code was
//! made invalid returns to its deoptimization handler and keeps its real pc in its own
//! frame (`nmethod::_orig_pc_offset`). Where the VM called Java from its own code (a
//! class initializer, a first reflective call) the call stub's entry frame holds the
//! `JavaCallWrapper` with the anchor of the Java frame that called into the VM, and the
//! walk goes on from there; a runtime stub compiled code called the VM through (C1's
//! patching stubs, which run a class initializer) has a fixed-size frame and is stepped
//! over when it returns into Java. Anything else ends the walk, as does a pc with no
//! `PcDesc`: the frames found so far are given.
//!
//! A virtual thread (JDK 21+) that was unmounted (it blocked, slept) and mounted again
//! has only its top frames on its carrier thread's stack, the lowest of them returning
//! into the continuation return barrier; the others are still frozen in the heap, in its
//! continuation's `StackChunk` objects, read as the JVM's `StackChunkFrameStream` does
//! down to the continuation's entry (the virtual thread's first frame, as
//! `Thread.getStackTrace` gives them). A collection while they are read gives up those
//! frames (the thawed ones are still given).
//!
//! What changed between releases is told by the tables themselves (a field's or a
//! constant's name: `ConstMethodFlags` in 21, `CompiledMethod` merged into `nmethod` and
//! the debug information moved out of the code cache by 25) or, for the compressed
//! numbers' encoding, by the release. Checked on OpenJDK 17, 21 and 25 (x86-64).

use std::collections::HashMap;

use crate::pyframe::PyFrame;

/// At most this many frames are read.
const MAX_FRAMES: usize = 256;
/// `frame_x86.hpp`: where an interpreted frame keeps its method and bytecode pointer,
/// in words from its frame pointer.
const INTERPRETER_FRAME_METHOD: i64 = -3;
const INTERPRETER_FRAME_BCP: i64 = -8;
const INTERPRETER_FRAME_SENDER_SP: i64 = -1;
const INTERPRETER_FRAME_LOCALS: i64 = -7;
/// `frame_x86.hpp` (not Windows): where an entry frame (the call stub the VM calls Java
/// through) keeps its `JavaCallWrapper*`, in words from its frame pointer.
const ENTRY_FRAME_CALL_WRAPPER: i64 = -6;
/// At most this many inlined scopes are read of one compiled frame.
const MAX_SCOPES: usize = 64;

/// What the walk needs of one JVM: field offsets (or, for static fields, addresses),
/// type sizes and constants, from its own tables.
struct Jvm {
    /// The `libjvm.so` mapping this was read from (a restarted or exec'd JVM differs).
    base: u64,
    fields: HashMap<(String, String), u64>,
    sizes: HashMap<String, u64>,
    /// The bit of `ConstMethod`'s flags that says it has a line number table.
    has_line_numbers: u32,
    /// The excess of HotSpot's compressed numbers (`UNSIGNED5`): 1 from JDK 20 on, where
    /// no byte of one is zero; 0 before.
    excess: u32,
    /// The interpreter's code: `[start, end)`.
    interpreter: (u64, u64),
    /// The code cache's heaps (`CodeHeap*`), where compiled code is.
    code_heaps: Vec<u64>,
    /// Integer constants of the tables, by name.
    constants: HashMap<String, u32>,
    /// How references are stored in the Java heap, read when first needed.
    heap: std::cell::OnceCell<Option<Heap>>,
}

/// How the JVM stores references in its heap: compressed (a 32-bit number, shifted and
/// added to a base: `CompressedOops`, `CompressedKlassPointers`) or whole, from its
/// flags (`JVMFlag::flags`: each flag's name and the address of its value).
struct Heap {
    narrow_oops: Option<(u64, u32)>,
    narrow_klass: Option<(u64, u32)>,
}

impl Heap {
    /// `None` for a layout this does not read (compact object headers, JDK 24 on) or a
    /// collector that moves objects while Java runs (ZGC, Shenandoah).
    fn read(jvm: &Jvm, m: &Mem) -> Option<Heap> {
        let table = m.u64(jvm.field("JVMFlag", "flags")?)?;
        let n = m.u64(jvm.field("JVMFlag", "numFlags")?)?.min(10_000);
        let stride = *jvm.sizes.get("JVMFlag")?;
        let (addr, name) = (jvm.field("JVMFlag", "_addr")?, jvm.field("JVMFlag", "_name")?);
        const WANTED: [&str; 5] = [
            "UseCompressedOops",
            "UseCompressedClassPointers",
            "UseCompactObjectHeaders",
            "UseZGC",
            "UseShenandoahGC",
        ];
        let mut set = HashMap::new();
        for entry in (0..n).map(|i| table + i * stride) {
            let Some(flag) = m.u64(entry + name).filter(|&p| p != 0).and_then(|p| m.c_string(p)) else {
                continue;
            };
            if WANTED.contains(&flag.as_str()) {
                set.insert(flag, m.bytes(m.u64(entry + addr)?, 1)?[0] != 0);
            }
        }
        let on = |f: &str| set.get(f).copied();
        if on("UseCompactObjectHeaders") == Some(true) || on("UseZGC")? || on("UseShenandoahGC") == Some(true) {
            return None;
        }
        // Named `_narrow_oop._base` in JDK 21, `_base` in 25.
        let compressed = |class: &str, inner: &str| -> Option<(u64, u32)> {
            let f = |n: &str| {
                jvm.field(class, n)
                    .or_else(|| jvm.field(class, &format!("{inner}.{n}")))
            };
            Some((m.u64(f("_base")?)?, m.u32(f("_shift")?)?.min(32)))
        };
        Some(Heap {
            narrow_oops: match on("UseCompressedOops")? {
                true => Some(compressed("CompressedOops", "_narrow_oop")?),
                false => None,
            },
            narrow_klass: match on("UseCompressedClassPointers")? {
                true => Some(compressed("CompressedKlassPointers", "_narrow_klass")?),
                false => None,
            },
        })
    }

    /// The class (`Klass*`) of the object at `oop`, from its header.
    fn klass(&self, m: &Mem, jvm: &Jvm, oop: u64) -> Option<u64> {
        let klass = match self.narrow_klass {
            Some((base, shift)) => {
                let at = oop + jvm.field("oopDesc", "_metadata._compressed_klass")?;
                base.checked_add(u64::from(m.u32(at)?) << shift)?
            }
            None => m.u64(oop + jvm.field("oopDesc", "_metadata._klass")?)?,
        };
        (klass != 0).then_some(klass)
    }
}

/// Where a walk is: a frame's stack pointer (its unextended one, for a compiled frame
/// called through an adapter), frame pointer and pc.
#[derive(Clone, Copy, Debug)]
struct At {
    sp: u64,
    fp: u64,
    pc: u64,
}

/// The Java frames of JVM threads, with each JVM's tables.
#[derive(Default)]
pub struct JavaStacks {
    jvms: HashMap<u32, Option<Jvm>>,
}

impl JavaStacks {
    /// The Java frames of thread `tid` of JVM `pid`, stopped in a system call made from
    /// native code called from Java, innermost first (empty when they cannot be read),
    /// and whether the walk stopped at its limit with more frames below.
    pub fn stack(&mut self, pid: u32, tid: u32) -> (Vec<PyFrame>, bool) {
        if !cfg!(target_arch = "x86_64") {
            return Default::default();
        }
        let Some(base) = libjvm(pid).map(|(base, _)| base) else {
            return Default::default();
        };
        if self
            .jvms
            .get(&pid)
            .is_some_and(|j| j.as_ref().is_some_and(|j| j.base != base))
        {
            self.jvms.remove(&pid);
        }
        if self.jvms.len() >= 64 {
            self.jvms.clear();
        }
        let jvm = self.jvms.entry(pid).or_insert_with(|| Jvm::read(pid));
        jvm.as_ref().and_then(|j| j.frames(pid, tid)).unwrap_or_default()
    }
}

/// The start of `libjvm.so`'s first mapping in `pid`, and its path.
fn libjvm(pid: u32) -> Option<(u64, String)> {
    let maps = std::fs::read_to_string(format!("/proc/{pid}/maps")).ok()?;
    maps.lines()
        .filter_map(crate::procscan::maps_line)
        .find(|m| m.offset == 0 && m.path.ends_with("/libjvm.so"))
        .map(|m| (m.start, m.path.to_owned()))
}

/// Reads of the JVM's memory.
struct Mem(u32);

impl Mem {
    fn bytes(&self, a: u64, n: usize) -> Option<Vec<u8>> {
        let mut b = vec![0u8; n];
        (crate::sys::read_mem(self.0, a, &mut b)? == n).then_some(b)
    }
    /// Up to `n` bytes from `a`, as many as can be read (the end of a mapping).
    fn readable_prefix(&self, a: u64, n: usize) -> Option<Vec<u8>> {
        let mut b = vec![0u8; n];
        let got = crate::sys::read_mem(self.0, a, &mut b)?;
        b.truncate(got);
        (got > 0).then_some(b)
    }
    fn u64(&self, a: u64) -> Option<u64> {
        Some(u64::from_le_bytes(self.bytes(a, 8)?.try_into().ok()?))
    }
    fn u32(&self, a: u64) -> Option<u32> {
        Some(u32::from_le_bytes(self.bytes(a, 4)?.try_into().ok()?))
    }
    fn u16(&self, a: u64) -> Option<u16> {
        Some(u16::from_le_bytes(self.bytes(a, 2)?.try_into().ok()?))
    }
    /// A C string of the JVM's (its tables' names).
    fn c_string(&self, a: u64) -> Option<String> {
        let mut out = vec![];
        for chunk in 0..4 {
            // What can be read (a name near the end of a mapping ends before it).
            let b = self.readable_prefix(a + 64 * chunk, 64)?;
            match b.iter().position(|&c| c == 0) {
                Some(end) => {
                    out.extend_from_slice(&b[..end]);
                    return String::from_utf8(out).ok();
                }
                None if b.len() == 64 => out.extend_from_slice(&b),
                None => return None,
            }
        }
        None
    }
}

impl Jvm {
    /// The tables of the JVM `pid` (`None`: not a HotSpot with them, or unreadable).
    fn read(pid: u32) -> Option<Jvm> {
        let (base, path) = libjvm(pid)?;
        let elf = crate::elf::Elf::open(std::fs::File::open(&path).ok()?)?;
        const NAMES: [&[u8]; 15] = [
            b"gHotSpotVMStructs",
            b"gHotSpotVMStructEntryArrayStride",
            b"gHotSpotVMStructEntryTypeNameOffset",
            b"gHotSpotVMStructEntryFieldNameOffset",
            b"gHotSpotVMStructEntryIsStaticOffset",
            b"gHotSpotVMStructEntryOffsetOffset",
            b"gHotSpotVMStructEntryAddressOffset",
            b"gHotSpotVMTypes",
            b"gHotSpotVMTypeEntryArrayStride",
            b"gHotSpotVMTypeEntryTypeNameOffset",
            b"gHotSpotVMTypeEntrySizeOffset",
            b"gHotSpotVMIntConstants",
            b"gHotSpotVMIntConstantEntryArrayStride",
            b"gHotSpotVMIntConstantEntryNameOffset",
            b"gHotSpotVMIntConstantEntryValueOffset",
        ];
        let symbols = elf.dynamic_symbols(NAMES)?;
        let m = Mem(pid);
        // Each is a variable of libjvm's: read its value.
        let mut v = [0u64; 15];
        for (slot, s) in v.iter_mut().zip(symbols) {
            *slot = m.u64(base + s?)?;
        }
        let [structs, stride, type_name, field_name, is_static, offset, address, types, type_stride, type_type_name, type_size, ints, int_stride, int_name, int_value] =
            v;
        let mut fields = HashMap::new();
        for entry in (0..20_000).map(|i| structs + i * stride) {
            let Some(t) = m.u64(entry + type_name).filter(|&p| p != 0).and_then(|p| m.c_string(p)) else {
                break;
            };
            let Some(f) = m.u64(entry + field_name).and_then(|p| m.c_string(p)) else {
                continue;
            };
            let value = if m.u32(entry + is_static)? != 0 {
                m.u64(entry + address)?
            } else {
                m.u64(entry + offset)?
            };
            fields.insert((t, f), value);
        }
        let mut sizes = HashMap::new();
        for entry in (0..20_000).map(|i| types + i * type_stride) {
            let Some(t) = m
                .u64(entry + type_type_name)
                .filter(|&p| p != 0)
                .and_then(|p| m.c_string(p))
            else {
                break;
            };
            sizes.insert(t, m.u64(entry + type_size)?);
        }
        // JDK 21 moved the flag to `ConstMethodFlags` (`_misc_` names, a `u4` of flags).
        let mut constants = HashMap::new();
        for entry in (0..20_000).map(|i| ints + i * int_stride) {
            let Some(n) = m.u64(entry + int_name).filter(|&p| p != 0).and_then(|p| m.c_string(p)) else {
                break;
            };
            constants.insert(n, m.u32(entry + int_value)?);
        }
        let has_line_numbers = [
            "ConstMethod::_has_linenumber_table",
            "ConstMethodFlags::_misc_has_linenumber_table",
        ]
        .iter()
        .find_map(|n| constants.get(*n).copied());
        // The release (`Abstract_VM_Version::_s_vm_release`, "21.0.5+11-..."): its
        // compressed streams are `UNSIGNED5` with an excess of 1 from JDK 20 on (checked
        // on 21 and 25; 17's have none).
        let release = fields
            .get(&("Abstract_VM_Version".to_owned(), "_s_vm_release".to_owned()))
            .and_then(|&a| m.c_string(m.u64(a)?))?;
        let major: u32 = release.split(['.', '+', '-']).next()?.parse().ok()?;
        let mut jvm = Jvm {
            base,
            fields,
            sizes,
            has_line_numbers: has_line_numbers?,
            excess: u32::from(major >= 20),
            interpreter: (0, 0),
            code_heaps: vec![],
            constants,
            heap: Default::default(),
        };
        // The interpreter's stub queue: its buffer and size.
        let queue = m.u64(jvm.field("AbstractInterpreter", "_code")?)?;
        let start = m.u64(queue + jvm.field("StubQueue", "_stub_buffer")?)?;
        let size = m.u32(queue + jvm.field("StubQueue", "_buffer_limit")?)?;
        jvm.interpreter = (start, start + u64::from(size));
        // The code cache's heaps (without them only interpreted frames are read).
        let heaps = jvm
            .field("CodeCache", "_heaps")
            .and_then(|a| m.u64(a))
            .filter(|&h| h != 0);
        // A `GrowableArray`'s length and elements are where any instance's are.
        let (len, data) = (
            jvm.field("GrowableArrayBase", "_len"),
            jvm.field("GrowableArray<int>", "_data"),
        );
        if let (Some(heaps), Some(len), Some(data)) = (heaps, len, data) {
            let n = m.u32(heaps + len).unwrap_or(0).min(8);
            if let Some(data) = m.u64(heaps + data) {
                jvm.code_heaps = (0..u64::from(n)).filter_map(|i| m.u64(data + 8 * i)).collect();
            }
        }
        Some(jvm)
    }

    fn field(&self, class: &str, name: &str) -> Option<u64> {
        self.fields.get(&(class.to_owned(), name.to_owned())).copied()
    }

    /// The Java thread of OS thread `tid`: its `JavaThread*`.
    fn thread(&self, m: &Mem, tid: u32) -> Option<u64> {
        let list = m.u64(self.field("ThreadsSMRSupport", "_java_thread_list")?)?;
        let n = m.u32(list + self.field("ThreadsList", "_length")?)?.min(100_000);
        let threads = m.u64(list + self.field("ThreadsList", "_threads")?)?;
        let (osthread, thread_id) = (
            // `Thread`'s since JDK 25.
            self.field("JavaThread", "_osthread")
                .or_else(|| self.field("Thread", "_osthread"))?,
            self.field("OSThread", "_thread_id")?,
        );
        (0..u64::from(n)).find_map(|i| {
            let t = m.u64(threads + 8 * i)?;
            let os = m.u64(t + osthread)?;
            (m.u32(os + thread_id)? == tid).then_some(t)
        })
    }

    /// The thread's frames, innermost first, and whether more were left unread (the
    /// walk stopped at [`MAX_FRAMES`] with a Java frame below).
    fn frames(&self, pid: u32, tid: u32) -> Option<(Vec<PyFrame>, bool)> {
        let m = Mem(pid);
        let thread = self.thread(&m, tid)?;
        let mut at = self.last_java_frame(&m, thread + self.field("JavaThread", "_anchor")?)?;
        let mut out = vec![];
        let call_stub_return = self
            .field("StubRoutines", "_call_stub_return_address")
            .and_then(|a| m.u64(a));
        let mut stopped = true;
        while out.len() < MAX_FRAMES {
            let next = if Some(at.pc) == call_stub_return {
                self.entry_frame(&m, at)
            } else if self.interpreted(at.pc) {
                self.interpreted_frame(&m, at, &mut out)
            } else {
                self.compiled_frame(&m, at, &mut out)
            };
            match next {
                Some(n) if n.sp > at.sp || (n.sp == at.sp && n.fp > at.fp) => at = n,
                _ => {
                    stopped = false;
                    break;
                }
            }
        }
        if stopped {
            // At the limit: is there a Java frame below (or the VM's call into one)?
            let more = if Some(at.pc) == call_stub_return {
                self.entry_frame(&m, at).is_some()
            } else {
                self.interpreted(at.pc)
                    || self
                        .blob_at(&m, at.pc)
                        .and_then(|b| self.blob_name(&m, b))
                        .is_some_and(|n| n == "nmethod" || n == "native nmethod" || n.contains("continuation"))
            };
            return Some((out, more));
        }
        let mut cut = false;
        if self.is_return_barrier(&m, at.pc) {
            // A virtual thread mounted again: the rest of its frames are in the heap.
            if let Some((frozen, more)) = self.frozen_frames(&m, thread, MAX_FRAMES - out.len()) {
                out.extend(frozen);
                cut = more;
            }
        }
        Some((out, cut))
    }

    /// Whether `pc`, a frame's return address, is the continuation return barrier
    /// (`StubRoutines::cont_returnBarrier`): a virtual thread (JDK 21+) mounted again
    /// has only its top frames copied back onto the carrier thread's stack ("lazy thaw",
    /// `continuationFreezeThaw.cpp`), the lowest of them returning into this stub, which
    /// copies the next ones. The tables do not give its address; the code blob holding
    /// it is named for it (`StubRoutines::initialize_continuation_stubs`: the blob of the
    /// continuation stubs, which no Java frame returns into but through the barrier).
    fn is_return_barrier(&self, m: &Mem, pc: u64) -> bool {
        self.blob_at(m, pc)
            .and_then(|b| self.blob_name(m, b))
            .is_some_and(|n| n.contains("continuation"))
    }

    /// The frames of the virtual thread mounted on `thread` that are still frozen in its
    /// continuation's stack chunks, innermost first, at most `max`, and whether more were
    /// left unread; `None` when they cannot be read soundly.
    ///
    /// The carrier's `JavaThread::_vthread` holds the virtual thread; its `cont` field the
    /// `jdk.internal.vm.Continuation`, whose `tail` is the youngest
    /// `jdk.internal.vm.StackChunk`, each chunk's `parent` the one before. A chunk is a
    /// copy of a stretch of stack, laid out as on the thread's, after the object's fields
    /// (`InstanceStackChunkKlass::offset_of_stack`: the class's instance size, from its
    /// layout helper); its frames run from word `sp` to word `bottom` of it. The Java
    /// classes' field offsets are read from their `InstanceKlass`es. Objects move in a
    /// collection: the walk is given up when one ran meanwhile
    /// (`CollectedHeap::_total_collections`, `_is_stw_gc_active`) or when the collector
    /// moves objects while Java runs (ZGC, Shenandoah).
    fn frozen_frames(&self, m: &Mem, thread: u64, max: usize) -> Option<(Vec<PyFrame>, bool)> {
        let heap = self.heap.get_or_init(|| Heap::read(self, m)).as_ref()?;
        let collected = m.u64(self.field("Universe", "_collectedHeap")?)?;
        let collections = collected + self.field("CollectedHeap", "_total_collections")?;
        let active = collected + self.field("CollectedHeap", "_is_stw_gc_active")?;
        let quiet = || -> Option<u32> {
            (m.bytes(active, 1)?[0] == 0).then_some(())?;
            m.u32(collections)
        };
        let before = quiet()?;
        let handle = |f: &str| -> Option<u64> {
            m.u64(m.u64(thread + self.field("JavaThread", f)? + self.field("OopHandle", "_obj")?)?)
        };
        let vthread = handle("_vthread")?;
        (vthread != 0 && vthread != handle("_threadObj")?).then_some(())?;
        (self.class_name(m, heap, vthread)? == "java/lang/VirtualThread").then_some(())?;
        let cont = self.oop_field(m, heap, vthread, "cont")?;

        // A continuation mounted inside this one (a nested scope): not followed.
        (self.oop_field(m, heap, cont, "child")? == 0).then_some(())?;
        let mut chunk = self.oop_field(m, heap, cont, "tail")?;
        let mut frames = vec![];
        for _ in 0..1024 {
            if chunk == 0 {
                break;
            }
            let klass = heap.klass(m, self, chunk)?;
            (self.symbol(m, m.u64(klass + self.field("Klass", "_name")?)?)? == "jdk/internal/vm/StackChunk")
                .then_some(())?;
            let layout = m.u32(klass + self.field("Klass", "_layout_helper")?)? as i32;
            let start = chunk.checked_add(u64::try_from(layout).ok()? & !7)?;
            let int = |name: &str| -> Option<u64> {
                let v = m.u32(chunk + self.field_offset(m, klass, name)?)? as i32;
                u64::try_from(v).ok()
            };
            let (sp, bottom, size) = (int("sp")?, int("bottom")?, int("size")?);
            (sp <= bottom && bottom <= size && size < 1 << 24).then_some(())?;
            if self.chunk_frames(m, start + 8 * sp, start + 8 * bottom, max, &mut frames)? {
                return (quiet()? == before).then_some((frames, true));
            }
            chunk = self.oop_field(m, heap, chunk, "parent")?;
        }
        (chunk == 0 && quiet()? == before).then_some((frames, false))
    }

    /// The frames of a stack chunk's stretch `[sp, end)` (`StackChunkFrameStream`, x86-64):
    /// each frame's pc is the word below its stack pointer; an interpreted frame's frame
    /// pointer is kept relative to where it is stored (two words below the frame's stack
    /// pointer), as are the frame's pointers to its caller's stack pointer and to its
    /// locals (the frame is the chunk's last when its locals reach the end); a compiled
    /// frame has its fixed size from the stack pointer it was called with. `true` when
    /// the frames reached `max` with more in the chunk.
    fn chunk_frames(&self, m: &Mem, mut sp: u64, end: u64, max: usize, out: &mut Vec<PyFrame>) -> Option<bool> {
        // A word kept relative to where it is stored, `slot` words from `base`.
        let relative = |base: u64, slot: i64| -> Option<u64> {
            let at = base.checked_add_signed(8 * slot)?;
            at.checked_add_signed((m.u64(at)? as i64).checked_mul(8)?)
        };
        let mut unextended = sp;
        while sp < end {
            if out.len() >= max {
                return Some(true);
            }
            let pc = m.u64(sp.checked_sub(8)?)?;
            if self.interpreted(pc) {
                let fp = relative(sp, -2)?;
                (sp..end).contains(&fp).then_some(())?;
                let word = |words: i64| m.u64(fp.checked_add_signed(8 * words)?);
                let method = word(INTERPRETER_FRAME_METHOD)?;
                let bci = word(INTERPRETER_FRAME_BCP)?.checked_sub(self.code_of(m, method)?);
                out.push(self.describe(m, method, bci)?);
                if relative(fp, INTERPRETER_FRAME_LOCALS)? + 8 >= end {
                    return Some(false);
                }
                unextended = relative(fp, INTERPRETER_FRAME_SENDER_SP)?;
                sp = fp + 16;
            } else {
                let blob = self.blob_at(m, pc)?;
                (self.blob_name(m, blob)? == "nmethod").then_some(())?;
                let frame_size = m.u32(blob + self.field("CodeBlob", "_frame_size")?)?;
                let at = At {
                    sp: unextended,
                    fp: 0,
                    pc,
                };
                self.compiled_frame(m, at, out)?;
                sp = unextended.checked_add(8 * u64::from(frame_size))?;
                unextended = sp;
            }
            // No room left for a frame below its two words of metadata (the return
            // address and the saved frame pointer): the chunk's frames end.
            if sp >= end.saturating_sub(16) {
                return Some(false);
            }
        }
        Some(false)
    }

    /// The name of the class of the object at `oop`.
    fn class_name(&self, m: &Mem, heap: &Heap, oop: u64) -> Option<String> {
        let klass = heap.klass(m, self, oop)?;
        self.symbol(m, m.u64(klass + self.field("Klass", "_name")?)?)
    }

    /// The reference field `name` of the object at `oop` (0: null).
    fn oop_field(&self, m: &Mem, heap: &Heap, oop: u64, name: &str) -> Option<u64> {
        let at = oop + self.field_offset(m, heap.klass(m, self, oop)?, name)?;
        match heap.narrow_oops {
            Some((base, shift)) => match m.u32(at)? {
                0 => Some(0),
                n => base.checked_add(u64::from(n) << shift),
            },
            None => m.u64(at),
        }
    }

    /// The offset of the instance field `name` declared by `klass` or a superclass, read
    /// from each class's field stream (`InstanceKlass::_fieldinfo_stream`, JDK 21 on,
    /// `fieldInfo.inline.hpp`, `FieldInfoReader`): UNSIGNED5 numbers, the counts of
    /// declared and injected fields, then for each field its name's and signature's
    /// constant pool indexes, its offset, its access flags and HotSpot's flags of it, and
    /// after them one more number for each of the flags `initialized`, `generic` and
    /// `contended` that is set. A field flag this does not know ends the search.
    fn field_offset(&self, m: &Mem, klass: u64, name: &str) -> Option<u64> {
        let bit = |n: &str| self.constants.get(&format!("FieldInfo::FieldFlags::_ff_{n}")).copied();
        let (initialized, injected, generic, stable, contended) = (
            bit("initialized")?,
            bit("injected")?,
            bit("generic")?,
            bit("stable")?,
            bit("contended")?,
        );
        let known = [initialized, injected, generic, stable, contended]
            .iter()
            .try_fold(0u32, |acc, &b| Some(acc | 1u32.checked_shl(b)?))?;
        let mut klass = klass;
        for _ in 0..32 {
            if klass == 0 {
                return None;
            }
            let stream = m.u64(klass + self.field("InstanceKlass", "_fieldinfo_stream")?)?;
            let length = m.u32(stream)?.min(1 << 16);
            let data = m.bytes(stream + self.field("Array<u1>", "_data")?, length as usize)?;
            let cp = m.u64(klass + self.field("InstanceKlass", "_constants")?)?;
            let cp_length = m.u32(cp + self.field("ConstantPool", "_length")?)?;
            let pool = cp + *self.sizes.get("ConstantPool")?;
            let mut pos = 0;
            let mut next = || unsigned5(&data, &mut pos, 1);
            let (declared, injected_count) = (next()?, next()?);
            for _ in 0..declared.saturating_add(injected_count).min(1 << 16) {
                let (name_index, _signature, offset, access, flags) = (next()?, next()?, next()?, next()?, next()?);
                (flags & !known == 0).then_some(())?;
                for b in [initialized, generic, contended] {
                    if flags & (1 << b) != 0 {
                        next()?;
                    }
                }
                const ACC_STATIC: u32 = 0x0008;
                if flags & (1 << injected) != 0 || access & ACC_STATIC != 0 || name_index >= cp_length {
                    continue;
                }
                let symbol = m.u64(pool + 8 * u64::from(name_index))?;
                if self.symbol(m, symbol).as_deref() == Some(name) {
                    return Some(u64::from(offset));
                }
            }
            klass = m.u64(klass + self.field("Klass", "_super")?)?;
        }
        None
    }

    fn interpreted(&self, pc: u64) -> bool {
        (self.interpreter.0..self.interpreter.1).contains(&pc)
    }

    /// An interpreted frame (its frame pointer `at.fp`): its method at its bytecode, and
    /// where its caller is (`frame::sender_for_interpreter_frame`).
    fn interpreted_frame(&self, m: &Mem, at: At, out: &mut Vec<PyFrame>) -> Option<At> {
        let fp = at.fp;
        let word = |words: i64| m.u64(fp.checked_add_signed(8 * words)?);
        let method = word(INTERPRETER_FRAME_METHOD)?;
        let bci = word(INTERPRETER_FRAME_BCP)?.checked_sub(self.code_of(m, method)?);
        out.push(self.describe(m, method, bci)?);
        let pc = word(1)?;
        if self.interpreted(pc) {
            Some(At {
                sp: fp + 16,
                fp: word(0)?,
                pc,
            })
        } else {
            // A compiled caller's frame is sized from its stack pointer before the
            // adapter that called this frame extended it.
            Some(At {
                sp: word(INTERPRETER_FRAME_SENDER_SP)?,
                fp: word(0)?,
                pc,
            })
        }
    }

    /// An entry frame: the VM called Java (a class initializer, a first reflective call,
    /// a thread's start) from its own code, which was called from Java in turn. The
    /// `JavaCallWrapper` of the call keeps the anchor of the Java frame before it (an
    /// empty one: no Java frame below).
    fn entry_frame(&self, m: &Mem, at: At) -> Option<At> {
        let wrapper = m.u64(at.fp.checked_add_signed(8 * ENTRY_FRAME_CALL_WRAPPER)?)?;
        self.last_java_frame(m, wrapper + self.field("JavaCallWrapper", "_anchor")?)
    }

    /// The last Java frame a `JavaFrameAnchor` at `anchor` records (its pc, when not
    /// recorded, the return address below its stack pointer); `None` when it records none.
    fn last_java_frame(&self, m: &Mem, anchor: u64) -> Option<At> {
        let sp = m.u64(anchor + self.field("JavaFrameAnchor", "_last_Java_sp")?)?;
        if sp == 0 {
            return None;
        }
        let fp = m.u64(anchor + self.field("JavaFrameAnchor", "_last_Java_fp")?)?;
        let pc = match m.u64(anchor + self.field("JavaFrameAnchor", "_last_Java_pc")?)? {
            0 => m.u64(sp.checked_sub(8)?)?,
            pc => pc,
        };
        Some(At { sp, fp, pc })
    }

    /// A compiled frame (`at.pc` in an nmethod): its scopes, innermost first (the method
    /// the pc is in, then each it was inlined into), and where its caller is.
    fn compiled_frame(&self, m: &Mem, at: At, out: &mut Vec<PyFrame>) -> Option<At> {
        let blob = self.blob_at(m, at.pc)?;
        let name = self.blob_name(m, blob)?;
        let frame_size = m.u32(blob + self.field("CodeBlob", "_frame_size")?)?;
        if name != "nmethod" && name != "native nmethod" {
            // A runtime stub compiled code called the VM through (C1's patching stubs:
            // a class initializer run from compiled code): no Java of its own, a frame of
            // fixed size like a compiled one. Stepped over when it returns into Java.
            let sender = self.sender_of_fixed(m, at, frame_size)?;
            let java = self.interpreted(sender.pc)
                || self
                    .blob_at(m, sender.pc)
                    .and_then(|b| self.blob_name(m, b))
                    .is_some_and(|n| n == "nmethod");
            return java.then_some(sender);
        }
        // An address in JDK 17 and 21, an offset from the blob in 25.
        let code = match self.field("CodeBlob", "_code_begin") {
            Some(f) => m.u64(blob + f)?,
            None => self.at_offset(m, blob, blob, "CodeBlob", "_code_offset")?,
        };
        let scopes = if name == "native nmethod" {
            // A native method's wrapper: no scopes, the method itself.
            vec![self.describe(m, m.u64(blob + self.compiled("_method")?)?, None)?]
        } else {
            // Code made invalid while this frame was in it (a class loaded that undoes
            // an assumption) returns to its deoptimization handler; the frame keeps the
            // pc it would have returned to (`CompiledMethod::get_original_pc`). The
            // handlers' addresses in JDK 17 and 21, their offsets from the blob in 25.
            let handler = |name: &str| match self.field("CompiledMethod", &format!("{name}_begin")) {
                Some(f) => m.u64(blob + f),
                None => self.at_offset(m, blob, blob, "nmethod", &format!("{name}_offset")),
            };
            let deopt = ["_deopt_handler", "_deopt_mh_handler"]
                .into_iter()
                .any(|h| handler(h) == Some(at.pc));
            let pc = if deopt {
                let offset = m.u32(blob + self.field("nmethod", "_orig_pc_offset")?)?;
                m.u64(at.sp.checked_add(u64::from(offset))?)?
            } else {
                at.pc
            };
            self.scopes(m, blob, pc.checked_sub(code)?)?
        };
        out.extend(scopes);
        self.sender_of_fixed(m, at, frame_size)
    }

    /// A code blob's name: "nmethod", "native nmethod", a stub's.
    fn blob_name(&self, m: &Mem, blob: u64) -> Option<String> {
        m.c_string(m.u64(blob + self.field("CodeBlob", "_name")?)?)
    }

    /// The caller of a frame of `frame_size` words at `at` (compiled code, a runtime
    /// stub): the return address last, the caller's frame pointer below it
    /// (`frame::sender_for_compiled_frame`).
    fn sender_of_fixed(&self, m: &Mem, at: At, frame_size: u32) -> Option<At> {
        (frame_size > 0).then_some(())?;
        let sender_sp = at.sp.checked_add(8 * u64::from(frame_size))?;
        Some(At {
            sp: sender_sp,
            fp: m.u64(sender_sp.checked_sub(16)?)?,
            pc: m.u64(sender_sp.checked_sub(8)?)?,
        })
    }

    /// The scopes of nmethod `nm` at code offset `offset` (a return address: a call's
    /// `PcDesc`), innermost first; `None` when no `PcDesc` is there.
    fn scopes(&self, m: &Mem, nm: u64, offset: u64) -> Option<Vec<PyFrame>> {
        let (pcs, pcs_end, data, metadata) = self.debug_info(m, nm)?;
        let desc = *self.sizes.get("PcDesc")?;
        let (pc_offset, decode) = (
            self.field("PcDesc", "_pc_offset")?,
            self.field("PcDesc", "_scope_decode_offset")?,
        );
        let count = pcs_end.checked_sub(pcs)? / desc;
        if count > 100_000 || desc == 0 {
            return None;
        }
        let table = m.bytes(pcs, usize::try_from(count * desc).ok()?)?;
        let field = |row: &[u8], at: u64| -> Option<u32> {
            Some(u32::from_le_bytes(
                row.get(at as usize..at as usize + 4)?.try_into().ok()?,
            ))
        };
        let row = table
            .chunks_exact(desc as usize)
            .find(|row| field(row, pc_offset).map(u64::from) == Some(offset))?;
        let mut scope = field(row, decode)?;
        let mut frames = vec![];
        // serialized_null (0) ends the chain of scopes.
        while scope != 0 && frames.len() < MAX_SCOPES {
            let bytes = m.readable_prefix(data + u64::from(scope), 16)?;
            let mut pos = 0;
            let sender = unsigned5(&bytes, &mut pos, self.excess)?;
            let index = unsigned5(&bytes, &mut pos, self.excess)?;
            // The bytecode index + 1 (InvocationEntryBci is -1).
            let bci = unsigned5(&bytes, &mut pos, self.excess)?.checked_sub(1);
            // `CompiledMethod::metadata_at`: index 0 is no method.
            let method = m.u64(metadata + 8 * u64::from(index.checked_sub(1)?))?;
            frames.push(self.describe(m, method, bci.map(u64::from))?);
            if sender >= scope {
                break; // a caller's scope is written before its callee's
            }
            scope = sender;
        }
        (!frames.is_empty()).then_some(frames)
    }

    /// Where nmethod `nm`'s `PcDesc`s start and end, where its scopes' data starts and
    /// where its metadata is. In JDK 17 and 21 all are in the nmethod (offsets from it, the
    /// scopes' data an address of `CompiledMethod`'s); in JDK 25 the first three are in
    /// a separate immutable blob (`_immutable_data`, offsets from it) and the metadata
    /// follows the relocations in a mutable one (`CodeBlob::_mutable_data` +
    /// `_relocation_size`). Which it is, the fields present tell. Checked on 17, 21, 25.
    fn debug_info(&self, m: &Mem, nm: u64) -> Option<(u64, u64, u64, u64)> {
        let int = |base: u64, f: &str| self.at_offset(m, nm, base, "nmethod", f);
        if let Some(f) = self.field("nmethod", "_immutable_data") {
            let immutable = m.u64(nm + f)?;
            let (pcs, data) = (
                int(immutable, "_scopes_pcs_offset")?,
                int(immutable, "_scopes_data_offset")?,
            );
            // The scopes' data follows the `PcDesc`s, or the `PcDesc`s end the blob.
            let pcs_end = if data > pcs {
                data
            } else {
                int(immutable, "_immutable_data_size")?
            };
            let mutable = m.u64(nm + self.field("CodeBlob", "_mutable_data")?)?;
            let metadata = self.at_offset(m, nm, mutable, "CodeBlob", "_relocation_size")?;
            Some((pcs, pcs_end, data, metadata))
        } else {
            let data = m.u64(nm + self.compiled("_scopes_data_begin")?)?;
            Some((
                int(nm, "_scopes_pcs_offset")?,
                int(nm, "_dependencies_offset")?,
                data,
                int(nm, "_metadata_offset")?,
            ))
        }
    }

    /// `base` plus the `int` field `class::name` of the object at `object`.
    fn at_offset(&self, m: &Mem, object: u64, base: u64, class: &str, name: &str) -> Option<u64> {
        let v = m.u32(object + self.field(class, name)?)? as i32;
        base.checked_add_signed(i64::from(v))
    }

    /// A field of a compiled method: `CompiledMethod`'s in JDK 17 and 21, `nmethod`'s in
    /// 25 (the two classes merged).
    fn compiled(&self, name: &str) -> Option<u64> {
        self.field("CompiledMethod", name)
            .or_else(|| self.field("nmethod", name))
    }

    /// The code blob that holds `pc`: the start of its block in the heap that holds it,
    /// led to by the heap's segment map (`CodeHeap::find_start`: each byte says how many
    /// segments back to step, 0 at a block's first, 0xFF for a free one).
    fn blob_at(&self, m: &Mem, pc: u64) -> Option<u64> {
        let memory = self.field("CodeHeap", "_memory")?;
        let segmap = self.field("CodeHeap", "_segmap")?;
        let (low, high, low_boundary) = (
            self.field("VirtualSpace", "_low")?,
            self.field("VirtualSpace", "_high")?,
            self.field("VirtualSpace", "_low_boundary")?,
        );
        let log2 = self.field("CodeHeap", "_log2_segment_size")?;
        let used = self.field("HeapBlock::Header", "_used")?;
        let block_header = *self.sizes.get("HeapBlock")?;
        self.code_heaps.iter().find_map(|&heap| {
            let start = m.u64(heap + memory + low)?;
            let bound = m.u64(heap + memory + low_boundary)?;
            let end = m.u64(heap + memory + high)?;
            if !(bound.min(start)..end).contains(&pc) {
                return None;
            }
            let shift = m.u32(heap + log2)?;
            if shift > 20 {
                return None;
            }
            let map = m.u64(heap + segmap + low)?;
            let mut segment = (pc - start) >> shift;
            for _ in 0..4096 {
                match m.bytes(map + segment, 1)?[0] {
                    0 => break,
                    0xFF => return None,
                    back => segment = segment.checked_sub(u64::from(back))?,
                }
            }
            let block = start + (segment << shift);
            (m.bytes(block + used, 1)?[0] != 0).then_some(block + block_header)
        })
    }

    /// Where `method`'s bytecodes start.
    fn code_of(&self, m: &Mem, method: u64) -> Option<u64> {
        self.bytecodes(m.u64(method + self.field("Method", "_constMethod")?)?)
    }

    /// Where the bytecodes of the `ConstMethod` at `cm` start: right after it.
    fn bytecodes(&self, cm: u64) -> Option<u64> {
        Some(cm + *self.sizes.get("ConstMethod")?)
    }

    /// The frame of `method` at bytecode index `bci`: `Class.method` (the class's name
    /// with dots), in the class's source file (its package's path before it), at the
    /// line of the bytecode (0: a native method, or no line number table).
    fn describe(&self, m: &Mem, method: u64, bci: Option<u64>) -> Option<PyFrame> {
        let cm = m.u64(method + self.field("Method", "_constMethod")?)?;
        let cp = m.u64(cm + self.field("ConstMethod", "_constants")?)?;
        let holder = m.u64(cp + self.field("ConstantPool", "_pool_holder")?)?;
        let length = m.u32(cp + self.field("ConstantPool", "_length")?)?;
        let pool = cp + *self.sizes.get("ConstantPool")?;
        let symbol = |index: u16| -> Option<String> {
            (index > 0 && u32::from(index) < length).then_some(())?;
            self.symbol(m, m.u64(pool + 8 * u64::from(index))?)
        };
        let class = self.symbol(m, m.u64(holder + self.field("Klass", "_name")?)?)?;
        let name = symbol(m.u16(cm + self.field("ConstMethod", "_name_index")?)?)?;
        let valid = |s: &str| !s.is_empty() && s.chars().all(|c| !c.is_control());
        (valid(&class) && valid(&name)).then_some(())?;
        let source = m
            .u16(cp + self.field("ConstantPool", "_source_file_name_index")?)
            .and_then(symbol)
            .unwrap_or_default();
        // Without a `SourceFile` attribute (`javac -g:none`, an obfuscated jar): the
        // class file.
        let file = match (class.rsplit_once('/'), source.is_empty()) {
            (_, true) => format!("{class}.class"),
            (Some((package, _)), false) => format!("{package}/{source}"),
            (None, false) => source,
        };
        let code = self.bytecodes(cm)?;
        let size = m.u16(cm + self.field("ConstMethod", "_code_size")?)?;
        let flags = match self.field("ConstMethod", "_flags") {
            Some(f) => u32::from(m.u16(cm + f)?),
            None => m.u32(cm + self.field("ConstMethod", "_flags._flags")?)?,
        };
        let bci = bci.filter(|&b| b < u64::from(size));
        let line = match bci {
            Some(bci) if flags & self.has_line_numbers != 0 => {
                // Read in growing pieces until the table ends in what was read (a few
                // bytes per line of the method).
                let start = code + u64::from(size);
                [1 << 12, 1 << 16, 1 << 20]
                    .into_iter()
                    .find_map(|n| line_at(&m.readable_prefix(start, n)?, bci, self.excess))
                    .unwrap_or(0)
            }
            _ => 0,
        };
        Some(PyFrame {
            file,
            function: format!("{}.{name}", class.replace('/', ".")),
            line,
            at: Default::default(),
        })
    }

    /// A `Symbol`'s text.
    fn symbol(&self, m: &Mem, s: u64) -> Option<String> {
        let n = m.u16(s + self.field("Symbol", "_length")?)?;
        let body = m.bytes(s + self.field("Symbol", "_body")?, usize::from(n))?;
        modified_utf8(&body)
    }
}

/// The line of bytecode `bci` from a compressed line number table (HotSpot's
/// `CompressedLineNumberReadStream`), as `Method::line_number_from_bci` finds it: the
/// entry at `bci`, else the one closest before it (the table need not be in bytecode
/// order). `None` without one, or when the table does not end within `table`.
fn line_at(table: &[u8], bci: u64, excess: u32) -> Option<u32> {
    let signed = |v: u32| ((v >> 1) as i32) ^ -((v & 1) as i32);
    let bci = i64::try_from(bci).ok()?;
    let (mut at, mut line) = (0i64, 0i64);
    let (mut best, mut exact) = (None::<(i64, i64)>, None);
    let mut pos = 0;
    loop {
        let b = *table.get(pos)?;
        pos += 1;
        if b == 0 {
            break;
        }
        if b == 0xFF {
            at += i64::from(signed(unsigned5(table, &mut pos, excess)?));
            line += i64::from(signed(unsigned5(table, &mut pos, excess)?));
        } else {
            at += i64::from(b >> 3);
            line += i64::from(b & 7);
        }
        if at == bci && exact.is_none() {
            exact = Some(line);
        } else if at < bci && best.is_none_or(|(a, _)| at >= a) {
            best = Some((at, line));
        }
    }
    u32::try_from(exact.or(best.map(|(_, l)| l))?).ok()
}

/// A number of HotSpot's `CompressedReadStream` at `pos` (`UNSIGNED5`): a byte under 192
/// ends it; each byte adds its value less `excess` shifted by six bits more than the
/// last; at most five bytes. With an excess of 1 (JDK 20 on) no byte is zero: a zero
/// first byte is no number, a zero after the first ends the number before it.
fn unsigned5(b: &[u8], pos: &mut usize, excess: u32) -> Option<u32> {
    let mut sum = 0u32;
    for i in 0..5 {
        let x = u32::from(*b.get(*pos)?);
        if x < excess {
            return (i > 0).then_some(sum);
        }
        *pos += 1;
        sum = sum.wrapping_add((x - excess) << (6 * i));
        if x < 192 {
            break;
        }
    }
    Some(sum)
}

/// The text of a `Symbol`: Java's modified UTF-8 (a character beyond U+FFFF is two
/// surrogates of three bytes each, NUL is two bytes).
fn modified_utf8(b: &[u8]) -> Option<String> {
    let mut units = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let c = u16::from(b[i]);
        let cont = |k: usize| {
            b.get(i + k)
                .filter(|&&x| x & 0xC0 == 0x80)
                .map(|&x| u16::from(x & 0x3F))
        };
        let (unit, n) = match b[i] {
            0x01..=0x7F => (c, 1),
            0xC0..=0xDF => ((c & 0x1F) << 6 | cont(1)?, 2),
            0xE0..=0xEF => ((c & 0x0F) << 12 | cont(1)? << 6 | cont(2)?, 3),
            _ => return None,
        };
        units.push(unit);
        i += n;
    }
    String::from_utf16(&units).ok()
}

/// The frames worth showing: the program's, not the JDK's own (`java.`, `javax.`,
/// `jdk.`, `sun.`, `com.sun.`) nor those of hidden classes the JVM made (a lambda's:
/// `Main$$Lambda$1+0x...`).
pub fn shown(stack: &[PyFrame]) -> Vec<PyFrame> {
    const JDK: [&str; 5] = ["java.", "javax.", "jdk.", "sun.", "com.sun."];
    let hidden =
        |f: &PyFrame| f.function.contains("$$Lambda") || f.function.contains("+0x") || f.function.contains("/0x");
    stack
        .iter()
        .filter(|f| !hidden(f) && !JDK.iter().any(|p| f.function.starts_with(p)))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_numbers_are_read_from_the_compressed_table() {
        // (bci 0, line 3), (bci 4, line 5): short form; (bci 100, line 40): long form,
        // 0xFF then the signed deltas 96 (zig-zag 192: UNSIGNED5 0xC0 0x00 before JDK 20,
        // 0xC1 0x01 with its excess of 1 after) and 35 (zig-zag 70: 70, or 71).
        let jdk17 = [3, 4 << 3 | 2, 0xFF, 0xC0, 0x00, 70, 0];
        let jdk21 = [3, 4 << 3 | 2, 0xFF, 0xC1, 0x01, 71, 0];
        for (table, excess) in [(&jdk17, 0), (&jdk21, 1)] {
            assert_eq!(line_at(table, 0, excess), Some(3));
            assert_eq!(line_at(table, 3, excess), Some(3));
            assert_eq!(line_at(table, 4, excess), Some(5));
            assert_eq!(line_at(table, 99, excess), Some(5));
            assert_eq!(line_at(table, 100, excess), Some(40));
            assert_eq!(line_at(table, 5000, excess), Some(40));
            // Truncated: what was read so far is not trusted without its end.
            assert_eq!(line_at(&table[..2], 10, excess), None);
        }
        // Each table read the other way is wrong: the excess matters.
        assert_ne!(line_at(&jdk21, 100, 0), Some(40));
        assert_ne!(line_at(&jdk17, 100, 1), Some(40));
        // Out of bytecode order (another compiler's, an instrumenting agent's): the entry
        // at the bytecode, else the closest before it, wherever it stands. (bci 8, line
        // 12): zig-zag 16 and 24; then (bci 0, line 11): deltas -8 and -1, zig-zag 15, 1.
        let unsorted = [0xFF, 16, 24, 0xFF, 15, 1, 0];
        assert_eq!(line_at(&unsorted, 8, 0), Some(12));
        assert_eq!(line_at(&unsorted, 9, 0), Some(12));
        assert_eq!(line_at(&unsorted, 5, 0), Some(11));
        assert_eq!(line_at(&[0], 0, 0), None);
    }

    #[test]
    fn compressed_numbers_with_and_without_excess() {
        let read = |b: &[u8], excess| {
            let mut pos = 0;
            unsigned5(b, &mut pos, excess).map(|v| (v, pos))
        };
        // One byte under 192; two bytes: the second shifted by six bits.
        assert_eq!(read(&[5], 0), Some((5, 1)));
        assert_eq!(read(&[6], 1), Some((5, 1)));
        assert_eq!(read(&[0xC0, 0x00], 0), Some((192, 2)));
        assert_eq!(read(&[0xC1, 0x01], 1), Some((192, 2)));
        assert_eq!(read(&[0xFF, 0xFF, 0xFF, 0xFF, 0xFF], 0).map(|(_, p)| p), Some(5));
        // With an excess no byte is zero: a zero first byte is no number, a zero later
        // ends the number before it (unread).
        assert_eq!(read(&[0], 1), None);
        assert_eq!(read(&[0xC1, 0x00], 1), Some((192, 1)));
        assert_eq!(read(&[0], 0), Some((0, 1)));
        assert_eq!(read(&[0xC0], 0), None, "cut short");
    }

    #[test]
    fn symbols_are_modified_utf8() {
        assert_eq!(modified_utf8("dëlété".as_bytes()).as_deref(), Some("dëlété"));
        // U+1D453 (a mathematical italic f): two surrogates of three bytes each.
        let f = [0xED, 0xA0, 0xB5, 0xED, 0xB1, 0x93];
        assert_eq!(modified_utf8(&f).as_deref(), Some("\u{1D453}"));
        assert_eq!(modified_utf8(&[0xC0, 0x80]).as_deref(), Some("\0"));
        assert_eq!(modified_utf8(&[0xFF]), None);
    }
}
