//! A Go caller's stack, read from its binary's `.gopclntab` and its goroutine stack.
//!
//! Every Go binary carries the table its own runtime unwinds and symbolizes with
//! (`runtime/symtab.go`, `pcHeader`, Go 1.18 and later): for each function its entry,
//! name and three "pc-value" tables, keyed by the program counter: the stack frame size
//! (`pcsp`), the source file (`pcfile`, an index into the compilation unit's files) and
//! the line (`pcln`). A Go system call is made on the goroutine's stack, so from the
//! stopped thread's program counter and stack pointer (`/proc/TID/syscall`) the frames
//! unwind exactly as Go's own `gentraceback` does on amd64: the frame at `pc` takes
//! `pcsp(pc)` bytes, the return address is the word above them, the caller's stack
//! pointer is past it. A function inlined into another has no frame of its own: the
//! function's inline tree (`FUNCDATA_InlTree`, indexed by `PCDATA_InlTreeIndex`) names
//! it and the caller's instruction at the call site, as in Go's own tracebacks; the tree
//! lies in `go:func.*`, whose address the module data holds (or `.symtab`; when neither
//! tells, a position inside inlined code is known by file only).
//!
//! The table is read from the executable on demand (its function index once per
//! binary, the rest a few bytes at a time), so that a large test binary costs the
//! supervisor little memory. Anything unexpected ends the walk: the frames found so far
//! are kept, and a binary of another layout (Go before 1.18, another pointer size) has
//! none.

use std::collections::HashMap;
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::sync::Arc;

use crate::gosource::GoSources;
use crate::pyframe::PyFrame;

/// At most this many frames are read, innermost first.
pub const MAX_FRAMES: usize = 32;

/// The functions a goroutine's or a thread's stack begins with (`runtime.main` calls
/// `main.main`; below it, and below every other goroutine's first function, is
/// `runtime.goexit`): the walk ends at them.
const FIRST_FUNCTIONS: [&str; 3] = ["runtime.goexit", "runtime.main", "runtime.mstart"];

/// One binary's `.gopclntab`.
struct Pclntab {
    file: File,
    elf: crate::elf::Elf,
    /// Go 1.20 and later (magic `0xfffffff1`): `_func` has `startLine`, an inlined call
    /// is `{funcID, nameOff, parentPc, startLine}`; before, `{parent, funcID, file, line,
    /// nameOff, parentPc}`.
    go120: bool,
    /// Where `go:func.*` is (`moduledata.gofunc`): function data such as the inline tree
    /// are at offsets from it.
    gofunc: Option<u64>,
    /// File offset of the section.
    base: u64,
    size: u64,
    /// The instruction size quantum of pc deltas (1 on amd64, 4 on arm64).
    min_lc: u64,
    text_start: u64,
    funcname: u64,
    cutab: u64,
    filetab: u64,
    pctab: u64,
    functab: u64,
    /// `(entry offset from text_start, _func offset from functab)`, `nfunc + 1` of them
    /// (the last is the end of the text).
    funcs: Vec<(u32, u32)>,
    /// Position-independent (`ET_DYN`): loaded `load address - link_base` away from the
    /// addresses in the file.
    pie: bool,
    link_base: u64,
}

/// A function's `_func` fields that the walk needs.
#[derive(Clone, Copy, Debug)]
struct Func {
    /// Where its `_func` is, from the start of the section.
    at: u64,
    npcdata: u32,
    nfuncdata: u8,
    entry: u64,
    name_off: u32,
    pcsp: u32,
    pcfile: u32,
    pcln: u32,
    cu_offset: u32,
}

