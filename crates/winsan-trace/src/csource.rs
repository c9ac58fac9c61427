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
//! Any other macro (the program's own, `_MSC_VER`, `__MINGW32__`, a version test) may be
//! either, and a condition counts only if it is false whatever they are. Directives are
//! read line by line (with `\` continuations) outside comments; anything not understood
//! is taken to be compiled, so that a finding is never dropped on a guess.

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

/// The value of a `#if` expression for Windows.
pub fn expression(e: &str) -> Value {
    let mut p = Parser { s: e.as_bytes(), i: 0 };
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

    fn unary(&mut self) -> Value {
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
            return defined(&name);
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
            defined(&word)
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
/// build by conditional inclusion.
pub fn line_is_posix_only(src: &str, line: usize) -> bool {
    let text = without_comments(src);
    // For each open conditional: (any earlier branch true for Windows, this branch's).
    let mut open: Vec<(Value, Value)> = vec![];
    let mut lines = text.lines().enumerate();
    while let Some((k, l)) = lines.next() {
        if k + 1 == line {
            return open.iter().any(|&(_, branch)| branch == Some(false));
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
            continue;
        };
        match name {
            "if" => open.push((Some(false), expression(arg))),
            "ifdef" => open.push((Some(false), defined(arg.split_whitespace().next().unwrap_or("")))),
            "ifndef" => open.push((
                Some(false),
                defined(arg.split_whitespace().next().unwrap_or("")).map(|v| !v),
            )),
            "elif" | "elifdef" | "elifndef" | "else" => {
                let Some(top) = open.last_mut() else {
                    return false;
                };
                let before = or(top.0, top.1);
                let cond = match name {
                    "elif" => expression(arg),
                    "elifdef" => defined(arg.split_whitespace().next().unwrap_or("")),
                    "elifndef" => defined(arg.split_whitespace().next().unwrap_or("")).map(|v| !v),
                    _ => Some(true),
                };
                *top = (before, and(before.map(|b| !b), cond));
            }
            "endif" => {
                open.pop();
            }
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn posix_only(src: &str, marker: &str) -> bool {
        line_is_posix_only(src, src.lines().position(|l| l.contains(marker)).expect(marker) + 1)
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
        assert_eq!(expression("__linux__ != 0"), None);
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
