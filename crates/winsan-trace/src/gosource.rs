//! Whether a Go call runs on Windows at all, read from the program's source.
//!
//! Go code that runs on both systems keeps its POSIX-only parts apart in two ways. Whole
//! files: a name ending in `_GOOS.go` or `_GOOS_GOARCH.go` (before `_test`) for a GOOS
//! other than windows, or a `//go:build` line that a Windows build does not satisfy
//! (`!windows`, `unix`, `linux || darwin`): the go command never compiles them for
//! Windows (`go/build`, `goodOSArchFile` and `shouldBuild`). And blocks: `if
//! runtime.GOOS != "windows" {`, the `else` of `if runtime.GOOS == "windows" {`, a `case`
//! of `switch runtime.GOOS` that does not name windows, and in a function a test that
//! skips itself on Windows (`if runtime.GOOS == "windows" { t.Skip(...) }`, or through
//! a helper of the package that does: `skipOnWindows(t)`) before the call. What such
//! code does on Linux never happens on Windows, so it is no finding.
//!
//! As for Python ([`crate::pysource`]), this reads text, not a parse tree: gofmt's
//! indentation by tabs gives the blocks, and only plain tests of `runtime.GOOS` against
//! string literals count. Anything else is taken to run on Windows, so that a finding is
//! never dropped on a guess.

/// Every GOOS `go/build` knows (`syslist.go`); `unix` is a build tag for the Unix ones.
const KNOWN_OS: &[&str] = &[
    "aix",
    "android",
    "darwin",
    "dragonfly",
    "freebsd",
    "hurd",
    "illumos",
    "ios",
    "js",
    "linux",
    "nacl",
    "netbsd",
    "openbsd",
    "plan9",
    "solaris",
    "wasip1",
    "windows",
    "zos",
];

const KNOWN_ARCH: &[&str] = &[
    "386",
    "amd64",
    "amd64p32",
    "arm",
    "armbe",
    "arm64",
    "arm64be",
    "loong64",
    "mips",
    "mipsle",
    "mips64",
    "mips64le",
    "mips64p32",
    "mips64p32le",
    "ppc",
    "ppc64",
    "ppc64le",
    "riscv",
    "riscv64",
    "s390",
    "s390x",
    "sparc",
    "sparc64",
    "wasm",
];

/// The Go source files read so far.
#[derive(Default)]
pub struct GoSources {
    files: crate::pysource::SourceFiles,
}

impl GoSources {
    /// Whether the function whose source file is `file` is compiled only for other
    /// systems than Windows, or the code at `line` of `file` (0: unknown) runs only there.
    pub fn posix_only(&mut self, file: &str, line: u32) -> bool {
        if !file.ends_with(".go") {
            return false;
        }
        if name_excludes_windows(file) {
            return true;
        }
        let Some(src) = self.files.get(file) else {
            return false;
        };
        if build_line_excludes_windows(&src) || (line > 0 && line_is_posix_only(&src, line as usize)) {
            return true;
        }
        // A helper called before the line that skips the test on Windows
        // (`skipOnWindows(t)`), defined in the package: this file or another in its
        // directory.
        let helpers = if line > 0 {
            helpers_called_before(&src, line as usize)
        } else {
            vec![]
        };
        if helpers.is_empty() {
            return false;
        }
        let dir = std::path::Path::new(file).parent().unwrap_or(std::path::Path::new("."));
        let mut files = vec![file.to_owned()];
        if let Ok(rd) = std::fs::read_dir(dir) {
            files.extend(
                rd.flatten()
                    .map(|e| e.path().to_string_lossy().into_owned())
                    .filter(|p| p.ends_with(".go") && p != file)
                    .take(256),
            );
        }
        // A helper that skips, or calls (as a statement of its own) one that does, two
        // levels down at most.
        let mut asked = helpers;
        for _ in 0..3 {
            let mut next = vec![];
            for name in &asked {
                for f in &files {
                    if name_excludes_windows(f) {
                        continue;
                    }
                    let Some(src) = self.files.get(f) else {
                        continue;
                    };
                    if build_line_excludes_windows(&src) {
                        continue;
                    }
                    if helper_skips_on_windows(&src, name) {
                        return true;
                    }
                    next.extend(helper_calls(&src, name));
                }
            }
            next.retain(|n| !asked.contains(n));
            if next.is_empty() {
                return false;
            }
            asked = next;
        }
        false
    }
}