impl Pclntab {
    fn open(file: File) -> Option<Pclntab> {
        let elf = crate::elf::Elf::open(file.try_clone().ok()?)?;
        let names = elf.section_names()?;
        // `.data.rel.ro.gopclntab` in a position-independent binary of Go before 1.20.
        let i = names.iter().position(|n| n.ends_with(".gopclntab"))?;
        let (base, size) = elf.section_range(i)?;
        // pcHeader: magic, two pads, minLC, ptrSize, then eight words: nfunc, nfiles,
        // textStart and the offsets of funcnametab, cutab, filetab, pctab, pclntable.
        let mut h = [0u8; 72];
        file.read_exact_at(&mut h, base).ok()?;
        let word = |at: usize| u64::from_le_bytes(h[at..at + 8].try_into().expect("8 bytes"));
        let magic = u32::from_le_bytes(h[0..4].try_into().expect("4 bytes"));
        if !matches!(magic, 0xffff_fff0 | 0xffff_fff1) || h[7] != 8 {
            return None; // Go before 1.18, or not 64-bit
        }
        let nfunc = word(8).min(1 << 22) as usize;
        let functab = word(64);
        let mut raw = vec![0u8; 8 * (nfunc + 1)];
        file.read_exact_at(&mut raw, base + functab).ok()?;
        let funcs = raw
            .chunks_exact(8)
            .map(|e| {
                let entry = u32::from_le_bytes(e[0..4].try_into().expect("4 bytes"));
                let func = u32::from_le_bytes(e[4..8].try_into().expect("4 bytes"));
                (entry, func)
            })
            .collect();
        // `textStart` is `moduledata.text`, the start of `.text`; recent linkers leave it
        // to a relocation (0 in the file).
        let text = names.iter().position(|n| n == ".text")?;
        let text_start = match word(24) {
            0 => elf.section_addr(text),
            t => t,
        };
        // The address the file's start is linked at (the first segment maps offset 0):
        // a position-independent binary is loaded that far from it.
        let link_base = elf.section_addr(text).checked_sub(elf.section_range(text)?.0)?;
        // From the module data (a few KiB read); `.symtab` (megabytes in a large binary)
        // only when that fails.
        let gofunc = gofunc_from_moduledata(&elf, &names, elf.section_addr(i)).or_else(|| {
            let [new, old] = elf.static_symbols([b"go:func.*", b"go.func.*"])?;
            new.or(old)
        });
        Some(Pclntab {
            go120: magic == 0xffff_fff1,
            gofunc,
            file,
            base,
            size,
            min_lc: h[6].max(1) as u64,
            text_start,
            funcname: word(32),
            cutab: word(40),
            filetab: word(48),
            pctab: word(56),
            functab,
            funcs,
            pie: !elf.fixed,
            link_base,
            elf,
        })
    }

    /// `len` bytes at offset `at` of the section (fewer at its end).
    fn read(&self, at: u64, len: usize) -> Option<Vec<u8>> {
        let len = (len as u64).min(self.size.checked_sub(at)?) as usize;
        let mut b = vec![0u8; len];
        self.file.read_exact_at(&mut b, self.base + at).ok()?;
        Some(b)
    }

    fn u32_at(&self, at: u64) -> Option<u32> {
        let b = self.read(at, 4)?;
        Some(u32::from_le_bytes(b.get(..4)?.try_into().ok()?))
    }

    /// The NUL-terminated string at `at` (at most 512 bytes).
    fn c_string(&self, at: u64) -> Option<String> {
        let b = self.read(at, 512)?;
        let end = b.iter().position(|&c| c == 0)?;
        Some(String::from_utf8_lossy(&b[..end]).into_owned())
    }

    /// The function whose code holds `pc` (a link-time address).
    fn func(&self, pc: u64) -> Option<Func> {
        let off = pc.checked_sub(self.text_start)?;
        let (last, funcs) = self.funcs.split_last()?;
        if off >= last.0 as u64 {
            return None;
        }
        let i = funcs
            .partition_point(|&(entry, _)| entry as u64 <= off)
            .checked_sub(1)?;
        let at = self.functab + funcs[i].1 as u64;
        let fixed = self.func_size();
        let f = self.read(at, fixed as usize)?;
        (f.len() == fixed as usize).then_some(())?;
        let u = |k: usize| u32::from_le_bytes(f[k..k + 4].try_into().expect("4 bytes"));
        Some(Func {
            at,
            npcdata: u(28),
            nfuncdata: f[fixed as usize - 1],
            entry: self.text_start + u(0) as u64,
            name_off: u(4),
            pcsp: u(16),
            pcfile: u(20),
            pcln: u(24),
            cu_offset: u(32),
        })
    }

