//! Whether a Rust call runs on Windows at all, read from the program's source.
//!
//! Rust keeps code for other systems out of a Windows build by conditional compilation
//! (The Rust Reference, "Conditional compilation"): an item, statement or expression
//! under `#[cfg(PREDICATE)]` is compiled only where the predicate holds, `#![cfg(...)]`
//! applies to the module or block that holds it, and `cfg!(PREDICATE)` is a constant
//! `true` or `false` for the target, so `if cfg!(unix) { ... }` runs only there. For a
//! Windows target `windows` and `target_os = "windows"` hold, `unix` and every other
//! `target_os` do not; any other option (a feature, `target_env`, `test`) may go either
//! way, and a predicate counts only if it is false (or true) whatever they are. A test
//! marked `#[cfg_attr(windows, ignore)]` does not run on Windows either, and neither does
//! a function's code after `if cfg!(windows) { return ...; }`. `cfg_if!`'s `if
//! #[cfg(...)] { ... } else { ... }` reads as such an `if`.
//!
//! What runs on Linux under such a condition never happens on Windows: no finding (but
//! for a dependency's implementation of its API for other systems, whose Windows one
//! makes the call too: [`function_is_posix_only`], `NativeSources::stack_posix_only`). As
//! for Python and Go ([`crate::pysource`], [`crate::gosource`]), this reads text, not a
//! syntax tree: braces give the blocks once comments and literals are blanked out, and
//! anything not understood is taken to run on Windows, so that a finding is never
//! dropped on a guess.

/// A predicate's or condition's value for a Windows target: `None` when it depends on
/// what is not known (features, the target environment, run-time values).
type Value = Option<bool>;

/// Kleene's conjunction: false if either is, known only if both are.
pub(crate) fn and(a: Value, b: Value) -> Value {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

/// Kleene's disjunction: true if either is, known only if both are.
pub(crate) fn or(a: Value, b: Value) -> Value {
    match (a, b) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    }
}

/// The value of a configuration predicate (`unix`, `not(windows)`, `all(target_os =
/// "linux", feature = "x")`) for a Windows target.
pub fn predicate(p: &str) -> Value {
    let p = p.trim();
    let call = |name: &str| {
        p.strip_prefix(name)
            .map(str::trim_start)
            .and_then(|r| r.strip_prefix('('))
            .and_then(|r| r.strip_suffix(')'))
    };
    if let Some(inner) = call("all") {
        return split_top(inner, b',').into_iter().map(predicate).fold(Some(true), and);
    }
    if let Some(inner) = call("any") {
        return split_top(inner, b',').into_iter().map(predicate).fold(Some(false), or);
    }
    if let Some(inner) = call("not") {
        return predicate(inner).map(|v| !v);
    }
    if let Some((key, value)) = p.split_once('=') {
        let value = value.trim().trim_matches('"');
        return match key.trim() {
            "target_os" | "target_family" => Some(value == "windows"),
            "target_env" => (!matches!(value, "msvc" | "gnu" | "gnullvm" | "")).then_some(false),
            "target_vendor" => (value == "apple").then_some(false),
            _ => None,
        };
    }
    match p {
        "windows" => Some(true),
        "unix" => Some(false),
        _ => None,
    }
}