/// A statement that calls a function with the testing handle alone or first
/// (`skipOnWindows(t)`, `requireSymlinks(t, dir)`): the function's name.
fn testing_helper_call(line: &str) -> Option<String> {
    let (name, args) = code_of(line).strip_suffix(')')?.split_once('(')?;
    let first = args.split(',').next()?.trim();
    let ident = |w: &str| !w.is_empty() && w.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_');
    (ident(name) && matches!(first, "t" | "b" | "tb" | "f")).then(|| name.to_owned())
}

/// The lines of the body of the top-level function `name` of `src` (between its header
/// and its closing brace).
fn function_body(lines: &[&str], name: &str) -> Option<(usize, usize)> {
    let header = format!("func {name}(");
    let i = lines
        .iter()
        .position(|l| indentation(l) == 0 && code_of(l).starts_with(&header))?;
    let end = lines[i + 1..]
        .iter()
        .position(|l| indentation(l) == 0 && code_of(l) == "}")
        .map_or(lines.len(), |e| i + 1 + e);
    Some((i + 1, end))
}

/// The helpers the function `name` of `src` calls as statements of its own.
fn helper_calls(src: &str, name: &str) -> Vec<String> {
    let lines: Vec<&str> = src.lines().collect();
    let Some((from, to)) = function_body(&lines, name) else {
        return vec![];
    };
    lines[from..to]
        .iter()
        .filter(|l| indentation(l) == 1)
        .filter_map(|l| testing_helper_call(l))
        .collect()
}

/// The functions the function around line `line` calls, as statements of its own before
/// the line, with its testing handle alone or first (`skipOnWindows(t)`,
/// `requireSymlinks(t, dir)`); for a closure (a subtest's `t.Run(..., func(t
/// *testing.T) {`), those of the functions around it too, before it.
pub fn helpers_called_before(src: &str, line: usize) -> Vec<String> {
    let lines: Vec<&str> = src.lines().collect();
    let Some(mut start) = line.checked_sub(1).filter(|&i| i < lines.len()) else {
        return vec![];
    };
    let mut out = vec![];
    for (i, k) in enclosing(&lines, start) {
        let text = code_of(lines[i]);
        let top = text.starts_with("func ");
        if top || (text.contains("func(") && text.ends_with('{')) {
            out.extend(
                lines[i + 1..start]
                    .iter()
                    .filter(|l| indentation(l) == k + 1)
                    .filter_map(|l| testing_helper_call(l)),
            );
            if top {
                break;
            }
            start = i;
        }
    }
    out
}

/// Whether the function `name` of the Go source `src` skips its test on Windows before
/// anything else can: among its own statements `if runtime.GOOS == "windows" {
/// t.Skip(...) }` (a `return` there returns from the helper only).
pub fn helper_skips_on_windows(src: &str, name: &str) -> bool {
    let lines: Vec<&str> = src.lines().collect();
    function_body(&lines, name).is_some_and(|(from, to)| skips_on_windows_by(&lines, from, to, 1, false))
}

/// Whether a file's name keeps it out of a Windows build: `x_linux.go`,
/// `x_darwin_arm64_test.go` (only what follows the first `_` counts: `linux.go` is no
/// constraint).
pub fn name_excludes_windows(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let Some(stem) = name.strip_suffix(".go") else {
        return false;
    };
    let Some((_, rest)) = stem.split_once('_') else {
        return false;
    };
    let mut parts: Vec<&str> = rest.split('_').collect();
    if parts.last() == Some(&"test") {
        parts.pop();
    }
    let os = match parts.as_slice() {
        [.., os, arch] if KNOWN_OS.contains(os) && KNOWN_ARCH.contains(arch) => *os,
        [.., os] if KNOWN_OS.contains(os) => *os,
        _ => return false,
    };
    os != "windows"
}

