//! A native caller's stack (Rust, C, C++), unwound from its thread's stack with the call
//! frame information of its binaries and named with their debugging information.
//!
//! Every x86-64 ELF file carries call frame information (`.eh_frame`: what C++
//! exceptions and Rust panics unwind with; System V psABI for AMD64, §3.7 and §4.2.4,
//! and DWARF 5 §6.4): for each instruction, how to find the frame's canonical frame
//! address (CFA, the caller's stack pointer before the call), and from it the return
//! address and the caller's saved registers. Of a thread stopped in a system call, only
//! the stack pointer and the program counter can be read without ptrace
//! (`/proc/TID/syscall`), so the walk begins with those, reading the stack memory once:
//!
//! * a frame whose CFA is the stack pointer plus a constant (code built without frame
//!   pointers: Rust's default, `gcc -O`) unwinds exactly;
//! * a frame whose CFA is its frame pointer (`rbp`: Rust's std is built with frame
//!   pointers, as is code built with `-fno-omit-frame-pointer`) unwinds exactly once a
//!   frame below it has saved `rbp`. For the first such frame above the C library's
//!   system call wrapper (which saves nothing) the frame's size is read from the
//!   function's prologue (`push rbp; mov rbp, rsp`, register pushes, `sub rsp, N`);
//!   failing that, its saved `rbp` and return address are looked for up the stack: the
//!   first return address whose call instruction may call the function being unwound
//!   (directly, through the GOT, through a register just loaded from the GOT, or through
//!   a register otherwise: a stale return address of an earlier call in a frame's locals
//!   calls some other function) and whose caller's frame goes on. Either way the return
//!   address must follow a call. This is the one guess of the walk.
//!
//! Each frame is then named by the file's DWARF line tables and inlining information
//! (the `addr2line` crate, as Rust's own backtraces do; a function inlined into another
//! is a frame of its own) or, without them, by its symbol. Anything unexpected ends the
//! walk, keeping the frames found so far. Other architectures have no native frames.

use std::cell::OnceCell;
use std::collections::HashMap;
use std::fs::File;

use gimli::{
    BaseAddresses, CfaRule, EhFrame, EhFrameHdr, LittleEndian, RegisterRule, UnwindContext, UnwindSection, X86_64,
};

use crate::pyframe::PyFrame;

/// At most this many machine frames are unwound, innermost first.
const MAX_FRAMES: usize = 64;
/// Frames unwound past [`MAX_FRAMES`] only to tell whether those left are the program's
/// or only the start-up's (Rust's `lang_start` and its closures, `main`, the C library's
/// `__libc_start_call_main`, `_start`: 10 frames or so).
const LOOKAHEAD: usize = 16;
/// The stack read above the stopped thread's stack pointer (a thread's stack ends sooner:
/// the read stops at its end).
const STACK_BYTES: usize = 512 << 10;
/// How far up the stack the saved frame pointer of the first frame-pointer frame is
/// looked for.
const SCAN_BYTES: u64 = 256 << 10;

/// One ELF file's call frame information, and its debugging information once needed.
struct Module {
    /// Where it is opened from (`/proc/PID/root/...`), and its name in the process.
    path: String,
    shown: String,
    /// `(p_offset, p_vaddr, p_filesz)` of each `PT_LOAD`.
    segments: Vec<(u64, u64, u64)>,
    eh_frame: Vec<u8>,
    eh_frame_addr: u64,
    /// Empty when the file has no `.eh_frame_hdr` (its search table).
    eh_frame_hdr: Vec<u8>,
    eh_frame_hdr_addr: u64,
    text_addr: u64,
    symbols: OnceCell<Option<addr2line::Loader>>,
}

/// What the call frame information says of one instruction: the CFA as a register plus
/// an offset, where `rbp` and the return address were saved, and the function's start.
struct Rules {
    cfa: (gimli::Register, i64),
    rbp: RegisterRule<usize>,
    ra: RegisterRule<usize>,
    start: u64,
}

impl Module {
    fn open(path: &str, shown: &str) -> Option<Module> {
        let elf = crate::elf::Elf::open(File::open(path).ok()?)?;
        let names = elf.section_names()?;
        let find = |n: &str| names.iter().position(|s| s == n);
        let eh = find(".eh_frame")?;
        let (eh_frame_hdr, eh_frame_hdr_addr) = match find(".eh_frame_hdr") {
            Some(i) => (elf.contents(i, 64 << 20)?, elf.section_addr(i)),
            None => (vec![], 0),
        };
        Some(Module {
            path: path.to_owned(),
            shown: shown.to_owned(),
            segments: elf.load_segments(),
            eh_frame: elf.contents(eh, 256 << 20)?,
            eh_frame_addr: elf.section_addr(eh),
            eh_frame_hdr,
            eh_frame_hdr_addr,
            text_addr: find(".text").map_or(0, |i| elf.section_addr(i)),
            symbols: OnceCell::new(),
        })
    }