/// `s` split at `sep` where no bracket is open; empty parts dropped (a trailing comma).
fn split_top(s: &str, sep: u8) -> Vec<&str> {
    let (mut depth, mut from, mut out) = (0i32, 0, vec![]);
    for (i, &c) in s.as_bytes().iter().enumerate() {
        match c {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            _ if c == sep && depth == 0 => {
                out.push(&s[from..i]);
                from = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[from..]);
    out.retain(|p| !p.trim().is_empty());
    out
}

/// The value of an `if` condition for a Windows target: `cfg!(...)` (or `cfg_if!`'s
/// `#[cfg(...)]`) combined by `!`, `&&`, `||` and parentheses; any other term is unknown.
pub fn condition(c: &str) -> Value {
    let c = c.trim();
    let ors = split_ops(c, "||");
    if ors.len() > 1 {
        return ors.into_iter().map(condition).fold(Some(false), or);
    }
    let ands = split_ops(c, "&&");
    if ands.len() > 1 {
        return ands.into_iter().map(condition).fold(Some(true), and);
    }
    if let Some(rest) = c.strip_prefix('!') {
        return condition(rest).map(|v| !v);
    }
    if let Some(inner) = c.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        if balanced(inner) {
            return condition(inner);
        }
    }
    let inner = c
        .strip_prefix("cfg!")
        .map(str::trim_start)
        .and_then(|r| r.strip_prefix('('))
        .and_then(|r| r.strip_suffix(')'))
        .or_else(|| c.strip_prefix("#[cfg(").and_then(|r| r.strip_suffix(")]")));
    inner.filter(|i| balanced(i)).and_then(predicate)
}

fn balanced(s: &str) -> bool {
    let mut depth = 0i32;
    for c in s.bytes() {
        match c {
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            return false;
        }
    }
    depth == 0
}

/// `s` split at the operator `op` where no bracket is open.
fn split_ops<'a>(s: &'a str, op: &str) -> Vec<&'a str> {
    let b = s.as_bytes();
    let (mut depth, mut from, mut out, mut i) = (0i32, 0, vec![], 0);
    while i < b.len() {
        match b[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            _ if depth == 0 && b[i..].starts_with(op.as_bytes()) => {
                out.push(&s[from..i]);
                i += op.len();
                from = i;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out.push(&s[from..]);
    out
}

/// `src` with comments blanked and, in string and character literals, every bracket and
/// punctuation that could be taken for code (the text of a literal is kept: a predicate's
/// `"linux"`); byte positions and lines are kept.
fn code_of(src: &str) -> Vec<u8> {
    let s = src.as_bytes();
    let mut out = s.to_vec();
    let blank = |out: &mut Vec<u8>, i: usize| {
        if out[i] != b'\n' {
            out[i] = b' ';
        }
    };
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'/' if s.get(i + 1) == Some(&b'/') => {
                while i < s.len() && s[i] != b'\n' {
                    blank(&mut out, i);
                    i += 1;
                }
            }
            b'/' if s.get(i + 1) == Some(&b'*') => {
                let mut depth = 0;
                while i < s.len() {
                    if s[i..].starts_with(b"/*") {
                        depth += 1;
                        blank(&mut out, i);
                        blank(&mut out, i + 1);
                        i += 2;
                    } else if s[i..].starts_with(b"*/") {
                        depth -= 1;
                        blank(&mut out, i);
                        blank(&mut out, i + 1);
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        blank(&mut out, i);
                        i += 1;
                    }
                }
            }
            b'r' | b'b' if raw_string_start(s, i).is_some() => {
                let (open, hashes) = raw_string_start(s, i).expect("checked");
                let mut close = vec![b'"'];
                close.extend(std::iter::repeat_n(b'#', hashes));
                let mut j = open + 1;
                while j < s.len() && !s[j..].starts_with(&close) {
                    if !s[j].is_ascii_alphanumeric() && s[j] != b'_' {
                        blank(&mut out, j);
                    }
                    j += 1;
                }
                i = j + close.len();
            }
            b'"' => {
                let mut j = i + 1;
                while j < s.len() && s[j] != b'"' {
                    if s[j] == b'\\' {
                        blank(&mut out, j);
                        j += 1;
                    }
                    if j < s.len() && !s[j].is_ascii_alphanumeric() && s[j] != b'_' {
                        blank(&mut out, j);
                    }
                    j += 1;
                }
                i = j + 1;
            }
            b'\'' => {
                // A character literal ('x', '\n', '\u{7f}', '{') or a lifetime ('a).
                let end = if s.get(i + 1) == Some(&b'\\') {
                    s[i + 2..].iter().position(|&c| c == b'\'').map(|k| i + 2 + k)
                } else {
                    let len = src[i + 1..].chars().next().map_or(1, char::len_utf8);
                    (s.get(i + 1 + len) == Some(&b'\'')).then_some(i + 1 + len)
                };
                match end {
                    Some(e) => {
                        for k in i + 1..e {
                            blank(&mut out, k);
                        }
                        i = e + 1;
                    }
                    None => i += 1,
                }
            }
            _ => i += 1,
        }
    }
    out
}

/// At `i`, a raw string (`r"`, `r#"`, `br##"`): the position of its opening quote and
/// how many `#` it has.
fn raw_string_start(s: &[u8], i: usize) -> Option<(usize, usize)> {
    if i > 0 && (s[i - 1].is_ascii_alphanumeric() || s[i - 1] == b'_') {
        return None;
    }
    let mut j = i + usize::from(s[i] == b'b');
    (s.get(j) == Some(&b'r')).then_some(())?;
    j += 1;
    let hashes = s[j..].iter().take_while(|&&c| c == b'#').count();
    (s.get(j + hashes) == Some(&b'"')).then_some((j + hashes, hashes))
}

/// The blocks of the code: `(open, close)` positions of each matched brace pair.
fn blocks(code: &[u8]) -> Vec<(usize, usize)> {
    let (mut open, mut out) = (vec![], vec![]);
    for (i, &c) in code.iter().enumerate() {
        match c {
            b'{' => open.push(i),
            b'}' => {
                if let Some(o) = open.pop() {
                    out.push((o, i));
                }
            }
            _ => {}
        }
    }
    out.sort_unstable();
    out
}

/// Where the statement or item that ends at `end` starts: just past the `;`, `{` or `}`
/// before it, or the bracket it is in, whichever is nearest.
fn statement_start(code: &[u8], end: usize) -> usize {
    let mut depth = 0i32;
    for i in (0..end).rev() {
        match code[i] {
            b')' | b']' => depth += 1,
            b'(' | b'[' if depth == 0 => return i + 1,
            b'(' | b'[' => depth -= 1,
            b';' | b'{' | b'}' if depth == 0 => return i + 1,
            _ => {}
        }
    }
    0
}

fn text(code: &[u8], from: usize, to: usize) -> &str {
    std::str::from_utf8(&code[from..to]).unwrap_or("")
}

/// The outer attributes at the start of `prefix` (`#[...]`, each with its text inside
/// the brackets) and the rest.
fn attributes(prefix: &str) -> (Vec<&str>, &str) {
    let mut rest = prefix.trim_start();
    let mut out = vec![];
    while let Some(r) = rest.strip_prefix("#[") {
        let mut depth = 1i32;
        let Some(end) = r.bytes().position(|c| {
            match c {
                b'[' => depth += 1,
                b']' => depth -= 1,
                _ => {}
            }
            depth == 0
        }) else {
            break;
        };
        out.push(r[..end].trim());
        rest = r[end + 1..].trim_start();
    }
    (out, rest)
}