/// Whether the file's `//go:build` line (before its `package` clause) is false for every
/// Windows build: `windows` true, every other GOOS and `unix` false, any other tag (the
/// architecture, `cgo`, the program's own tags) either way.
pub fn build_line_excludes_windows(src: &str) -> bool {
    let mut in_comment = false;
    // Legacy `// +build` lines (honoured when there is no `//go:build`): a line is an OR
    // of space-separated terms, a term an AND of comma-separated tags; lines are ANDed.
    let mut plus_build: Vec<String> = vec![];
    for line in src.lines() {
        let t = line.trim();
        // A `//go:build` inside a block comment is no constraint (go vet: misplaced).
        if in_comment {
            in_comment = !t.contains("*/");
            continue;
        }
        if t.starts_with("/*") {
            in_comment = !t.contains("*/");
            continue;
        }
        if t.starts_with("package ") {
            break;
        }
        if let Some(expr) = t.strip_prefix("//go:build ") {
            return Expr::parse(expr).is_some_and(|e| !e.satisfiable_on_windows());
        }
        if let Some(terms) = t.strip_prefix("// +build ") {
            let or: Vec<String> = terms
                .split_whitespace()
                .map(|term| format!("({})", term.split(',').collect::<Vec<_>>().join(" && ")))
                .collect();
            plus_build.push(format!("({})", or.join(" || ")));
        }
    }
    plus_build_excludes_windows(&plus_build)
}

/// A build constraint expression (`go/build/constraint`): tags, `!`, `&&`, `||`, parens.
#[derive(Debug)]
enum Expr {
    Tag(String),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
}

impl Expr {
    fn parse(s: &str) -> Option<Expr> {
        let mut tokens = vec![];
        let mut chars = s.chars().peekable();
        while let Some(&c) = chars.peek() {
            match c {
                ' ' | '\t' => {
                    chars.next();
                }
                '(' | ')' | '!' => {
                    tokens.push(c.to_string());
                    chars.next();
                }
                '&' | '|' => {
                    chars.next();
                    (chars.next() == Some(c)).then_some(())?;
                    tokens.push(format!("{c}{c}"));
                }
                c if c.is_alphanumeric() || c == '_' || c == '.' => {
                    let mut tag = String::new();
                    while let Some(&c) = chars.peek().filter(|c| c.is_alphanumeric() || **c == '_' || **c == '.') {
                        tag.push(c);
                        chars.next();
                    }
                    tokens.push(tag);
                }
                _ => return None,
            }
        }
        let mut at = 0;
        let e = Self::or(&tokens, &mut at)?;
        (at == tokens.len()).then_some(e)
    }

    fn or(t: &[String], at: &mut usize) -> Option<Expr> {
        let mut e = Self::and(t, at)?;
        while t.get(*at).map(String::as_str) == Some("||") {
            *at += 1;
            e = Expr::Or(Box::new(e), Box::new(Self::and(t, at)?));
        }
        Some(e)
    }

    fn and(t: &[String], at: &mut usize) -> Option<Expr> {
        let mut e = Self::not(t, at)?;
        while t.get(*at).map(String::as_str) == Some("&&") {
            *at += 1;
            e = Expr::And(Box::new(e), Box::new(Self::not(t, at)?));
        }
        Some(e)
    }

    fn not(t: &[String], at: &mut usize) -> Option<Expr> {
        let tok = t.get(*at)?;
        *at += 1;
        match tok.as_str() {
            "!" => Some(Expr::Not(Box::new(Self::not(t, at)?))),
            "(" => {
                let e = Self::or(t, at)?;
                (t.get(*at).map(String::as_str) == Some(")")).then_some(())?;
                *at += 1;
                Some(e)
            }
            ")" | "&&" | "||" => None,
            tag => Some(Expr::Tag(tag.to_owned())),
        }
    }

