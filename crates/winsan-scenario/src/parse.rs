//! The scenario parser: text in, a checked [`Scenario`] or the first [`ParseError`] out.
//!
//! The whole file is parsed and checked before anything runs: syntax, call names, argument
//! counts and kinds, constants, result names, and that every name a step uses is bound by
//! an earlier step that is expected to succeed. Errors carry the 1-based line and column of
//! the offending token (columns count characters, a tab is one). The parser never panics,
//! whatever the input (it is fuzzed: `fuzz/fuzz_targets/parse.rs`).

use crate::ast::*;
use crate::calls::{info_params, nt_class_name, win32_class_name, CallKind, Param, Slot};
use std::cell::Cell;
use std::collections::HashMap;
use std::fmt;
use winsan_model::consts::{self, Info, InfoClass};
use winsan_model::{DeleteSemantics, FileSystem, NtStatus, Win32Error, WindowsVersion};

/// Why a scenario could not be parsed: where, and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters) of the offending token.
    pub col: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.col, self.message)
    }
}

impl std::error::Error for ParseError {}

/// Parse a scenario file's text.
///
/// ```
/// let s = winsan_scenario::parse(r#"
/// CreateDirectory("C:\t") -> OK
/// h = CreateFile("C:\t\a.txt", GENERIC_READ, 0, CREATE_NEW, 0) -> OK
/// "#).unwrap();
/// assert_eq!(s.steps.len(), 2);
///
/// let e = winsan_scenario::parse(r#"MoveFileEx("C:\a", "C:\b", MOVEFILE_REPLCE_EXISTING)"#).unwrap_err();
/// assert_eq!((e.line, e.col), (1, 28));
/// assert_eq!(
///     e.message,
///     "unknown constant MOVEFILE_REPLCE_EXISTING (did you mean MOVEFILE_REPLACE_EXISTING?)"
/// );
/// ```
pub fn parse(text: &str) -> Result<Scenario, ParseError> {
    let mut p = FileParser::default();
    for (i, raw) in text.split('\n').enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        p.line(i + 1, raw)?;
    }
    if p.scenario.steps.is_empty() {
        return Err(ParseError {
            line: 1,
            col: 1,
            message: "no steps: the file has no calls or expectations".into(),
        });
    }
    Ok(p.scenario)
}

/// How a name stands at some point of the file.
#[derive(Clone, Copy)]
enum NameState {
    /// Bound by the step on this line, which is expected to succeed.
    Bound,
    /// Last bound by the step on this line, which is expected to fail.
    Failing(usize),
}

#[derive(Default)]
struct FileParser {
    scenario: Scenario,
    names: HashMap<String, NameState>,
    windows_line: Option<usize>,
    delete_line: Option<usize>,
}

/// Result of the lexer for one argument, before it is checked against its slot.
enum Raw {
    Str(String),
    Expr(Vec<Atom>),
}

struct Atom {
    pos: usize,
    kind: AtomKind,
}

enum AtomKind {
    Int(u64),
    Ident(String),
}

struct RawArg {
    pos: usize,
    text: String,
    raw: Raw,
}

/// A cursor over one line, with the line number for errors.
struct Cursor<'a> {
    line_no: usize,
    s: &'a str,
    pos: usize,
    /// (byte position, column) of the last column computed: columns are found by counting
    /// characters forward from there, so a long line costs linear time, not quadratic.
    col_cache: Cell<(usize, usize)>,
}

type PResult<T> = Result<T, ParseError>;

impl<'a> Cursor<'a> {
    fn new(line_no: usize, s: &'a str) -> Self {
        Cursor {
            line_no,
            s,
            pos: 0,
            col_cache: Cell::new((0, 1)),
        }
    }

    /// 1-based character column of a byte position.
    fn col(&self, pos: usize) -> usize {
        let mut pos = pos.min(self.s.len());
        while !self.s.is_char_boundary(pos) {
            pos -= 1;
        }
        let (mut from, mut col) = self.col_cache.get();
        if from > pos {
            from = 0;
            col = 1;
        }
        col += self.s[from..pos].chars().count();
        self.col_cache.set((pos, col));
        col
    }

    fn err<T>(&self, pos: usize, message: impl Into<String>) -> PResult<T> {
        Err(ParseError {
            line: self.line_no,
            col: self.col(pos),
            message: message.into(),
        })
    }