/// The value of an attribute's configuration: `cfg(P)` is P.
fn cfg_attribute(attr: &str) -> Value {
    attr.strip_prefix("cfg")
        .map(str::trim_start)
        .and_then(|r| r.strip_prefix('('))
        .and_then(|r| r.strip_suffix(')'))
        .and_then(predicate)
}

/// Whether attributes keep what they are on out of Windows: `#[cfg(P)]` with P false
/// there, or a test (`#[test]`) that `#[cfg_attr(P, ignore)]` ignores there.
fn attributes_exclude_windows(attrs: &[&str]) -> bool {
    let test = attrs.iter().any(|a| a.ends_with("test") && !a.contains('('));
    attrs.iter().any(|a| {
        cfg_attribute(a) == Some(false)
            || (test
                && a.strip_prefix("cfg_attr(")
                    .and_then(|r| r.strip_suffix(')'))
                    .is_some_and(|inner| {
                        let parts = split_top(inner, b',');
                        parts.len() >= 2
                            && predicate(parts[0]) == Some(true)
                            && parts[1..].iter().any(|p| {
                                let p = p.trim();
                                p == "ignore" || p.starts_with("ignore ") || p.starts_with("ignore=")
                            })
                    }))
    })
}

/// The condition of an `if` that a block's prefix ends with (`if COND`, `else if COND`,
/// `let x = if COND`).
fn if_condition(rest: &str) -> Option<&str> {
    let b = rest.as_bytes();
    let mut depth = 0i32;
    let mut found = None;
    for i in 0..b.len() {
        match b[i] {
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth -= 1,
            b'i' if depth == 0
                && rest[i..].starts_with("if")
                && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_'))
                && b.get(i + 2)
                    .is_some_and(|c| c.is_ascii_whitespace() || *c == b'!' || *c == b'(' || *c == b'#') =>
            {
                found = Some(i + 2);
            }
            _ => {}
        }
    }
    found.map(|i| rest[i..].trim())
}

/// Whether line `line` (1-based) of the Rust source `src` is compiled or runs only off
/// Windows (see the module documentation).
pub fn line_is_posix_only(src: &str, line: usize) -> bool {
    let code = code_of(src);
    let Some(at) = line_position(&code, line) else {
        return false;
    };
    let blocks = blocks(&code);
    // The file's own inner attributes (`#![cfg(unix)]` at its top).
    if inner_attributes_exclude_windows(&code, 0) || uses_std_os_not_on_windows(&code, &blocks, None) {
        return true;
    }
    // The statement that holds the line, then each block around it, innermost last.
    let around: Vec<(usize, usize)> = blocks.iter().copied().filter(|&(o, c)| o < at && at <= c).collect();
    let statement = statement_start(&code, at);
    if attributes_exclude_windows(&attributes(text(&code, statement, at)).0) {
        return true;
    }
    around.iter().any(|&(open, close)| {
        block_excludes_windows(&code, &blocks, open)
            || inner_attributes_exclude_windows(&code, open + 1)
            || uses_std_os_not_on_windows(&code, &blocks, Some((open, close)))
            || returns_early_on_windows(&code, &blocks, open, close, at)
    })
}

/// The modules of `std::os` that a Windows build of std does not have: std's
/// `library/std/src/os/mod.rs` declares each only for its own systems (and for
/// documentation), `unix` for `any(unix, doc)`, `fd` for `any(unix, target_os = "wasi",
/// doc)` and a few more.
const STD_OS_NOT_ON_WINDOWS: &[&str] = &[
    "unix",
    "linux",
    "fd",
    "android",
    "macos",
    "ios",
    "freebsd",
    "netbsd",
    "openbsd",
    "dragonfly",
    "solaris",
    "illumos",
    "fuchsia",
    "haiku",
    "redox",
    "wasi",
];

/// Whether the scope `scope` (a function's or a module's body, given by its braces; the
/// file's top level for `None`) has among its own items a `use` of a module of `std::os`
/// that Windows lacks ([`STD_OS_NOT_ON_WINDOWS`]: `use std::os::unix::fs::PermissionsExt;`)
/// with no `cfg` of its own: a Windows build cannot compile that scope, so none of its
/// code is in one (a test module that only Unix builds, without saying so).
fn uses_std_os_not_on_windows(code: &[u8], blocks: &[(usize, usize)], scope: Option<(usize, usize)>) -> bool {
    if let Some((open, _)) = scope {
        if !(is_function_body(code, open) || is_module_block(code, open)) {
            return false;
        }
    }
    let (from, to) = scope.map_or((0, code.len()), |(o, c)| (o + 1, c));
    let t = text(code, from, to);
    t.match_indices("use").any(|(i, _)| {
        let p = from + i;
        let word = (p == 0 || !(code[p - 1].is_ascii_alphanumeric() || code[p - 1] == b'_'))
            && code.get(p + 3).is_some_and(|c| c.is_ascii_whitespace() || *c == b':');
        // Directly in the scope: in no block inside it.
        let direct = !blocks.iter().any(|&(o, c)| o >= from && o < p && p < c);
        if !(word && direct) {
            return false;
        }
        let start = statement_start(code, p);
        let (attrs, rest) = attributes(text(code, start, p));
        let visibility = rest.trim();
        let plain = visibility.is_empty() || visibility == "pub" || visibility.starts_with("pub(");
        if !plain || attrs.iter().any(|a| a.starts_with("cfg")) {
            return false;
        }
        let Some(end) = code[p..].iter().position(|&c| c == b';') else {
            return false;
        };
        let tree: String = text(code, p + 3, p + end)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let Some(under_std) = tree.strip_prefix("::").unwrap_or(&tree).strip_prefix("std::") else {
            return false;
        };
        names_std_os_not_on_windows(under_std)
    })
}