    fn free_tags<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Expr::Tag(t) if t != "unix" && !KNOWN_OS.contains(&t.as_str()) => {
                if !out.contains(&t.as_str()) {
                    out.push(t);
                }
            }
            Expr::Tag(_) => {}
            Expr::Not(e) => e.free_tags(out),
            Expr::And(a, b) | Expr::Or(a, b) => {
                a.free_tags(out);
                b.free_tags(out);
            }
        }
    }

    fn eval(&self, free: &[&str], bits: u32) -> bool {
        match self {
            Expr::Tag(t) if t == "windows" => true,
            Expr::Tag(t) if t == "unix" || KNOWN_OS.contains(&t.as_str()) => false,
            Expr::Tag(t) => free.iter().position(|f| f == t).is_some_and(|i| bits & (1 << i) != 0),
            Expr::Not(e) => !e.eval(free, bits),
            Expr::And(a, b) => a.eval(free, bits) && b.eval(free, bits),
            Expr::Or(a, b) => a.eval(free, bits) || b.eval(free, bits),
        }
    }

    /// Whether some Windows build (any value of the tags that are not a GOOS) satisfies it.
    fn satisfiable_on_windows(&self) -> bool {
        let mut free = vec![];
        self.free_tags(&mut free);
        if free.len() > 10 {
            return true;
        }
        (0..1u32 << free.len()).any(|bits| self.eval(&free, bits))
    }
}

/// The `// +build` lines' expression, if any (see [`build_line_excludes_windows`]).
fn plus_build_excludes_windows(lines: &[String]) -> bool {
    !lines.is_empty() && Expr::parse(&lines.join(" && ")).is_some_and(|e| !e.satisfiable_on_windows())
}

/// The GOOS values a condition `runtime.GOOS == "x" || runtime.GOOS == "y"` selects; `None`
/// for anything else.
fn goos_equals(cond: &str) -> Option<Vec<&str>> {
    cond.split("||")
        .map(|part| {
            let lit = part.trim().strip_prefix("runtime.GOOS == ")?;
            lit.strip_prefix('"')?.strip_suffix('"')
        })
        .collect()
}

/// Whether an `if` condition holds only off Windows: `runtime.GOOS != "windows"`, a
/// `runtime.GOOS ==` test of other systems only, or one of those `&&` anything.
fn condition_excludes_windows(cond: &str) -> bool {
    let cond = cond.trim();
    if cond.contains("||") && cond.contains("&&") {
        return false;
    }
    if let Some(os) = goos_equals(cond) {
        return !os.contains(&"windows");
    }
    cond.split("&&").any(|part| {
        let p = part.trim();
        let negated_windows = p
            .strip_prefix("!(")
            .and_then(|p| p.strip_suffix(')'))
            .is_some_and(condition_is_windows);
        p == "runtime.GOOS != \"windows\""
            || negated_windows
            || goos_equals(p).is_some_and(|os| !os.contains(&"windows"))
    })
}

/// Whether an `if` condition is a plain Windows test (`runtime.GOOS == "windows"`, maybe
/// `|| runtime.GOOS == "plan9"`): its `else` runs only off Windows; a skip inside it
/// skips on Windows.
fn condition_is_windows(cond: &str) -> bool {
    goos_equals(cond.trim()).is_some_and(|os| os.contains(&"windows"))
        // `runtime.GOOS == "windows" || short`: true on Windows whatever the rest is
        // (`&&` binds tighter, so a disjunct of its own is that test alone).
        || top_level_disjuncts(cond).any(|part| part.trim() == "runtime.GOOS == \"windows\"")
}