    /// The address in the file (as its headers and DWARF give them) of `pc`, in a
    /// mapping at `start` of the file from `offset` on.
    fn file_address(&self, pc: u64, start: u64, offset: u64) -> Option<u64> {
        let at = pc.checked_sub(start)?.checked_add(offset)?;
        let &(o, v, _) = self.segments.iter().find(|&&(o, _, n)| o <= at && at < o + n)?;
        (at - o).checked_add(v)
    }

    fn rules(&self, ctx: &mut UnwindContext<usize>, address: u64) -> Option<Rules> {
        let bases = BaseAddresses::default()
            .set_eh_frame(self.eh_frame_addr)
            .set_eh_frame_hdr(self.eh_frame_hdr_addr)
            .set_text(self.text_addr);
        let eh_frame = EhFrame::new(&self.eh_frame, LittleEndian);
        let hdr = (!self.eh_frame_hdr.is_empty())
            .then(|| EhFrameHdr::new(&self.eh_frame_hdr, LittleEndian).parse(&bases, 8).ok())
            .flatten();
        let fde = match hdr.as_ref().and_then(|h| h.table()) {
            Some(table) => table.fde_for_address(&eh_frame, &bases, address, EhFrame::cie_from_offset),
            None => eh_frame.fde_for_address(&bases, address, EhFrame::cie_from_offset),
        }
        .ok()?;
        let row = fde.unwind_info_for_address(&eh_frame, &bases, ctx, address).ok()?;
        let CfaRule::RegisterAndOffset { register, offset } = *row.cfa() else {
            return None;
        };
        Some(Rules {
            cfa: (register, offset),
            rbp: row.register(X86_64::RBP),
            ra: row.register(X86_64::RA),
            start: fde.initial_address(),
        })
    }

    /// The frames at `probe` (an address in the file), innermost (inlined) first. Without
    /// line tables a frame is named by its symbol, and in the program's own executable
    /// (`own`) placed in it (line 0), so that it is shown.
    fn name(&self, probe: u64, own: bool, out: &mut Vec<PyFrame>) {
        let Some(loader) = self.symbols.get_or_init(|| addr2line::Loader::new(&self.path).ok()) else {
            return;
        };
        let symbol = || {
            loader
                .find_symbol(probe)
                .map(|s| addr2line::demangle_auto(s.into(), None).into_owned())
                .unwrap_or_default()
        };
        let before = out.len();
        if let Ok(mut frames) = loader.find_frames(probe) {
            while let Ok(Some(f)) = frames.next() {
                let function = f
                    .function
                    .and_then(|n| n.demangle().ok().map(|d| d.into_owned()))
                    .unwrap_or_else(symbol);
                let (file, line) = f.location.map_or((String::new(), 0), |l| {
                    (l.file.unwrap_or_default().to_owned(), l.line.unwrap_or(0))
                });
                out.push(PyFrame {
                    file,
                    function,
                    line,
                    at: Default::default(),
                });
            }
        }
        if out.len() == before {
            out.push(PyFrame {
                file: if own { self.shown.clone() } else { String::new() },
                function: symbol(),
                line: 0,
                at: Default::default(),
            });
        }
    }
}

/// A file: its device (major, minor) and inode.
type Key = ((u64, u64), u64);

/// An executable mapping of a file.
struct Code {
    start: u64,
    end: u64,
    offset: u64,
    key: Key,
    path: String,
}

/// The native frames of stopped threads, with the files read so far.
#[derive(Default)]
pub struct NativeStacks {
    /// `(device, inode)` of a file → its call frame information (`None`: none readable).
    modules: HashMap<Key, Option<Module>>,
    ctx: Option<Box<UnwindContext<usize>>>,
}

impl NativeStacks {
    /// The frames of thread `tid` of process `pid`, stopped in a system call, innermost
    /// first, each with its function and, where the file has line tables, its file and
    /// line (empty when they cannot be read); and whether the unwinding stopped at its
    /// limit (64 frames, `MAX_FRAMES`) with frames of the program left below (frames
    /// [`shown`] keeps: the C library's and Rust's start-up under `main` do not count).
    pub fn stack(&mut self, pid: u32, tid: u32) -> (Vec<PyFrame>, bool) {
        if !cfg!(target_arch = "x86_64") {
            return (vec![], false);
        }
        let mut out = vec![];
        let exe = std::fs::read_link(format!("/proc/{pid}/exe")).ok();
        let (frames, cut) = self
            .unwind(pid, tid, MAX_FRAMES + LOOKAHEAD)
            .map(|u| (u.0, u.2))
            .unwrap_or_default();
        // Where the frames past the limit begin (a machine frame may name several:
        // functions inlined into it).
        let mut kept = None;
        for (i, (key, probe)) in frames.into_iter().enumerate() {
            if i == MAX_FRAMES {
                kept = Some(out.len());
            }
            if let Some(Some(module)) = self.modules.get(&key) {
                let own = exe.as_deref() == Some(std::path::Path::new(&module.shown));
                module.name(probe, own, &mut out);
            }
        }
        let Some(kept) = kept else {
            return (out, false);
        };
        let more = cut || shown_mask(&out)[kept..].iter().any(|&s| s);
        out.truncate(kept);
        (out, more)
    }

