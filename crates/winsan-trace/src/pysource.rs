//! Whether a Python call runs on Windows at all, read from the program's source.
//!
//! Libraries that run on both systems often branch on the platform: filelock unlinks its
//! marker while the descriptor is open only `else:` after `if sys.platform == "win32":`,
//! atomicwrites defines its POSIX `_replace_atomic` under `if sys.platform != "win32":`,
//! `ctypes.util` probes with gcc under `elif os.name == "posix":`, and test suites mark
//! POSIX-only tests `@pytest.mark.skipif(sys.platform == "win32", ...)`. What such code
//! does on Linux never happens on Windows, so it is no finding. A frame's call line is
//! looked up in its file and the blocks around it are read upwards, by indentation, to the
//! module level: a block that only runs where the platform is not Windows, or a function
//! that a test marker skips on Windows, makes the whole call POSIX-only. So does a function
//! that the runtime calls (an `atexit` function, a signal handler, a thread's target) when
//! only such blocks hand it on: `if sys.platform != "win32": atexit.register(_cleanup)`
//! (see [`references_only_posix_only`]).
//!
//! This reads text, not a parse tree: a condition counts only when it plainly tests the
//! platform (`sys.platform`, `os.name`, `platform.system()`, or a name such as `WINDOWS`,
//! `IS_WIN`, `ON_WINDOWS`), alone or joined by `and` for a POSIX-only body; an `else:` counts
//! only after a condition that is a plain Windows test. A test of a capability that
//! CPython's Windows build lacks counts as a platform test (`hasattr(os, "fork")` is false
//! there: `LACKING_ON_WINDOWS`, each name checked against the Python documentation and
//! `Modules/posixmodule.c`), as does a name the module assigns once to either. Anything
//! else is taken to run on Windows too, so that a finding is never dropped on a guess.

use crate::pyframe::{PyFrame, MAX_FRAMES};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Source files read so far (a run with many findings meets the same few files again
/// and again), at most 512; a file that cannot be read is remembered as such.
#[derive(Default)]
pub struct SourceFiles {
    files: HashMap<String, Option<Arc<str>>>,
}

impl SourceFiles {
    pub fn get(&mut self, path: &str) -> Option<Arc<str>> {
        if self.files.len() > 512 {
            self.files.clear();
        }
        self.files
            .entry(path.to_owned())
            .or_insert_with(|| std::fs::read_to_string(path).ok().map(Arc::from))
            .clone()
    }
}

/// The Python source files read so far.
#[derive(Default)]
pub struct Sources {
    files: SourceFiles,
    /// Whether a package's other files write a name (or whether that could not be told):
    /// `(package directory, file, name)` → written; at most 512.
    written_nearby: HashMap<(PathBuf, String, String), bool>,
}

impl Sources {
    /// [`clause_may_raise`] for the clause at `line` of `file`; `true` (a doubt) when the
    /// file cannot be read.
    pub fn clause_may_raise(&mut self, file: &str, line: u32) -> bool {
        self.files
            .get(file)
            .is_none_or(|src| clause_may_raise(&src, line as usize))
    }

    /// Whether any frame of `stack` (of process `pid`) is at a line that runs only where
    /// the platform is not Windows (see the module documentation), or is a function that
    /// only such lines hand to the runtime (an `atexit` function registered under
    /// `if sys.platform != "win32":`; see [`references_only_posix_only`]).
    ///
    /// A child that multiprocessing forked (`popen_fork.py`, `Popen._launch`) starts with
    /// its parent's frames, among them multiprocessing's fork machinery, defined under
    /// `if sys.platform != 'win32':`; on Windows the same target runs in a spawned
    /// process. Frames from the fork outwards are the parent's: not read.
    ///
    /// An installed package's function defined only off Windows as a whole, with another
    /// definition of its name for Windows (`if sys.platform != "win32": def
    /// _replace_atomic(src, dst): os.rename(src, dst)`, `else:` another `def
    /// _replace_atomic` that calls `MoveFileExW`: atomicwrites), is the package's
    /// implementation of its API for other systems ([`function_is_posix_only`]): on
    /// Windows its other implementation runs, called the same way by the same code, and
    /// makes the Windows form of the call. Such a frame does not make the call
    /// POSIX-only; a guard around the call in the code that calls the package still
    /// does. (The program's own code and the standard library keep the rule as before.)
    pub fn posix_only(&mut self, stack: &[PyFrame], pid: u32) -> bool {
        let forked = |f: &PyFrame| f.file.ends_with("/multiprocessing/popen_fork.py");
        let looked = &stack[..stack.iter().position(forked).unwrap_or(stack.len())];
        let installed = |f: &PyFrame| f.file.contains("/site-packages/") || f.file.contains("/dist-packages/");
        if looked.iter().any(|f| {
            f.line > 0
                && self.files.get(&f.file).is_some_and(|src| {
                    line_is_posix_only(&src, f.line as usize)
                        && !(installed(f) && function_is_posix_only(&src, f.line as usize))
                })
        }) {
            return true;
        }
        (0..looked.len()).any(|i| {
            let f = &looked[i];
            // Entered by the runtime: called by C code, by the language's library or
            // pytest, or outermost (an `atexit` function). The caller of the outermost
            // frame of a stack cut at MAX_FRAMES is not known.
            let entered = f.called_from_c()
                || match stack.get(i + 1) {
                    Some(caller) => runs_others_code(&caller.file),
                    None => stack.len() < MAX_FRAMES,
                };
            entered && !runs_others_code(&f.file) && self.registered_only_on_posix(f, looked, pid)
        })
    }

    /// Whether frame `f`'s function is a callback that only POSIX-only code hands to the
    /// runtime, so that on Windows it is never called:
    ///
    /// ```python
    /// def _cleanup():
    ///     os.remove(LOCK)
    /// if sys.platform != "win32":
    ///     atexit.register(_cleanup)
    /// ```
    ///
    /// At exit CPython's `atexit` module (`Modules/atexitmodule.c`, `atexit_callfuncs`)
    /// calls `_cleanup` from C: no frame of the stack is at a POSIX-only line. The same
    /// holds for a signal handler (run from C, `_PyErr_CheckSignalsTstate` in
    /// `Modules/signalmodule.c`, on top of whatever frame the signal interrupted), a
    /// thread's target (called by `threading.Thread.run`), a `weakref.finalize` function
    /// (`finalize.__call__`), an `addCleanup` one (`unittest.case.TestCase._callCleanup`),
    /// an `addfinalizer` one (`_pytest/runner.py`, `SetupState.teardown_exact`), an event
    /// loop's callback (`asyncio.events.Handle._run`).
    ///
    /// Taken only when the function can be reached by no name but the ones read
    /// ([`references_only_posix_only`]: every other mention of its name in its scope is
    /// at a POSIX-only line, and there is one), and:
    /// * the runtime entered it (see [`Sources::posix_only`]), so that no frame of the
    ///   program called it by a name not read; no other file of the program on the stack
    ///   writes its name;
    /// * a function of a module is private (`_cleanup`: by convention no other package
    ///   imports it) or public in the program's main script (which no module imports
    ///   under its name while it runs as `__main__`), and no other file of its package
    ///   (the directory up to the outermost `__init__.py`, or the script's directory)
    ///   writes its name. A module's public function could be registered by any other
    ///   program: not taken. Names made at run time (`getattr(mod, "_" + x)`) are not
    ///   seen.
    fn registered_only_on_posix(&mut self, f: &PyFrame, stack: &[PyFrame], pid: u32) -> bool {
        let name = f.function.as_str();
        // Dunders and the names test runners call by name (pytest's `test_*`,
        // `setup_module`, `teardown_function`, hooks; unittest's `load_tests`) are reached
        // without being mentioned.
        let called_by_name = (name.starts_with("__") && name.ends_with("__"))
            || ["test", "setup", "teardown", "pytest_", "load_tests"]
                .iter()
                .any(|p| name.starts_with(p));
        if f.line == 0 || !is_identifier(name) || called_by_name {
            return false;
        }
        let Some(src) = self.files.get(&f.file) else {
            return false;
        };
        let Some(scope) = references_only_posix_only(&src, f.line as usize, name) else {
            return false;
        };
        if scope == Scope::Module && !name.starts_with('_') && !is_main_script(&f.file, pid) {
            return false;
        }
        let other_files = stack
            .iter()
            .filter(|o| o.file != f.file && !runs_others_code(&o.file))
            .map(|o| o.file.clone())
            .collect::<Vec<_>>();
        for file in other_files {
            if self.files.get(&file).is_none_or(|s| writes(&s, name)) {
                return false;
            }
        }
        scope == Scope::Nested || !self.written_nearby(&f.file, name)
    }

    /// Whether another Python file of `file`'s package (the directory up to the outermost
    /// one with an `__init__.py`; for a module outside a package, its directory) writes
    /// `name`, or that could not be told (more than 256 files, a file over 1 MiB).
    fn written_nearby(&mut self, file: &str, name: &str) -> bool {
        let Some(mut top) = Path::new(file).parent().map(Path::to_path_buf) else {
            return true;
        };
        while top.join("__init__.py").is_file() {
            match top.parent() {
                Some(p) if p.join("__init__.py").is_file() => top = p.to_path_buf(),
                _ => break,
            }
        }
        let key = (top, file.to_owned(), name.to_owned());
        if let Some(&w) = self.written_nearby.get(&key) {
            return w;
        }
        let w = package_writes(&key.0, Path::new(file), name).unwrap_or(true);
        if self.written_nearby.len() > 512 {
            self.written_nearby.clear();
        }
        self.written_nearby.insert(key, w);
        w
    }
}

/// Whether the `except` clause at line `line` (1-based) of `src` may raise again: a
/// `raise` statement in its body, or on its own line after the colon (`if e.errno !=
/// errno.ENOENT: raise`, `raise Error(...) from e`). Read as text: a `raise` anywhere in
/// the body counts, taken or not. A line that is no `except` clause (the file changed
/// since the code was compiled) is a doubt: `true`.
pub fn clause_may_raise(src: &str, line: usize) -> bool {
    let lines: Vec<&str> = src.lines().collect();
    let Some(at) = line.checked_sub(1).filter(|&i| i < lines.len()) else {
        return true;
    };
    let header = code_of(lines[at]);
    let is_except = header
        .strip_prefix("except")
        .is_some_and(|rest| rest.starts_with([' ', ':', '*', '(']));
    if !is_except {
        return true;
    }
    let is_raise = |part: &str| {
        let part = part.trim();
        part == "raise" || part.starts_with("raise ") || part.starts_with("raise(")
    };
    (at..block_end(&lines, at)).any(|i| code_of(lines[i]).split([':', ';']).any(is_raise))
}

/// Code that runs the program's callbacks rather than being the program: the Python
/// installation's library (not its `site-packages`), its frozen modules, pytest and
/// pluggy, and the task runners of trio (`trio/_core/_run.py`, `unrolled_run`: a
/// nursery's `start_soon(fn)` task is its coroutine, stepped by the run loop) and anyio
/// (a task group's `start_soon(fn)` coroutine is awaited by its wrapper, `_run_coro` in
/// `anyio/_core/_tasks.py`, on either backend; its backends, `anyio/_backends/`).
/// Such code calls a function it was handed, never one of the program's by name
/// (pytest's calls of tests, fixtures and hooks by name are told apart by the function:
/// a fixture is decorated, a test or hook is public in a module that is not the main
/// script; see [`Sources::registered_only_on_posix`]).
fn runs_others_code(file: &str) -> bool {
    file.contains("/_pytest/")
        || file.contains("/pluggy/")
        || file.contains("/trio/_core/")
        || file.contains("/anyio/_backends/")
        || file.contains("/anyio/_core/")
        || file.starts_with("<frozen ")
        || (file.contains("/lib/python3") && !file.contains("-packages/"))
}

/// Whether `name` is a Python identifier (a frame of a module, a lambda or a
/// comprehension is named `<module>`, `<lambda>`, `<listcomp>`).
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_') && chars.all(|c| c.is_alphanumeric() || c == '_')
}