    fn peek(&self) -> Option<u8> {
        self.s.as_bytes().get(self.pos).copied()
    }

    fn at_end(&self) -> bool {
        self.pos >= self.s.len()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    fn starts_with(&self, lit: &str) -> bool {
        self.s.as_bytes()[self.pos.min(self.s.len())..].starts_with(lit.as_bytes())
    }

    /// An identifier `[A-Za-z_][A-Za-z0-9_]*` at the cursor (empty if none), consumed.
    fn ident(&mut self) -> &'a str {
        let start = self.pos;
        let b = self.s.as_bytes();
        if matches!(b.get(start), Some(c) if c.is_ascii_alphabetic() || *c == b'_') {
            let mut end = start + 1;
            while matches!(b.get(end), Some(c) if c.is_ascii_alphanumeric() || *c == b'_') {
                end += 1;
            }
            self.pos = end;
        }
        &self.s[start..self.pos]
    }

    /// A description of what is at `pos`, for "expected X, found Y" messages.
    fn found(&self, pos: usize) -> String {
        match self.s.get(pos..).and_then(|r| r.chars().next()) {
            None => "end of line".into(),
            Some(c) => format!("`{c}`"),
        }
    }

    /// A `"string"` at the cursor (which is on the opening quote): no escapes.
    fn string(&mut self) -> PResult<String> {
        let start = self.pos;
        match self.s[start + 1..].find('"') {
            Some(len) => {
                self.pos = start + 1 + len + 1;
                Ok(self.s[start + 1..start + 1 + len].to_string())
            }
            None => self.err(start, "unterminated string (a `\"` is missing)"),
        }
    }

    /// A number: decimal, or hex with `0x`.
    fn number(&mut self) -> PResult<u64> {
        let start = self.pos;
        let b = self.s.as_bytes();
        let (digits_from, radix) = if b.get(start) == Some(&b'0') && matches!(b.get(start + 1), Some(b'x' | b'X')) {
            (start + 2, 16)
        } else {
            (start, 10)
        };
        let mut end = digits_from;
        while matches!(b.get(end), Some(c) if c.is_ascii_alphanumeric() || *c == b'_') {
            end += 1;
        }
        self.pos = end;
        let digits = &self.s[digits_from..end];
        if digits.is_empty() || !digits.bytes().all(|c| (c as char).is_digit(radix)) {
            return self.err(start, format!("bad number `{}`", &self.s[start..end]));
        }
        match u64::from_str_radix(digits, radix) {
            Ok(v) => Ok(v),
            Err(_) => self.err(start, format!("number `{}` is too large", &self.s[start..end])),
        }
    }

    /// One argument: a string, or an expression `ATOM|ATOM|...` of numbers and identifiers.
    fn arg(&mut self) -> PResult<RawArg> {
        self.skip_ws();
        let start = self.pos;
        if self.peek() == Some(b'"') {
            let s = self.string()?;
            return Ok(RawArg {
                pos: start,
                text: self.s[start..self.pos].to_string(),
                raw: Raw::Str(s),
            });
        }
        let mut atoms = Vec::new();
        loop {
            self.skip_ws();
            let pos = self.pos;
            let kind = match self.peek() {
                Some(c) if c.is_ascii_digit() => AtomKind::Int(self.number()?),
                Some(c) if c.is_ascii_alphabetic() || c == b'_' => AtomKind::Ident(self.ident().to_string()),
                _ => {
                    return self.err(
                        pos,
                        format!(
                            "expected an argument (a \"string\", a number, a constant or a name), found {}",
                            self.found(pos)
                        ),
                    )
                }
            };
            atoms.push(Atom { pos, kind });
            let end = self.pos;
            self.skip_ws();
            if self.peek() == Some(b'|') {
                self.pos += 1;
            } else {
                self.pos = end;
                break;
            }
        }
        Ok(RawArg {
            pos: start,
            text: self.s[start..self.pos].to_string(),
            raw: Raw::Expr(atoms),
        })
    }

    /// What is left on the line must be blanks.
    fn expect_end(&mut self, what: &str) -> PResult<()> {
        self.skip_ws();
        if self.at_end() {
            Ok(())
        } else {
            self.err(self.pos, format!("unexpected text after {what}"))
        }
    }
}