    /// Pc-value table `table` of `f` (`runtime.pcvalue`) as `(start pc, value)` runs, up
    /// to the run that holds `until`: pairs of a zig-zag varint value delta and a varint
    /// pc delta (in units of `min_lc`), from the value -1 at the function's entry; a zero
    /// value delta after the first pair ends it.
    fn runs(&self, f: &Func, table: u32, until: u64) -> Option<Vec<(u64, i64)>> {
        if table == 0 {
            return None;
        }
        let data = self.read(self.pctab + table as u64, 16 << 10)?;
        let mut i = 0usize;
        let varint = |i: &mut usize| -> Option<u64> {
            let (mut v, mut shift) = (0u64, 0);
            loop {
                let b = *data.get(*i)?;
                *i += 1;
                v |= ((b & 0x7f) as u64) << shift;
                if b & 0x80 == 0 {
                    return Some(v);
                }
                shift += 7;
                if shift > 63 {
                    return None;
                }
            }
        };
        let (mut value, mut at, mut first) = (-1i64, f.entry, true);
        let mut out = vec![];
        loop {
            let uv = varint(&mut i)?;
            if uv == 0 && !first {
                return None;
            }
            first = false;
            value += if uv & 1 != 0 {
                -((uv >> 1) as i64) - 1
            } else {
                (uv >> 1) as i64
            };
            let start = at;
            at += varint(&mut i)? * self.min_lc;
            out.push((start, value));
            if until < at {
                return Some(out);
            }
        }
    }

    /// The value of pc-value table `table` of `f` at `pc`.
    fn pcvalue(&self, f: &Func, table: u32, pc: u64) -> Option<i64> {
        self.runs(f, table, pc)?.last().map(|r| r.1)
    }

    /// The source file of file index `index` of `f`'s compilation unit.
    fn file_name(&self, f: &Func, index: i64) -> Option<String> {
        let index = u64::try_from(index).ok()?;
        let off = self.u32_at(self.cutab + 4 * (f.cu_offset as u64 + index))?;
        self.c_string(self.filetab + off as u64)
    }

    fn name(&self, f: &Func) -> Option<String> {
        self.c_string(self.funcname + f.name_off as u64)
    }

    /// The size of `_func`'s fixed part (before its pcdata and funcdata offsets).
    fn func_size(&self) -> u64 {
        if self.go120 {
            44
        } else {
            40
        }
    }

    /// The source positions of `pc` in `f`, innermost first: one per function inlined
    /// there (`PCDATA_InlTreeIndex`, 2, indexes `FUNCDATA_InlTree`, 3: each call gives
    /// the callee's name and an instruction of its caller at the call site), then `f`
    /// itself: `(function, file index, line)`. Only `f` when the tree cannot be read.
    fn positions(&self, f: &Func, pc: u64) -> Option<Vec<(String, i64, i64)>> {
        let at = |p: u64| -> Option<(i64, i64)> { Some((self.pcvalue(f, f.pcfile, p)?, self.pcvalue(f, f.pcln, p)?)) };
        let mut out = vec![];
        let mut p = pc;
        if let Some(tree) = self.inline_tree(f) {
            let mut index = self.pcdata(f, 2, p);
            while let Some(ix) = index.filter(|&i| i >= 0) {
                if out.len() >= 16 {
                    break;
                }
                let (name_off, parent_pc) = self.inlined_call(tree, ix as u64)?;
                let (file, line) = at(p)?;
                out.push((self.c_string(self.funcname + name_off as u64)?, file, line));
                p = f.entry + parent_pc as u64;
                index = self.pcdata(f, 2, p);
            }
        }
        let (file, line) = at(p)?;
        out.push((self.name(f)?, file, line));
        Some(out)
    }

    /// The value of `f`'s pcdata table `k` at `pc` (`None`: none).
    fn pcdata(&self, f: &Func, k: u32, pc: u64) -> Option<i64> {
        (k < f.npcdata).then_some(())?;
        let table = self.u32_at(f.at + self.func_size() + 4 * k as u64)?;
        self.pcvalue(f, table, pc)
    }