/// The words (identifiers and numbers) of a line.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
}

/// Whether source `src` writes `name` anywhere, as a whole word (in code, a string or a
/// comment).
fn writes(src: &str, name: &str) -> bool {
    src.lines().any(|l| words(l).any(|w| w == name))
}

/// Whether a Python file under `top` other than `own` writes `name`; `None` when that
/// cannot be told (over 256 Python files or 4096 entries, a file too large or unreadable,
/// a directory unreadable). Hidden directories, caches and virtual environments are not
/// read: what they hold is other packages.
fn package_writes(top: &Path, own: &Path, name: &str) -> Option<bool> {
    let mut dirs = vec![(top.to_path_buf(), 0)];
    let (mut files, mut entries) = (0, 0);
    while let Some((dir, depth)) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).ok()? {
            entries += 1;
            if entries > 4096 {
                return None;
            }
            let entry = entry.ok()?;
            let path = entry.path();
            let kind = entry.file_type().ok()?;
            let file_name = entry.file_name();
            let file_name = file_name.to_string_lossy();
            if kind.is_dir() {
                // Not the package's: caches, other packages installed in a virtual
                // environment (`pyvenv.cfg`, `venv/__init__.py`'s `EnvBuilder`) or
                // elsewhere.
                let skipped = file_name.starts_with('.')
                    || ["__pycache__", "node_modules", "site-packages", "dist-packages"].contains(&&*file_name)
                    || path.join("pyvenv.cfg").is_file();
                if !skipped {
                    if depth >= 8 {
                        return None;
                    }
                    dirs.push((path, depth + 1));
                }
                continue;
            }
            if !file_name.ends_with(".py") || path == own {
                continue;
            }
            files += 1;
            if files > 256 || entry.metadata().ok()?.len() > 1 << 20 {
                return None;
            }
            if writes(&std::fs::read_to_string(&path).ok()?, name) {
                return Some(true);
            }
        }
    }
    Some(false)
}

/// Whether `file` is the script process `pid` runs as `__main__` (`python3 [options]
/// SCRIPT`, told by `/proc/PID/cmdline`; `-c` and `-m` run none), compared by device and
/// inode. A relative script is found from the process's current directory; once it has
/// changed, the script is not found and the answer is no.
fn is_main_script(file: &str, pid: u32) -> bool {
    use std::os::unix::fs::MetadataExt;
    let Ok(cmdline) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
        return false;
    };
    let argv: Vec<String> = cmdline
        .split(|&b| b == 0)
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect();
    let Some(script) = script_of(&argv) else {
        return false;
    };
    let path = if script.starts_with('/') {
        PathBuf::from(script)
    } else {
        PathBuf::from(format!("/proc/{pid}/cwd")).join(script)
    };
    let id = |p: &Path| std::fs::metadata(p).ok().map(|m| (m.dev(), m.ino()));
    id(&path).is_some_and(|a| id(Path::new(file)) == Some(a))
}

/// The script of a Python command line (`python3 -u -W error script.py args`): the first
/// argument that is not an option (CPython's `Modules/main.c` and `Python/getopt.c`:
/// `-W`, `-X` and `--check-hash-based-pycs` take a value, in the same argument or the
/// next; `-c`, `-m` and `-` run no script file).
fn script_of(argv: &[String]) -> Option<&str> {
    let exe = argv.first()?.rsplit('/').next()?;
    if !exe.starts_with("python") {
        return None;
    }
    let mut args = argv[1..].iter();
    while let Some(a) = args.next() {
        if a == "--" {
            return args.next().map(String::as_str);
        }
        if a == "-" {
            return None;
        }
        if a == "--check-hash-based-pycs" {
            args.next();
            continue;
        }
        if a.starts_with("--") {
            continue;
        }
        let Some(flags) = a.strip_prefix('-') else {
            return Some(a);
        };
        for (i, c) in flags.char_indices() {
            match c {
                'c' | 'm' => return None,
                'W' | 'X' => {
                    if i + 1 == flags.len() {
                        args.next();
                    }
                    break;
                }
                _ => {}
            }
        }
    }
    None
}

/// Where a function is defined: at a module's level (possibly inside an `if` or `try`),
/// or inside another function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Module,
    Nested,
}

/// The function `name` whose body holds line `line` (1-based) of `src`, when every
/// mention of its name in its scope (the module, or the function around it), outside its
/// own `def` and body, is at a POSIX-only line ([`line_is_posix_only`]), and there is at
/// least one: then only code that never runs on Windows hands it on. Its scope is
/// returned.
///
/// `None` (the function may be reached on Windows) for a method (called through `self`
/// or its class, and by the runtime by name: `__exit__`, `setUp`); for a decorated
/// function (the decorator runs where the `def` does, and may register it: `@atexit.register`,
/// `@pytest.fixture`); for a name mentioned nowhere else (a function the runtime finds
/// by name: pytest's `test_*` and `setup_module`, a module's `__getattr__`); and when one
/// mention (a call, an assignment, an `__all__` entry, an argument) is not POSIX-only.
pub fn references_only_posix_only(src: &str, line: usize, name: &str) -> Option<Scope> {
    let lines: Vec<&str> = src.lines().collect();
    let at = line.checked_sub(1).filter(|&i| i < lines.len())?;
    let def = enclosing_def(&lines, at)?;
    if def_name(code_of(lines[def])) != Some(name) || decorated(&lines, def) {
        return None;
    }
    let (scope, range) = match enclosing_def_or_class(&lines, def) {
        None => (Scope::Module, 0..lines.len()),
        Some(outer) if def_name(code_of(lines[outer])).is_some() => (Scope::Nested, outer..block_end(&lines, outer)),
        Some(_) => return None, // a method
    };
    let own = def..block_end(&lines, def);
    let mut mentions = 0;
    for i in range.filter(|i| !own.contains(i)) {
        for _ in words(code_of(lines[i])).filter(|&w| w == name) {
            if !line_is_posix_only(src, i + 1) {
                return None;
            }
            mentions += 1;
        }
    }
    (mentions > 0).then_some(scope)
}

/// The name a `def` or `async def` line defines.
fn def_name(code: &str) -> Option<&str> {
    let rest = code.strip_prefix("async ").unwrap_or(code).strip_prefix("def ")?;
    rest.split(|c: char| !(c.is_alphanumeric() || c == '_')).next()
}

/// The block header (its first line) that holds line `at`: the nearest line above with
/// less indentation that ends a statement with `:`. A header whose last line starts with
/// `)` (`def f(\n    a,\n) -> None:`) begins at the line above with its indentation.
fn enclosing_header(lines: &[&str], at: usize) -> Option<usize> {
    let indent = indentation(lines[at]);
    let mut i = at;
    while i > 0 {
        i -= 1;
        let text = code_of(lines[i]);
        if text.is_empty() || indentation(lines[i]) >= indent || !text.ends_with(':') {
            continue;
        }
        if !text.starts_with(')') {
            return Some(i);
        }
        let own = indentation(lines[i]);
        return (0..i)
            .rev()
            .take(32)
            .find(|&j| !code_of(lines[j]).is_empty() && indentation(lines[j]) == own);
    }
    None
}