    fn module(&mut self, pid: u32, code: &Code) -> Option<&Module> {
        self.modules
            .entry(code.key)
            .or_insert_with(|| Module::open(&format!("/proc/{pid}/root{}", code.path), &code.path))
            .as_ref()
    }

    /// Where unwinding thread `tid` of `pid` (stopped in a system call) stops: the stack
    /// pointer of the first frame without call frame information (code compiled at run
    /// time, or hand-written like V8's builtins) and its frame pointer when a frame below
    /// saved it. x86-64 only.
    pub fn stop(&mut self, pid: u32, tid: u32) -> Option<(u64, Option<u64>)> {
        if !cfg!(target_arch = "x86_64") {
            return None;
        }
        self.unwind(pid, tid, MAX_FRAMES).map(|u| u.1)
    }

    /// The machine frames, at most `max`: each frame's file and the address in it to
    /// name it by (a return address less one: the call instruction); the stack and frame
    /// pointers where the walk stopped; and whether it stopped at `max` with a return
    /// address into code left (the frames end naturally where a function's call frame
    /// information leaves its return address undefined: `_start`, `clone3`).
    #[allow(clippy::type_complexity)]
    fn unwind(&mut self, pid: u32, tid: u32, max: usize) -> Option<(Vec<(Key, u64)>, (u64, Option<u64>), bool)> {
        let (sp0, pc0) = crate::procscan::syscall_sp_pc(tid)?;
        let maps = std::fs::read_to_string(format!("/proc/{pid}/maps")).ok()?;
        let code: Vec<Code> = maps
            .lines()
            .filter_map(crate::procscan::maps_line)
            .filter(|m| m.perms.get(2) == Some(&b'x') && m.ino != 0 && m.path.starts_with('/'))
            .map(|m| Code {
                start: m.start,
                end: m.end,
                offset: m.offset,
                key: (m.dev, m.ino),
                path: m.path.to_owned(),
            })
            .collect();
        let mut stack = vec![0u8; STACK_BYTES];
        let n = crate::sys::read_mem(tid, sp0, &mut stack)?;
        stack.truncate(n);
        let word = |a: u64| -> Option<u64> {
            let i = usize::try_from(a.checked_sub(sp0)?).ok()?;
            Some(u64::from_le_bytes(stack.get(i..i.checked_add(8)?)?.try_into().ok()?))
        };
        let in_code = |a: u64| code.iter().any(|c| c.start <= a && a < c.end);
        let mut ctx = self.ctx.take().unwrap_or_default();
        let mut out = vec![];
        let (mut sp, mut pc, mut rbp) = (sp0, pc0, None::<u64>);
        let mut cut = false;
        for depth in 0..max {
            let Some(c) = code.iter().find(|c| c.start <= pc && pc < c.end) else {
                break;
            };
            if self.modules.len() >= 64 && !self.modules.contains_key(&c.key) {
                // Many files seen: begin again (the frames found so far name theirs).
                self.modules.retain(|k, _| out.iter().any(|(o, _)| o == k));
            }
            let Some(module) = self.module(pid, c) else {
                break;
            };
            let Some(address) = module.file_address(pc, c.start, c.offset) else {
                break;
            };
            // A return address is just past its call instruction: the call is the
            // frame's position (and may be a function's last instruction).
            let probe = if depth == 0 { address } else { address - 1 };
            out.push((c.key, probe));
            let Some(rules) = module.rules(&mut ctx, probe) else {
                break;
            };
            let (cfa, saved_rbp) = match rules.cfa {
                (X86_64::RSP, off) => (sp.checked_add_signed(off), None),
                (X86_64::RBP, off) => match rbp {
                    Some(bp) => (bp.checked_add_signed(off), None),
                    // The frame pointer is not known yet: the standard frame (`push rbp;
                    // mov rbp, rsp`: CFA = rbp + 16) is found by its return address.
                    None if off == 16 => {
                        let start = pc - (address - rules.start);
                        // The caller's frame must go on: its return address in code.
                        let mut caller_ok = |s: u64, ra: u64| {
                            let Some(c) = code.iter().find(|c| c.start <= ra && ra < c.end) else {
                                return false;
                            };
                            let Some(Some(m)) = self.modules.get(&c.key) else {
                                // Not read yet: judged by the call alone.
                                return true;
                            };
                            let Some(r) = m
                                .file_address(ra, c.start, c.offset)
                                .and_then(|a| m.rules(&mut ctx, a - 1))
                            else {
                                return false;
                            };
                            let cfa = match r.cfa {
                                (X86_64::RSP, off) => (s + 16).checked_add_signed(off),
                                (X86_64::RBP, off) => {
                                    word(s).filter(|&bp| bp > s).and_then(|bp| bp.checked_add_signed(off))
                                }
                                _ => None,
                            };
                            cfa.and_then(|cfa| word(cfa - 8))
                                .is_some_and(|next| next == 0 || in_code(next))
                        };
                        // Exactly, when the function begins with the standard prologue
                        // and its frame's size can be read from it (the call there may
                        // be of another function that jumped to this one).
                        let exact = frame_size(tid, start).map(|size| sp + size - 16).filter(|&s| {
                            word(s + 8)
                                .filter(|&ra| in_code(ra))
                                .is_some_and(|ra| calls(tid, ra, start) != Call::Other && caller_ok(s, ra))
                        });
                        // Else the first return address whose call may be of this
                        // function (stale return addresses of earlier calls lie below
                        // the live one: those whose target can be read are told apart).
                        let found = exact.or_else(|| {
                            (sp..sp.saturating_add(SCAN_BYTES)).step_by(8).find(|&s| {
                                word(s + 8).filter(|&ra| in_code(ra)).is_some_and(|ra| {
                                    matches!(calls(tid, ra, start), Call::Callee | Call::Indirect) && caller_ok(s, ra)
                                })
                            })
                        });
                        match found {
                            Some(s) => (Some(s + 16), word(s)),
                            None => break,
                        }
                    }
                    None => break,
                },
                _ => break,
            };
            let Some(cfa) = cfa.filter(|&c| c > sp) else {
                break;
            };
            let Some(ra) = (match rules.ra {
                RegisterRule::Offset(o) => cfa.checked_add_signed(o).and_then(word),
                _ => None,
            }) else {
                break;
            };
            rbp = match rules.rbp {
                RegisterRule::Offset(o) => cfa.checked_add_signed(o).and_then(word),
                RegisterRule::SameValue | RegisterRule::Undefined => saved_rbp.or(rbp),
                _ => None,
            };
            if ra == 0 {
                break;
            }
            (sp, pc) = (cfa, ra);
            cut = depth + 1 == max && in_code(pc);
        }
        self.ctx = Some(ctx);
        Some((out, (sp, rbp), cut))
    }
}