/// The line without its comment (a `#` outside a string) and trailing blanks.
fn strip_comment(line: &str) -> &str {
    let mut in_str = false;
    let mut end = line.len();
    for (i, c) in line.bytes().enumerate() {
        match c {
            b'"' => in_str = !in_str,
            b'#' if !in_str => {
                end = i;
                break;
            }
            _ => {}
        }
    }
    line[..end].trim_end_matches([' ', '\t'])
}

fn is_drive_rooted(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'\\'
}

/// An SDK-style constant name: upper case, digits and underscores, with an underscore.
fn looks_constant(s: &str) -> bool {
    s.contains('_')
        && s.bytes()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'_')
}

impl FileParser {
    fn line(&mut self, line_no: usize, raw: &str) -> PResult<()> {
        let text = strip_comment(raw);
        let mut c = Cursor::new(line_no, text);
        c.skip_ws();
        if c.at_end() {
            let started = !self.scenario.steps.is_empty()
                || self.windows_line.is_some()
                || self.delete_line.is_some()
                || !self.scenario.volumes.is_empty();
            if !started {
                if let Some(comment) = raw.trim_start().strip_prefix('#') {
                    self.scenario.header.push(comment.trim().to_string());
                }
            }
            return Ok(());
        }
        if c.peek() == Some(b'@') {
            return self.directive(&mut c);
        }
        let start = c.pos;
        let word = c.ident();
        if word == "expect" {
            let after = c.pos;
            c.skip_ws();
            if c.peek() != Some(b'=') && (c.pos > after || c.at_end()) {
                let step_text = text[start..].to_string();
                let e = self.expectation(&mut c)?;
                self.scenario.steps.push(Step {
                    line: line_no,
                    col: c.col(start),
                    text: step_text,
                    kind: StepKind::Expect(e),
                });
                return Ok(());
            }
            c.pos = after;
        }
        c.pos = start;
        self.call_step(&mut c)
    }

    fn directive(&mut self, c: &mut Cursor) -> PResult<()> {
        let at = c.pos;
        c.pos += 1;
        let name = c.ident();
        let line = c.s;
        // The values: blank-separated words.
        let mut values: Vec<(usize, &str)> = Vec::new();
        loop {
            c.skip_ws();
            if c.at_end() {
                break;
            }
            let start = c.pos;
            let rest = &line[start..];
            let len = rest.find([' ', '\t']).unwrap_or(rest.len());
            c.pos = start + len;
            values.push((start, &rest[..len]));
        }
        let end = c.s.len();
        let want = |n: usize, usage: &str| -> PResult<()> {
            if values.len() < n {
                c.err(end, format!("@{name} needs {usage}"))
            } else if values.len() > n {
                c.err(values[n].0, "unexpected text after the directive")
            } else {
                Ok(())
            }
        };
        match name {
            "windows" => {
                want(1, "a version: 7, 10-1809, 10-1903 or 11")?;
                if let Some(first) = self.windows_line {
                    return c.err(at, format!("@windows given twice (first on line {first})"));
                }
                let (pos, v) = values[0];
                match v.parse::<WindowsVersion>() {
                    Ok(w) => self.scenario.windows = Some(w),
                    Err(e) => return c.err(pos, e),
                }
                self.windows_line = Some(c.line_no);
            }
            "delete" => {
                want(1, "legacy or posix")?;
                if let Some(first) = self.delete_line {
                    return c.err(at, format!("@delete given twice (first on line {first})"));
                }
                let (pos, v) = values[0];
                match v.parse::<DeleteSemantics>() {
                    Ok(d) => self.scenario.delete = Some(d),
                    Err(e) => return c.err(pos, e),
                }
                self.delete_line = Some(c.line_no);
            }
            "volume" => {
                want(2, "a drive and a file system, e.g. `@volume D: fat`")?;
                let (lpos, l) = values[0];
                let lb = l.as_bytes();
                if lb.len() != 2 || !lb[0].is_ascii_alphabetic() || lb[1] != b':' {
                    return c.err(
                        lpos,
                        format!("bad drive `{l}` (expected a letter and a colon, e.g. D:)"),
                    );
                }
                let letter = (lb[0] as char).to_ascii_uppercase();
                if letter == 'C' {
                    return c.err(lpos, "C: is always there (an empty NTFS volume)");
                }
                if let Some(v) = self.scenario.volumes.iter().find(|v| v.letter == letter) {
                    return c.err(lpos, format!("{letter}: is already added on line {}", v.line));
                }
                let (fpos, f) = values[1];
                let fs = match f.parse::<FileSystem>() {
                    Ok(fs) => fs,
                    Err(e) => return c.err(fpos, e),
                };
                self.scenario.volumes.push(Volume {
                    line: c.line_no,
                    col: c.col(at),
                    letter,
                    fs,
                });
            }
            _ => {
                return c.err(
                    at,
                    format!("unknown directive @{name} (expected @windows, @delete or @volume)"),
                )
            }
        }
        Ok(())
    }