/// The `def` whose body holds line `at` (or `at` itself, a `def`): the nearest around
/// it, through `if`, `for`, `try` and `with` blocks; `None` inside a class's own body.
fn enclosing_def(lines: &[&str], at: usize) -> Option<usize> {
    if def_name(code_of(lines[at])).is_some() {
        return Some(at);
    }
    let mut i = at;
    loop {
        i = enclosing_header(lines, i)?;
        let text = code_of(lines[i]);
        if def_name(text).is_some() {
            return Some(i);
        }
        if text.starts_with("class ") {
            return None;
        }
    }
}

/// The nearest `def` or `class` around the `def` at line `def`, if any.
fn enclosing_def_or_class(lines: &[&str], def: usize) -> Option<usize> {
    let mut i = def;
    loop {
        i = enclosing_header(lines, i)?;
        let text = code_of(lines[i]);
        if def_name(text).is_some() || text.starts_with("class ") {
            return Some(i);
        }
    }
}

/// The index after the block whose header starts at line `header`: its header's lines
/// (to the one ending with `:`), then the lines indented more than the header.
fn block_end(lines: &[&str], header: usize) -> usize {
    let indent = indentation(lines[header]);
    let colon = (header..lines.len().min(header + 32))
        .find(|&i| code_of(lines[i]).ends_with(':'))
        .unwrap_or(header);
    (colon + 1..lines.len())
        .find(|&i| !code_of(lines[i]).is_empty() && indentation(lines[i]) <= indent)
        .unwrap_or(lines.len())
}

/// Whether the `def` at line `def` has decorators: a line above at its indentation that
/// starts with `@` (one spread over several lines ends with a line at deeper indentation
/// or one starting with `)`).
fn decorated(lines: &[&str], def: usize) -> bool {
    let indent = indentation(lines[def]);
    let Some(prev) = (0..def).rev().find(|&i| !code_of(lines[i]).is_empty()) else {
        return false;
    };
    let text = code_of(lines[prev]);
    if indentation(lines[prev]) == indent && !text.starts_with(')') && !text.starts_with(']') {
        return text.starts_with('@');
    }
    if indentation(lines[prev]) < indent {
        return false;
    }
    // the start of the statement that ends above: the nearest line at the def's
    // indentation that does not close a bracket
    (0..prev)
        .rev()
        .find(|&i| {
            let t = code_of(lines[i]);
            !t.is_empty() && indentation(lines[i]) <= indent && !t.starts_with(')') && !t.starts_with(']')
        })
        .is_some_and(|i| indentation(lines[i]) == indent && code_of(lines[i]).starts_with('@'))
}

/// Whether the function whose body holds line `line` (1-based) of `src` is one
/// implementation, for other systems than Windows, of a name that has another: its `def`
/// line is itself POSIX-only ([`line_is_posix_only`]), as under a module's `if
/// sys.platform != "win32":`, and the name is defined again (`def NAME`, `NAME = ...`)
/// at the same indentation elsewhere in the file, as in the `else:`. (A name defined
/// only off Windows does not exist there: code calling it does not run on Windows.)
pub fn function_is_posix_only(src: &str, line: usize) -> bool {
    let lines: Vec<&str> = src.lines().collect();
    let Some(def) = line
        .checked_sub(1)
        .filter(|&i| i < lines.len())
        .and_then(|i| enclosing_def(&lines, i))
    else {
        return false;
    };
    let Some(name) = def_name(code_of(lines[def])) else {
        return false;
    };
    let indent = indentation(lines[def]);
    let defines = |l: &str| {
        let code = code_of(l);
        def_name(code) == Some(name)
            || code
                .strip_prefix(name)
                .is_some_and(|rest| rest.trim_start().starts_with('=') && !rest.trim_start().starts_with("=="))
    };
    line_is_posix_only(src, def + 1)
        && lines
            .iter()
            .enumerate()
            .any(|(i, l)| i != def && indentation(l) == indent && defines(l))
}

/// Whether line `line` (1-based) of the Python source `src` is inside a block that runs
/// only where the platform is not Windows.
pub fn line_is_posix_only(src: &str, line: usize) -> bool {
    let lines: Vec<&str> = src.lines().collect();
    let Some(start) = line.checked_sub(1).filter(|&i| i < lines.len()) else {
        return false;
    };
    // A one-line `if COND: call()`: the call's own line holds the condition.
    if let Some((cond, _)) = code_of(lines[start])
        .strip_prefix("if ")
        .and_then(|l| l.split_once(':'))
    {
        if condition_is_posix_only(&lines, cond) {
            return true;
        }
    }
    let mut indent = indentation(lines[start]);
    let mut i = start;
    while i > 0 && indent > 0 {
        i -= 1;
        let text = code_of(lines[i]);
        // A statement before the call in the same block that leaves it on Windows
        // (`if sys.platform == "win32": return`, `pytest.skip(...)`): what follows runs
        // only elsewhere.
        if !text.is_empty() && indentation(lines[i]) == indent && exits_on_windows(&lines, i) {
            return true;
        }
        if text.is_empty() || indentation(lines[i]) >= indent || !text.ends_with(':') {
            continue;
        }
        indent = indentation(lines[i]);
        let header = text.trim_end_matches(':').trim();
        if let Some(cond) = header.strip_prefix("if ") {
            if condition_is_posix_only(&lines, cond) {
                return true;
            }
        } else if let Some(cond) = header.strip_prefix("elif ") {
            if condition_is_posix_only(&lines, cond) || chain_excludes_windows(&lines, i, indent) {
                return true;
            }
        } else if header == "else" {
            if chain_excludes_windows(&lines, i, indent) {
                return true;
            }
        } else if is_test(header) && (skipped_on_windows(&lines, i, indent) || module_skipped_on_windows(&lines)) {
            return true;
        }
    }
    // At the module's level, a statement above that stops the module's import on Windows
    // (`if sys.platform == "win32": pytest.skip("...", allow_module_level=True)`, or
    // `raise unittest.SkipTest(...)`): nothing below it is run or defined there. pytest
    // turns the skip into a skipped module (`_pytest/python.py`, `importtestmodule`; a
    // skip without `allow_module_level` is a collection error instead), unittest's loader
    // into a skipped test (`unittest/loader.py`, `_find_test_path`).
    indent == 0 && (0..i).any(|j| indentation(lines[j]) == 0 && exits_on_windows(&lines, j))
}

/// Whether the statement at line `at` leaves its block where the platform is Windows: an
/// `if` on a plain Windows test whose body starts with a `return`, a `continue` or
/// `break`, or a skip (`pytest.skip(...)`, `self.skipTest(...)`, `raise SkipTest`),
/// on its own line or after the colon.
fn exits_on_windows(lines: &[&str], at: usize) -> bool {
    let text = code_of(lines[at]);
    let Some((cond, rest)) = text.strip_prefix("if ").and_then(|t| t.split_once(':')) else {
        return false;
    };
    if !is_windows_test(cond) && !true_on_windows(lines, cond) {
        return false;
    }
    let first = if rest.trim().is_empty() {
        let indent = indentation(lines[at]);
        lines[at + 1..]
            .iter()
            .map(|l| (indentation(l), code_of(l)))
            .find(|(_, c)| !c.is_empty())
            .filter(|&(i, _)| i > indent)
            .map_or("", |(_, c)| c)
    } else {
        rest.trim()
    };
    let word = first
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .next()
        .unwrap_or("");
    matches!(word, "return" | "continue" | "break")
        || first.starts_with("pytest.skip(")
        || first.starts_with("self.skipTest(")
        || (first.starts_with("raise ") && first.contains("SkipTest"))
}

/// Whether a marker expression (a decorator, a `pytestmark`) of the module `lines` skips
/// on Windows: `skipif(<Windows test>, ...)`, `skipIf(...)` (or a test true there: `not
/// hasattr(os, "fork")`), or `skipUnless` with a POSIX-only test.
fn skips_on_windows(lines: &[&str], text: &str) -> bool {
    let args = |name: &str| text.find(name).map(|p| first_argument(&text[p + name.len()..]));
    args("skipif")
        .or_else(|| args("skipIf"))
        .is_some_and(|a| is_windows_test(a) || true_on_windows(lines, a))
        || args("skipUnless").is_some_and(|a| body_is_posix_only(a) || condition_is_posix_only(lines, a))
}

/// The first argument of the call whose parenthesis opens `text` (up to its first comma
/// or closing parenthesis outside brackets and strings); empty if `text` opens none.
fn first_argument(text: &str) -> &str {
    let Some(args) = text.trim_start().strip_prefix('(') else {
        return "";
    };
    let (mut depth, mut quote) = (0usize, None::<char>);
    for (at, c) in args.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '(' | '[' | '{') => depth += 1,
            (None, ')' | ']' | '}') if depth > 0 => depth -= 1,
            (None, ',' | ')') if depth == 0 => return args[..at].trim(),
            _ => {}
        }
    }
    args.trim()
}

/// The statement that starts at line `at`, its continuation lines joined while a
/// bracket is open (at most eight lines).
fn statement(lines: &[&str], at: usize) -> String {
    let mut out = String::new();
    let mut depth = 0i32;
    for line in lines[at..].iter().take(8) {
        let code = code_of(line);
        out.push_str(code);
        out.push(' ');
        depth += code.matches(['(', '[', '{']).count() as i32 - code.matches([')', ']', '}']).count() as i32;
        if depth <= 0 {
            break;
        }
    }
    out
}

/// The module-level assignment to `name` (`skip_on_windows = pytest.mark.skipif(...)`),
/// as one statement.
fn module_assignment(lines: &[&str], name: &str) -> Option<String> {
    lines.iter().enumerate().find_map(|(i, l)| {
        let rest = l.strip_prefix(name)?.trim_start();
        (rest.starts_with('=') && !rest.starts_with("==")).then(|| statement(lines, i))
    })
}