/// Whether a use tree below `std::` (`os::unix::fs::PermissionsExt`, `{fs,
/// os::unix::fs::PermissionsExt}`, `os::{fd::AsRawFd, raw}`; without blanks) names a module
/// of [`STD_OS_NOT_ON_WINDOWS`].
fn names_std_os_not_on_windows(tree: &str) -> bool {
    let items = |t: &str| -> Vec<String> {
        match t.strip_prefix('{').and_then(|r| r.strip_suffix('}')) {
            Some(group) => split_top(group, b',').into_iter().map(str::to_owned).collect(),
            None => vec![t.to_owned()],
        }
    };
    items(tree).iter().any(|item| {
        let Some(below_os) = item.strip_prefix("os::") else {
            return false;
        };
        items(below_os).iter().any(|m| {
            let first = m
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .next()
                .unwrap_or("");
            STD_OS_NOT_ON_WINDOWS.contains(&first)
        })
    })
}

/// Whether the block opening at `open` is an inline module's (`mod imp {`, `pub(crate)
/// mod tests {`).
fn is_module_block(code: &[u8], open: usize) -> bool {
    let start = statement_start(code, open);
    let (_, rest) = attributes(text(code, start, open));
    let mut words = rest
        .split_whitespace()
        .filter(|w| *w != "pub" && !w.starts_with("pub("));
    matches!(
        (words.next(), words.next(), words.next()),
        (Some("mod"), Some(name), None) if name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
    )
}

/// The position of the first character of line `line` (1-based) of `code` that is not
/// blank, if it has one.
fn line_position(code: &[u8], line: usize) -> Option<usize> {
    let line_start = if line == 1 {
        0
    } else {
        code.iter()
            .enumerate()
            .filter(|(_, &c)| c == b'\n')
            .nth(line.checked_sub(2)?)
            .map(|(i, _)| i + 1)?
    };
    code[line_start..]
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .map(|k| line_start + k)
        .filter(|&a| !code[line_start..a].contains(&b'\n'))
}