    fn call_step(&mut self, c: &mut Cursor) -> PResult<()> {
        let line_no = c.line_no;
        let first_pos = c.pos;
        let mut name_pos = c.pos;
        let mut name = c.ident();
        let mut bind: Option<(usize, String)> = None;
        c.skip_ws();
        if !name.is_empty() && c.peek() == Some(b'=') {
            bind = Some((name_pos, name.to_string()));
            c.pos += 1;
            c.skip_ws();
            name_pos = c.pos;
            name = c.ident();
        }
        if name.is_empty() {
            return c.err(
                name_pos,
                format!("expected a call, `expect` or a directive, found {}", c.found(name_pos)),
            );
        }
        let Some(call) = CallKind::from_name(name) else {
            return c.err(name_pos, unknown_call_message(name));
        };
        if let Some((pos, b)) = &bind {
            if !call.binds() {
                return c.err(*pos, format!("{} returns nothing to bind to `{b}`", call.name()));
            }
            if consts::lookup(b).is_some() {
                return c.err(*pos, format!("`{b}` is a constant; choose another name to bind"));
            }
        }
        c.skip_ws();
        if c.peek() != Some(b'(') {
            return c.err(c.pos, format!("expected `(` after {name}, found {}", c.found(c.pos)));
        }
        c.pos += 1;
        let mut raw_args = Vec::new();
        c.skip_ws();
        if c.peek() == Some(b')') {
            c.pos += 1;
        } else {
            loop {
                raw_args.push(c.arg()?);
                c.skip_ws();
                match c.peek() {
                    Some(b')') => {
                        c.pos += 1;
                        break;
                    }
                    Some(b',') => c.pos += 1,
                    _ => return c.err(c.pos, format!("expected `,` or `)`, found {}", c.found(c.pos))),
                }
            }
        }
        let close_pos = c.pos - 1;
        let text = c.s[name_pos..c.pos].to_string();
        let (info, args) = self.check_args(c, call, raw_args, close_pos)?;
        let (expected, expected_text) = parse_result(c, call)?;
        let step = CallStep {
            bind: bind.map(|(_, b)| b),
            call,
            info,
            args,
            expected,
            expected_text,
        };
        if let Some(b) = &step.bind {
            let state = if step.expects_success() {
                NameState::Bound
            } else {
                NameState::Failing(line_no)
            };
            self.names.insert(b.clone(), state);
        }
        self.scenario.steps.push(Step {
            line: line_no,
            col: c.col(first_pos),
            text,
            kind: StepKind::Call(step),
        });
        Ok(())
    }