/// Whether the module marks all its tests to be skipped on Windows (`pytestmark =
/// pytest.mark.skipif(<Windows test>, ...)`, alone or in a list).
fn module_skipped_on_windows(lines: &[&str]) -> bool {
    module_assignment(lines, "pytestmark").is_some_and(|s| skips_on_windows(lines, &s))
}

/// The code of a line: without its comment (outside strings, roughly) and surrounding
/// blanks.
fn code_of(line: &str) -> &str {
    let mut quote: Option<char> = None;
    for (at, c) in line.char_indices() {
        match (quote, c) {
            (None, '#') => return line[..at].trim(),
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            _ => {}
        }
    }
    line.trim()
}

fn indentation(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// Whether the `if`/`elif` chain that ends above line `at` (an `elif` or `else` at
/// `indent`) has a condition that is a plain Windows test, so that what follows it runs
/// only elsewhere.
fn chain_excludes_windows(lines: &[&str], at: usize, indent: usize) -> bool {
    let mut i = at;
    while i > 0 {
        i -= 1;
        let text = code_of(lines[i]);
        if text.is_empty() || indentation(lines[i]) > indent {
            continue;
        }
        if indentation(lines[i]) < indent {
            return false;
        }
        let header = text.trim_end_matches(':').trim();
        let cond = header.strip_prefix("elif ").or_else(|| header.strip_prefix("if "));
        match cond {
            Some(c) if is_windows_test(c) || true_on_windows(lines, c) => return true,
            Some(_) if header.starts_with("if ") => return false,
            Some(_) => {}
            // another statement at the chain's indentation: the chain has ended
            None => return false,
        }
    }
    false
}

/// Whether a block header defines a test (`def test_...`, `class Test...`): a skip mark
/// does nothing on anything else.
fn is_test(header: &str) -> bool {
    let name = header
        .strip_prefix("async def ")
        .or_else(|| header.strip_prefix("def "))
        .map(|n| n.starts_with("test"))
        .or_else(|| header.strip_prefix("class ").map(|n| n.starts_with("Test")));
    name == Some(true)
}

/// Whether the test defined at line `at` is marked to be skipped on Windows
/// (`@pytest.mark.skipif(<Windows test>, ...)`, `@unittest.skipIf(...)`, or
/// `skipUnless` with a POSIX-only test), from its decorators just above.
fn skipped_on_windows(lines: &[&str], at: usize, indent: usize) -> bool {
    let mut i = at;
    while i > 0 {
        i -= 1;
        let text = code_of(lines[i]);
        if text.is_empty() {
            continue;
        }
        // A decorator spread over several lines (`@pytest.mark.skipif(`, then
        // `sys.platform == "win32",` and `reason=...` deeper, then `)`): read whole from
        // its `@` line, the nearest line above at the def's indentation that does not
        // close a bracket.
        let closes = text.starts_with(')') || text.starts_with(']');
        if indentation(lines[i]) > indent || (indentation(lines[i]) == indent && closes) {
            let Some(start) = (i.saturating_sub(32)..i).rev().find(|&j| {
                let t = code_of(lines[j]);
                !t.is_empty() && indentation(lines[j]) <= indent && !t.starts_with(')') && !t.starts_with(']')
            }) else {
                return false;
            };
            if indentation(lines[start]) != indent || !code_of(lines[start]).starts_with('@') {
                return false;
            }
            if skips_on_windows(lines, &statement(lines, start)) {
                return true;
            }
            i = start;
            continue;
        }
        if indentation(lines[i]) != indent || !text.starts_with('@') {
            return false;
        }
        if skips_on_windows(lines, text) {
            return true;
        }
        // A mark kept in a name (`skip_on_windows = pytest.mark.skipif(...)` at the
        // module's level, then `@skip_on_windows`).
        let name = text[1..].trim();
        if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && module_assignment(lines, name).is_some_and(|s| skips_on_windows(lines, &s))
        {
            return true;
        }
    }
    false
}

/// Whether a condition mentions the platform being Windows: a string literal `"win32"`,
/// `"nt"`, `"Windows"` or `"win"` (`sys.platform.startswith("win")`), or a name that says
/// so (`WINDOWS`, `IS_WIN`, `ON_WINDOWS`, `is_windows`...), as a whole word.
fn mentions_windows(cond: &str) -> bool {
    const NAMES: [&str; 14] = [
        "WINDOWS",
        "IS_WINDOWS",
        "ON_WINDOWS",
        "MS_WINDOWS",
        "_WINDOWS",
        "WIN",
        "WIN32",
        "_WIN32",
        "IS_WIN",
        "IS_WIN32",
        "_IS_WIN",
        "iswin",
        "is_windows",
        "on_windows",
    ];
    let literals = literals(cond);
    literals
        .iter()
        .any(|l| matches!(*l, "win32" | "nt" | "Windows" | "win"))
        || cond
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .any(|word| NAMES.contains(&word))
}

/// The string literals of a condition (plain quotes only).
fn literals(cond: &str) -> Vec<&str> {
    let mut out = vec![];
    let mut rest = cond;
    while let Some(open) = rest.find(['"', '\'']) {
        let q = rest[open..].chars().next().expect("a quote");
        let body = &rest[open + 1..];
        let Some(close) = body.find(q) else { break };
        out.push(&body[..close]);
        rest = &body[close + 1..];
    }
    out
}

/// Whether a condition mentions a POSIX platform by name (`"posix"`, `"linux"`,
/// `"darwin"`).
fn mentions_posix(cond: &str) -> bool {
    literals(cond)
        .iter()
        .any(|l| matches!(*l, "posix" | "linux" | "darwin"))
}

fn negated(cond: &str) -> bool {
    let c = cond.trim();
    c.contains("!=") || c.starts_with("not ") || c.starts_with("not(")
}

/// A plain test that the platform is Windows (`sys.platform == "win32"`, `os.name ==
/// 'nt'`, `WINDOWS`, `sys.platform.startswith("win")`): one term, not negated.
fn is_windows_test(cond: &str) -> bool {
    let c = cond.trim().trim_start_matches('(').trim_end_matches(')');
    !c.contains(" and ") && !c.contains(" or ") && mentions_windows(c) && !negated(c) && !c.contains(" in ")
}

/// Whether a condition holds only where the platform is not Windows: a negated Windows
/// test or a test for a POSIX platform, alone or as one of the terms joined by `and`.
/// [`body_is_posix_only`], or a term of `cond` (joined by `and`) that is false on
/// Windows for another plain reason: a test of membership in a set of `os` that is empty
/// there (`os.unlink in os.supports_dir_fd`; the `os` module's documentation: `dir_fd`
/// and `effective_ids` parameters work on Unix only, none on Windows), or a name the
/// module assigns once, at its own level, to such a test or to a platform test
/// (`_UNLINK_SUPPORTS_DIR_FD = os.unlink in os.supports_dir_fd`, filelock's strict lock;
/// `_POSIX = os.name == "posix"`). Or a condition false on Windows by
/// [`value_on_windows`]: a capability the Windows build lacks (`hasattr(os, "fork")`, a
/// name assigned once to it), alone or joined by `and`.
fn condition_is_posix_only(lines: &[&str], cond: &str) -> bool {
    if body_is_posix_only(cond) || value_on_windows(lines, cond, 0) == Some(false) {
        return true;
    }
    let cond = cond.trim();
    if cond.contains(" or ") {
        return false;
    }
    cond.split(" and ").any(|term| {
        let t = term.trim().trim_start_matches('(').trim_end_matches(')').trim();
        empty_set_on_windows(t)
            || (is_identifier(t)
                && assigned_once_in_module(lines, t)
                    .is_some_and(|v| body_is_posix_only(&v) || empty_set_on_windows(&v)))
    })
}

/// Whether `t` is `EXPR in os.supports_dir_fd` (or `os.supports_effective_ids`): always
/// false on Windows.
fn empty_set_on_windows(t: &str) -> bool {
    let t = t.trim();
    !t.contains(" not in ")
        && !t.starts_with("not ")
        && ["os.supports_dir_fd", "os.supports_effective_ids"]
            .iter()
            .any(|set| t.strip_suffix(set).is_some_and(|e| e.trim_end().ends_with(" in")))
}

/// Whether `cond`, one term, is true wherever the platform is Windows (see
/// [`term_on_windows`]): `not hasattr(os, "fork")`, or a name the module assigns once to
/// such a test (`_NO_FORK = not hasattr(os, "fork")`) or whose negation it is (`not
/// _HAS_FORK`, `not _POSIX`).
fn true_on_windows(lines: &[&str], cond: &str) -> bool {
    term_on_windows(lines, cond, 0) == Some(true)
}

/// What a term of a condition is wherever the platform is Windows, when that is plain
/// (`None` otherwise): a test of a capability CPython's Windows build lacks
/// ([`capability_on_windows`]), a test of membership in a set of `os` empty there, a
/// plain platform test, `not` of any of these, or a name the module assigns once, at its
/// own level, to a condition made of them ([`value_on_windows`]; two names deep at most).
fn term_on_windows(lines: &[&str], term: &str, depth: u32) -> Option<bool> {
    let t = unparenthesized(term);
    // `not` binds tighter than `and` and `or`: `not a or b` is two terms.
    if split_outside(t, " or ").len() > 1 || split_outside(t, " and ").len() > 1 {
        return value_on_windows(lines, t, depth);
    }
    if let Some(inner) = t.strip_prefix("not ") {
        return term_on_windows(lines, inner, depth).map(|v| !v);
    }
    if let Some(v) = capability_on_windows(t) {
        return Some(v);
    }
    if empty_set_on_windows(t) {
        return Some(false);
    }
    if is_identifier(t) && depth < 2 {
        if is_windows_test(t) {
            return Some(true); // a name that says so (`WINDOWS`)
        }
        return assigned_once_in_module(lines, t).and_then(|v| value_on_windows(lines, &v, depth + 1));
    }
    if is_windows_test(t) {
        return Some(true);
    }
    if body_is_posix_only(t) {
        return Some(false);
    }
    None
}

/// What a condition (terms joined by `and`, outside brackets) is wherever the platform
/// is Windows, when that is plain: false there when one of its terms is, true when all
/// are. A condition with `or` is not read (as elsewhere in this module: a finding is not
/// dropped on more than a plain test).
fn value_on_windows(lines: &[&str], cond: &str, depth: u32) -> Option<bool> {
    let cond = unparenthesized(cond);
    if split_outside(cond, " or ").len() > 1 {
        return None;
    }
    let values: Vec<Option<bool>> = split_outside(cond, " and ")
        .into_iter()
        .map(|t| term_on_windows(lines, t, depth))
        .collect();
    if values.contains(&Some(false)) {
        Some(false)
    } else if values.iter().all(|v| *v == Some(true)) {
        Some(true)
    } else {
        None
    }
}

/// `text` split at `sep` where it is outside brackets and strings.
fn split_outside<'a>(text: &'a str, sep: &str) -> Vec<&'a str> {
    let mut out = vec![];
    let (mut depth, mut quote, mut start) = (0usize, None::<char>, 0);
    for (at, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '(' | '[' | '{') => depth += 1,
            (None, ')' | ']' | '}') => depth = depth.saturating_sub(1),
            (None, _) if depth == 0 && at >= start && text[at..].starts_with(sep) => {
                out.push(&text[start..at]);
                start = at + sep.len();
            }
            _ => {}
        }
    }
    out.push(&text[start..]);
    out
}