/// `cond` split at its `||` outside parentheses and string literals.
fn top_level_disjuncts(cond: &str) -> impl Iterator<Item = &str> {
    let b = cond.as_bytes();
    let (mut depth, mut quoted, mut from, mut parts) = (0i32, false, 0, vec![]);
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => quoted = !quoted,
            b'\\' if quoted => i += 1,
            b'(' if !quoted => depth += 1,
            b')' if !quoted => depth -= 1,
            b'|' if !quoted && depth == 0 && b.get(i + 1) == Some(&b'|') => {
                parts.push(&cond[from..i]);
                i += 1;
                from = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    parts.push(&cond[from.min(cond.len())..]);
    parts.into_iter()
}

fn indentation(line: &str) -> usize {
    line.len() - line.trim_start_matches('\t').len()
}

/// The code of a line, without a trailing `//` comment (a `//` inside a string literal
/// makes the line look odd, which only makes a header not match).
fn code_of(line: &str) -> &str {
    match line.find("//") {
        Some(i) => line[..i].trim(),
        None => line.trim(),
    }
}

/// The case labels (`case "a", "b":` → a, b; `default:` → none) of a `case` line.
fn case_labels(text: &str) -> Option<Vec<&str>> {
    let list = text.strip_prefix("case ")?.strip_suffix(':')?;
    list.split(',')
        .map(|l| l.trim().strip_prefix('"')?.strip_suffix('"'))
        .collect()
}

/// The lines that open the blocks around line index `start` (gofmt's indentation tells
/// them), innermost first: `(index, indentation)` each.
fn enclosing(lines: &[&str], start: usize) -> Vec<(usize, usize)> {
    let mut out = vec![];
    let mut indent = indentation(lines[start]);
    let mut i = start;
    while i > 0 && indent > 0 {
        i -= 1;
        let k = indentation(lines[i]);
        if code_of(lines[i]).is_empty() || k >= indent {
            continue;
        }
        indent = k;
        out.push((i, k));
    }
    out
}

/// Whether line `line` (1-based) of the Go source `src` runs only where GOOS is not
/// windows (see the module documentation).
pub fn line_is_posix_only(src: &str, line: usize) -> bool {
    let lines: Vec<&str> = src.lines().collect();
    let Some(start) = line.checked_sub(1).filter(|&i| i < lines.len()) else {
        return false;
    };
    // A one-line `if runtime.GOOS != "windows" { call() }`.
    if let Some((cond, _)) = code_of(lines[start])
        .strip_prefix("if ")
        .and_then(|t| t.split_once(" {"))
        .filter(|_| code_of(lines[start]).ends_with('}'))
    {
        if condition_excludes_windows(cond) {
            return true;
        }
    }
    for (i, k) in enclosing(&lines, start) {
        let text = code_of(lines[i]);
        if text.starts_with("func ") {
            // The function's own statements before the call's: a skip on Windows.
            return skips_on_windows(&lines, i + 1, start, k + 1);
        }
        if text.contains("func(") && text.ends_with('{') && skips_on_windows(&lines, i + 1, start, k + 1) {
            return true; // a closure (`t.Run(..., func(t *testing.T) {`) that skips first
        }
        if let Some(cond) = text.strip_prefix("if ").and_then(|t| t.strip_suffix('{')) {
            if condition_excludes_windows(cond) {
                return true;
            }
        } else if text == "} else {" || text.starts_with("} else if ") {
            // Runs only when every earlier condition of the chain is false: off Windows if
            // one of them is a Windows test.
            let own = text.strip_prefix("} else if ").and_then(|t| t.strip_suffix('{'));
            if own.is_some_and(condition_excludes_windows)
                || earlier_conditions(&lines, i, k).iter().any(|c| condition_is_windows(c))
            {
                return true;
            }
        } else if text.starts_with("case ") || text == "default:" {
            if let Some(excludes) = switch_case_excludes_windows(&lines, i, k) {
                if excludes {
                    return true;
                }
            }
        }
    }
    false
}

/// The conditions of the `if` and `else if` branches before the `} else` at line `i`,
/// indentation `k`, nearest first (empty when the chain is not plain).
fn earlier_conditions<'a>(lines: &[&'a str], i: usize, k: usize) -> Vec<&'a str> {
    let mut out = vec![];
    for j in (0..i).rev() {
        let text = code_of(lines[j]);
        if indentation(lines[j]) != k || text.is_empty() {
            continue;
        }
        if let Some(cond) = text.strip_prefix("} else if ").and_then(|t| t.strip_suffix('{')) {
            out.push(cond);
        } else if let Some(cond) = text.strip_prefix("if ").and_then(|t| t.strip_suffix('{')) {
            out.push(cond);
            return out;
        } else if !text.starts_with('}') {
            return vec![];
        }
    }
    vec![]
}