    /// Check the arguments against the call's parameters; resolve constants and names.
    fn check_args(
        &self,
        c: &Cursor,
        call: CallKind,
        raw: Vec<RawArg>,
        close_pos: usize,
    ) -> PResult<(Option<Info>, Vec<Arg>)> {
        let mut params: &[Param] = call.params();
        let mut info = None;
        if params.iter().any(|p| p.slot == Slot::Class) {
            if raw.len() < 2 {
                return c.err(
                    close_pos,
                    format!(
                        "{} takes a handle, an information class and the class's arguments, got {} argument{}",
                        call.name(),
                        raw.len(),
                        if raw.len() == 1 { "" } else { "s" }
                    ),
                );
            }
            let i = self.info_class(c, call, &raw[1])?;
            info = Some(i);
            params = info_params(i);
        }
        if raw.len() != params.len() {
            let pos = raw.get(params.len()).map_or(close_pos, |a| a.pos);
            let names: Vec<&str> = params.iter().map(|p| p.name).collect();
            return c.err(
                pos,
                format!(
                    "{}{} takes {} argument{} ({}), got {}",
                    call.name(),
                    info.map(|_| format!(" with {}", raw[1].text)).unwrap_or_default(),
                    params.len(),
                    if params.len() == 1 { "" } else { "s" },
                    names.join(", "),
                    raw.len()
                ),
            );
        }
        let mut args = Vec::with_capacity(raw.len());
        for (param, a) in params.iter().zip(raw) {
            let value = match param.slot {
                Slot::Class => Value::Class(info.unwrap_or(Info::Disposition)),
                Slot::Path => match a.raw {
                    Raw::Str(s) if is_drive_rooted(&s) => Value::Path(s),
                    _ => {
                        return c.err(
                            a.pos,
                            format!(
                                "{} of {} must be a drive-rooted path string such as \"C:\\t\\a.txt\"",
                                param.name,
                                call.name()
                            ),
                        )
                    }
                },
                Slot::Flags | Slot::Number | Slot::Bool => {
                    let v = eval(c, &a, param.name)?;
                    if param.slot != Slot::Number && v > u64::from(u32::MAX) {
                        return c.err(a.pos, format!("{} `{}` does not fit in 32 bits", param.name, a.text));
                    }
                    Value::Int(v)
                }
                Slot::Name => Value::Name(self.name_ref(c, &a, param.name)?),
            };
            args.push(Arg {
                col: c.col(a.pos),
                text: a.text,
                value,
            });
        }
        Ok((info, args))
    }

    fn info_class(&self, c: &Cursor, call: CallKind, a: &RawArg) -> PResult<Info> {
        let name = match &a.raw {
            Raw::Expr(atoms) if atoms.len() == 1 => match &atoms[0].kind {
                AtomKind::Ident(s) => Some(s.as_str()),
                AtomKind::Int(_) => None,
            },
            _ => None,
        };
        let nt = call.is_nt();
        let expected: Vec<&str> = [
            Info::Disposition,
            Info::DispositionEx,
            Info::Rename,
            Info::RenameEx,
            Info::Link,
        ]
        .iter()
        .filter_map(|&i| {
            if nt {
                Some(nt_class_name(i))
            } else {
                win32_class_name(i)
            }
        })
        .collect();
        let list = expected.join(", ");
        let Some(name) = name else {
            return c.err(
                a.pos,
                format!("expected an information class for {} ({list})", call.name()),
            );
        };
        match consts::info_class(name) {
            Some(InfoClass::Win32(i)) if !nt => Ok(i),
            Some(InfoClass::Nt(i)) if nt => Ok(i),
            Some(InfoClass::Win32(i)) => c.err(
                a.pos,
                format!(
                    "{name} is a Win32 class (SetFileInformationByHandle); {} takes {}",
                    call.name(),
                    nt_class_name(i)
                ),
            ),
            Some(InfoClass::Nt(i)) => c.err(
                a.pos,
                match win32_class_name(i) {
                    Some(w) => format!(
                        "{name} is an NT class (NtSetInformationFile); {} takes {w}",
                        call.name()
                    ),
                    None => format!(
                        "{name} is an NT class (NtSetInformationFile); {} has no such class (use CreateHardLink)",
                        call.name()
                    ),
                },
            ),
            None => c.err(
                a.pos,
                format!(
                    "unknown information class {name} for {}{} (expected one of: {list})",
                    call.name(),
                    did_you_mean(name, expected.iter().copied())
                ),
            ),
        }
    }

    /// A bound name in a name slot.
    fn name_ref(&self, c: &Cursor, a: &RawArg, what: &str) -> PResult<String> {
        let ident = match &a.raw {
            Raw::Expr(atoms) if atoms.len() == 1 => match &atoms[0].kind {
                AtomKind::Ident(s) => s.as_str(),
                AtomKind::Int(_) => {
                    return c.err(
                        a.pos,
                        format!("{what} must be a name bound by an earlier step, not a number"),
                    )
                }
            },
            Raw::Str(_) => {
                return c.err(
                    a.pos,
                    format!("{what} must be a name bound by an earlier step, not a string"),
                )
            }
            Raw::Expr(_) => {
                return c.err(
                    a.pos,
                    format!("{what} must be a name bound by an earlier step, not an expression"),
                )
            }
        };
        self.check_bound(c, a.pos, ident)?;
        Ok(ident.to_string())
    }