/// `term` without the parentheses that enclose all of it (`(a)`, not `(a) or (b)`).
fn unparenthesized(term: &str) -> &str {
    let mut t = term.trim();
    while let Some(inner) = t.strip_prefix('(').and_then(|i| i.strip_suffix(')')) {
        // The first parenthesis must close at the end, not before.
        let mut depth = 0i32;
        if inner.chars().any(|c| {
            depth += match c {
                '(' => 1,
                ')' => -1,
                _ => 0,
            };
            depth < 0
        }) {
            break;
        }
        t = inner.trim();
    }
    t
}

/// Attributes of the standard library's modules that CPython's Windows build (3.11 to
/// 3.15) does not have, while Linux's does: `hasattr(MODULE, "NAME")` is false there.
/// Each is documented as available on Unix (or POSIX, Linux) and not Windows, in the
/// Python documentation's "Availability" line (`Doc/library/os.rst`,
/// `Doc/library/signal.rst`; none gained Windows support from 3.11 to 3.15), and
/// `Modules/posixmodule.c` defines it only under a `HAVE_*` macro that the Windows
/// build's configuration (`PC/pyconfig.h`, later `PC/pyconfig.h.in`) never defines
/// (`HAVE_FORK`, `HAVE_GETUID`, `HAVE_GETEUID`, `HAVE_CHOWN`, `HAVE_FCHOWN`,
/// `HAVE_SETSID`, `HAVE_KILLPG`, `HAVE_SYNC`...), or a constant the Windows C runtime's
/// `fcntl.h` or `signal.h` does not define (`O_NOFOLLOW`, `SIGKILL`). Names Windows has
/// are not here: `kill`, `getppid`, `link`, `symlink`, `readlink` (3.2), `truncate`,
/// `ftruncate` (3.5), `get_blocking`/`set_blocking` (3.12), `fchmod`, `lchmod` (3.13).
const LACKING_ON_WINDOWS: [(&str, &[&str]); 2] = [
    (
        "os",
        &[
            // Processes: "Availability: Unix" (fork: "POSIX"), HAVE_FORK, HAVE_FORKPTY,
            // HAVE_WAIT, HAVE_WAIT3, HAVE_WAIT4, HAVE_WAITID, HAVE_SETSID...
            "fork",
            "forkpty",
            "register_at_fork",
            "wait",
            "wait3",
            "wait4",
            "waitid",
            "WNOHANG",
            "setsid",
            "getsid",
            "setpgid",
            "getpgid",
            "getpgrp",
            "setpgrp",
            "killpg",
            "nice",
            "posix_spawn",
            "posix_spawnp",
            // Users and groups: "Availability: Unix", HAVE_GETUID, HAVE_GETEUID...
            "getuid",
            "geteuid",
            "getgid",
            "getegid",
            "getgroups",
            "getresuid",
            "getresgid",
            "setuid",
            "seteuid",
            "setgid",
            "setegid",
            "setgroups",
            "initgroups",
            // Files: "Availability: Unix", HAVE_CHOWN, HAVE_LCHOWN, HAVE_FCHOWN,
            // HAVE_MKFIFO, HAVE_MKNOD, HAVE_SYNC, HAVE_FDATASYNC, HAVE_FCHDIR,
            // HAVE_CHROOT, HAVE_STATVFS, HAVE_FSTATVFS, HAVE_PATHCONF, HAVE_FPATHCONF,
            // HAVE_PREAD, HAVE_PWRITE, HAVE_LOCKF; `fwalk` (os.py defines it only when
            // `supports_dir_fd` has `open` and `stat`).
            "chown",
            "lchown",
            "fchown",
            "mkfifo",
            "mknod",
            "sync",
            "fdatasync",
            "fchdir",
            "chroot",
            "statvfs",
            "fstatvfs",
            "pathconf",
            "fpathconf",
            "fwalk",
            "pread",
            "pwrite",
            "lockf",
            "openpty",
            "ttyname",
            "uname",
            // Open flags: "only available on Unix" (O_NONBLOCK, O_NOCTTY, O_CLOEXEC,
            // O_SYNC, O_DSYNC, O_NDELAY), or defined only when the C library defines them
            // (O_NOFOLLOW, O_DIRECTORY), which the Windows C runtime does not.
            "O_NONBLOCK",
            "O_NOCTTY",
            "O_CLOEXEC",
            "O_SYNC",
            "O_DSYNC",
            "O_NDELAY",
            "O_NOFOLLOW",
            "O_DIRECTORY",
        ],
    ),
    (
        "signal",
        &[
            // "Availability: Unix"; on Windows `signal.signal` takes only SIGABRT,
            // SIGFPE, SIGILL, SIGINT, SIGSEGV, SIGTERM and SIGBREAK.
            "SIGKILL",
            "SIGHUP",
            "SIGQUIT",
            "SIGUSR1",
            "SIGUSR2",
            "SIGALRM",
            "SIGCHLD",
            "SIGPIPE",
            "SIGCONT",
            "SIGSTOP",
            "SIGWINCH",
            "SIGBUS",
            "alarm",
            "pause",
            "setitimer",
            "getitimer",
            "siginterrupt",
            "pthread_kill",
            "pthread_sigmask",
        ],
    ),
];

/// What a test of a capability the platform may lack is on Windows: `Some(false)` for
/// `hasattr(os, "fork")`, `getattr(os, "fork", None)` (a truth value; also with `False`
/// or `0` for its default) or `getattr(os, "fork", None) is not None`, for a name of
/// [`LACKING_ON_WINDOWS`]; `shutil.rmtree.avoids_symlink_attacks` and
/// `shutil._use_fd_functions` (`Lib/shutil.py`: true only when `os.open`, `os.stat`,
/// `os.unlink` and `os.rmdir` are in `os.supports_dir_fd`, empty on Windows);
/// `Some(true)` for `getattr(os, "fork", None) is None`. `None` for anything else.
fn capability_on_windows(t: &str) -> Option<bool> {
    let t = unparenthesized(t);
    if ["shutil.rmtree.avoids_symlink_attacks", "shutil._use_fd_functions"].contains(&t) {
        return Some(false);
    }
    if let Some(call) = t.strip_suffix(" is not None") {
        return (lacks(call.trim(), "getattr(") == Some("None")).then_some(false);
    }
    if let Some(call) = t.strip_suffix(" is None") {
        return (lacks(call.trim(), "getattr(") == Some("None")).then_some(true);
    }
    if lacks(t, "hasattr(") == Some("") || lacks(t, "getattr(").is_some_and(|d| ["None", "False", "0"].contains(&d)) {
        return Some(false);
    }
    None
}

/// For `hasattr(MODULE, "NAME")` (`call` = `hasattr(`) or `getattr(MODULE, "NAME",
/// DEFAULT)` (`getattr(`) naming an attribute of [`LACKING_ON_WINDOWS`]: the default
/// given (`""` for none).
fn lacks<'a>(t: &'a str, call: &str) -> Option<&'a str> {
    let args: Vec<&str> = t
        .strip_prefix(call)?
        .strip_suffix(')')?
        .split(',')
        .map(str::trim)
        .collect();
    let (module, name, default) = match (call, args.as_slice()) {
        ("hasattr(", [m, n]) => (*m, *n, ""),
        ("getattr(", [m, n, d]) => (*m, *n, *d),
        _ => return None,
    };
    let name = name
        .strip_prefix('"')
        .and_then(|n| n.strip_suffix('"'))
        .or_else(|| name.strip_prefix('\'').and_then(|n| n.strip_suffix('\'')))?;
    LACKING_ON_WINDOWS
        .iter()
        .any(|(m, names)| *m == module && names.contains(&name))
        .then_some(default)
}

