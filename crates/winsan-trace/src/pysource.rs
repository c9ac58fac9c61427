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
//! that a test marker skips on Windows, makes the whole call POSIX-only.
//!
//! This reads text, not a parse tree: a condition counts only when it plainly tests the
//! platform (`sys.platform`, `os.name`, `platform.system()`, or a name such as `WINDOWS`,
//! `IS_WIN`, `ON_WINDOWS`), alone or joined by `and` for a POSIX-only body; an `else:` counts
//! only after a condition that is a plain Windows test. Anything else is taken to run on
//! Windows too, so that a finding is never dropped on a guess.

use crate::pyframe::PyFrame;
use std::collections::HashMap;
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
}

impl Sources {
    /// Whether any frame of `stack` is at a line that runs only where the platform is
    /// not Windows (see the module documentation).
    ///
    /// A child that multiprocessing forked (`popen_fork.py`, `Popen._launch`) starts with
    /// its parent's frames, among them multiprocessing's fork machinery, defined under
    /// `if sys.platform != 'win32':`; on Windows the same target runs in a spawned
    /// process. Frames from the fork outwards are the parent's: not read.
    pub fn posix_only(&mut self, stack: &[PyFrame]) -> bool {
        let forked = |f: &&PyFrame| f.file.ends_with("/multiprocessing/popen_fork.py");
        stack.iter().take_while(|f| !forked(f)).any(|f| {
            f.line > 0
                && self
                    .files
                    .get(&f.file)
                    .is_some_and(|src| line_is_posix_only(&src, f.line as usize))
        })
    }
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
        if body_is_posix_only(cond) {
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
            if body_is_posix_only(cond) {
                return true;
            }
        } else if let Some(cond) = header.strip_prefix("elif ") {
            if body_is_posix_only(cond) || chain_excludes_windows(&lines, i, indent) {
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
    false
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
    if !is_windows_test(cond) {
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

/// Whether a marker expression (a decorator, a `pytestmark`) skips on Windows:
/// `skipif(<Windows test>, ...)`, `skipIf(...)`, or `skipUnless` with a POSIX-only test.
fn skips_on_windows(text: &str) -> bool {
    let args = |name: &str| {
        text.find(name).map(|p| {
            text[p + name.len()..]
                .trim_start_matches('(')
                .split(',')
                .next()
                .unwrap_or("")
        })
    };
    args("skipif").or_else(|| args("skipIf")).is_some_and(is_windows_test)
        || args("skipUnless").is_some_and(body_is_posix_only)
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
    module_assignment(lines, "pytestmark").is_some_and(|s| skips_on_windows(&s))
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
            Some(c) if is_windows_test(c) => return true,
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
        if indentation(lines[i]) != indent || !text.starts_with('@') {
            return false;
        }
        if skips_on_windows(text) {
            return true;
        }
        // A mark kept in a name (`skip_on_windows = pytest.mark.skipif(...)` at the
        // module's level, then `@skip_on_windows`).
        let name = text[1..].trim();
        if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && module_assignment(lines, name).is_some_and(|s| skips_on_windows(&s))
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

    fn at(src: &str, marker: &str) -> bool {
        let line = src.lines().position(|l| l.contains(marker)).expect("marker") + 1;
        line_is_posix_only(src, line)
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
}