    fn check_bound(&self, c: &Cursor, pos: usize, ident: &str) -> PResult<()> {
        match self.names.get(ident) {
            Some(NameState::Bound) => Ok(()),
            Some(NameState::Failing(line)) => c.err(
                pos,
                format!("`{ident}` is bound only by the step on line {line}, which is expected to fail"),
            ),
            None if consts::lookup(ident).is_some() => c.err(
                pos,
                format!("expected a name bound by an earlier step, found the constant {ident}"),
            ),
            None => c.err(
                pos,
                format!(
                    "unknown name `{ident}`: no earlier step binds it{}",
                    did_you_mean(ident, self.names.keys().map(String::as_str))
                ),
            ),
        }
    }

    fn path_arg(&self, c: &mut Cursor, what: &str) -> PResult<String> {
        c.skip_ws();
        let pos = c.pos;
        if c.peek() != Some(b'"') {
            return c.err(pos, format!("expected {what} as a \"string\", found {}", c.found(pos)));
        }
        let s = c.string()?;
        if !is_drive_rooted(&s) {
            return c.err(
                pos,
                format!("{what} must be a drive-rooted path such as \"C:\\t\\a.txt\""),
            );
        }
        Ok(s)
    }

    fn expectation(&mut self, c: &mut Cursor) -> PResult<Expectation> {
        c.skip_ws();
        let kpos = c.pos;
        let mut kind = c.ident();
        let mut negated = false;
        if kind == "not" {
            negated = true;
            c.skip_ws();
            let pos = c.pos;
            kind = c.ident();
            if kind != "delete_pending" {
                return c.err(pos, "expected delete_pending after `expect not`");
            }
        }
        let e = match kind {
            "exists" => Expectation::Exists(self.path_arg(c, "the path")?),
            "missing" => Expectation::Missing(self.path_arg(c, "the path")?),
            "delete_pending" => {
                c.skip_ws();
                let pos = c.pos;
                let name = c.ident();
                if name.is_empty() {
                    return c.err(pos, format!("expected a bound name, found {}", c.found(pos)));
                }
                self.check_bound(c, pos, name)?;
                Expectation::DeletePending {
                    name: name.to_string(),
                    col: c.col(pos),
                    pending: !negated,
                }
            }
            "listing" => {
                let dir = self.path_arg(c, "the directory")?;
                c.skip_ws();
                if c.peek() != Some(b'=') {
                    return c.err(
                        c.pos,
                        format!(
                            "expected `=` and the names (`= \"a\" \"b\"`; `=` alone for empty), found {}",
                            c.found(c.pos)
                        ),
                    );
                }
                c.pos += 1;
                let mut names = Vec::new();
                loop {
                    c.skip_ws();
                    match c.peek() {
                        None => break,
                        Some(b'"') => names.push(c.string()?),
                        Some(_) => {
                            return c.err(c.pos, format!("expected a quoted name, found {}", c.found(c.pos)))
                        }
                    }
                }
                Expectation::Listing { dir, names }
            }
            "attributes" => {
                let path = self.path_arg(c, "the path")?;
                c.skip_ws();
                let pos = c.pos;
                let has = match c.ident() {
                    "has" => true,
                    "lacks" => false,
                    _ => return c.err(pos, "expected `has` or `lacks`"),
                };
                c.skip_ws();
                if c.at_end() {
                    return c.err(c.pos, "expected FILE_ATTRIBUTE_* flags");
                }
                let a = c.arg()?;
                if let Raw::Str(_) = a.raw {
                    return c.err(a.pos, "expected FILE_ATTRIBUTE_* flags, not a string");
                }
                let flags = eval(c, &a, "attributes")?;
                let Ok(flags) = u32::try_from(flags) else {
                    return c.err(a.pos, format!("attributes `{}` do not fit in 32 bits", a.text));
                };
                Expectation::Attributes {
                    path,
                    has,
                    flags,
                    flags_text: a.text,
                }
            }
            _ => {
                return c.err(
                    kpos,
                    format!(
                        "unknown expectation{} (expected exists, missing, delete_pending, not delete_pending, listing or attributes)",
                        if kind.is_empty() { String::new() } else { format!(" `{kind}`") }
                    ),
                )
            }
        };
        c.expect_end("the expectation")?;
        Ok(e)
    }
}