    /// The link-time address of `f`'s inline tree, if it has one and `go:func.*` is known.
    fn inline_tree(&self, f: &Func) -> Option<u64> {
        const FUNCDATA_INL_TREE: u64 = 3;
        (FUNCDATA_INL_TREE < f.nfuncdata as u64).then_some(())?;
        let at = f.at + self.func_size() + 4 * f.npcdata as u64 + 4 * FUNCDATA_INL_TREE;
        let off = self.u32_at(at)?;
        (off != u32::MAX).then(|| self.gofunc.map(|g| g + off as u64))?
    }

    /// Entry `ix` of an inline tree: the callee's name offset and the caller's pc offset.
    fn inlined_call(&self, tree: u64, ix: u64) -> Option<(u32, u32)> {
        let (size, name, parent) = if self.go120 { (16, 4, 8) } else { (20, 12, 16) };
        let mut b = [0u8; 20];
        self.elf.read_at_vaddr(tree + size * ix, &mut b[..size as usize])?;
        let u = |k: usize| u32::from_le_bytes(b[k..k + 4].try_into().expect("4 bytes"));
        Some((u(name), u(parent)))
    }
}

/// One frame of a Go caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoFrame {
    /// The function, as the binary names it (`main.main`, `os.(*File).Close`); a
    /// function inlined into another is a frame of its own, as in Go's tracebacks.
    pub function: String,
    /// Where its program counter is: the line that runs, perhaps in code inlined into
    /// the function from another one (another file).
    pub file: String,
    pub line: u32,
    /// The file the function itself is written in and its line that makes the call:
    /// `file` and `line`, but for code inlined from elsewhere when the inline tree cannot
    /// be read (a stripped binary): the function's file, line 0.
    pub own_file: String,
    pub own_line: u32,
}

/// The Go frames of stopped threads, with the tables of the binaries read so far.
#[derive(Default)]
pub struct GoStacks {
    /// `(dev, ino)` of an executable → its table (`None`: not a Go binary of a layout
    /// this module reads).
    tables: HashMap<(u64, u64), Option<Arc<Pclntab>>>,
}

impl GoStacks {
    /// The Go frames of thread `tid` of process `pid`, stopped in a system call,
    /// innermost first (empty when they cannot be read), and whether the walk stopped at
    /// [`MAX_FRAMES`] with a function of the program's below.
    pub fn stack(&mut self, pid: u32, tid: u32) -> (Vec<GoFrame>, bool) {
        self.frames(pid, tid).unwrap_or_default()
    }

    fn frames(&mut self, pid: u32, tid: u32) -> Option<(Vec<GoFrame>, bool)> {
        let (sp, pc) = crate::procscan::syscall_sp_pc(tid)?;
        let file = File::open(format!("/proc/{pid}/exe")).ok()?;
        let key = {
            use std::os::unix::fs::MetadataExt;
            let m = file.metadata().ok()?;
            (m.dev(), m.ino())
        };
        if self.tables.len() >= 8 && !self.tables.contains_key(&key) {
            self.tables.clear();
        }
        let table = self
            .tables
            .entry(key)
            .or_insert_with(|| Pclntab::open(file).map(Arc::new))
            .clone()?;
        let bias = if table.pie {
            load_address(pid, key)?.wrapping_sub(table.link_base)
        } else {
            0
        };
        let (mut sp, mut pc) = (sp, pc.wrapping_sub(bias));
        let mut out = vec![];
        // One frame: its positions pushed, and where its caller is (`None`: the end).
        let step = |depth: usize, sp: u64, pc: u64, out: &mut Vec<GoFrame>| -> Option<(u64, u64)> {
            let f = table.func(pc)?;
            // A return address is just past its call: its line is the call's.
            let at = if depth == 0 { pc } else { pc - 1 };
            let name = table.name(&f)?;
            let own = table.pcvalue(&f, f.pcfile, f.entry)?;
            let own_file = table.file_name(&f, own)?;
            let inlined_known = table.gofunc.is_some();
            for (function, index, line) in table.positions(&f, at)? {
                let file = table.file_name(&f, index)?;
                let line = u32::try_from(line).unwrap_or(0);
                // Without the inline tree, a position inside inlined code is the callee's:
                // the function's own file is known, its line is not.
                let (own_file, own_line) = if inlined_known || index == own {
                    (file.clone(), line)
                } else {
                    (own_file.clone(), 0)
                };
                out.push(GoFrame {
                    function,
                    file,
                    line,
                    own_file,
                    own_line,
                });
            }
            if FIRST_FUNCTIONS.contains(&name.as_str()) {
                return None;
            }
            let size = u64::try_from(table.pcvalue(&f, f.pcsp, pc)?).ok()?;
            let fp = sp.checked_add(size)?.checked_add(8)?;
            let mut ret = [0u8; 8];
            (crate::sys::read_mem(tid, fp - 8, &mut ret)? == 8).then_some(())?;
            let ret = u64::from_le_bytes(ret);
            (ret != 0 && fp > sp).then_some((fp, ret.wrapping_sub(bias)))
        };
        for depth in 0..MAX_FRAMES {
            // What cannot be read ends the walk (as does the goroutine's or thread's
            // first function); the frames found so far are kept.
            let Some(next) = step(depth, sp, pc, &mut out) else {
                return Some((out, false));
            };
            (sp, pc) = next;
        }
        // At the limit: more frames are left unless the next is where every walk ends
        // (the goroutine's or thread's first function: none of the program's after it).
        let more = table
            .func(pc.wrapping_sub(1))
            .and_then(|f| table.name(&f))
            .is_some_and(|name| !FIRST_FUNCTIONS.contains(&name.as_str()));
        Some((out, more))
    }
}