/// The value of `name` when the module assigns it exactly once, with a plain `NAME =
/// VALUE` (or `NAME: TYPE = VALUE`) at its own level, and binds it nowhere else (no
/// other assignment, augmented or unpacking, no `global`, `for`, `as`, `:=`, `del` or
/// import naming it; a keyword argument of that name counts as one too): what every
/// later read of the name sees.
fn assigned_once_in_module(lines: &[&str], name: &str) -> Option<String> {
    let mut found = None;
    for (i, l) in lines.iter().enumerate() {
        let code = code_of(l);
        if !words(code).any(|w| w == name) {
            continue;
        }
        let Some((target, _)) = assignment_split(code) else {
            let binds = ["global ", "nonlocal ", "for ", "del ", "import ", "from "]
                .iter()
                .any(|k| code.starts_with(k))
                || code.contains(" as ")
                || code.contains(":=");
            if binds {
                return None;
            }
            continue;
        };
        if !words(target).any(|w| w == name) {
            continue;
        }
        let plain = target.trim() == name || target.split_once(':').is_some_and(|(n, _)| n.trim() == name);
        if !plain || found.is_some() || indentation(l) != 0 {
            return None;
        }
        found = Some(i);
    }
    let stmt = statement(lines, found?);
    assignment_split(&stmt).map(|(_, v)| v.trim().to_owned())
}

/// A statement split at its assignment's `=` (not `==`, `!=`, `<=` or `>=`; an
/// augmented one's `+=` too, its operator then left on the target's side).
fn assignment_split(code: &str) -> Option<(&str, &str)> {
    let b = code.as_bytes();
    (0..b.len()).find_map(|i| {
        let prev = i.checked_sub(1).map(|p| b[p]);
        // `<<=` and `>>=` are augmented assignments; `<=` and `>=` comparisons.
        let shift = i >= 2 && matches!(prev, Some(b'<' | b'>')) && b[i - 2] == b[i - 1];
        let is_assignment =
            b[i] == b'=' && b.get(i + 1) != Some(&b'=') && (shift || !matches!(prev, Some(b'=' | b'!' | b'<' | b'>')));
        // `=` is ASCII: `i` and `i + 1` are character boundaries.
        is_assignment.then(|| (&code[..i], &code[i + 1..]))
    })
}

