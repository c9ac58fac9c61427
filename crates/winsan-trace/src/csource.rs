//! Whether a C or C++ call runs on Windows at all, read from the program's source.
//!
//! C and C++ keep code for other systems out of a Windows build with the preprocessor's
//! conditional inclusion (C17 §6.10.1): lines in a group whose `#if`, `#ifdef`,
//! `#ifndef` or `#elif` is false, or in the `#else` of one that is true, are not
//! compiled. Windows compilers predefine `_WIN32` (and `_WIN64` for 64-bit targets;
//! Microsoft's "Predefined macros"; MinGW's GCC also `WIN32` and `__WIN32__`) and none of
//! the Unix ones (`__unix__`, `__linux__`, `__APPLE__`...). So a line under `#ifndef
//! _WIN32` or `#ifdef __linux__` is no part of a Windows build, and what it does on Linux
//! is no finding.
//!
//! A macro the file defines from those (`#if defined(_WIN32)` / `#define OS_WINDOWS 1` /
//! `#else` / `#define OS_WINDOWS 0`) has the value a Windows build gives it; any other
//! (`_MSC_VER`, `__MINGW32__`, a feature test, one from a header or the command line) may
//! be either, and a condition counts only if it is false whatever they are. Code after a
//! `return` that only a Windows build compiles, in the same block (`#ifdef _WIN32` ...
//! `return;` `#endif`), does not run there either. Directives are read line by line
//! (with `\` continuations) outside comments; anything not understood is taken to be
//! compiled, so that a finding is never dropped on a guess.

use std::collections::HashMap;

use crate::rustsource::{and, or};

type Value = Option<bool>;

/// Macros every Windows C compiler defines (Microsoft's "Predefined macros": `_WIN32`,
/// and `_WIN64` on x64 and ARM64; MinGW also the older spellings).
const WINDOWS: &[&str] = &[
    "_WIN32",
    "WIN32",
    "__WIN32__",
    "_WIN64",
    "__WIN64__",
    "__WINNT__",
    "__NT__",
];

/// Macros that name another system: none is defined for Windows.
const OTHERS: &[&str] = &[
    "__unix__",
    "__unix",
    "unix",
    "__linux__",
    "__linux",
    "linux",
    "__gnu_linux__",
    "__APPLE__",
    "__MACH__",
    "__FreeBSD__",
    "__NetBSD__",
    "__OpenBSD__",
    "__DragonFly__",
    "__sun",
    "__sun__",
    "__HAIKU__",
    "__ANDROID__",
    "__CYGWIN__",
    "__EMSCRIPTEN__",
];

/// Whether `name` is defined for Windows: `Some` for the systems' macros only.
fn defined(name: &str) -> Value {
    if WINDOWS.contains(&name) {
        Some(true)
    } else if OTHERS.contains(&name) {
        Some(false)
    } else {
        None
    }
}

/// What the file itself makes of a macro for Windows, from its `#define` and `#undef`
/// lines: whether it is defined, and whether its value is nonzero.
#[derive(Clone, Copy, Debug, Default)]
struct Macro {
    defined: Value,
    nonzero: Value,
}

/// The value of a `#if` expression for Windows.
pub fn expression(e: &str) -> Value {
    expression_with(e, &HashMap::new())
}

/// The value of a `#if` expression for Windows, with the file's own macros.
fn expression_with(e: &str, macros: &HashMap<String, Macro>) -> Value {
    let mut p = Parser {
        s: e.as_bytes(),
        i: 0,
        macros,
    };
    let v = p.or();
    p.skip();
    // Anything left over (an operator not read here) makes the whole unknown.
    if p.i < p.s.len() {
        None
    } else {
        v
    }
}

/// A recursive-descent reader of `||`, `&&`, `!`, parentheses, `defined`, identifiers
/// and integers; comparisons and arithmetic are not read (the expression is unknown).
struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    macros: &'a HashMap<String, Macro>,
}