/// The size of the frame of the function at `start` once its prologue has run, from its
/// CFA down to its stack pointer, when it begins the standard way: (`endbr64`,) `push
/// rbp; mov rbp, rsp`, pushes of other registers, `sub rsp, N`. (A function that moves
/// its stack pointer again later is caught by the check of the return address found.)
fn frame_size(tid: u32, start: u64) -> Option<u64> {
    let mut code = [0u8; 40];
    (crate::sys::read_mem(tid, start, &mut code)? == code.len()).then_some(())?;
    let mut i = if code.starts_with(&[0xf3, 0x0f, 0x1e, 0xfa]) {
        4
    } else {
        0
    };
    (code.get(i..i + 4)? == [0x55, 0x48, 0x89, 0xe5]).then_some(())?;
    i += 4;
    let mut size = 16u64;
    loop {
        match code.get(i..)? {
            [0x50..=0x57, ..] => (size, i) = (size + 8, i + 1),
            [0x41, 0x50..=0x57, ..] => (size, i) = (size + 8, i + 2),
            [0x48, 0x83, 0xec, n, ..] => return Some(size + u64::from(*n)),
            [0x48, 0x81, 0xec, a, b, c, d, ..] => return Some(size + u64::from(u32::from_le_bytes([*a, *b, *c, *d]))),
            _ => return Some(size),
        }
    }
}

/// What the instruction before a return address calls.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Call {
    /// The function: a direct call to it, or through a pointer that holds it (the GOT),
    /// read from memory or just loaded into the register called.
    Callee,
    /// Some function, through a register loaded elsewhere: perhaps it.
    Indirect,
    /// Another function (perhaps one that jumped to this one: a tail call).
    Elsewhere,
    /// No call.
    Other,
}