fn body_is_posix_only(cond: &str) -> bool {
    let cond = cond.trim();
    if cond.contains(" or ") {
        return false;
    }
    cond.split(" and ").any(|term| {
        let t = term.trim().trim_start_matches('(').trim_end_matches(')');
        (mentions_windows(t) && negated(t))
            || (mentions_posix(t) && !negated(t) && t.contains("=="))
            || (mentions_posix(t) && t.contains("startswith") && !negated(t))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_function_defined_off_windows_with_another_definition_for_windows() {
        let src = r#"import os, sys
if sys.platform != 'win32':
    def replace(a, b):
        os.rename(a, b)  # layer
    def only_here(p):
        os.remove(p)  # only
    def assigned(p):
        os.remove(p)  # assigned
else:
    def replace(a, b):
        os.replace(a, b)
    assigned = os.remove
def branch(p):
    if sys.platform != 'win32':
        os.remove(p)  # branch
"#;
        let at = |m: &str| src.lines().position(|l| l.contains(m)).unwrap() + 1;
        assert!(function_is_posix_only(src, at("# layer")));
        assert!(function_is_posix_only(src, at("# assigned")));
        // No definition for Windows: the name does not exist there.
        assert!(!function_is_posix_only(src, at("# only")));
        // A POSIX-only branch inside a function Windows has.
        assert!(line_is_posix_only(src, at("# branch")));
        assert!(!function_is_posix_only(src, at("# branch")));
    }

    #[test]
    fn except_clauses_that_may_raise_again() {
        let src = "try:\n    f()\nexcept FileNotFoundError:\n    pass\nexcept OSError as e:  # note: raise\n    if e.errno != 2:\n        raise\nexcept ValueError: raise Other() from None\nexcept (\n    KeyError,\n):\n    log('x: raise_it')\n    raised = 1\nexcept:\n    pass\nx = 1\nraise\n";
        assert!(!clause_may_raise(src, 3), "pass");
        assert!(clause_may_raise(src, 5), "a raise in an if of its body");
        assert!(clause_may_raise(src, 8), "on its own line");
        assert!(!clause_may_raise(src, 9), "raise_it, raised: no raise statement");
        assert!(
            !clause_may_raise(src, 14),
            "a bare except: its body ends before the raise below"
        );
        assert!(clause_may_raise(src, 2), "no except clause there: a doubt");
        assert!(clause_may_raise(src, 99), "past the end");
    }

    fn at(src: &str, marker: &str) -> bool {
        let line = src.lines().position(|l| l.contains(marker)).expect("marker") + 1;
        line_is_posix_only(src, line)
    }

    #[test]
    fn flags_false_on_windows() {
        // filelock's strict lock: `_UNLINK_SUPPORTS_DIR_FD = os.unlink in os.supports_dir_fd`
        // (empty on Windows), then `if _UNLINK_SUPPORTS_DIR_FD:`.
        let src = r#"
import os
_UNLINK_SUPPORTS_DIR_FD = os.unlink in os.supports_dir_fd
_POSIX: bool = os.name == "posix"
_REASSIGNED = os.unlink in os.supports_dir_fd
_AUGMENTED = os.unlink in os.supports_dir_fd
_IN_FUNCTION = False
_OTHER = os.unlink in os.supports_fd

def setup():
    global _IN_FUNCTION
    _IN_FUNCTION = os.unlink in os.supports_dir_fd
    _AUGMENTED |= True

_REASSIGNED = True

def f(d, name):
    if _UNLINK_SUPPORTS_DIR_FD:
        os.unlink(name, dir_fd=d)  # MARK-flag
    if os.rmdir in os.supports_dir_fd:
        os.rmdir(name, dir_fd=d)  # MARK-inline
    if _POSIX and d:
        os.unlink(name)  # MARK-annotated
    if _REASSIGNED:
        os.unlink(name)  # MARK-reassigned
    if _AUGMENTED:
        os.unlink(name)  # MARK-augmented
    if _IN_FUNCTION:
        os.unlink(name)  # MARK-global
    if _OTHER:
        os.unlink(name)  # MARK-supports-fd
    if os.unlink not in os.supports_dir_fd:
        os.unlink(name)  # MARK-not-in
    if _UNLINK_SUPPORTS_DIR_FD or d:
        os.unlink(name)  # MARK-or
"#;
        for (m, posix) in [
            ("MARK-flag", true),
            ("MARK-inline", true),
            ("MARK-annotated", true),
            ("MARK-reassigned", false),
            ("MARK-augmented", false),
            ("MARK-global", false),
            ("MARK-supports-fd", false),
            ("MARK-not-in", false),
            ("MARK-or", false),
        ] {
            assert_eq!(at(src, m), posix, "{m}");
        }
    }

    #[test]
    fn else_after_a_windows_test_is_posix_only() {
        // filelock's _release (filelock/_soft/_exclusive/_publication.py)
        let src = r#"
class P:
    def _release(self) -> None:
        fd = self.fd
        if sys.platform == "win32":  # pragma: win32 cover
            self._release_then_unlink(fd)
        else:  # pragma: win32 no cover
            # Unlink while the descriptor still prevents inode reuse.
            unlinked = self._unlink_open_marker(fd)  # MARK-else
            try:
                close(fd)
            finally:
                if not unlinked:
                    self._unlink_held_marker()  # MARK-deep
        self.after()  # MARK-after
"#;
        assert!(at(src, "MARK-else"));
        assert!(at(src, "MARK-deep"));
        assert!(!at(src, "MARK-after"));
        assert!(!at(src, "_release_then_unlink(fd)"));
    }

    #[test]
    fn module_level_platform_definitions() {
        // atomicwrites: the POSIX definition of _replace_atomic
        let src = r#"
import sys
if sys.platform != 'win32':
    def _replace_atomic(src, dst):
        os.rename(src, dst)  # MARK-posix
else:
    def _replace_atomic(src, dst):
        _MoveFileEx(src, dst, 1)  # MARK-win
"#;
        assert!(at(src, "MARK-posix"));
        assert!(!at(src, "MARK-win"));
        // ctypes.util: an elif chain that began with the Windows branch
        let src = r#"
if os.name == "nt":
    def find_library(name):
        pass
elif os.name == "posix" and sys.platform == "darwin":
    pass
elif os.name == "posix":
    def _findLib_gcc(name):
        temp = tempfile.NamedTemporaryFile()  # MARK-gcc
"#;
        assert!(at(src, "MARK-gcc"));
    }

    #[test]
    fn tests_skipped_on_windows() {
        let src = r#"
@pytest.mark.skipif(WIN, reason="no chmod on Windows")
def test_open_file_atomic_permissions_existing_file(runner, tmp_path):
    os.replace(a, b)  # MARK-skipped

@pytest.mark.skipif(sys.platform == "darwin", reason="macOS")
def test_other():
    os.replace(a, b)  # MARK-other

@pytest.mark.skipif(WIN, reason="a mark on a helper does nothing")
def helper():
    os.replace(a, b)  # MARK-helper

@unittest.skipIf(sys.platform == "win32", "POSIX only")
class TestPosix(unittest.TestCase):
    def test_it(self):
        os.replace(a, b)  # MARK-class
"#;
        assert!(at(src, "MARK-skipped"));
        assert!(!at(src, "MARK-other"));
        assert!(!at(src, "MARK-helper"));
        assert!(at(src, "MARK-class"));
    }

    #[test]
    fn skip_marks_kept_in_names_and_for_the_whole_module() {
        let src = r#"
skip_on_windows = pytest.mark.skipif(
    sys.platform == "win32", reason="POSIX delete semantics"
)
skip_on_mac = pytest.mark.skipif(sys.platform == "darwin", reason="macOS")

@pytest.mark.asyncio
@skip_on_windows
async def test_alias(held):
    await asyncio.to_thread(os.remove, held)  # MARK-alias

@skip_on_mac
def test_other(held):
    os.remove(held)  # MARK-mac
"#;
        assert!(at(src, "MARK-alias"));
        assert!(!at(src, "MARK-mac"));
        let module = r#"
pytestmark = [pytest.mark.asyncio, pytest.mark.skipif(os.name == "nt", reason="POSIX")]

def test_it(held):
    os.remove(held)  # MARK-module

def helper(held):
    os.remove(held)  # MARK-helper
"#;
        assert!(at(module, "MARK-module"));
        assert!(!at(module, "MARK-helper"), "a mark does nothing on a helper");
        let other = "pytestmark = pytest.mark.skipif(sys.platform == 'darwin', reason='x')\n\ndef test_it():\n    os.remove(p)  # MARK\n";
        assert!(!at(other, "MARK"));
    }

    #[test]
    fn early_exits_on_windows() {
        let src = r#"
def test_imperative(held):
    if sys.platform == "win32":
        pytest.skip("POSIX only")
    os.remove(held)  # MARK-skip

async def helper(p):
    if os.name == "nt": return
    await asyncio.to_thread(os.remove, p)  # MARK-return

def loop(paths):
    for p in paths:
        if WINDOWS:
            continue
        os.remove(p)  # MARK-continue

def before_the_loop(paths):
    if sys.platform == "win32":
        raise unittest.SkipTest("POSIX")
    for p in paths:
        os.remove(p)  # MARK-outer

def not_an_exit(p):
    if sys.platform == "win32":
        log("windows")
    os.remove(p)  # MARK-log

def posix_exits(p):
    if sys.platform != "win32":
        return
    os.remove(p)  # MARK-posix-exit

def after(p):
    os.remove(p)  # MARK-after
    if sys.platform == "win32":
        return
"#;
        assert!(at(src, "MARK-skip"));
        assert!(at(src, "MARK-return"));
        assert!(at(src, "MARK-continue"));
        assert!(at(src, "MARK-outer"));
        assert!(!at(src, "MARK-log"), "the body does not leave");
        assert!(!at(src, "MARK-posix-exit"), "it leaves elsewhere: the call is Windows'");
        assert!(!at(src, "MARK-after"), "the exit comes after the call");
    }

    #[test]
    fn a_skip_marker_spread_over_several_lines() {
        // filelock's tests/test_async_soft_contracts.py
        let src = r#"
@pytest.mark.skipif(
    sys.platform == "win32",
    reason="Windows keeps an open marker undeletable, so no peer can take it",
)
@pytest.mark.asyncio
async def test_compromise(marker):
    marker.unlink()  # MARK-multi

@pytest.mark.parametrize(
    "kind",
    ["a", "b"],
)
def test_params(kind):
    os.remove(kind)  # MARK-other

def helper():
    return [
        1,
    ]
def test_after_body(p):
    os.remove(p)  # MARK-body

class TestX:
    @pytest.mark.skipif(
        os.name == "nt", reason="POSIX"
    )
    def test_method(self, p):
        os.remove(p)  # MARK-method
"#;
        assert!(at(src, "MARK-multi"));
        assert!(!at(src, "MARK-other"), "a mark that does not skip");
        assert!(!at(src, "MARK-body"), "the lines above close another function's body");
        assert!(at(src, "MARK-method"));
    }

    #[test]
    fn a_module_skipped_on_windows_by_a_statement() {
        // send2trash's tests/test_plat_other.py: the module stops where it is imported
        // on Windows, so its fixtures and helper classes never run there
        let src = r#"
import shutil, sys
import pytest

def before(p):
    os.remove(p)  # MARK-before

if sys.platform == "win32":
    pytest.skip("Skipping non-windows tests", allow_module_level=True)
else:
    import send2trash.plat_other

class ExtVol:
    def cleanup(self):
        shutil.rmtree(self.trash_topdir)  # MARK-method

@pytest.fixture
def vol():
    yield make()
    os.remove(PATH)  # MARK-fixture

os.remove(LEFTOVER)  # MARK-module
"#;
        assert!(at(src, "MARK-method"));
        assert!(at(src, "MARK-fixture"));
        assert!(at(src, "MARK-module"));
        assert!(
            !at(src, "MARK-before"),
            "defined before the skip: it may be called on import"
        );
        let unittest_form = "import os, unittest\nif os.name == 'nt':\n    raise unittest.SkipTest('POSIX')\ndef f(p):\n    os.remove(p)  # MARK\n";
        assert!(at(unittest_form, "MARK"));
        for not_a_skip in [
            "if sys.platform == 'win32':\n    log('skip')\ndef f(p):\n    os.remove(p)  # MARK\n",
            "if sys.platform != 'win32':\n    pytest.skip('Windows only', allow_module_level=True)\ndef f(p):\n    os.remove(p)  # MARK\n",
            "def g():\n    if sys.platform == 'win32':\n        pytest.skip('x')\ndef f(p):\n    os.remove(p)  # MARK\n",
        ] {
            assert!(!at(not_a_skip, "MARK"), "{not_a_skip}");
        }
    }

    /// [`references_only_posix_only`] for the function whose body holds the line with
    /// `marker`.
    fn registered(src: &str, marker: &str, name: &str) -> Option<Scope> {
        let line = src.lines().position(|l| l.contains(marker)).expect("marker") + 1;
        references_only_posix_only(src, line, name)
    }

    #[test]
    fn callbacks_registered_only_under_a_posix_guard() {
        let src = r#"
import atexit, os, signal, sys

def _cleanup():
    os.remove(LOCK)  # MARK-atexit

def _on_term(signum, frame):
    os.remove(LOCK)  # MARK-signal

def _tick():
    os.remove(LOCK)  # MARK-timer
    threading.Timer(1, _tick).start()

def _install():
    if sys.platform == "win32":
        return
    signal.signal(signal.SIGTERM, _on_term)

if sys.platform != "win32":
    atexit.register(_cleanup)
    threading.Timer(
        1,
        _tick,
    ).start()
elif os.name == "nt":
    pass
if os.name != "nt": atexit.register(_cleanup)
"#;
        assert_eq!(registered(src, "MARK-atexit", "_cleanup"), Some(Scope::Module));
        assert_eq!(
            registered(src, "MARK-signal", "_on_term"),
            Some(Scope::Module),
            "after an early exit"
        );
        assert_eq!(
            registered(src, "MARK-timer", "_tick"),
            Some(Scope::Module),
            "its own body and a multi-line call"
        );
        assert_eq!(
            registered(src, "MARK-atexit", "other"),
            None,
            "the frame's function only"
        );
    }

    #[test]
    fn one_mention_that_runs_on_windows_keeps_the_call() {
        let src = r#"
__all__ = ["_exported"]

def _exported():
    os.remove(LOCK)  # MARK-all

def _passed():
    os.remove(LOCK)  # MARK-passed

def _unused():
    os.remove(LOCK)  # MARK-unused

@atexit.register
def _decorated():
    os.remove(LOCK)  # MARK-decorated

@pytest.fixture(
    autouse=True,
)
def _fixture():
    os.remove(LOCK)  # MARK-fixture

def _aliased():
    os.remove(LOCK)  # MARK-aliased

if sys.platform == "win32":
    def _twice():
        pass
def _twice():
    os.remove(LOCK)  # MARK-twice

def install():
    atexit.register(_passed)

if sys.platform != "win32":
    atexit.register(_exported)
    atexit.register(_passed)
    atexit.register(_decorated)
    atexit.register(_fixture)
    atexit.register(_twice)
    atexit.register(_aliased)
later = _aliased
"#;
        assert_eq!(registered(src, "MARK-all", "_exported"), None, "named in __all__");
        assert_eq!(
            registered(src, "MARK-passed", "_passed"),
            None,
            "passed in an unguarded function"
        );
        assert_eq!(
            registered(src, "MARK-unused", "_unused"),
            None,
            "reached by no name read"
        );
        assert_eq!(registered(src, "MARK-decorated", "_decorated"), None);
        assert_eq!(
            registered(src, "MARK-fixture", "_fixture"),
            None,
            "a decorator over lines"
        );
        assert_eq!(
            registered(src, "MARK-twice", "_twice"),
            None,
            "defined again for Windows"
        );
        assert_eq!(registered(src, "MARK-aliased", "_aliased"), None, "assigned unguarded");
    }

    #[test]
    fn nested_functions_and_methods() {
        let src = r#"
def main():
    def handler(signum, frame):
        os.remove(LOCK)  # MARK-nested
    def returned():
        os.remove(LOCK)  # MARK-returned
    if sys.platform != "win32":
        signal.signal(signal.SIGTERM, handler)
        signal.signal(signal.SIGINT, returned)
    return returned

def other():
    handler = None

class Lock:
    def _release(self):
        os.remove(LOCK)  # MARK-method
    def __init__(self):
        if sys.platform != "win32":
            atexit.register(self._release)
"#;
        assert_eq!(
            registered(src, "MARK-nested", "handler"),
            Some(Scope::Nested),
            "another function's local of the same name is not its scope"
        );
        assert_eq!(registered(src, "MARK-returned", "returned"), None);
        assert_eq!(
            registered(src, "MARK-method", "_release"),
            None,
            "methods are not taken"
        );
    }

    #[test]
    fn python_command_lines() {
        let argv = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(script_of(&argv(&["python3", "main.py", "-c"])), Some("main.py"));
        assert_eq!(
            script_of(&argv(&["/usr/bin/python3.12", "-u", "-W", "error", "-Xdev", "m.py"])),
            Some("m.py")
        );
        assert_eq!(script_of(&argv(&["python3", "-uWerror", "m.py"])), Some("m.py"));
        assert_eq!(script_of(&argv(&["python3", "-c", "import m"])), None);
        assert_eq!(script_of(&argv(&["python3", "-um", "pytest"])), None);
        assert_eq!(script_of(&argv(&["node", "m.py"])), None);
    }

    fn frame(file: &std::path::Path, src: &str, marker: &str, function: &str) -> PyFrame {
        PyFrame {
            file: file.to_str().unwrap().to_owned(),
            function: function.to_owned(),
            line: src.lines().position(|l| l.contains(marker)).expect("marker") as u32 + 1,
            at: Default::default(),
        }
    }

    #[test]
    fn a_callback_entered_by_the_runtime_in_a_package() {
        let dir = std::env::temp_dir().join(format!("winsan-py-callbacks-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("pkg")).unwrap();
        let a = r#"
import atexit, os, sys

def _cleanup():
    os.remove(LOCK)  # MARK-private

def cleanup():
    os.remove(LOCK)  # MARK-public

def _shared():
    os.remove(LOCK)  # MARK-shared

if sys.platform != "win32":
    atexit.register(_cleanup)
    atexit.register(cleanup)
    atexit.register(_shared)
"#;
        std::fs::write(dir.join("pkg/__init__.py"), "").unwrap();
        std::fs::write(dir.join("pkg/a.py"), a).unwrap();
        std::fs::write(
            dir.join("pkg/b.py"),
            "from .a import _shared\natexit.register(_shared)\n",
        )
        .unwrap();
        // A virtual environment inside is other packages.
        std::fs::create_dir_all(dir.join("pkg/venv/lib")).unwrap();
        std::fs::write(dir.join("pkg/venv/pyvenv.cfg"), "home = /usr/bin\n").unwrap();
        std::fs::write(dir.join("pkg/venv/lib/m.py"), "_cleanup = None\n").unwrap();
        let file = dir.join("pkg/a.py");
        let threading = PyFrame {
            file: "/usr/lib/python3.11/threading.py".into(),
            function: "run".into(),
            line: 982,
            at: Default::default(),
        };
        let caller = PyFrame {
            file: dir.join("pkg/b.py").to_str().unwrap().into(),
            function: "main".into(),
            line: 2,
            at: Default::default(),
        };
        let pid = std::process::id(); // not a Python: no main script
        let mut sources = Sources::default();
        let private = frame(&file, a, "MARK-private", "_cleanup");
        assert!(sources.posix_only(std::slice::from_ref(&private), pid), "outermost");
        assert!(
            sources.posix_only(&[private.clone(), threading.clone()], pid),
            "called by the library"
        );
        assert!(
            !sources.posix_only(&[private.clone(), caller], pid),
            "called by the program: by a name not read"
        );
        let mut cut = vec![private.clone()];
        cut.resize(MAX_FRAMES, private);
        assert!(
            !sources.posix_only(&cut, pid),
            "a stack cut short: its outermost caller is not known"
        );
        let public = frame(&file, a, "MARK-public", "cleanup");
        assert!(
            !sources.posix_only(&[public, threading.clone()], pid),
            "another program may register it"
        );
        let shared = frame(&file, a, "MARK-shared", "_shared");
        assert!(
            !sources.posix_only(&[shared, threading], pid),
            "another module of the package names it"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn conditions_that_do_not_say_enough_are_not_taken() {
        let src = r#"
def f():
    if sys.platform == "win32" or FORCE:
        pass
    else:
        os.rename(a, b)  # MARK-or
    if sys.platform == "win32" and fast:
        pass
    else:
        os.rename(a, b)  # MARK-and
    if hasattr(os, "O_TEMPORARY"):
        pass
    else:
        os.rename(a, b)  # MARK-hasattr
    if os.name != "nt" or x:
        os.rename(a, b)  # MARK-neg-or
    if os.name != "nt" and x:
        os.rename(a, b)  # MARK-neg-and
    if os.name != "nt": os.rename(a, b)  # MARK-one-line
    if os.name == "nt": os.rename(a, b)  # MARK-one-line-win
    if NUM_WINDOWS > 1:
        pass
    else:
        os.rename(a, b)  # MARK-gui
    if sys.platform.startswith("win"):
        pass
    else:
        os.rename(a, b)  # MARK-startswith
"#;
        assert!(!at(src, "MARK-or"));
        assert!(!at(src, "MARK-and"));
        assert!(!at(src, "MARK-hasattr"));
        assert!(!at(src, "MARK-neg-or"));
        assert!(at(src, "MARK-neg-and"));
        assert!(!at(src, "MARK-gui"), "a name that only contains WINDOWS");
        assert!(at(src, "MARK-one-line"));
        assert!(!at(src, "MARK-one-line-win"));
        assert!(at(src, "MARK-startswith"));
    }

    #[test]
    fn capabilities_the_windows_build_lacks() {
        let src = r#"
import os, shutil, signal, pytest, unittest
HAS_FORK = hasattr(os, "fork")
NO_GETUID = not hasattr(os, 'getuid')
HAS_SYMLINK = hasattr(os, "symlink")
requires_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")

def f(p):
    if hasattr(os, "fork"):
        os.remove(p)  # MARK-hasattr
    if hasattr(os, "symlink"):
        os.remove(p)  # MARK-symlink
    if hasattr(os, "fchmod"):
        os.remove(p)  # MARK-fchmod
    if hasattr(os, 'getuid') and p:
        os.remove(p)  # MARK-and
    if hasattr(os, "fork") or p:
        os.remove(p)  # MARK-or
    if hasattr(os, "fork") or sys.platform == "darwin":
        os.remove(p)  # MARK-or-both
    if getattr(os, "O_NOFOLLOW", 0):
        os.remove(p)  # MARK-getattr
    if getattr(os, "fork", None) is not None:
        os.remove(p)  # MARK-is-not-none
    if getattr(os, "fork"):
        os.remove(p)  # MARK-no-default
    if hasattr(signal, "SIGKILL"):
        os.remove(p)  # MARK-sigkill
    if hasattr(signal, "SIGTERM"):
        os.remove(p)  # MARK-sigterm
    if hasattr(myos, "fork"):
        os.remove(p)  # MARK-other-module
    if shutil.rmtree.avoids_symlink_attacks:
        os.remove(p)  # MARK-rmtree
    if not shutil.rmtree.avoids_symlink_attacks:
        os.remove(p)  # MARK-not-rmtree
    if HAS_FORK:
        os.remove(p)  # MARK-flag
    if HAS_SYMLINK:
        os.remove(p)  # MARK-flag-symlink
    if not hasattr(os, "fork"):
        pass
    else:
        os.remove(p)  # MARK-else

def g(p):
    if not hasattr(os, "getuid"):
        return
    os.remove(p)  # MARK-exit

def g2(p):
    if getattr(os, "fork", None) is None: return
    os.remove(p)  # MARK-exit-is-none

def g3(p):
    if NO_GETUID:
        return
    os.remove(p)  # MARK-exit-flag

def g4(p):
    if not HAS_FORK or p is None:
        return
    os.remove(p)  # MARK-exit-not-flag-or

def g5(p):
    if not hasattr(os, "symlink"):
        return
    os.remove(p)  # MARK-exit-symlink

def g6(p):
    if not hasattr(os, "fork") and p:
        return
    os.remove(p)  # MARK-exit-and

@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="needs geteuid")
def test_skipif(tmp_path):
    os.remove(tmp_path)  # MARK-skipif

@pytest.mark.skipif(not hasattr(os, "link"), reason="needs link")
def test_skipif_link(tmp_path):
    os.remove(tmp_path)  # MARK-skipif-link

@unittest.skipUnless(hasattr(os, "fork"), "needs fork")
def test_skip_unless(tmp_path):
    os.remove(tmp_path)  # MARK-skip-unless

@requires_fork
def test_kept_mark(tmp_path):
    os.remove(tmp_path)  # MARK-kept-mark
"#;
        for (m, posix) in [
            ("MARK-hasattr", true),
            ("MARK-symlink", false),
            ("MARK-fchmod", false),
            ("MARK-and", true),
            ("MARK-or", false),
            ("MARK-or-both", false),
            ("MARK-getattr", true),
            ("MARK-is-not-none", true),
            ("MARK-no-default", false),
            ("MARK-sigkill", true),
            ("MARK-sigterm", false),
            ("MARK-other-module", false),
            ("MARK-rmtree", true),
            ("MARK-not-rmtree", false),
            ("MARK-flag", true),
            ("MARK-flag-symlink", false),
            ("MARK-else", true),
            ("MARK-exit", true),
            ("MARK-exit-is-none", true),
            ("MARK-exit-flag", true),
            ("MARK-exit-not-flag-or", false),
            ("MARK-exit-symlink", false),
            ("MARK-exit-and", false),
            ("MARK-skipif", true),
            ("MARK-skipif-link", false),
            ("MARK-skip-unless", true),
            ("MARK-kept-mark", true),
        ] {
            assert_eq!(at(src, m), posix, "{m}");
        }
        assert_eq!(
            first_argument("(not hasattr(os, \"fork\"), reason=\"a, b\")"),
            "not hasattr(os, \"fork\")"
        );
        assert_eq!(
            split_outside("a or (b or c) or 'd or e'", " or "),
            ["a", "(b or c)", "'d or e'"]
        );
        assert_eq!(unparenthesized("((a))"), "a");
        assert_eq!(unparenthesized("(a) or (b)"), "(a) or (b)");
    }
}