impl Parser<'_> {
    fn skip(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn eat(&mut self, t: &str) -> bool {
        self.skip();
        if self.s[self.i..].starts_with(t.as_bytes()) {
            self.i += t.len();
            true
        } else {
            false
        }
    }

    fn or(&mut self) -> Value {
        let mut v = self.and();
        while self.eat("||") {
            let w = self.and();
            v = or(v, w);
        }
        v
    }

    fn and(&mut self) -> Value {
        let mut v = self.unary();
        while self.eat("&&") {
            let w = self.unary();
            v = and(v, w);
        }
        v
    }

    /// A term, compared with zero if it is (`X == 0`, `X != 0`: what `!X` and `X` are).
    fn unary(&mut self) -> Value {
        let v = self.term();
        if self.eat("== 0") || self.eat("==0") {
            return v.map(|v| !v);
        }
        if self.eat("!= 0") || self.eat("!=0") {
            return v;
        }
        v
    }

    fn term(&mut self) -> Value {
        if self.s[self.i..].starts_with(b"!=") {
            return None;
        }
        if self.eat("!") {
            return self.unary().map(|v| !v);
        }
        if self.eat("(") {
            let v = self.or();
            return if self.eat(")") { v } else { None };
        }
        let word = self.word();
        if word == "defined" {
            let paren = self.eat("(");
            let name = self.word();
            if paren && !self.eat(")") {
                return None;
            }
            return defined(&name).or_else(|| self.macros.get(&name).and_then(|m| m.defined));
        }
        if let Some(digits) = word.strip_suffix(['u', 'U', 'l', 'L']).or(Some(word.as_str())) {
            if !digits.is_empty() && digits.bytes().all(|c| c.is_ascii_digit()) {
                return Some(digits.bytes().any(|c| c != b'0'));
            }
        }
        // A macro as a value: a system's is 1 or undefined (0); another is unknown.
        if word.is_empty() {
            None
        } else {
            defined(&word).or_else(|| self.macros.get(&word).and_then(|m| m.nonzero))
        }
    }

    fn word(&mut self) -> String {
        self.skip();
        let from = self.i;
        while self.i < self.s.len() && (self.s[self.i].is_ascii_alphanumeric() || self.s[self.i] == b'_') {
            self.i += 1;
        }
        String::from_utf8_lossy(&self.s[from..self.i]).into_owned()
    }
}

/// The preprocessor directive a logical line holds: `(name, argument)`.
fn directive(line: &str) -> Option<(&str, &str)> {
    let rest = line.trim_start().strip_prefix('#')?.trim_start();
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    Some((&rest[..end], rest[end..].trim()))
}