/// What the instruction before the return address `ra` of thread `tid` calls, judged
/// against `callee`.
fn calls(tid: u32, ra: u64, callee: u64) -> Call {
    let mut code = [0u8; 12];
    if ra < 12 || crate::sys::read_mem(tid, ra - 12, &mut code) != Some(12) {
        return Call::Other;
    }
    let disp = |at: usize| i32::from_le_bytes([code[at], code[at + 1], code[at + 2], code[at + 3]]);
    let holds_callee = |slot: u64| {
        let mut target = [0u8; 8];
        crate::sys::read_mem(tid, slot, &mut target) == Some(8) && u64::from_le_bytes(target) == callee
    };
    let judged = |yes: bool| if yes { Call::Callee } else { Call::Elsewhere };
    // call rel32 (e8 disp32): five bytes.
    if code[7] == 0xe8 {
        return judged(ra.wrapping_add_signed(disp(8).into()) == callee);
    }
    // call [rip + disp32] (ff 15 disp32): six bytes, the pointer read.
    if code[6] == 0xff && code[7] == 0x15 {
        return judged(holds_callee(ra.wrapping_add_signed(disp(8).into())));
    }
    // call r64 (ff d0+r; 41 ff d0+r for r8 to r15), often right after `mov r64, [rip +
    // disp32]` (48 8b, or 4c 8b for r8 to r15; modrm 05 + 8 * r): the pointer read.
    if code[10] == 0xff && code[11] & 0xf8 == 0xd0 {
        let reg = code[11] & 7;
        let (end, rex) = if code[9] == 0x41 { (9, 0x4c) } else { (10, 0x48) };
        let m = end - 7;
        if code[m] == rex && code[m + 1] == 0x8b && code[m + 2] == 0x05 | (reg << 3) {
            let after_mov = ra - 12 + end as u64;
            return judged(holds_callee(after_mov.wrapping_add_signed(disp(m + 3).into())));
        }
        return Call::Indirect;
    }
    Call::Other
}

/// Whether a frame is the toolchain's rather than the program's: Rust's standard library
/// (`/rustc/HASH/library/...`, or its sources installed by rustup), the C++ library's
/// headers, the C library (no line tables: no file).
pub fn is_toolchain(file: &str) -> bool {
    file.is_empty()
        || file.starts_with("/rustc/")
        || file.contains("/lib/rustlib/src/rust/library/")
        || file.starts_with("library/")
        || file.starts_with("/usr/include/")
        || file.contains("/include/c++/")
}

/// Whether a source file is a dependency's, as cargo fetched it: a crate's sources in a
/// registry (`$CARGO_HOME/registry/src/INDEX-HASH/NAME-VERSION/`) or a git checkout
/// (`$CARGO_HOME/git/checkouts/NAME-HASH/REV/`), whose directory names end in a hash of
/// 16 hexadecimal digits.
pub fn is_cargo_dependency(file: &str) -> bool {
    ["/registry/src/", "/git/checkouts/"].iter().any(|dir| {
        file.split_once(dir)
            .and_then(|(_, rest)| rest.split_once('/'))
            .and_then(|(first, _)| first.rsplit_once('-'))
            .is_some_and(|(_, hash)| hash.len() == 16 && hash.bytes().all(|c| c.is_ascii_hexdigit()))
    })
}

/// The frames to show for a native caller: the program's own (and its libraries'), with
/// a file and a line; or, in an executable without line tables, by their symbols (line
/// 0), but for the toolchain's (Rust's std, the C library's start-up, and the `main` that
/// rustc writes to call a Rust program's own).
pub fn shown(stack: &[PyFrame]) -> Vec<PyFrame> {
    stack
        .iter()
        .zip(shown_mask(stack))
        .filter(|(_, shown)| *shown)
        .map(|(f, _)| f.clone())
        .collect()
}

/// Which frames of `stack` [`shown`] keeps.
fn shown_mask(stack: &[PyFrame]) -> Vec<bool> {
    let rust_main = stack
        .iter()
        .any(|f| f.function.starts_with("std::rt::lang_start") || (f.line == 0 && f.function.ends_with("::main")));
    let toolchain_symbol = |f: &PyFrame| {
        const PREFIXES: &[&str] = &[
            "std::",
            "core::",
            "alloc::",
            "<std::",
            "<core::",
            "<alloc::",
            "__rust",
            "_start",
            "__libc_start",
            "_init",
        ];
        f.line == 0
            && (f.function.is_empty()
                || PREFIXES.iter().any(|p| f.function.starts_with(p))
                || (rust_main && f.function == "main"))
    };
    // A static executable holds the C library too: its functions that make the calls,
    // innermost, are not the program's.
    let libc = |f: &PyFrame| {
        f.line == 0
            && (LIBC_CALLERS.contains(&f.function.as_str())
                || f.function.starts_with("__")
                || f.function.starts_with("_IO_"))
    };
    let inner_libc = stack.iter().take_while(|f| is_toolchain(&f.file) || libc(f)).count();
    stack
        .iter()
        .enumerate()
        .map(|(i, f)| i >= inner_libc && !is_toolchain(&f.file) && !toolchain_symbol(f))
        .collect()
}