/// Where the executable `(dev, ino)` is mapped in `pid` (its mapping at file offset 0).
fn load_address(pid: u32, exe: (u64, u64)) -> Option<u64> {
    let maps = std::fs::read_to_string(format!("/proc/{pid}/maps")).ok()?;
    maps.lines()
        .filter_map(crate::procscan::maps_line)
        .find(|m| m.ino == exe.1 && m.offset == 0)
        .map(|m| m.start)
}

/// `moduledata.gofunc` of a binary without `.symtab` (`go test` links with `-s`): the
/// module data (`runtime.firstmoduledata`: in `.go.module` from Go 1.26, `.noptrdata`
/// before) starts with the address of the pc table; further on, `rodata` (the address of
/// `.rodata`, the last field holding it: `types` before it often does too) is followed by
/// `gofunc`, an address in the file's data (seen in Go 1.19 and 1.27; fields were added
/// between them over the versions, hence the search).
fn gofunc_from_moduledata(elf: &crate::elf::Elf, names: &[String], pclntab: u64) -> Option<u64> {
    let rodata_at = elf.section_addr(names.iter().position(|n| n == ".rodata")?);
    let section = [".go.module", ".noptrdata", ".data.rel.ro"]
        .iter()
        .find_map(|s| names.iter().position(|n| n == s))?;
    let bytes = elf.contents(section, 1 << 20)?;
    let words: Vec<u64> = bytes
        .chunks_exact(8)
        .map(|w| u64::from_le_bytes(w.try_into().expect("8 bytes")))
        .collect();
    let start = words.iter().position(|&w| w == pclntab)?;
    let fields = words.get(start..)?.get(..64)?;
    let r = fields.iter().rposition(|&w| w == rodata_at).filter(|&r| r >= 20)?;
    let gofunc = *fields.get(r + 1)?;
    elf.read_at_vaddr(gofunc, &mut [0u8; 1]).map(|()| gofunc)
}

/// The Go distribution's source directory as the binary names it (`/usr/lib/go/src/`;
/// empty for a `-trimpath` build), from the file of a function only the distribution
/// has: one of `runtime` (`runtime.main`, at the bottom of the main goroutine's stack),
/// `syscall`, or, at the top of every system call from Go 1.22 on,
/// `internal/runtime/syscall` (before, `runtime/internal/syscall`). A stack cut at
/// [`MAX_FRAMES`] has no `runtime.main`: its system call's frames still tell.
fn goroot(stack: &[GoFrame]) -> Option<&str> {
    const DISTRIBUTION_ONLY: [&str; 4] = ["runtime.", "runtime/", "internal/runtime/", "syscall."];
    stack.iter().find_map(|f| {
        if !DISTRIBUTION_ONLY.iter().any(|p| f.function.starts_with(p)) {
            return None;
        }
        // The function's package: its name up to the `.` after its last `/`.
        let last = f.function.rfind('/').map_or(0, |i| i + 1);
        let package = &f.function[..last + f.function[last..].find('.')?];
        let i = if f.own_file.starts_with(&format!("{package}/")) {
            0
        } else {
            f.own_file.find(&format!("/{package}/"))? + 1
        };
        Some(&f.own_file[..i])
    })
}