/// `src` with comments blanked, lines kept.
fn without_comments(src: &str) -> String {
    let s = src.as_bytes();
    let mut out = s.to_vec();
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'/' if s.get(i + 1) == Some(&b'/') => {
                while i < s.len() && s[i] != b'\n' {
                    out[i] = b' ';
                    i += 1;
                }
            }
            b'/' if s.get(i + 1) == Some(&b'*') => {
                let end = src[i + 2..].find("*/").map_or(s.len(), |k| i + 2 + k + 2);
                for c in &mut out[i..end] {
                    if *c != b'\n' {
                        *c = b' ';
                    }
                }
                i = end;
            }
            b'"' | b'\'' => {
                let q = s[i];
                i += 1;
                while i < s.len() && s[i] != q && s[i] != b'\n' {
                    i += if s[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    String::from_utf8(out).unwrap_or_default()
}

/// Whether line `line` (1-based) of the C or C++ source `src` is left out of a Windows
/// build by conditional inclusion, or comes after a `return` that only a Windows build
/// compiles, in the same block (`#ifdef _WIN32 ... return; #endif`).
///
/// The file's own macros count as the preprocessor would make them for Windows: one
/// `#define`d in a group that a Windows build compiles has its value there (`#if
/// defined(_WIN32)` / `#define OS_WINDOWS 1`), one in a group it leaves out is not
/// defined by it; one in a group that may go either way is unknown.
pub fn line_is_posix_only(src: &str, line: usize) -> bool {
    let text = without_comments(src);
    // For each open conditional: (any earlier branch true for Windows, this branch's).
    let mut open: Vec<(Value, Value)> = vec![];
    let mut macros: HashMap<String, Macro> = HashMap::new();
    // Brace depth, and the depth of a `return` only Windows compiles (while its block
    // is open).
    let mut depth = 0usize;
    let mut windows_return: Option<usize> = None;
    let mut last_code = String::new();
    // For each open brace: whether its block is a plain one (`{ ... }` as a statement).
    let mut plain: Vec<bool> = vec![];
    let mut lines = text.lines().enumerate();
    while let Some((k, l)) = lines.next() {
        let compiled_on_windows = open.iter().map(|&(_, b)| b).fold(Some(true), and);
        if k + 1 == line {
            return compiled_on_windows == Some(false) || windows_return.is_some_and(|d| d <= depth);
        }
        let mut logical = l.to_owned();
        while logical.ends_with('\\') {
            logical.pop();
            match lines.next() {
                Some((k2, more)) => {
                    if k2 + 1 == line {
                        return false;
                    }
                    logical.push_str(more);
                }
                None => break,
            }
        }
        let Some((name, arg)) = directive(&logical) else {
            // Code: braces and a Windows-only `return` statement (not the body of a
            // braceless `if`, `else`, `while` or `for`).
            let t = logical.trim();
            // A label (`case 1:`, `default:`, `out:`) can be jumped to past a return.
            if t.starts_with("case ") || t.starts_with("default") || is_label(t) {
                windows_return = None;
            }
            if compiled_on_windows == Some(false) {
                continue;
            }
            let only_windows = compiled_on_windows == Some(true) && open.iter().any(|&(_, b)| b == Some(true));
            let mut statement_start = true;
            for (i, c) in logical.char_indices() {
                if statement_start
                    && only_windows
                    && depth > 0
                    && windows_return.is_none()
                    && !(last_code.ends_with(')') || last_code.ends_with("else"))
                    && starts_return(&logical[i..])
                {
                    // A return in plain blocks (`{ close(fd); return; }`) leaves the block
                    // around them too.
                    let inner_plain = plain.iter().rev().take_while(|&&p| p).count();
                    windows_return = Some(depth - inner_plain.min(depth - 1));
                }
                match c {
                    '{' => {
                        depth += 1;
                        // A block of its own, not the body of a function, `if`, loop,
                        // `else`, `do`, `case` or an initializer.
                        plain.push(last_code.is_empty() || last_code.ends_with([';', '{', '}']));
                    }
                    '}' => {
                        depth = depth.saturating_sub(1);
                        plain.pop();
                        if windows_return.is_some_and(|d| d > depth) {
                            windows_return = None;
                        }
                    }
                    _ => {}
                }
                if !c.is_whitespace() {
                    statement_start = matches!(c, ';' | '{' | '}');
                    // ASCII only, so that it can be cut anywhere.
                    last_code.push(if c.is_ascii() { c } else { '?' });
                    if last_code.len() > 16 {
                        last_code.drain(..last_code.len() - 8);
                    }
                }
            }
            continue;
        };
        let first = |a: &str| a.split_whitespace().next().unwrap_or("").to_owned();
        match name {
            "if" => open.push((Some(false), expression_with(arg, &macros))),
            "ifdef" => open.push((
                Some(false),
                expression_with(&format!("defined({})", first(arg)), &macros),
            )),
            "ifndef" => open.push((
                Some(false),
                expression_with(&format!("!defined({})", first(arg)), &macros),
            )),
            "elif" | "elifdef" | "elifndef" | "else" => {
                let Some(&top) = open.last() else {
                    return false;
                };
                let before = or(top.0, top.1);
                let cond = match name {
                    "elif" => expression_with(arg, &macros),
                    "elifdef" => expression_with(&format!("defined({})", first(arg)), &macros),
                    "elifndef" => expression_with(&format!("!defined({})", first(arg)), &macros),
                    _ => Some(true),
                };
                *open.last_mut().expect("checked") = (before, and(before.map(|b| !b), cond));
            }
            "endif" => {
                open.pop();
            }
            "define" | "undef" => {
                let rest = arg.trim_start();
                let end = rest
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(rest.len());
                let (macro_name, body) = rest.split_at(end);
                // A function-like macro is no value of an `#if`.
                let m = match (compiled_on_windows, name, body.starts_with('(')) {
                    (Some(false), ..) => continue,
                    (Some(true), "undef", _) => Macro {
                        defined: Some(false),
                        nonzero: Some(false),
                    },
                    (Some(true), _, false) => Macro {
                        defined: Some(true),
                        nonzero: expression_with(body, &macros),
                    },
                    _ => Macro::default(),
                };
                if !macro_name.is_empty() && defined(macro_name).is_none() {
                    macros.insert(macro_name.to_owned(), m);
                }
            }
            _ => {}
        }
    }
    false
}

/// Whether a line of code is a label (`name:`, not `a ? b : c` or `::`).
fn is_label(code: &str) -> bool {
    code.strip_suffix(':')
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_'))
}

/// Whether code begins with a `return` statement.
fn starts_return(code: &str) -> bool {
    code.strip_prefix("return")
        .is_some_and(|r| !r.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn posix_only(src: &str, marker: &str) -> bool {
        line_is_posix_only(src, src.lines().position(|l| l.contains(marker)).expect(marker) + 1)
    }

    #[test]
    fn the_files_own_macros_and_returns() {
        let src = r#"
#if defined(_WIN32)
#  define OS_WINDOWS 1
#  define PATH_SEP '\\'
#else
#  define OS_WINDOWS 0
#  define HAVE_UNLINK_OPEN
#endif
#ifdef FEATURE_X
#  define MAYBE 1
#endif
void f(void) {
#if !OS_WINDOWS
    unlink("t7"); /* A */
#endif
#if OS_WINDOWS
    remove("t8"); /* B */
#endif
#ifdef HAVE_UNLINK_OPEN
    unlink("t9"); /* C */
#endif
#if MAYBE
    unlink("t10"); /* D */
#endif
}
void g(int fd) {
    if (fd > 0) {
#ifdef _WIN32
        close(fd);
        return;
#endif
        unlink("x"); /* E */
    }
    unlink("y"); /* F */
#ifdef _WIN32
    return;
#endif
    unlink("z"); /* G */
}
void h(void) {
    unlink("w"); /* H */
}
void j(int fd) {
#ifdef _WIN32
    close(fd); remove("t8"); return;
#endif
    unlink("t8"); /* K */
#ifdef _WIN32
    if (fd) { return; }
#endif
    unlink("t9"); /* L */
}
void m(int fd) {
#ifdef _WIN32
    {
        close(fd);
        return;
    }
#endif
    unlink("m"); /* M */
}
void n(int fd) {
#ifdef _WIN32
    if (fd) {
        return;
    }
#endif
    unlink("n"); /* N */
}
void i(int fd, int k) {
#ifdef _WIN32
    if (fd < 0)
        return;
#endif
    unlink("v"); /* I */
    switch (k) {
    case 1:
#ifdef _WIN32
        return;
#endif
    case 2:
        unlink("u"); /* J */
    }
}
"#;
        assert!(posix_only(src, "/* A */"));
        assert!(!posix_only(src, "/* B */"));
        // Defined only where Windows is not, but it may come from the command line too.
        assert!(!posix_only(src, "/* C */"));
        assert!(!posix_only(src, "/* D */"));
        assert!(posix_only(src, "/* E */"));
        assert!(!posix_only(src, "/* F */"));
        assert!(posix_only(src, "/* G */"));
        assert!(!posix_only(src, "/* H */"));
        assert!(!posix_only(src, "/* I */"));
        assert!(!posix_only(src, "/* J */"));
        assert!(posix_only(src, "/* K */"));
        assert!(posix_only(src, "/* M */"));
        assert!(!posix_only(src, "/* N */"));
    }

    #[test]
    fn expressions_for_windows() {
        assert_eq!(expression("defined(_WIN32)"), Some(true));
        assert_eq!(expression("defined _WIN32"), Some(true));
        assert_eq!(expression("!defined(_WIN32)"), Some(false));
        assert_eq!(expression("defined(__linux__) || defined(__APPLE__)"), Some(false));
        assert_eq!(expression("defined(__unix__) && HAVE_X"), Some(false));
        assert_eq!(expression("defined(_MSC_VER)"), None);
        assert_eq!(expression("_WIN32"), Some(true));
        assert_eq!(expression("__linux__"), Some(false));
        assert_eq!(expression("0"), Some(false));
        assert_eq!(expression("1"), Some(true));
        assert_eq!(expression("_MSC_VER >= 1900"), None);
        assert_eq!(expression("__linux__ != 0"), Some(false));
        assert_eq!(expression("_WIN32 == 0"), Some(false));
        assert_eq!(expression("_MSC_VER == 1900"), None);
        assert_eq!(expression("(defined(_WIN32) || defined(_WIN64))"), Some(true));
    }

    #[test]
    fn groups_and_branches() {
        let src = r#"
#include <stdio.h>
#ifdef _WIN32
#include <io.h>
static void clean(const char *p) { _unlink(p); } /* A */
#else
#include <unistd.h>
static void clean(const char *p) { unlink(p); } /* B */
#endif
#if defined(__linux__) || \
    defined(__APPLE__)
void f(void) { unlink("x"); } /* C */
#elif defined(HAVE_OTHER)
void g(void) { unlink("y"); } /* D */
#else
void h(void) { unlink("z"); } /* E */
#endif
#ifndef _WIN32
#  if USE_FAST
void i(void) { unlink("w"); } /* F */
#  endif
#endif
#if USE_FAST
void j(void) { unlink("v"); } /* G */
#endif
// #ifndef _WIN32
void k(void) { unlink("u"); } /* H */
/* #if 0 */
void l(void) { unlink("t"); } /* I */
"#;
        assert!(!posix_only(src, "/* A */"));
        assert!(posix_only(src, "/* B */"));
        assert!(posix_only(src, "/* C */"));
        assert!(!posix_only(src, "/* D */"));
        assert!(!posix_only(src, "/* E */"));
        assert!(posix_only(src, "/* F */"));
        assert!(!posix_only(src, "/* G */"));
        assert!(!posix_only(src, "/* H */"));
        assert!(!posix_only(src, "/* I */"));
    }
}