/// The C library's functions that make the calls winsan decides (as a static executable
/// names them without line tables).
const LIBC_CALLERS: &[&str] = &[
    "unlink",
    "unlinkat",
    "rmdir",
    "rename",
    "renameat",
    "renameat2",
    "remove",
    "open",
    "open64",
    "openat",
    "openat64",
    "creat",
    "creat64",
    "truncate",
    "truncate64",
    "ftruncate",
    "ftruncate64",
    "syscall",
    "mmap",
    "mmap64",
    "execve",
    "execv",
    "execvp",
    "execvpe",
    "execl",
    "execlp",
    "link",
    "linkat",
    "mkdir",
    "mkdirat",
    "chmod",
    "fchmod",
    "fchmodat",
    "fopen",
    "fopen64",
    "freopen",
    "freopen64",
    "tmpfile",
    "tmpfile64",
    "mkstemp",
    "mkstemp64",
    "mkostemp",
    "mkostemp64",
    "mkdtemp",
    "posix_spawn",
    "posix_spawnp",
    "system",
];

/// The program sources read so far, for code that a Windows build leaves out or never
/// runs: Rust's `cfg` ([`crate::rustsource`]), C's and C++'s conditional inclusion
/// ([`crate::csource`]).
#[derive(Default)]
pub struct NativeSources {
    files: crate::pysource::SourceFiles,
    /// Answers so far (a line that makes a finding in a loop is asked again and again,
    /// and each answer reads its whole file).
    answers: std::collections::HashMap<(String, u32), bool>,
}

impl NativeSources {
    /// Whether a native caller's call (its frames, innermost first) never happens on
    /// Windows: one of its frames is at code compiled or run only off Windows
    /// ([`NativeSources::posix_only`]). Not when the outermost such frame is in a
    /// dependency ([`is_cargo_dependency`]), in a Rust function compiled only off Windows
    /// as a whole ([`NativeSources::function_posix_only`]), and called by code that a
    /// Windows build compiles: that function is the library's implementation, for other
    /// systems, of an API the program calls on Windows too, where the library's function
    /// of the same name makes the operation its own way. tempfile's `NamedTempFile::persist`
    /// renames through `src/file/imp/unix.rs` (`#[cfg_attr(unix, path = "unix.rs")]`) and
    /// on Windows through `imp/windows.rs`, with `MoveFileExW`; atomic-write-file's
    /// `commit` renames through `imp/unix` and elsewhere through `imp/generic.rs`, with
    /// `std::fs::rename`; cap-std's `Dir::remove_dir` removes through cap-primitives'
    /// `#[cfg(not(windows))] mod rustix` and on Windows through its `windows` module, with
    /// `std::fs::remove_dir`. A library's own POSIX-only block or branch inside a function
    /// the Windows build has, and the program's own code built only off Windows, still
    /// make the call POSIX-only.
    pub fn stack_posix_only(&mut self, stack: &[PyFrame]) -> bool {
        let frames: Vec<&PyFrame> = stack.iter().filter(|f| !is_toolchain(&f.file)).collect();
        let Some(outermost) = frames.iter().rposition(|f| self.posix_only(&f.file, f.line)) else {
            return false;
        };
        let f = frames[outermost];
        let called_from_windows_code = outermost + 1 < frames.len();
        !(called_from_windows_code && is_cargo_dependency(&f.file) && self.function_posix_only(&f.file, f.line))
    }

    /// Whether the code at `line` of `file` is compiled or run only off Windows.
    pub fn posix_only(&mut self, file: &str, line: u32) -> bool {
        if let Some(&a) = self.answers.get(&(file.to_owned(), line)) {
            return a;
        }
        let a = self.posix_only_uncached(file, line);
        if self.answers.len() >= 4096 {
            self.answers.clear();
        }
        self.answers.insert((file.to_owned(), line), a);
        a
    }

    fn posix_only_uncached(&mut self, file: &str, line: u32) -> bool {
        let rust = file.ends_with(".rs");
        let c = [".c", ".h", ".cc", ".cpp", ".cxx", ".hpp", ".hh", ".hxx", ".inl"]
            .iter()
            .any(|e| file.ends_with(e));
        if line == 0 || !(rust || c) {
            return false;
        }
        if !rust {
            return self
                .files
                .get(file)
                .is_some_and(|src| crate::csource::line_is_posix_only(&src, line as usize));
        }
        // The line, then the declaration of each module around the file (`#[cfg(unix)]
        // mod imp;` in its parent), up to the crate's root.
        let Some(src) = self.files.get(file) else {
            return false;
        };
        crate::rustsource::line_is_posix_only(&src, line as usize) || self.module_posix_only(file)
    }

    /// Whether the Rust function at `line` of `file` is compiled only off Windows as a
    /// whole ([`crate::rustsource::function_is_posix_only`]), or its file is, by the
    /// declaration of its module or of one around it.
    pub fn function_posix_only(&mut self, file: &str, line: u32) -> bool {
        if line == 0 || !file.ends_with(".rs") {
            return false;
        }
        let Some(src) = self.files.get(file) else {
            return false;
        };
        crate::rustsource::function_is_posix_only(&src, line as usize) || self.module_posix_only(file)
    }