/// Whether `file` is the Go distribution's own code (not a test of it): the
/// platform layer under every call (`os`, `syscall`, `runtime`), itself written per
/// system (`file_unix.go`), and the go command's, modelled apart.
fn is_distribution(file: &str, root: Option<&str>) -> bool {
    let Some(root) = root else {
        return false;
    };
    if file.ends_with("_test.go") {
        return false;
    }
    if root.is_empty() {
        // `-trimpath`: the distribution's files are named by package (`os/file_unix.go`),
        // the program's by module path (`example.com/m/main.go`, or a bare `app/main.go`).
        let first = file.split('/').next().unwrap_or("");
        return !file.starts_with('/') && STD_TOP_LEVEL.contains(&first);
    }
    file.starts_with(root)
}

/// The top-level directories of the Go distribution's `src` (the standard library and
/// the go command), which a `-trimpath` build names its files by.
const STD_TOP_LEVEL: &[&str] = &[
    "archive",
    "bufio",
    "builtin",
    "bytes",
    "cmd",
    "cmp",
    "compress",
    "container",
    "context",
    "crypto",
    "database",
    "debug",
    "embed",
    "encoding",
    "errors",
    "expvar",
    "flag",
    "fmt",
    "go",
    "hash",
    "html",
    "image",
    "index",
    "internal",
    "io",
    "iter",
    "log",
    "maps",
    "math",
    "mime",
    "net",
    "os",
    "path",
    "plugin",
    "reflect",
    "regexp",
    "runtime",
    "slices",
    "sort",
    "strconv",
    "strings",
    "structs",
    "sync",
    "syscall",
    "testing",
    "text",
    "time",
    "unicode",
    "unique",
    "unsafe",
    "vendor",
    "weak",
];

/// The frames to show for a Go caller, innermost first: the program's own (and the
/// distribution's tests), each at its own file and line.
pub fn shown(stack: &[GoFrame]) -> Vec<PyFrame> {
    let root = goroot(stack);
    stack
        .iter()
        .filter(|f| !is_distribution(&f.own_file, root))
        .map(|f| PyFrame {
            file: f.own_file.clone(),
            function: f.function.clone(),
            line: f.own_line,
            at: Default::default(),
        })
        .collect()
}