/// Evaluate a constant expression (`A|B|0x10`).
fn eval(c: &Cursor, a: &RawArg, what: &str) -> PResult<u64> {
    let atoms = match &a.raw {
        Raw::Expr(atoms) => atoms,
        Raw::Str(_) => return c.err(a.pos, format!("{what} must be a number or a constant, not a string")),
    };
    let mut v = 0u64;
    for atom in atoms {
        v |= match &atom.kind {
            AtomKind::Int(n) => *n,
            AtomKind::Ident(name) => match consts::lookup(name) {
                Some(k) => u64::from(k),
                None => {
                    let hint = did_you_mean(name, consts::ALL.iter().chain(consts::ALIASES.iter()).map(|(n, _)| *n));
                    let msg = if atoms.len() == 1 && !looks_constant(name) && hint.is_empty() {
                        format!("{what} must be a number or a constant; `{name}` is not a constant")
                    } else {
                        format!("unknown constant {name}{hint}")
                    };
                    return c.err(atom.pos, msg);
                }
            },
        };
    }
    Ok(v)
}

/// `-> RESULT` after a call, or nothing.
fn parse_result(c: &mut Cursor, call: CallKind) -> PResult<(Option<Expected>, Option<String>)> {
    c.skip_ws();
    if c.at_end() {
        return Ok((None, None));
    }
    if !c.starts_with("->") {
        return c.err(
            c.pos,
            format!("expected `-> RESULT` or end of line, found {}", c.found(c.pos)),
        );
    }
    c.pos += 2;
    c.skip_ws();
    let pos = c.pos;
    let name = c.ident();
    if name.is_empty() {
        return c.err(
            pos,
            format!(
                "expected a result after `->` (OK, ERROR_* or STATUS_*), found {}",
                c.found(pos)
            ),
        );
    }
    let expected = if name == "OK" {
        Expected::Ok
    } else if name.starts_with("STATUS_") {
        match NtStatus::from_name(name) {
            Some(NtStatus::STATUS_SUCCESS) => Expected::Ok,
            Some(s) => Expected::Status(s),
            None => {
                return c.err(
                    pos,
                    format!(
                        "unknown NTSTATUS {name}{}",
                        did_you_mean(name, NtStatus::ALL.iter().map(|s| s.name()))
                    ),
                )
            }
        }
    } else if name.starts_with("ERROR_") {
        if call.is_nt() {
            return c.err(
                pos,
                format!(
                    "{} returns an NTSTATUS: expect OK or a STATUS_* name, not {name}",
                    call.name()
                ),
            );
        }
        match Win32Error::from_name(name) {
            Some(Win32Error::ERROR_SUCCESS) => Expected::Ok,
            Some(e) => Expected::Win32(e),
            None => {
                return c.err(
                    pos,
                    format!(
                        "unknown Win32 error {name}{}",
                        did_you_mean(name, Win32Error::ALL.iter().map(|e| e.name()))
                    ),
                )
            }
        }
    } else {
        return c.err(pos, format!("unknown result {name} (expected OK, ERROR_* or STATUS_*)"));
    };
    c.expect_end("the result")?;
    Ok((Some(expected), Some(name.to_string())))
}

fn unknown_call_message(name: &str) -> String {
    // CreateFileW / DeleteFileA: the SDK's suffixed names.
    if let Some(base) = name.strip_suffix(['W', 'A']) {
        if let Some(k) = CallKind::from_name(base) {
            return format!(
                "unknown call {name} (scenarios name calls without the A/W suffix: {})",
                k.name()
            );
        }
    }
    if let Some(k) = name
        .strip_prefix("Zw")
        .and_then(|b| CallKind::from_name(&format!("Nt{b}")))
    {
        return format!("unknown call {name} (did you mean {}?)", k.name());
    }
    format!(
        "unknown call {name}{}",
        did_you_mean(name, CallKind::ALL.iter().map(|k| k.name()))
    )
}

/// ` (did you mean X?)` for the closest candidate, or an empty string.
pub(crate) fn did_you_mean<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    if word.len() > 64 {
        return String::new();
    }
    let limit = (word.len() / 4).clamp(1, 4);
    let w = word.to_ascii_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for cand in candidates {
        if cand.len() > 80 || cand == word {
            continue;
        }
        let d = levenshtein(w.as_bytes(), cand.to_ascii_lowercase().as_bytes());
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, cand));
        }
    }
    best.map(|(_, c)| format!(" (did you mean {c}?)")).unwrap_or_default()
}

fn levenshtein(a: &[u8], b: &[u8]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}