    /// Whether a Windows build leaves out the module that the Rust source `file` is: its
    /// declaration, or that of a module around it up to the crate's root, is compiled
    /// only off Windows.
    fn module_posix_only(&mut self, file: &str) -> bool {
        let mut file = file.to_owned();
        for _ in 0..8 {
            // The declaration by name (`mod imp;`), or by a `path` attribute naming the
            // file (`#[cfg_attr(unix, path = "imp_unix.rs")] mod imp;`).
            let file_name = std::path::Path::new(&file)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let Some((parent, at, excluded)) =
                crate::rustsource::parent_modules(&file)
                    .into_iter()
                    .find_map(|(parent, name)| {
                        let src = self.files.get(&parent)?;
                        if let Some(at) = crate::rustsource::module_declaration(&src, &name) {
                            return Some((parent, at, false));
                        }
                        let (at, excluded) = crate::rustsource::path_declaration(&src, &file_name)?;
                        Some((parent, at, excluded))
                    })
            else {
                return false;
            };
            if excluded
                || self
                    .files
                    .get(&parent)
                    .is_some_and(|src| crate::rustsource::line_is_posix_only(&src, at))
            {
                return true;
            }
            file = parent;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_toolchain_is_not_shown() {
        let f = |file: &str, function: &str| PyFrame {
            file: file.into(),
            function: function.into(),
            line: 3,
            at: Default::default(),
        };
        let stack = [
            f("", "unlink"),
            f(
                "/rustc/17067e9ac6d7e98f/library/std/src/sys/fs/unix.rs",
                "std::sys::fs::unix::unlink",
            ),
            f("/home/me/p/src/main.rs", "p::clean"),
            f(
                "/root/.cargo/registry/src/index.crates.io-1/tempfile-3.10.0/src/dir.rs",
                "tempfile::dir::TempDir::close",
            ),
            f("/usr/include/c++/12/bits/fs_ops.h", "std::filesystem::remove"),
        ];
        let names: Vec<String> = shown(&stack).into_iter().map(|f| f.function).collect();
        assert_eq!(names, ["p::clean", "tempfile::dir::TempDir::close"]);
        // Without line tables: the program's symbols, in its executable.
        let bare = |function: &str| PyFrame {
            file: "/home/me/p/target/release/p".into(),
            function: function.into(),
            line: 0,
            at: Default::default(),
        };
        let stack = [
            f("", "unlink"),
            bare("std::sys::fs::unix::unlink"),
            bare("p::clean"),
            bare("p::main"),
            bare("std::rt::lang_start_internal"),
            bare("main"),
            f("", "__libc_start_call_main"),
        ];
        let names: Vec<String> = shown(&stack).into_iter().map(|f| f.function).collect();
        assert_eq!(names, ["p::clean", "p::main"]);
        // A static C executable without line tables: the C library's functions first.
        let stack = [
            bare("unlink"),
            bare("__unlink_nocancel"),
            bare("clean"),
            bare("main"),
            bare("__libc_start_main"),
        ];
        let names: Vec<String> = shown(&stack).into_iter().map(|f| f.function).collect();
        assert_eq!(names, ["clean", "main"]);
    }

    #[test]
    fn cargo_dependencies_by_their_directories() {
        assert!(is_cargo_dependency(
            "/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/tempfile-3.27.0/src/file/imp/unix.rs"
        ));
        // The Docker images' CARGO_HOME, and a git dependency.
        assert!(is_cargo_dependency(
            "/usr/local/cargo/registry/src/github.com-1ecc6299db9ec823/libc-0.2.150/src/lib.rs"
        ));
        assert!(is_cargo_dependency(
            "/home/me/.cargo/git/checkouts/gix-0123456789abcdef/1a2b3c4/gix/src/lib.rs"
        ));
        assert!(!is_cargo_dependency("/home/me/registry/src/main.rs"));
        assert!(!is_cargo_dependency("/home/me/p/src/imp/unix.rs"));
    }

    /// A dependency's implementation for other systems (a module file its crate declares
    /// only for them, as tempfile's `imp/unix.rs`), called by its API, leaves the call on
    /// Windows; its POSIX-only branch in the API, or the program's own function built only
    /// off Windows around the call, does not.
    #[test]
    fn a_dependencys_implementation_for_other_systems() {
        let home = std::env::temp_dir().join(format!("winsan-native-deps-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&home);
        let krate = home.join("registry/src/index.crates.io-0123456789abcdef/keep-1.0.0/src");
        std::fs::create_dir_all(krate.join("imp")).unwrap();
        std::fs::create_dir_all(home.join("p/src")).unwrap();
        let w = |p: &std::path::Path, t: &str| std::fs::write(p, t).unwrap();
        w(
            &krate.join("lib.rs"),
            "mod imp;\npub fn persist(p: &str) {\n    imp::persist(p);\n    #[cfg(unix)]\n    branch(p);\n}\n",
        );
        w(
            &krate.join("imp/mod.rs"),
            "#[cfg_attr(unix, path = \"unix.rs\")]\n#[cfg_attr(windows, path = \"windows.rs\")]\nmod platform;\npub use self::platform::*;\n",
        );
        w(
            &krate.join("imp/unix.rs"),
            "pub fn persist(p: &str) {\n    std::fs::rename(p, \"q\").unwrap();\n}\n",
        );
        let main = home.join("p/src/main.rs");
        w(
            &main,
            "fn main() {\n    keep::persist(\"a\");\n}\n#[cfg(unix)]\nfn unix_only() {\n    keep::persist(\"b\");\n}\n",
        );
        let frame = |file: &std::path::Path, function: &str, line: u32| PyFrame {
            file: file.to_str().unwrap().into(),
            function: function.into(),
            line,
            at: Default::default(),
        };
        let std_rename = frame(
            std::path::Path::new("/rustc/17067e9ac6d7e98f/library/std/src/fs.rs"),
            "std::fs::rename",
            9,
        );
        let unix = frame(&krate.join("imp/unix.rs"), "keep::imp::platform::persist", 2);
        let api = frame(&krate.join("lib.rs"), "keep::persist", 3);
        let branch = frame(&krate.join("lib.rs"), "keep::persist", 5);
        let from_main = frame(&main, "p::main", 2);
        let from_unix_only = frame(&main, "p::unix_only", 6);
        let mut sources = NativeSources::default();
        assert!(
            sources.posix_only(unix.file.as_str(), 2),
            "its module is declared only off Windows"
        );
        assert!(sources.function_posix_only(unix.file.as_str(), 2));
        assert!(!sources.function_posix_only(branch.file.as_str(), 5));
        let stack = |frames: &[&PyFrame]| frames.iter().map(|&f| f.clone()).collect::<Vec<_>>();
        assert!(!sources.stack_posix_only(&stack(&[&std_rename, &unix, &api, &from_main])));
        assert!(sources.stack_posix_only(&stack(&[&std_rename, &branch, &from_main])));
        assert!(sources.stack_posix_only(&stack(&[&std_rename, &unix, &api, &from_unix_only])));
        // Nothing of the program's calls it: entered by the runtime, on other systems only.
        assert!(sources.stack_posix_only(&stack(&[&std_rename, &unix])));
        // The same layout in the program's own sources: its own code built only off Windows.
        let own = home.join("p/src/imp");
        std::fs::create_dir_all(&own).unwrap();
        for f in ["imp/mod.rs", "imp/unix.rs"] {
            std::fs::copy(krate.join(f), home.join("p/src").join(f)).unwrap();
        }
        w(&home.join("p/src/lib.rs"), "mod imp;\n");
        let own_unix = frame(&own.join("unix.rs"), "p::imp::platform::persist", 2);
        assert!(sources.stack_posix_only(&stack(&[&std_rename, &own_unix, &from_main])));
        let _ = std::fs::remove_dir_all(&home);
    }

    /// The program's own stack, unwound through the C library and std: this test's
    /// function is on it, at its file.
    #[test]
    fn a_thread_of_this_process_unwinds_to_its_caller() {
        if !cfg!(target_arch = "x86_64") {
            return;
        }
        // A thread blocked in a system call, then read as any traced thread is.
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let (tid_tx, tid_rx) = std::sync::mpsc::channel();
        let t = std::thread::spawn(move || {
            // SAFETY: gettid has no preconditions.
            tid_tx.send(unsafe { libc::gettid() } as u32).unwrap();
            blocked_in_a_system_call(&rx);
        });
        let tid = tid_rx.recv().unwrap();
        let pid = std::process::id();
        let mut stack = vec![];
        for _ in 0..200 {
            std::thread::sleep(std::time::Duration::from_millis(5));
            stack = NativeStacks::default().stack(pid, tid).0;
            if stack.iter().any(|f| f.function.contains("blocked_in_a_system_call")) {
                break;
            }
        }
        tx.send(()).unwrap();
        t.join().unwrap();
        let f = stack
            .iter()
            .find(|f| f.function.contains("blocked_in_a_system_call"))
            .unwrap_or_else(|| panic!("{stack:#?}"));
        assert!(f.file.ends_with("native.rs"), "{f:?}");
        assert!(f.line > 0, "{f:?}");
    }

    #[inline(never)]
    fn blocked_in_a_system_call(rx: &std::sync::mpsc::Receiver<()>) {
        rx.recv().unwrap();
    }
}