/// Whether a Go caller's call runs only off Windows: some frame of the program (not the
/// distribution's platform layer) is in a function compiled only for other systems, or
/// at a line that runs only there ([`crate::gosource`]).
///
/// A `-trimpath` build names the program's files by module path (`example.com/m/x.go`):
/// such a file is looked for below the process's working directory `cwd`, dropping
/// leading directories until it is found (a test runs in its package's directory, a
/// program usually from its module's root).
pub fn posix_only(stack: &[GoFrame], sources: &mut GoSources, cwd: Option<&std::path::Path>) -> bool {
    let root = goroot(stack);
    let local = |file: &str| -> Option<String> {
        if file.starts_with('/') {
            return Some(file.to_owned());
        }
        let cwd = cwd?;
        let parts: Vec<&str> = file.split('/').collect();
        (0..parts.len())
            .map(|k| cwd.join(parts[k..].join("/")))
            .find(|p| p.is_file())
            .map(|p| p.to_string_lossy().into_owned())
    };
    stack.iter().any(|f| {
        let own = !is_distribution(&f.own_file, root);
        let here = !is_distribution(&f.file, root);
        let line = if f.file == f.own_file { f.line } else { 0 };
        (own && local(&f.own_file).is_some_and(|p| sources.posix_only(&p, line)))
            || (here && f.file != f.own_file && local(&f.file).is_some_and(|p| sources.posix_only(&p, f.line)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(function: &str, file: &str, line: u32) -> GoFrame {
        GoFrame {
            function: function.into(),
            file: file.into(),
            line,
            own_file: file.into(),
            own_line: line,
        }
    }

    #[test]
    fn the_distribution_is_not_shown() {
        let stack = [
            frame(
                "runtime/internal/syscall.Syscall6",
                "/usr/lib/go/src/runtime/internal/syscall/asm_linux_amd64.s",
                36,
            ),
            frame("os.Remove", "/usr/lib/go/src/os/file_unix.go", 311),
            frame("os.TestX", "/usr/lib/go/src/os/os_test.go", 12),
            frame("main.main", "/home/me/m/main.go", 9),
            frame("runtime.main", "/usr/lib/go/src/runtime/proc.go", 250),
        ];
        let names: Vec<String> = shown(&stack).iter().map(|f| f.function.clone()).collect();
        assert_eq!(names, ["os.TestX", "main.main"]);
        // -trimpath: the distribution's files are relative, a module's start with its path.
        let trimmed = [
            frame("os.Remove", "os/file_unix.go", 311),
            frame("main.main", "example.com/m/main.go", 9),
            frame("runtime.main", "runtime/proc.go", 250),
        ];
        let names: Vec<String> = shown(&trimmed).iter().map(|f| f.function.clone()).collect();
        assert_eq!(names, ["main.main"]);
    }

    #[test]
    fn the_platform_layer_is_not_posix_only() {
        // os.Remove is in file_unix.go (`//go:build unix`): not the program's choice.
        let mut sources = GoSources::default();
        let stack = [
            frame("os.Remove", "/usr/lib/go/src/os/file_unix.go", 311),
            frame("main.main", "/nonexistent/main.go", 9),
            frame("runtime.main", "/usr/lib/go/src/runtime/proc.go", 250),
        ];
        assert!(!posix_only(&stack, &mut sources, None));
        let stack = [
            frame("os.Remove", "/usr/lib/go/src/os/file_unix.go", 311),
            frame("main.cleanup", "/nonexistent/cleanup_linux.go", 9),
            frame("runtime.main", "/usr/lib/go/src/runtime/proc.go", 250),
        ];
        assert!(posix_only(&stack, &mut sources, None));
    }

    #[test]
    fn a_cut_stack_finds_the_distribution_from_its_system_call() {
        // No runtime.main below: the walk stopped at MAX_FRAMES in a deep recursion. The
        // distribution's os/file_unix.go is built only for Unix (`//go:build unix`).
        let root = std::env::temp_dir().join(format!("winsan-goroot-{}", std::process::id()));
        std::fs::create_dir_all(root.join("src/os")).unwrap();
        std::fs::write(root.join("src/os/file_unix.go"), "//go:build unix\n\npackage os\n").unwrap();
        let src = format!("{}/src", root.display());
        let go122 = [
            frame(
                "internal/runtime/syscall/linux.Syscall6",
                &format!("{src}/internal/runtime/syscall/linux/asm_linux_amd64.s"),
                36,
            ),
            frame("syscall.Syscall", &format!("{src}/syscall/syscall_linux.go"), 73),
            frame("os.Remove", &format!("{src}/os/file_unix.go"), 3),
            frame("main.down", "/nonexistent/main.go", 9),
        ];
        assert_eq!(goroot(&go122), Some(format!("{src}/").as_str()));
        let names: Vec<String> = shown(&go122).iter().map(|f| f.function.clone()).collect();
        assert_eq!(names, ["main.down"]);
        let mut sources = GoSources::default();
        assert!(
            !posix_only(&go122, &mut sources, None),
            "os's file_unix.go is not the program's"
        );
        assert!(
            posix_only(&go122[2..], &mut sources, None),
            "without the system call's frames it would be taken for the program's"
        );
        let _ = std::fs::remove_dir_all(&root);
        let go119 = [frame(
            "runtime/internal/syscall.Syscall6",
            "/usr/lib/go/src/runtime/internal/syscall/asm_linux_amd64.s",
            36,
        )];
        assert_eq!(goroot(&go119), Some("/usr/lib/go/src/"));
        let trimmed = [frame("syscall.Syscall", "syscall/syscall_linux.go", 73)];
        assert_eq!(goroot(&trimmed), Some(""));
        let program = [frame("example.com/m/syscall.Do", "/home/me/m/syscall/do.go", 3)];
        assert_eq!(goroot(&program), None, "a program's package of that name");
    }
}