/// For a `case` or `default:` line at `i` (indentation `k`) of `switch runtime.GOOS {`:
/// whether its body runs only off Windows. `None` when the switch is not on GOOS.
fn switch_case_excludes_windows(lines: &[&str], i: usize, k: usize) -> Option<bool> {
    let header = (0..i).rev().find(|&j| {
        let t = code_of(lines[j]);
        indentation(lines[j]) == k && !t.is_empty() && !t.starts_with("case ") && t != "default:"
    })?;
    let text = code_of(lines[i]);
    if code_of(lines[header]) == "switch {" {
        // Cases are conditions, the first true one runs: a case after one that tests for
        // Windows (and not fallen into) runs only off Windows, as does its own
        // non-Windows test.
        let cond = |t: &'_ str| {
            t.strip_prefix("case ")
                .and_then(|t| t.strip_suffix(':'))
                .map(str::to_owned)
        };
        let earlier: Vec<String> = lines[header + 1..i]
            .iter()
            .filter(|l| indentation(l) == k)
            .filter_map(|l| cond(code_of(l)))
            .collect();
        let falls_into = lines[header + 1..i]
            .iter()
            .rev()
            .find(|l| !code_of(l).is_empty())
            .is_some_and(|l| code_of(l) == "fallthrough");
        let own = cond(text).is_some_and(|c| condition_excludes_windows(&c));
        return Some(!falls_into && (own || earlier.iter().any(|c| condition_is_windows(c))));
    }
    if code_of(lines[header]) != "switch runtime.GOOS {" {
        return None;
    }
    if text == "default:" {
        // Every case of the switch: default runs off Windows if one names windows.
        let names_windows = lines[header + 1..]
            .iter()
            .take_while(|l| !(indentation(l) == k && code_of(l) == "}"))
            .filter(|l| indentation(l) == k)
            .filter_map(|l| case_labels(code_of(l)))
            .any(|labels| labels.contains(&"windows"));
        return Some(names_windows);
    }
    // A case that the one before falls through into runs for that one's labels too.
    let falls_into = lines[header + 1..i]
        .iter()
        .rev()
        .find(|l| !code_of(l).is_empty())
        .is_some_and(|l| code_of(l) == "fallthrough");
    Some(!falls_into && case_labels(text).is_some_and(|labels| !labels.contains(&"windows")))
}

/// Whether a statement among lines `from..to` at indentation `k` (a function body's)
/// leaves the function on Windows: `if runtime.GOOS == "windows" {` or a `case` naming
/// windows of `switch runtime.GOOS {`, whose body calls `Skip`, `Skipf` or `SkipNow` or
/// returns.
fn skips_on_windows(lines: &[&str], from: usize, to: usize, k: usize) -> bool {
    skips_on_windows_by(lines, from, to, k, true)
}