/// Whether the function whose body holds line `line` (1-based) of `src` is compiled only
/// off Windows as a whole: by its own attributes (`#[cfg(unix)] fn`), an item around it
/// (`#[cfg(unix)] mod imp { ... }`, an `impl`, a `cfg_if!` branch outside any function)
/// or the file's `#![cfg(unix)]`, not by a block, a statement or a branch inside its body
/// (`if cfg!(unix)`, code after `if cfg!(windows) { return; }`), which leave the function
/// itself on Windows. Such a function is one system's implementation of its name: code
/// that a Windows build compiles and that calls it calls another function of that name
/// there (`#[cfg(windows)] mod imp`), or it would not compile. `false` when no function's
/// body holds the line (a file's module declaration is [`crate::native::NativeSources`]'s
/// to read).
pub fn function_is_posix_only(src: &str, line: usize) -> bool {
    let code = code_of(src);
    let Some(at) = line_position(&code, line) else {
        return false;
    };
    let blocks = blocks(&code);
    // The innermost function body around the line, or opening on it (`fn f() { g(); }`);
    // blocks are sorted by where they open.
    let eol = code[at..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(code.len(), |k| at + k);
    let Some(&(body, _)) = blocks
        .iter()
        .rfind(|&&(o, c)| o < eol && at <= c && is_function_body(&code, o))
    else {
        return false;
    };
    inner_attributes_exclude_windows(&code, 0)
        || uses_std_os_not_on_windows(&code, &blocks, None)
        || blocks.iter().any(|&(open, close)| {
            open <= body
                && body < close
                && (block_excludes_windows(&code, &blocks, open)
                    || inner_attributes_exclude_windows(&code, open + 1)
                    || uses_std_os_not_on_windows(&code, &blocks, Some((open, close))))
        })
}

/// Whether the block opening at `open` is a function's body: its prefix (after its
/// attributes) has the keyword `fn` outside brackets (`pub(crate) unsafe fn f(x: fn())
/// -> T where F: Fn()`); a closure's has none.
fn is_function_body(code: &[u8], open: usize) -> bool {
    let start = statement_start(code, open);
    let (_, rest) = attributes(text(code, start, open));
    let b = rest.as_bytes();
    let mut depth = 0i32;
    (0..b.len()).any(|i| {
        match b[i] {
            b'(' | b'[' | b'<' => depth += 1,
            b')' | b']' | b'>' if i == 0 || b[i - 1] != b'-' => depth -= 1,
            _ => {}
        }
        depth == 0
            && b[i..].starts_with(b"fn")
            && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_'))
            && b.get(i + 2).is_some_and(|c| c.is_ascii_whitespace())
    })
}

/// `#![cfg(P)]` with P false on Windows among the inner attributes from `from` on.
fn inner_attributes_exclude_windows(code: &[u8], from: usize) -> bool {
    let mut rest = text(code, from, code.len()).trim_start();
    // `#![a] #![b]` read one at a time as the outer attribute `#[a]`.
    while let Some(r) = rest.strip_prefix("#!") {
        let end = r.find("#!").unwrap_or(r.len());
        let one = format!("#{}", &r[..end]);
        let (attrs, after) = attributes(&one);
        if attrs.first().is_some_and(|a| cfg_attribute(a) == Some(false)) {
            return true;
        }
        if attrs.is_empty() || !after.trim().is_empty() {
            return false;
        }
        rest = r[end..].trim_start();
    }
    false
}

/// Whether the block opening at `open` is compiled or run only off Windows by what comes
/// before it: its attributes, its `if` condition, or the conditions of the branches
/// before its `else`.
fn block_excludes_windows(code: &[u8], blocks: &[(usize, usize)], open: usize) -> bool {
    let start = statement_start(code, open);
    let (attrs, rest) = attributes(text(code, start, open));
    if attributes_exclude_windows(&attrs) {
        return true;
    }
    let rest = rest.trim();
    if !rest.starts_with("else") {
        // A block that starts a chain: its own condition only.
        return if_condition(rest).is_some_and(|c| condition(c) == Some(false));
    }
    // An `else` or `else if`: the branches before it, back to the chain's `if`.
    if let Some(c) = rest.strip_prefix("else").and_then(|r| if_condition(r.trim_start())) {
        if condition(c) == Some(false) {
            return true;
        }
    }
    let mut close = start - 1; // the `}` before `else`
    for _ in 0..64 {
        let Some(&(prev_open, _)) = blocks.iter().find(|&&(_, c)| c == close) else {
            return false;
        };
        let prev_start = statement_start(code, prev_open);
        let (_, prev) = attributes(text(code, prev_start, prev_open));
        let prev = prev.trim();
        if let Some(c) = if_condition(prev) {
            if condition(c) == Some(true) {
                return true;
            }
        }
        if !prev.starts_with("else") || prev_start == 0 {
            return false;
        }
        close = prev_start - 1;
    }
    false
}

/// Whether, in the block `open..close`, a statement before `at` returns on Windows:
/// `if cfg!(windows) { return; }` or `#[cfg(windows)] return;` (a test that skips itself
/// there).
fn returns_early_on_windows(code: &[u8], blocks: &[(usize, usize)], open: usize, close: usize, at: usize) -> bool {
    let returns = |from: usize, to: usize| {
        let t = text(code, from, to);
        t.match_indices("return").any(|(i, _)| {
            let before = t[..i].bytes().last();
            let after = t[i + 6..].bytes().next();
            !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
                && !after.is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
        })
    };
    // Child blocks of this one that end before the line.
    let children = blocks.iter().filter(|&&(o, c)| {
        o > open && c < at && c < close && !blocks.iter().any(|&(o2, c2)| o2 > open && o2 < o && c < c2)
    });
    for &(o, c) in children {
        let start = statement_start(code, o);
        let (attrs, rest) = attributes(text(code, start, o));
        let rest = rest.trim();
        let on_windows = attrs.iter().any(|a| cfg_attribute(a) == Some(true))
            || (!rest.starts_with("else") && if_condition(rest).is_some_and(|c| condition(c) == Some(true)));
        // An `if` with an `else` returns on one branch only.
        let has_else = text(code, c + 1, code.len()).trim_start().starts_with("else");
        if on_windows && !has_else && returns(o, c) {
            return true;
        }
    }
    // `#[cfg(windows)] return ...;` as a statement of this block.
    let body = text(code, open + 1, at);
    body.match_indices("#[").any(|(i, _)| {
        let pos = open + 1 + i;
        let s = statement_start(code, pos);
        let direct = !blocks.iter().any(|&(o, c)| o > open && o < pos && pos < c);
        let (attrs, rest) = attributes(text(code, s, at));
        direct
            && text(code, s, pos).trim().is_empty()
            && attrs.iter().any(|a| cfg_attribute(a) == Some(true))
            && rest.starts_with("return")
            && !rest[6..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// The files that may declare the module a Rust source file is, and its name there
/// (The Rust Reference, "Modules", module source filenames): `d/m.rs` and `d/m/mod.rs`
/// are module `m` of `d/mod.rs`, `d.rs`, `d/lib.rs` or `d/main.rs`. A crate's root
/// (`lib.rs`, `main.rs`) has none.
pub fn parent_modules(file: &str) -> Vec<(String, String)> {
    let path = std::path::Path::new(file);
    let (Some(stem), Some(dir)) = (path.file_stem().and_then(|s| s.to_str()), path.parent()) else {
        return vec![];
    };
    let (name, dir) = match stem {
        "lib" | "main" => return vec![],
        "mod" => match (dir.file_name().and_then(|s| s.to_str()), dir.parent()) {
            (Some(n), Some(d)) => (n, d),
            _ => return vec![],
        },
        _ => (stem, dir),
    };
    let mut out: Vec<String> = ["mod.rs", "lib.rs", "main.rs"]
        .iter()
        .map(|f| dir.join(f).to_string_lossy().into_owned())
        .collect();
    if let (Some(up), Some(d)) = (dir.parent(), dir.file_name().and_then(|s| s.to_str())) {
        out.push(up.join(format!("{d}.rs")).to_string_lossy().into_owned());
    }
    out.into_iter()
        .filter(|p| p != file)
        .map(|p| (p, name.to_owned()))
        .collect()
}

/// The line (1-based) of `src` that declares module `name` from its own file (`mod
/// name;`, perhaps `pub`), if any.
pub fn module_declaration(src: &str, name: &str) -> Option<usize> {
    let code = code_of(src);
    let text = std::str::from_utf8(&code).ok()?;
    text.lines()
        .position(|l| {
            // `#[cfg(unix)] mod name;` on one line: after its attributes.
            let (_, l) = attributes(l);
            let decl = l.trim().strip_suffix(';').map(str::trim_end).unwrap_or("");
            let mut words = decl
                .split_whitespace()
                .filter(|w| *w != "pub" && !w.starts_with("pub("));
            (words.next(), words.next(), words.next()) == (Some("mod"), Some(name), None)
        })
        .map(|k| k + 1)
}

/// The line (1-based) of `src` whose `path` attribute names the file `file_name`
/// (`#[path = "imp_unix.rs"] mod imp;`), and whether that attribute is a `cfg_attr` whose
/// predicate is false on Windows (`#[cfg_attr(unix, path = "imp_unix.rs")]`: the module
/// is that file only off Windows).
pub fn path_declaration(src: &str, file_name: &str) -> Option<(usize, bool)> {
    let code = code_of(src);
    let text = std::str::from_utf8(&code).ok()?;
    // The attribute read from the source itself (its string's punctuation is blanked in
    // `code`), on lines whose code has it (not in a comment).
    text.lines().zip(src.lines()).enumerate().find_map(|(k, (c, l))| {
        if !c.contains("path") {
            return None;
        }
        let (attrs, _) = attributes(l);
        attrs.iter().find_map(|a| {
            let names_file = |p: &str| {
                p.trim()
                    .strip_prefix("path")
                    .and_then(|r| r.trim_start().strip_prefix('='))
                    .map(|v| v.trim().trim_matches('"'))
                    .is_some_and(|v| v == file_name || v.ends_with(&format!("/{file_name}")))
            };
            if names_file(a) {
                return Some((k + 1, false));
            }
            let inner = a.strip_prefix("cfg_attr(")?.strip_suffix(')')?;
            let parts = split_top(inner, b',');
            let (pred, rest) = parts.split_first()?;
            rest.iter()
                .any(|p| names_file(p))
                .then(|| (k + 1, predicate(pred) == Some(false)))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The line of `src` that holds `marker`.
    fn line_of(src: &str, marker: &str) -> usize {
        src.lines().position(|l| l.contains(marker)).expect(marker) + 1
    }

    fn posix_only(src: &str, marker: &str) -> bool {
        line_is_posix_only(src, line_of(src, marker))
    }

    #[test]
    fn predicates_for_windows() {
        assert_eq!(predicate("unix"), Some(false));
        assert_eq!(predicate("windows"), Some(true));
        assert_eq!(predicate("not(windows)"), Some(false));
        assert_eq!(predicate("target_os = \"linux\""), Some(false));
        assert_eq!(predicate("target_os=\"windows\""), Some(true));
        assert_eq!(
            predicate("any(target_os = \"linux\", target_os = \"macos\")"),
            Some(false)
        );
        assert_eq!(predicate("all(unix, feature = \"x\")"), Some(false));
        assert_eq!(predicate("any(unix, feature = \"x\")"), None);
        assert_eq!(predicate("feature = \"x\""), None);
        assert_eq!(predicate("target_env = \"musl\""), Some(false));
        assert_eq!(predicate("target_env = \"msvc\""), None);
        assert_eq!(predicate("any(unix, windows)"), Some(true));
        assert_eq!(predicate("test"), None);
        assert_eq!(condition("cfg!(unix)"), Some(false));
        assert_eq!(condition("!cfg!(windows)"), Some(false));
        assert_eq!(condition("cfg!(windows) || x"), Some(true));
        assert_eq!(condition("cfg!(unix) && x.exists()"), Some(false));
        assert_eq!(condition("(cfg!(unix))"), Some(false));
        assert_eq!(condition("x.is_file()"), None);
        assert_eq!(condition("#[cfg(unix)]"), Some(false));
        // Not ASCII: no slicing inside a character.
        assert_eq!(condition("name == \"é\" && cfg!(unix)"), Some(false));
        assert_eq!(condition("ü || cfg!(windows)"), Some(true));
    }

    #[test]
    fn cfg_attributes_on_items_blocks_and_statements() {
        let src = r##"
use std::fs;

#[cfg(unix)]
fn unix_only(p: &str) {
    fs::remove_file(p).unwrap(); // A
}

#[cfg(any(unix, windows))]
fn everywhere(p: &str) {
    fs::remove_file(p).unwrap(); // B
}

fn main() {
    #[cfg(not(windows))]
    {
        fs::remove_file("x").unwrap(); // C
    }
    #[cfg(target_os = "linux")]
    fs::remove_file("y") // D
        .unwrap(); // E
    fs::remove_file("z").unwrap(); // F
    let s = "#[cfg(unix)] {"; // G
    fs::remove_file(s).unwrap(); // H
}

#[cfg(all(test, unix))]
mod tests {
    #[test]
    fn t() {
        std::fs::remove_file("w").unwrap(); // I
    }
}
"##;
        assert!(posix_only(src, "// A"));
        assert!(!posix_only(src, "// B"));
        assert!(posix_only(src, "// C"));
        assert!(posix_only(src, "// D"));
        assert!(posix_only(src, "// E"));
        assert!(!posix_only(src, "// F"));
        assert!(!posix_only(src, "// H"));
        assert!(posix_only(src, "// I"));
    }

    #[test]
    fn cfg_macro_branches() {
        let src = r#"
fn f(p: &str) -> std::io::Result<()> {
    if cfg!(unix) {
        std::fs::remove_file(p)?; // A
    } else {
        std::fs::rename(p, "q")?; // B
    }
    if cfg!(windows) {
        std::fs::rename(p, "q")?; // C
    } else if p.is_empty() {
        std::fs::remove_file(p)?; // D
    } else {
        std::fs::remove_file(p)?; // E
    }
    if p.is_empty() {
        std::fs::remove_file(p)?; // F
    } else if !cfg!(windows) {
        std::fs::remove_file(p)?; // G
    } else {
        std::fs::remove_file(p)?; // H
    }
    let r = if cfg!(target_os = "linux") { std::fs::remove_file(p) } else { Ok(()) }; // I
    Ok(())
}
"#;
        assert!(posix_only(src, "// A"));
        assert!(!posix_only(src, "// B"));
        assert!(!posix_only(src, "// C"));
        assert!(posix_only(src, "// D"));
        assert!(posix_only(src, "// E"));
        assert!(!posix_only(src, "// F"));
        assert!(posix_only(src, "// G"));
        assert!(!posix_only(src, "// H"));
        // Both branches on one line: the line is not known to be either.
        assert!(!posix_only(src, "// I"));
    }

    #[test]
    fn tests_that_do_not_run_on_windows() {
        let src = r#"
#[test]
#[cfg_attr(windows, ignore = "no unlink of open files")]
fn ignored_there() {
    std::fs::remove_file("a").unwrap(); // A
}

#[test]
#[cfg_attr(target_os = "macos", ignore)]
fn runs_there() {
    std::fs::remove_file("b").unwrap(); // B
}

#[test]
fn returns_there() {
    std::fs::write("c", "").unwrap(); // C
    if cfg!(windows) {
        // Windows cannot delete an open file.
        return;
    }
    std::fs::remove_file("c").unwrap(); // D
}

#[test]
fn returns_one_way() {
    if cfg!(windows) {
        return;
    } else {
        println!("x");
    }
    std::fs::remove_file("e").unwrap(); // E
}

#[test]
fn returns_by_attribute() {
    #[cfg(windows)]
    return;
    std::fs::remove_file("f").unwrap(); // F
}
"#;
        assert!(posix_only(src, "// A"));
        assert!(!posix_only(src, "// B"));
        assert!(!posix_only(src, "// C"));
        assert!(posix_only(src, "// D"));
        assert!(!posix_only(src, "// E"));
        assert!(posix_only(src, "// F"));
    }

    #[test]
    fn whole_files_and_cfg_if() {
        let src = "//! Unix tests.\n#![cfg(unix)]\n\nfn f() {\n    std::fs::remove_file(\"a\").unwrap(); // A\n}\n";
        assert!(posix_only(src, "// A"));
        let src = r#"
cfg_if::cfg_if! {
    if #[cfg(windows)] {
        fn clean(p: &str) { let _ = p; } // A
    } else {
        fn clean(p: &str) { std::fs::remove_file(p).unwrap(); } // B
    }
}
cfg_if::cfg_if! {
    if #[cfg(unix)] {
        fn other(p: &str) { std::fs::remove_file(p).unwrap(); } // C
    }
}
"#;
        assert!(!posix_only(src, "// A"));
        assert!(posix_only(src, "// B"));
        assert!(posix_only(src, "// C"));
    }

    #[test]
    fn modules_declared_for_other_systems() {
        let dir = std::env::temp_dir().join(format!("winsan-rs-mods-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("src/imp/unix")).unwrap();
        let w = |p: &str, t: &str| std::fs::write(dir.join(p), t).unwrap();
        w(
            "src/lib.rs",
            "mod imp;\npub mod util;\n#[cfg_attr(unix, path = \"plat_unix.rs\")]\n#[cfg_attr(windows, path = \"plat_windows.rs\")]\nmod plat;\n",
        );
        w(
            "src/imp/mod.rs",
            "#[cfg(unix)]\nmod unix;\n#[cfg(windows)] mod windows;\nmod common;\n",
        );
        w("src/imp/unix/mod.rs", "mod fs;\n");
        let body = "pub fn f() {\n    std::fs::remove_file(\"a\").unwrap();\n}\n";
        w("src/imp/unix/fs.rs", body);
        w("src/imp/windows.rs", body);
        w("src/imp/common.rs", body);
        w("src/util.rs", body);
        w("src/plat_unix.rs", body);
        w("src/plat_windows.rs", body);
        let mut sources = crate::native::NativeSources::default();
        let mut at = |p: &str| sources.posix_only(dir.join(p).to_str().unwrap(), 2);
        assert!(at("src/imp/unix/fs.rs"));
        assert!(!at("src/imp/windows.rs"));
        assert!(!at("src/imp/common.rs"));
        assert!(!at("src/util.rs"));
        assert!(at("src/plat_unix.rs"));
        assert!(!at("src/plat_windows.rs"));
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(module_declaration("#[cfg(windows)] mod windows;\n", "windows"), Some(1));
        let decl = "#[cfg_attr(unix, path = \"plat_unix.rs\")]\n#[cfg_attr(windows, path = \"plat_windows.rs\")]\nmod plat;\n#[path = \"other.rs\"]\nmod o;\n";
        assert_eq!(path_declaration(decl, "plat_unix.rs"), Some((1, true)));
        assert_eq!(path_declaration(decl, "plat_windows.rs"), Some((2, false)));
        assert_eq!(path_declaration(decl, "other.rs"), Some((4, false)));
        assert_eq!(path_declaration(decl, "plat.rs"), None);
        assert_eq!(module_declaration("pub(crate) mod x;\n", "x"), Some(1));
        assert_eq!(module_declaration("// mod x;\nmod y;\n", "x"), None);
    }

    #[test]
    fn functions_built_only_off_windows_as_a_whole() {
        let src = r#"
#[cfg(unix)]
fn unix_fn(p: &str) {
    std::fs::remove_file(p).unwrap(); // A
}

#[cfg(not(windows))]
mod imp {
    pub fn f(p: &str) {
        let c = || std::fs::remove_file(p); // B
        c().unwrap();
    }
}

pub fn api(p: &str) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::fs::remove_file(p)?; // C
    }
    if cfg!(unix) {
        std::fs::remove_file(p)?; // D
    }
    if cfg!(windows) {
        return Ok(());
    }
    std::fs::remove_file(p) // E
}

cfg_if::cfg_if! {
    if #[cfg(unix)] {
        pub(crate) unsafe fn g<F>(f: fn(&str), p: &str) -> Result<(), ()> where F: Fn() {
            std::fs::remove_file(p).unwrap(); // F
            Ok(())
        }
    }
}

#[cfg(unix)]
impl Tidy {
    fn tidy(&self) { std::fs::remove_file("t").unwrap(); } // G
}

fn everywhere() {
    std::fs::remove_file("h").unwrap(); // H
}

static X: u8 = 0; // I
"#;
        let whole = |m: &str| function_is_posix_only(src, line_of(src, m));
        for (m, posix, function) in [
            ("// A", true, true),
            ("// B", true, true),
            ("// C", true, false),
            ("// D", true, false),
            ("// E", true, false),
            ("// F", true, true),
            ("// G", true, true),
            ("// H", false, false),
            ("// I", false, false),
        ] {
            assert_eq!(posix_only(src, m), posix, "{m}");
            assert_eq!(whole(m), function, "{m}");
        }
        let src = "#![cfg(unix)]\nfn f() {\n    std::fs::remove_file(\"a\").unwrap(); // A\n}\n";
        assert!(function_is_posix_only(src, line_of(src, "// A")));
        assert!(!function_is_posix_only(src, 0));
    }

    #[test]
    fn scopes_that_use_what_windows_lacks() {
        // file-rotate 0.7.6's `src/tests.rs`: a test module only Unix builds compile.
        let src = "use super::*;\nuse std::os::unix::fs::PermissionsExt;\n\n#[test]\nfn t() {\n    std::fs::remove_file(\"a\").unwrap(); // A\n}\n";
        assert!(posix_only(src, "// A"));
        assert!(function_is_posix_only(src, line_of(src, "// A")));
        let src = r#"
#[cfg(unix)]
use std::os::unix::fs::PermissionsExt;
#[cfg(any(unix, doc))]
pub use std::os::fd::AsRawFd;
use std::{fs, os::raw::c_int};
// use std::os::unix::fs::symlink;
const S: &str = "use std::os::unix::fs::symlink;";
macro_rules! m {
    () => {{
        use std::os::unix::fs::symlink;
    }};
}

fn everywhere() {
    fs::remove_file("a").unwrap(); // A
    {
        use std::os::unix::fs::symlink; // in an inner block: not read
    }
}

fn unix_only() {
    use std::{fs, os::unix::fs::MetadataExt};
    fs::remove_file("b").unwrap(); // B
}

fn fd_only() {
    use ::std::os::{fd::AsFd, raw};
    fs::remove_file("c").unwrap(); // C
}

pub(crate) mod imp {
    pub(crate) use std::os::linux::fs::MetadataExt;
    pub fn f() {
        std::fs::remove_file("d").unwrap(); // D
    }
}

mod other {
    use crate::os::unix::Thing;
    fn g() {
        std::fs::remove_file("e").unwrap(); // E
    }
}
"#;
        // Only a use straight in a function's or module's body (or the file's) counts: the
        // one in `everywhere`'s inner block is not read (nor those under `cfg`, in comments,
        // strings or macros).
        assert!(!posix_only(src, "// A"));
        assert!(posix_only(src, "// B"));
        assert!(function_is_posix_only(src, line_of(src, "// B")));
        assert!(posix_only(src, "// C"));
        assert!(posix_only(src, "// D"));
        assert!(function_is_posix_only(src, line_of(src, "// D")));
        assert!(!posix_only(src, "// E"));
        assert!(names_std_os_not_on_windows("os::unix::fs::PermissionsExt"));
        assert!(names_std_os_not_on_windows("{fs,os::{raw,fd::AsFd}}"));
        assert!(names_std_os_not_on_windows("os::unix"));
        assert!(!names_std_os_not_on_windows("os::raw::c_int"));
        assert!(!names_std_os_not_on_windows("{fs,io}"));
        assert!(!names_std_os_not_on_windows("os::windows::fs::MetadataExt"));
    }

    #[test]
    fn literals_and_comments_are_not_code() {
        let src = r##"
fn main() {
    let a = '{'; let b = "}"; let c = r#"} else {"#; // {
    /* } #[cfg(unix)] { */
    let d: &'static str = "x";
    std::fs::remove_file(d).unwrap(); // A
}
"##;
        assert!(!posix_only(src, "// A"));
        let src =
            "#[cfg(unix)]\nfn f<'a>(x: &'a str) {\n    let c = '\\'';\n    std::fs::remove_file(x).unwrap(); // A\n}\n";
        assert!(posix_only(src, "// A"));
    }
}