/// [`skips_on_windows`], with a `return` counting or not (in a helper it does not).
fn skips_on_windows_by(lines: &[&str], from: usize, to: usize, k: usize, returns: bool) -> bool {
    let is_skip = |l: &&str| {
        let t = code_of(l);
        [".Skip(", ".Skipf(", ".SkipNow("].iter().any(|s| t.contains(s))
            || (returns && (t == "return" || t.starts_with("return ")))
    };
    let mut j = from;
    while j < to {
        let text = code_of(lines[j]);
        if indentation(lines[j]) != k {
            j += 1;
            continue;
        }
        if let Some(cond) = text.strip_prefix("if ").and_then(|t| t.strip_suffix('{')) {
            if condition_is_windows(cond) {
                // Its own statements (not a nested, conditional one).
                let body = lines[j + 1..to].iter().take_while(|l| indentation(l) > k);
                if body.clone().filter(|l| indentation(l) == k + 1).any(is_skip) {
                    return true;
                }
            }
        } else if text == "switch runtime.GOOS {" {
            let mut windows_case = false;
            for l in lines[j + 1..to]
                .iter()
                .take_while(|l| !(indentation(l) == k && code_of(l) == "}"))
            {
                if indentation(l) == k {
                    windows_case = case_labels(code_of(l)).is_some_and(|c| c.contains(&"windows"));
                } else if windows_case && indentation(l) == k + 1 && is_skip(l) {
                    return true;
                }
            }
        }
        j += 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skip_helpers() {
        let src = "package p\n\nfunc skipOnWindows(t *testing.T) {\n\tt.Helper()\n\tif runtime.GOOS == \"windows\" {\n\t\tt.Skip(\"no unlink of open files\")\n\t}\n}\n\nfunc notOnWindows(t *testing.T) {\n\tif runtime.GOOS == \"windows\" {\n\t\treturn\n\t}\n}\n\nfunc TestA(t *testing.T) {\n\tskipOnWindows(t)\n\tos.Remove(\"a\") // A\n}\n\nfunc TestB(t *testing.T) {\n\tnotOnWindows(t)\n\tos.Remove(\"b\") // B\n}\n\nfunc TestC(t *testing.T) {\n\tos.Remove(\"c\") // C\n\tskipOnWindows(t)\n}\n";
        let line = |m: &str| src.lines().position(|l| l.contains(m)).unwrap() + 1;
        assert_eq!(helpers_called_before(src, line("// A")), ["skipOnWindows"]);
        assert!(helper_skips_on_windows(src, "skipOnWindows"));
        assert!(!helper_skips_on_windows(src, "notOnWindows"));
        assert!(helpers_called_before(src, line("// C")).is_empty());
        let sub = "func TestD(t *testing.T) {\n\tskipOnWindows(t)\n\tt.Run(\"s\", func(t *testing.T) {\n\t\tos.Remove(\"d\") // D\n\t})\n}\n";
        assert_eq!(helpers_called_before(sub, 4), ["skipOnWindows"]);
        assert!(condition_is_windows(
            "runtime.GOOS == \"windows\" || os.Getenv(\"CI\") != \"\""
        ));
        assert!(condition_is_windows("testing.Short() || runtime.GOOS == \"windows\""));
        assert!(!condition_is_windows("runtime.GOOS == \"windows\" && testing.Short()"));
        assert!(!condition_is_windows("x && y || z"));
        let dir = std::env::temp_dir().join(format!("winsan-go-helpers-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (a, b) = (dir.join("a_test.go"), dir.join("helpers_test.go"));
        let tests = src
            .split("func TestA")
            .nth(1)
            .map(|t| format!("package p\n\nfunc TestA{t}"))
            .unwrap();
        std::fs::write(&a, &tests).unwrap();
        std::fs::write(&b, src.split("func TestA").next().unwrap()).unwrap();
        let line = |m: &str| tests.lines().position(|l| l.contains(m)).unwrap() as u32 + 1;
        let mut sources = GoSources::default();
        let a = a.to_str().unwrap();
        assert!(sources.posix_only(a, line("// A")));
        assert!(!sources.posix_only(a, line("// B")));
        assert!(!sources.posix_only(a, line("// C")));
        // A helper that calls one that skips.
        let two = "package p\n\nfunc requirePosix(t *testing.T) {\n\tt.Helper()\n\tskipOnWindows(t)\n}\n\nfunc TestE(t *testing.T) {\n\trequirePosix(t)\n\tos.Remove(\"e\") // E\n}\n";
        let e = dir.join("e_test.go");
        std::fs::write(&e, two).unwrap();
        assert!(sources.posix_only(e.to_str().unwrap(), 10));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn file_names() {
        for n in [
            "a/x_linux.go",
            "x_unix_darwin.go",
            "x_linux_amd64_test.go",
            "y_freebsd_test.go",
        ] {
            assert!(name_excludes_windows(n), "{n}");
        }
        for n in [
            "linux.go",
            "x_windows.go",
            "x_unix.go",
            "x_amd64.go",
            "x_test.go",
            "x_windows_test.go",
            "x.c",
        ] {
            assert!(!name_excludes_windows(n), "{n}");
        }
    }

    #[test]
    fn build_lines() {
        let with = |c: &str| format!("// Copyright\n\n//go:build {c}\n\npackage p\n");
        for c in [
            "!windows",
            "unix",
            "linux || darwin",
            "!windows && !plan9",
            "(linux && cgo) || darwin",
        ] {
            assert!(build_line_excludes_windows(&with(c)), "{c}");
        }
        for c in [
            "windows",
            "amd64",
            "!plan9",
            "cgo",
            "!linux",
            "windows || linux",
            "integration",
            "go1.18",
        ] {
            assert!(!build_line_excludes_windows(&with(c)), "{c}");
        }
        assert!(
            !build_line_excludes_windows("package p\n//go:build !windows\n"),
            "after package"
        );
        assert!(!build_line_excludes_windows(&with("linux &&")), "malformed: no guess");
        assert!(
            !build_line_excludes_windows("/*\n//go:build !windows\n*/\npackage p\n"),
            "inside a block comment"
        );
        assert!(build_line_excludes_windows("// +build !windows\n\npackage p\n"));
        assert!(build_line_excludes_windows(
            "// +build linux darwin\n// +build amd64\n\npackage p\n"
        ));
        assert!(!build_line_excludes_windows("// +build linux windows\n\npackage p\n"));
        assert!(!build_line_excludes_windows(
            "// +build linux,cgo windows\n\npackage p\n"
        ));
    }

    #[test]
    fn blocks() {
        let src = "package p

func f(t *testing.T) {
\tif runtime.GOOS != \"windows\" {
\t\tos.Remove(a)
\t}
\tos.Remove(b)
\tif runtime.GOOS == \"windows\" {
\t\tx()
\t} else {
\t\tos.Remove(c)
\t}
\tswitch runtime.GOOS {
\tcase \"linux\", \"darwin\":
\t\tos.Remove(d)
\tcase \"windows\":
\t\tos.Remove(e)
\tdefault:
\t\tos.Remove(f)
\t}
\tif runtime.GOOS == \"linux\" && ok {
\t\tos.Remove(g)
\t}
\tif ok || runtime.GOOS != \"windows\" {
\t\tos.Remove(h)
\t}
\tswitch runtime.GOOS {
\tcase \"windows\":
\t\tfallthrough
\tcase \"linux\":
\t\tos.Remove(i)
\t}
\tif runtime.GOOS != \"windows\" { os.Remove(j) }
\tif !(runtime.GOOS == \"windows\") {
\t\tos.Remove(k)
\t}
\tif runtime.GOOS == \"windows\" {
\t\tx()
\t} else if ok {
\t\tos.Remove(l)
\t} else {
\t\tos.Remove(m)
\t}
\tswitch {
\tcase ok:
\t\tos.Remove(n)
\tcase runtime.GOOS == \"windows\":
\t\tx()
\tcase other:
\t\tos.Remove(o)
\t}
}
";
        let at = |needle: &str| src.lines().position(|l| l.contains(needle)).unwrap() + 1;
        for (call, posix) in [
            ("Remove(a)", true),
            ("Remove(b)", false),
            ("x()", false),
            ("Remove(c)", true),
            ("Remove(d)", true),
            ("Remove(e)", false),
            ("Remove(f)", true),
            ("Remove(g)", true),
            ("Remove(h)", false),
            ("Remove(i)", false),
            ("Remove(j)", true),
            ("Remove(k)", true),
            ("Remove(l)", true),
            ("Remove(m)", true),
            ("Remove(n)", false),
            ("Remove(o)", true),
        ] {
            assert_eq!(line_is_posix_only(src, at(call)), posix, "{call}");
        }
    }

    #[test]
    fn tests_skipped_on_windows() {
        let src = "package p

func TestA(t *testing.T) {
\ttestenv.MustHaveExec(t)
\tswitch runtime.GOOS {
\tcase \"windows\", \"plan9\":
\t\tt.Skipf(\"%v does not support it\", runtime.GOOS)
\t}
\tos.Remove(a)
}

func TestB(t *testing.T) {
\tif runtime.GOOS == \"windows\" {
\t\tt.Skip(\"no\")
\t}
\tos.Remove(b)
}

func TestC(t *testing.T) {
\tif runtime.GOOS == \"linux\" {
\t\tt.Skip(\"no\")
\t}
\tos.Remove(c)
}
";
        let at = |needle: &str| src.lines().position(|l| l.contains(needle)).unwrap() + 1;
        assert!(line_is_posix_only(src, at("Remove(a)")));
        assert!(line_is_posix_only(src, at("Remove(b)")));
        assert!(!line_is_posix_only(src, at("Remove(c)")));
        let sub = "package p

func TestD(t *testing.T) {
\tt.Run(\"sub\", func(t *testing.T) {
\t\tif runtime.GOOS == \"windows\" {
\t\t\treturn
\t\t}
\t\tos.Remove(d)
\t})
\tos.Remove(e)
}
";
        let at = |needle: &str| sub.lines().position(|l| l.contains(needle)).unwrap() + 1;
        assert!(
            line_is_posix_only(sub, at("Remove(d)")),
            "a closure that returns on Windows first"
        );
        assert!(!line_is_posix_only(sub, at("Remove(e)")), "after the closure");
    }
}
