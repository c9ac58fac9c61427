//! Whether a JavaScript call runs on Windows at all, read from the program's source.
//!
//! Node programs keep their POSIX-only code apart by testing the platform at run time:
//! `if (process.platform !== 'win32') { ... }`, the `else` of `if (process.platform ===
//! 'win32')`, a clause of `switch (process.platform)` that Windows neither enters nor
//! falls into, `if (isWindows) return;` (or `process.exit()`, also at a module's top
//! level) before the call, the right operand of `process.platform !== 'win32' &&
//! call()`, and in tests a test or suite skipped there: `it.skipIf(isWindows)(...)` and
//! `runIf` (Vitest), `test(name, { skip: process.platform === 'win32' }, fn)`
//! (`node:test`, tap; also `{ skip }`), `(isWindows ? it.skip : it)(...)` (Jest, Mocha),
//! also through a module-level name (`const itPosix = isWindows ? it.skip : it`) or
//! function (`const itIf = (c) => (c ? it : it.skip)`, then `itIf(!isWindows)(...)`), and
//! Mocha's `if (isWindows) this.skip();`, in the test or in a `before`/`beforeEach` hook
//! of a suite around it. What such code does on Linux never happens on Windows, so it is
//! no finding. Nor is what a function does that node calls back when only such code
//! hands it on: `if (process.platform !== 'win32') process.on('exit', cleanup)`, also
//! `promise.then(cleanup)` (see [`references_only_posix_only`]).
//!
//! As for Python ([`crate::pysource`]) and Go ([`crate::gosource`]), this reads text, not a
//! parse tree: comments and the insides of string, template and regular expression
//! literals are blanked, braces give the blocks, and conditions are evaluated for Windows
//! in three-valued logic from what is known of the platform (`process.platform`,
//! `os.platform()`, `os.type()`, `os.EOL`, `path.sep`, `path.delimiter`, the names the
//! module binds to them, `const { platform } = process`, and module-level constants made
//! of them, where no other declaration of the name hides them). Anything else is taken to
//! run on Windows, so that a finding is never dropped on a guess.
//!
//! The same reading tells, for a finding's report, whether a `try`/`catch` of the
//! program catches what a synchronous call throws on Windows ([`catch_at`],
//! [`JsSources::catcher`]); a doubt there is no catch.

use crate::cfamily::{
    all_of, any_of, blocks, chain_taken_on_windows, else_before, enclosing, if_header_before, leaves_unconditionally,
    matching_paren, one_line_if, split_once_top, split_top, strip_parens, switch_clauses, word_before,
};
use std::collections::HashMap;
use std::sync::Arc;

use crate::pyframe::PyFrame;

/// The JavaScript source files read so far.
#[derive(Default)]
pub struct JsSources {
    files: crate::pysource::SourceFiles,
    /// The last files read, as read ([`Js`]): a finding asks about several frames and
    /// lines of one file, and a bundle of megabytes must not be read again for each.
    parsed: Vec<(String, Option<Js>)>,
}

/// How many files [`JsSources`] keeps read.
const PARSED_FILES: usize = 8;

impl JsSources {
    /// `file` as read, from the files kept or read now (`None`: it cannot be read).
    fn js(&mut self, file: &str) -> Option<&Js> {
        let i = match self.parsed.iter().position(|(f, _)| f == file) {
            Some(i) => i,
            None => {
                if self.parsed.len() >= PARSED_FILES {
                    self.parsed.remove(0);
                }
                let js = self.files.get(file).map(Js::new);
                self.parsed.push((file.to_owned(), js));
                self.parsed.len() - 1
            }
        };
        self.parsed[i].1.as_ref()
    }

    /// Whether any frame of `stack` (node's own modules included, as
    /// [`crate::v8stack::V8Stacks::stack`] reads it) is at a line that runs only where the
    /// platform is not Windows, or is a function that node calls back and only such lines
    /// hand to it ([`references_only_posix_only`]).
    ///
    /// Node calls back what it was handed, never a function of the program by name:
    /// timers (`listOnTimeout`, `processImmediate` in `lib/internal/timers.js`), an
    /// `EventEmitter`'s listeners (`emit` in `lib/events.js`, also `process.on('exit')`),
    /// `process.nextTick` (`processTicksAndRejections`). So a program function called by
    /// node's own code is reached only through the mentions of its name in its module.
    /// The same holds for the outermost frame when `entered` (V8 was entered there from
    /// C++ and no JavaScript called it: V8's microtask queue, the `RunMicrotasks` builtin
    /// of `builtins-microtask-queue-gen.cc`, runs a promise's reaction, `.then(cleanup)`,
    /// through `PromiseFulfillReactionJob` (`promise-reaction-job.tq`), and resumes an
    /// async function after its `await` through `AsyncFunctionAwaitResolveClosure`
    /// (`builtins-async-function-gen.cc`)), and for the outermost of the async functions
    /// waiting for an asynchronous call (`async NAME`, suspended at its `await`), when
    /// only async functions wait (the call was made in the first, which the next awaits,
    /// and so on): whoever called the outermost did so by a mention of its name. (A
    /// callback that waits, `callback NAME`, may be a listener that other code, run on
    /// Windows too, made the call for: such a chain is not taken.)
    pub fn posix_only(&mut self, stack: &[PyFrame], entered: bool) -> bool {
        let is_js = |f: &PyFrame| {
            f.line > 0
                && !is_node_internal(&f.file)
                && [".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx"]
                    .iter()
                    .any(|e| f.file.ends_with(e))
        };
        if stack.iter().any(|f| {
            is_js(f)
                && self
                    .js(&f.file)
                    .is_some_and(|js| js.line_is_posix_only(f.line as usize))
        }) {
            return true;
        }
        let mut registered = |f: &PyFrame, name: &str| {
            is_js(f)
                && self
                    .js(&f.file)
                    .is_some_and(|js| js.references_only_posix_only(f.line as usize, name))
        };
        if let Some(last) = stack.last() {
            let waiters = !entered && stack.iter().all(|f| f.function.starts_with("async "));
            let waiter = last.function.strip_prefix("async ").filter(|_| waiters);
            if (entered && registered(last, &last.function)) || waiter.is_some_and(|name| registered(last, name)) {
                return true;
            }
        }
        stack
            .windows(2)
            .any(|w| is_node_internal(&w[1].file) && registered(&w[0], &w[0].function))
    }
}

/// What the code around line `line` of a JavaScript source does with what the statement
/// there throws ([`catch_at`]).
#[derive(Debug, PartialEq, Eq)]
pub enum JsCatch {
    /// A `try` around it has a `catch` clause, as written up to its block (`catch (e)`),
    /// whose block has no `throw`.
    Caught(String),
    /// No `try` of its function catches it: it goes up to the caller of that function,
    /// a plain function (not `async`, not a generator, whose throw would become a
    /// rejection or the iterator's).
    Passed,
    /// Not known: it may throw again (a `throw` in the `catch` block, as `if (e.code !==
    /// 'ENOENT') throw e`), the statement defines a function (`() =>`, `function`: what
    /// runs may be called later, elsewhere), it continues an expression begun on an
    /// earlier line, or the code is at the module's top level or in an `async` function
    /// or a generator.
    Doubtful,
}

impl JsSources {
    /// Where the program catches what a synchronous call throws, for a finding: the
    /// frame of `stack` (a thread's own frames, as [`crate::v8stack::V8Stacks::stack`]
    /// reads them, innermost first) whose `try` catches it ([`catch_at`]), and its
    /// `catch` clause. Node's own frames below the program's first (`node:fs`, its
    /// `rmSync`) pass it on; above it, any frame not of the program's code (node's
    /// modules, a builtin such as the `Promise` constructor, which turns it into a
    /// rejection) ends the walk, as does a doubt: `None`.
    pub fn catcher(&mut self, stack: &[PyFrame]) -> Option<(usize, String)> {
        let mut program = false;
        for (i, f) in stack.iter().enumerate().take(64) {
            let own = f.line > 0 && !f.file.is_empty() && !is_node_internal(&f.file);
            if !own {
                if program {
                    return None;
                }
                continue;
            }
            program = true;
            match self.catch_at(&f.file, f.line) {
                JsCatch::Caught(by) => return Some((i, by)),
                JsCatch::Passed => {}
                JsCatch::Doubtful => return None,
            }
        }
        None
    }

    /// [`catch_at`] for line `line` of `file`; [`JsCatch::Doubtful`] when the file cannot
    /// be read.
    pub fn catch_at(&mut self, file: &str, line: u32) -> JsCatch {
        match self.js(file) {
            Some(js) => js.catch_at(line as usize),
            None => JsCatch::Doubtful,
        }
    }
}

/// Whether a `try` of the function around line `line` (1-based) of `src` catches what the
/// statement there throws synchronously (JavaScript's `catch` takes every exception):
/// the blocks around the line are read outwards to the function's own; a `try` block
/// among them followed by a `catch` catches it, unless its block has a `throw`; one with
/// only a `finally` passes it on. Read as text, as [`line_is_posix_only`] reads: the
/// line must begin a statement of its block that defines no function.
pub fn catch_at(src: &str, line: usize) -> JsCatch {
    Js::new(src.into()).catch_at(line)
}

impl Js {
    /// [`catch_at`], of this source.
    fn catch_at(&self, line: usize) -> JsCatch {
        let js = self;
        let Some(at) = line_start(&js.src, line) else {
            return JsCatch::Doubtful;
        };
        let code = &js.code;
        let end = code[at..].find('\n').map_or(code.len(), |e| at + e);
        let words = |text: &str, w: &str| {
            text.match_indices(w).any(|(i, _)| {
                let before = text[..i].chars().next_back();
                let after = text[i + w.len()..].chars().next();
                !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$' || c == '.')
                    && !after.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$')
            })
        };
        if code[at..end].contains("=>") || words(&code[at..end], "function") {
            return JsCatch::Doubtful;
        }
        let around = enclosing(&js.blocks, at);
        // The statement begins its line: no bracket left open since its block began.
        let from = around.first().map_or(0, |&(o, _)| o + 1);
        let open =
            |o: char, c: char| code[from..at].matches(o).count() as i64 - code[from..at].matches(c).count() as i64;
        if open('(', ')') != 0 || open('[', ']') != 0 {
            return JsCatch::Doubtful;
        }
        for (o, c) in around {
            if let Header::Function(start) = js.header(o) {
                let text = &code[start..o];
                let plain =
                    !text.starts_with("async") && !text.trim_start_matches("function").trim_start().starts_with('*');
                return if plain { JsCatch::Passed } else { JsCatch::Doubtful };
            }
            let before = code[..o].trim_end();
            let is_try = before
                .strip_suffix("try")
                .is_some_and(|b| !b.ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '$' || c == '.'));
            if !is_try {
                continue;
            }
            let after = code[c + 1..].trim_start();
            let Some(rest) = after
                .strip_prefix("catch")
                .filter(|r| !r.starts_with(|c: char| c.is_alphanumeric() || c == '_' || c == '$'))
            else {
                continue; // `try { } finally { }`: passed on after the finally block
            };
            let catch = code.len() - after.len();
            let mut body = code.len() - rest.trim_start().len();
            if code[body..].starts_with('(') {
                let Some(p) = matching_paren(code, body) else {
                    return JsCatch::Doubtful;
                };
                body = code.len() - code[p + 1..].trim_start().len();
            }
            let Some(&(bo, bc)) = js.blocks.iter().find(|&&(bo, _)| bo == body) else {
                return JsCatch::Doubtful;
            };
            if words(&code[bo + 1..bc], "throw") {
                return JsCatch::Doubtful;
            }
            let clause = js.src[catch..bo].split_whitespace().collect::<Vec<_>>().join(" ");
            return JsCatch::Caught(clause);
        }
        JsCatch::Doubtful
    }
}

/// Whether a frame's file is one of node's own modules (`node:events`,
/// `node:internal/timers`).
fn is_node_internal(file: &str) -> bool {
    file.starts_with("node:") || file.starts_with("internal/")
}

/// Whether the function `name` whose body holds line `line` (1-based) of `src` is handed
/// on only by code that never runs on Windows: a function declaration (`function name()
/// {`) or a function or arrow function with a body in braces assigned to a `const`, `let`
/// or `var` (`const name = () => {`), not exported, every mention of whose name in the
/// module outside its definition (a call, an argument, an assignment, a property
/// `module.exports.name`, a string `'name'`) is at a line that runs only where the
/// platform is not Windows ([`line_is_posix_only`]), and there is one. A Node module's
/// own declarations are seen by no other module unless it exports them (CommonJS wraps
/// the module in a function, `lib/internal/modules/cjs/loader.js`; an ES module has its
/// own scope). Methods, names made at run time (`this[key]`, `eval`) and code evaluated
/// from a string are not read: no.
pub fn references_only_posix_only(src: &str, line: usize, name: &str) -> bool {
    Js::new(src.into()).references_only_posix_only(line, name)
}

impl Js {
    /// [`references_only_posix_only`], of this source.
    fn references_only_posix_only(&self, line: usize, name: &str) -> bool {
        let js = self;
        let src: &str = &js.src;
        let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'$';
        if name.is_empty() || !name.bytes().all(ident) || name.as_bytes()[0].is_ascii_digit() {
            return false;
        }
        let Some(at) = line_start(src, line) else {
            return false;
        };
        // The function around the line: the innermost with a body in braces.
        let Some((close, function)) = enclosing(&js.blocks, at)
            .into_iter()
            .find_map(|(o, c)| match js.header(o) {
                Header::Function(s) => Some((c, s)),
                _ => None,
            })
        else {
            return false;
        };
        let Some(definition) = js.definition_of(function, name) else {
            return false;
        };
        let b = js.code.as_bytes();
        let mut mentions = 0;
        for (i, _) in src.match_indices(name) {
            let end = i + name.len();
            if (i > 0 && ident(src.as_bytes()[i - 1])) || src.as_bytes().get(end).is_some_and(|&c| ident(c)) {
                continue;
            }
            if (definition..=close).contains(&i) || b[i..end].iter().all(|&c| c == b' ') {
                continue; // its own definition and body, a comment
            }
            let line_start = src[..i].rfind('\n').map_or(0, |p| p + 1);
            let first =
                line_start + (src[line_start..].len() - src[line_start..].trim_start_matches([' ', '\t']).len());
            if !js.posix_only_at(first) {
                return false;
            }
            mentions += 1;
        }
        mentions > 0
    }
}

/// `src` with comments blanked (spaces, newlines kept) and the insides of string,
/// template and regular expression literals replaced by `x` (their delimiters and a
/// template's `${...}` code kept): the same length, byte for byte, so that offsets into
/// it are offsets into `src`.
fn mask(src: &str) -> String {
    #[derive(Clone, Copy, PartialEq)]
    enum In {
        Code,
        /// A template literal's text.
        Template,
    }
    let b = src.as_bytes();
    let mut out = b.to_vec();
    // The states entered: code inside `${` remembers its brace depth.
    let mut stack: Vec<(In, usize)> = vec![(In::Code, 0)];
    let mut i = 0;
    let blank = |out: &mut Vec<u8>, from: usize, to: usize, with: u8| {
        for c in &mut out[from..to.min(b.len())] {
            if *c != b'\n' {
                *c = with;
            }
        }
    };
    while i < b.len() {
        let (state, depth) = *stack.last().unwrap_or(&(In::Code, 0));
        if state == In::Template {
            match b[i] {
                b'\\' => {
                    blank(&mut out, i, i + 2, b'x');
                    i += 2;
                }
                b'`' => {
                    stack.pop();
                    i += 1;
                }
                b'$' if b.get(i + 1) == Some(&b'{') => {
                    stack.push((In::Code, 0));
                    i += 2;
                }
                _ => {
                    blank(&mut out, i, i + 1, b'x');
                    i += 1;
                }
            }
            continue;
        }
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let end = b[i..].iter().position(|&c| c == b'\n').map_or(b.len(), |p| i + p);
                blank(&mut out, i, end, b' ');
                i = end;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let end = src[i + 2..].find("*/").map_or(b.len(), |p| i + 2 + p + 2);
                blank(&mut out, i, end, b' ');
                i = end;
            }
            b'/' if regex_may_start(&out[..i]) => {
                // A regular expression literal: to the `/` outside a class, on its line.
                let mut j = i + 1;
                let mut class = false;
                while j < b.len() && b[j] != b'\n' {
                    match b[j] {
                        b'\\' => j += 1,
                        b'[' => class = true,
                        b']' => class = false,
                        b'/' if !class => break,
                        _ => {}
                    }
                    j += 1;
                }
                blank(&mut out, i + 1, j, b'x');
                i = j + 1;
            }
            q @ (b'\'' | b'"') => {
                let mut j = i + 1;
                while j < b.len() && b[j] != q && b[j] != b'\n' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                blank(&mut out, i + 1, j, b'x');
                i = j + 1;
            }
            b'`' => {
                stack.push((In::Template, 0));
                i += 1;
            }
            b'{' => {
                if let Some(top) = stack.last_mut() {
                    top.1 += 1;
                }
                i += 1;
            }
            b'}' if depth == 0 && stack.len() > 1 => {
                // The end of a template's `${...}`.
                stack.pop();
                i += 1;
            }
            b'}' => {
                if let Some(top) = stack.last_mut() {
                    top.1 = top.1.saturating_sub(1);
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    // Only ASCII was written over whole characters' bytes: still UTF-8.
    String::from_utf8(out).unwrap_or_default()
}

/// Whether a `/` after `before` (masked code) begins a regular expression rather than
/// dividing: after an operator, an opening bracket, a comma or a keyword.
fn regex_may_start(before: &[u8]) -> bool {
    let text = before.trim_ascii_end();
    let Some(&last) = text.last() else {
        return true;
    };
    if b"(,=:[!&|?{};+-*%<>~^".contains(&last) {
        return true;
    }
    let word_start = text
        .iter()
        .rposition(|c| !(c.is_ascii_alphanumeric() || *c == b'_' || *c == b'$'))
        .map_or(0, |p| p + 1);
    matches!(
        &text[word_start..],
        b"return"
            | b"typeof"
            | b"case"
            | b"do"
            | b"else"
            | b"in"
            | b"of"
            | b"new"
            | b"delete"
            | b"void"
            | b"throw"
            | b"yield"
            | b"await"
    )
}

/// The source, its masked copy and its blocks.
struct Js {
    src: Arc<str>,
    code: String,
    /// Each `{ }` pair's offsets.
    blocks: Vec<(usize, usize)>,
    /// The blocks outside every other, in order.
    outermost: Vec<(usize, usize)>,
    /// Module-level `const NAME = EXPR`, and names the module binds to a platform value
    /// of node's modules (`const { platform } = process`: `process.platform`).
    consts: HashMap<String, String>,
    /// Where each of those names is declared.
    declared: HashMap<String, usize>,
    /// In how many places each name is assigned ([`Js::assignments`]), counted in one
    /// pass over the code.
    assigned: HashMap<String, usize>,
    /// Where another declaration of a constant's name may hide it
    /// ([`Js::hiding_scopes`]), for the names asked about so far.
    hidden: std::cell::RefCell<HashMap<String, Vec<(usize, usize)>>>,
    /// Whether the file takes node's test runner (`node:test`, or `test` by its old
    /// name), where `this.skip()` in a test or hook marks it skipped and goes on: the
    /// rest of its body still runs (`TestContext#skip`; measured with Node 20 and 24).
    node_test: bool,
}

impl Js {
    fn new(src: Arc<str>) -> Js {
        let code = mask(&src);
        let blocks = blocks(&code);
        let mut outermost = blocks.clone();
        outermost.sort_unstable();
        let mut end = None;
        outermost.retain(|&(o, c)| {
            let outside = end.is_none_or(|e| o > e);
            if outside {
                end = Some(c);
            }
            outside
        });
        let node_test = [
            "node:test",
            "from 'test'",
            "from \"test\"",
            "require('test')",
            "require(\"test\")",
        ]
        .iter()
        .any(|m| src.contains(m));
        let mut js = Js {
            src,
            code,
            blocks,
            outermost,
            consts: HashMap::new(),
            declared: HashMap::new(),
            hidden: Default::default(),
            assigned: HashMap::new(),
            node_test,
        };
        js.assigned = assignment_counts(&js.code);
        for (name, (value, declared)) in js.module_constants() {
            js.declared.insert(name.clone(), declared);
            js.consts.insert(name, value);
        }
        js
    }

    /// `const NAME = EXPR` outside every block, up to the `;` or the line's end; also
    /// `let` and `var` (what bundlers and compilers emit for `const`) when the file
    /// assigns the name nowhere else; and the names the module takes by destructuring or
    /// importing from node's `process`, `os` and `path` ([`Js::module_bindings`]). Each
    /// with where its name is declared.
    fn module_constants(&self) -> HashMap<String, (String, usize)> {
        let mut out = HashMap::new();
        let mut at = 0;
        for line in self.code.split_inclusive('\n') {
            let start = at;
            at += line.len();
            if self.in_a_block(start) {
                continue;
            }
            let t = line.trim_start();
            let lead = line.len() - t.len();
            let Some((rest, constant)) = [("const ", true), ("let ", false), ("var ", false)]
                .iter()
                .find_map(|&(k, c)| t.strip_prefix(k).map(|r| (r, c)))
            else {
                continue;
            };
            let Some((name, _)) = rest.split_once('=') else {
                continue;
            };
            // TypeScript: `const isWindows: boolean = ...`.
            let name = name.split(':').next().unwrap_or(name).trim();
            if name.is_empty() || !name.bytes().all(is_ident) {
                continue;
            }
            if !constant && self.assigned_more_than_once(name) {
                continue;
            }
            let name_at = start + lead + (t.len() - rest.len()) + (rest.len() - rest.trim_start().len());
            let value_start = start + lead + (t.len() - rest.len()) + rest.find('=').unwrap_or(0) + 1;
            let end = self.code[value_start..at].find(';').map_or(at, |p| value_start + p);
            out.insert(name.to_owned(), (self.src[value_start..end].trim().to_owned(), name_at));
        }
        for (name, value, name_at) in self.module_bindings() {
            out.entry(name).or_insert((value, name_at));
        }
        out
    }

    /// The names the module binds, outside every block, to what node's `process`, `os`
    /// and `path` modules give of the platform: by destructuring (`const { platform } =
    /// process`, `const { platform: plat } = require('node:process')`, `const { EOL } =
    /// require('os')`, `const { sep } = path`) or importing (`import { platform } from
    /// 'node:process'`, `import { type as osType } from 'os'`), each with what it stands
    /// for (`process.platform`; `os.platform` and `os.type`, functions; `os.EOL`;
    /// `path.sep`, `path.delimiter`) and where the name is written. `let` and `var` only
    /// when the file assigns the name nowhere; a name with a default value, or in a
    /// nested pattern, is not taken.
    fn module_bindings(&self) -> Vec<(String, String, usize)> {
        const MEMBERS: [(&str, &str); 6] = [
            ("process", "platform"),
            ("os", "platform"),
            ("os", "type"),
            ("os", "EOL"),
            ("path", "sep"),
            ("path", "delimiter"),
        ];
        let mut out = vec![];
        for &(open, close) in &self.outermost {
            let (keyword, _) = word_before(&self.code, open);
            let before = self.code[..open].trim_end();
            let after = self.src[close + 1..].trim_start();
            let (module, renames_with, constant) = if matches!(keyword, "const" | "let" | "var") {
                let Some(value) = after.strip_prefix('=') else {
                    continue;
                };
                let value = value.split([';', '\n']).next().unwrap_or("");
                let compact: String = value.chars().filter(|c| !c.is_whitespace()).collect();
                let module = node_module_named(&compact).unwrap_or(compact.as_str()).to_owned();
                (module, ':', keyword == "const")
            } else if keyword == "import" || {
                // `import os, { platform } from 'os'`.
                let statement = &before[before.rfind([';', '\n']).map_or(0, |p| p + 1)..];
                statement.ends_with(',') && statement.trim_start().starts_with("import ")
            } {
                let Some(from) = after.strip_prefix("from") else {
                    continue;
                };
                let from = from.trim_start();
                let Some(module) = string_value(from.split([';', '\n']).next().unwrap_or("").trim()) else {
                    continue;
                };
                (module.strip_prefix("node:").unwrap_or(&module).to_owned(), ' ', true)
            } else {
                continue;
            };
            let inner = &self.code[open + 1..close];
            let mut offset = open + 1;
            for entry in inner.split(',') {
                let entry_at = offset + (entry.len() - entry.trim_start().len());
                offset += entry.len() + 1;
                let entry = entry.trim();
                if entry.contains(['{', '[', '=', '.']) {
                    continue;
                }
                // `member`, `member: name` (destructuring), `member as name` (import).
                let (member, name) = match renames_with {
                    ':' => match entry.split_once(':') {
                        Some((m, n)) => (m.trim(), n.trim()),
                        None => (entry, entry),
                    },
                    _ => match entry.split_once(" as ") {
                        Some((m, n)) => (m.trim(), n.trim()),
                        None => (entry, entry),
                    },
                };
                if name.is_empty() || !name.bytes().all(is_ident) || !MEMBERS.contains(&(module.as_str(), member)) {
                    continue;
                }
                if !constant && self.assignments(name) > 0 {
                    continue;
                }
                let name_at = entry_at + entry.rfind(name).unwrap_or(0);
                out.push((name.to_owned(), format!("{module}.{member}"), name_at));
            }
        }
        out
    }

    /// Where another declaration of `name` than the module's (at offset `declared`) may
    /// hide it: after `const`, `let`, `var`, `function` or `class`; as a parameter
    /// (`(name) =>`, `name =>`, `function f(a, name) {`, a method's, `catch (name)`, also
    /// in a pattern there: `({ name }) =>`); in a pattern after `const`, `let` or `var`
    /// (`const { name } = opts`). Each is the range of offsets of the scope that
    /// declaration is in, or a range around it: a parameter's function body, a `var`'s
    /// or a function's enclosing function, another's enclosing block, the file when
    /// none. JavaScript's scopes nest, an inner declaration hiding an outer one within its
    /// scope (ECMA-262, "ResolveBinding"): there the module's is not taken.
    fn hiding_scopes(&self, name: &str, declared: usize) -> Vec<(usize, usize)> {
        let b = self.code.as_bytes();
        let whole = (0, self.code.len());
        let block_around = |i: usize| enclosing(&self.blocks, i).first().copied().unwrap_or(whole);
        let function_around = |i: usize| {
            enclosing(&self.blocks, i)
                .into_iter()
                .find(|&(o, _)| matches!(self.header(o), Header::Function(_)))
                .unwrap_or(whole)
        };
        // The body of the function whose parameters begin at `open` and end at `close`
        // (the `(` and `)`, or an arrow's only one): its block, or the parentheses around
        // an arrow with an expression for its body (`list.map(name => f(name))`).
        let body_after = |open: usize, close: usize| {
            let after = self.code[close + 1..].trim_start();
            let after = after.strip_prefix("=>").map_or(after, str::trim_start);
            let at = self.code.len() - after.len();
            self.blocks.iter().copied().find(|&(o, _)| o == at).unwrap_or_else(|| {
                unmatched_opener(&self.code, open)
                    .filter(|&o| self.code.as_bytes()[o] == b'(')
                    .and_then(|o| Some((o, matching_paren(&self.code, o)?)))
                    .unwrap_or_else(|| block_around(open))
            })
        };
        let mut out = vec![];
        for (i, _) in self.code.match_indices(name) {
            let end = i + name.len();
            if i == declared
                || (i > 0 && (is_ident(b[i - 1]) || b[i - 1] == b'.'))
                || b.get(end).is_some_and(|&c| is_ident(c))
            {
                continue;
            }
            let after = self.code[end..].trim_start();
            let (keyword, _) = word_before(&self.code, i);
            match keyword {
                "var" | "function" => {
                    out.push(function_around(i));
                    continue;
                }
                "const" | "let" | "class" => {
                    out.push(block_around(i));
                    continue;
                }
                _ if after.starts_with("=>") => {
                    out.push(body_after(i, end - 1));
                    continue;
                }
                _ => {}
            }
            // A property's key (`{ name: value }`, also in a pattern) binds nothing.
            if after.starts_with(':') && unmatched_opener(&self.code, i).is_some_and(|o| b[o] == b'{') {
                continue;
            }
            // Out through the brackets around it, to a pattern or a parameter list.
            let mut at = i;
            for _ in 0..8 {
                let Some(opener) = unmatched_opener(&self.code, at) else {
                    break;
                };
                let (word, _) = word_before(&self.code, opener);
                match b[opener] {
                    b'(' => {
                        let Some(close) = matching_paren(&self.code, opener) else {
                            break;
                        };
                        let after = self.code[close + 1..].trim_start();
                        if word == "catch"
                            || after.starts_with("=>")
                            || (after.starts_with('{') && !matches!(word, "if" | "while" | "for" | "switch" | "with"))
                        {
                            out.push(body_after(opener, close));
                        }
                        break;
                    }
                    // The pattern's own braces are a block: the scope is around them.
                    _ if word == "var" => {
                        out.push(function_around(opener));
                        break;
                    }
                    _ if matches!(word, "const" | "let") => {
                        out.push(block_around(opener));
                        break;
                    }
                    _ if self.code[..opener].trim_end().ends_with(['(', ',', '{', '[', ':']) => at = opener,
                    _ => break,
                }
            }
        }
        out
    }

    /// The module's constant `name` ([`Js::module_constants`]) as code at offset `at`
    /// sees it: `None` where another declaration of the name may hide it
    /// ([`Js::hiding_scopes`]).
    fn constant(&self, name: &str, at: usize) -> Option<&String> {
        let value = self.consts.get(name)?;
        let mut hidden = self.hidden.borrow_mut();
        if !hidden.contains_key(name) {
            let scopes = self.hiding_scopes(name, self.declared.get(name).copied().unwrap_or(usize::MAX));
            hidden.insert(name.to_owned(), scopes);
        }
        let scopes = hidden.get(name).map_or(&[][..], Vec::as_slice);
        (!scopes.iter().any(|&(o, c)| o <= at && at <= c)).then_some(value)
    }

    /// Whether `name` is assigned (`=`, `+=`..., `++`, `--`) in more than one place.
    fn assigned_more_than_once(&self, name: &str) -> bool {
        self.assignments(name) > 1
    }

    /// Whether offset `at` is inside a block (after its `{`, before its `}`).
    fn in_a_block(&self, at: usize) -> bool {
        let i = self.outermost.partition_point(|&(o, _)| o < at);
        i > 0 && at < self.outermost[i - 1].1
    }

    /// In how many places `name` is assigned (`=`, `+=`..., `++`, `--`), its declaration
    /// with a value (`let name = ...`) included.
    fn assignments(&self, name: &str) -> usize {
        self.assigned.get(name).copied().unwrap_or(0)
    }

    /// What comes before the block opening at `open`: `If(cond, start)` for `if (cond) {`
    /// (start: where `if` begins), `Else(start)` for `else {` (start: where `else`
    /// begins), `Function(start)` for a function's body (start: where the function
    /// expression begins, as far as it can be told), `Other`.
    fn header(&self, open: usize) -> Header {
        let before = self.code[..open].trim_end();
        let end = before.len();
        if before.ends_with("=>") {
            let params = self.code[..end - 2].trim_end();
            let start = if params.ends_with(')') {
                matching_paren(&self.code, params.len() - 1).unwrap_or(0)
            } else {
                word_before(&self.code, params.len()).1
            };
            let (word, w) = word_before(&self.code, start);
            return Header::Function(if word == "async" { w } else { start });
        }
        if before.ends_with(')') {
            let Some(p) = matching_paren(&self.code, end - 1) else {
                return Header::Other;
            };
            let (word, w) = word_before(&self.code, p);
            return match word {
                "if" => Header::If(self.src[p + 1..end - 1].to_owned(), w),
                "switch" => Header::Switch(self.src[p + 1..end - 1].to_owned()),
                "for" | "while" | "catch" | "with" => Header::Other,
                _ => {
                    // `function NAME(...)`, `async function (...)`, a method `name(...)`.
                    let (kw, k) = word_before(&self.code, w);
                    let mut start = if kw == "function" { k } else { w };
                    let (a, s) = word_before(&self.code, start);
                    if a == "async" {
                        start = s;
                    }
                    Header::Function(start)
                }
            };
        }
        match else_before(&self.code, end) {
            Some(e) => Header::Else(e),
            None => Header::Other,
        }
    }

    /// Where the definition of function `name` whose expression or declaration begins at
    /// `start` begins: `function name(` (also `async`, `function*`) where a statement
    /// begins, or `const`/`let`/`var name = ` before a function or arrow function. `None`
    /// for another name, a method, a function passed or returned, and an exported one
    /// (`export function name`, `export const name = `).
    fn definition_of(&self, start: usize, name: &str) -> Option<usize> {
        let exported = |at: usize| {
            let before = self.code[..at].trim_end();
            before.ends_with("export") || before.ends_with("default")
        };
        let text = &self.code[start..];
        let rest = text.strip_prefix("async ").map_or(text, str::trim_start);
        if let Some(after) = rest.strip_prefix("function") {
            let declared = after.trim_start().trim_start_matches('*').trim_start();
            let own = declared
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '$'))
                .next()
                .unwrap_or("");
            if !own.is_empty() {
                return (own == name && self.is_declaration(start) && !exported(start)).then_some(start);
            }
        }
        // `const name = (...) => {`, `let name = function () {`.
        let before = self.code[..start].trim_end().strip_suffix('=')?;
        if before.ends_with(['=', '!', '<', '>', '+', '-', '*', '/', '%', '&', '|', '^', '?']) {
            return None;
        }
        let (word, w) = word_before(&self.code, before.len());
        if word != name {
            return None;
        }
        let (keyword, k) = word_before(&self.code, w);
        (matches!(keyword, "const" | "let" | "var") && !exported(k)).then_some(k)
    }

    /// Whether code at offset `at` runs only where the platform is not Windows.
    fn posix_only_at(&self, at: usize) -> bool {
        if self.braceless_body_off_windows(at) || self.short_circuited_off_windows(at) {
            return true;
        }
        // Inside a function declaration: it is hoisted, so it exists (and may be called
        // from anywhere) even when its enclosing function returned before it.
        let mut hoisted = false;
        let mut in_test = false;
        for (open, close) in enclosing(&self.blocks, at) {
            let header = self.header(open);
            if in_test && matches!(header, Header::Function(_)) && self.suite_skipped_by_hook(open, close) {
                return true;
            }
            if let Header::Function(start) = header {
                in_test |= self.is_mocha_test(start);
            }
            match header {
                // Its own condition, and for `else if` the branches before it.
                Header::If(cond, start)
                    if self.eval(&cond, start, 0) == Some(false)
                        || else_before(&self.code, start).is_some_and(|e| self.chain_taken_on_windows(e)) =>
                {
                    return true;
                }
                Header::Else(start) if self.chain_taken_on_windows(start) => return true,
                Header::Function(start) if self.skipped_test(start) => return true,
                // A function declared in a clause exists in every clause of the switch
                // (the case block's declarations are instantiated when it is entered:
                // ECMA-262, BlockDeclarationInstantiation), so it may be called from the
                // clause Windows takes.
                Header::Switch(ref discriminant)
                    if !hoisted && self.clause_off_windows(discriminant, open, close, at) =>
                {
                    return true;
                }
                _ => {}
            }
            // In a switch, only the statements of the clause `at` is in run before it
            // for sure: the clauses before may have been jumped over.
            let from = match header {
                Header::Switch(_) => switch_clauses(&self.code, open, close)
                    .and_then(|clauses| clauses.iter().rev().find(|c| c.body <= at).map(|c| c.body)),
                _ => Some(open + 1),
            };
            if !hoisted && from.is_some_and(|from| self.exits_between(from, close, at)) {
                return true;
            }
            // A function or block made in an operand cut short on Windows.
            let line = self.code[..open].rfind('\n').map_or(0, |i| i + 1);
            let first = line + (self.code[line..open].len() - self.code[line..open].trim_start().len());
            if !hoisted && self.short_circuited_off_windows(first) {
                return true;
            }
            if let Header::Function(start) = header {
                hoisted |= self.is_declaration(start);
            }
        }
        // The module's own statements: `if (isWindows) process.exit(0)` before the line.
        !hoisted && self.exits_between(0, self.code.len(), at)
    }

    /// Whether the statement at `at` is the body of an `if` without braces that does not
    /// run on Windows: on the line before (`if (!isWindows)` then the call) or on its
    /// own line (`if (!isWindows) call();`, also `{ call(); }` there). (An `else` after
    /// an `if` without braces is not read: taken to run on Windows.)
    fn braceless_body_off_windows(&self, at: usize) -> bool {
        if let Some((open, close, start)) = if_header_before(&self.code, at) {
            if self.eval(&self.src[open + 1..close], open, 0) == Some(false)
                || else_before(&self.code, start).is_some_and(|e| self.chain_taken_on_windows(e))
            {
                return true;
            }
        }
        // `if (COND) call();` on one line, without an `else` there.
        one_line_if(&self.code, &self.blocks, at, |line| line.contains("else"))
            .is_some_and(|(open, close)| self.eval(&self.src[open + 1..close], open, 0) == Some(false))
    }

    /// Whether the line beginning at `at` (its first character that is not blank) is in
    /// an expression statement that Windows cuts short before it:
    /// `process.platform !== 'win32' && call()` (`&&` after an operand false there) or
    /// `isWindows || call()` (`||` after one true there), the statement beginning on
    /// this line or on lines above each ending with the operator. JavaScript evaluates
    /// the right operand of `&&` only when the left is truthy and of `||` only when it
    /// is falsy (ECMA-262, "Binary Logical Operators"), and the operand known on Windows
    /// is a test of the platform, which does nothing else. A statement that may go on
    /// from the line before (that line ends with another operator, a `,` or an opening
    /// bracket, or this one begins with `(`, `[`, a template, `+`, `-` or `/`), more
    /// than one statement on the line, a `,` or `?` at the top level: no.
    fn short_circuited_off_windows(&self, at: usize) -> bool {
        let line_start = |i: usize| self.code[..i].rfind('\n').map_or(0, |n| n + 1);
        let first_code = |l: usize| l + (self.code[l..].len() - self.code[l..].trim_start_matches([' ', '\t']).len());
        // Back over the lines that end with `&&` or `||` to where the statement begins.
        let mut start = at;
        loop {
            let before = self.code[..line_start(start)].trim_end();
            if !(before.ends_with("&&") || before.ends_with("||")) {
                let ends_statement = before.is_empty()
                    || before.ends_with(|c: char| {
                        c.is_ascii_alphanumeric() || matches!(c, '_' | '$' | ')' | ']' | '}' | ';' | '\'' | '"')
                    });
                if !ends_statement
                    || self.code[start..].starts_with(['(', '[', '`', '+', '-', '/'])
                    || self.code[start..].starts_with("&&")
                    || self.code[start..].starts_with("||")
                {
                    return false;
                }
                break;
            }
            start = first_code(line_start(before.len()));
        }
        let line_end = self.code[at..].find('\n').map_or(self.code.len(), |i| at + i);
        let text = self.code[start..line_end].trim_end();
        let text = text.strip_suffix(';').unwrap_or(text);
        if text.contains(';') {
            return false;
        }
        let Some(stmt) = self.src.get(start..start + text.len()) else {
            return false;
        };
        if split_once_top(stmt, ",").is_some() || ternary(stmt).is_some() || split_once_top(stmt, "??").is_some() {
            return false;
        }
        let ors = split_top(stmt, "||");
        if ors.len() > 1 {
            return self.eval(ors[0], start, 0) == Some(true);
        }
        let ands = split_top(stmt, "&&");
        ands.len() > 1 && self.eval(ands[0], start, 0) == Some(false)
    }

    /// Whether the function beginning at `start` is a declaration (`function f() {}` or
    /// `async function`, also exported, where a statement begins) rather than an
    /// expression.
    fn is_declaration(&self, start: usize) -> bool {
        let text = &self.code[start..];
        if !(text.starts_with("function") || text.starts_with("async function")) {
            return false;
        }
        let mut before = self.code[..start].trim_end();
        for word in ["default", "export"] {
            if let Some(rest) = before.strip_suffix(word) {
                before = rest.trim_end();
            }
        }
        if before.ends_with(':') {
            // After a `case` or `default` label: a statement of the switch's clause.
            return enclosing(&self.blocks, start)
                .first()
                .is_some_and(|&(o, _)| matches!(self.header(o), Header::Switch(_)));
        }
        before.is_empty() || before.ends_with([';', '{', '}'])
    }

    /// Whether code at `at`, in a clause of the `switch (discriminant)` whose block is
    /// `open..close`, is never reached on Windows: the discriminant is the platform
    /// (`process.platform`, `os.platform()`, `os.type()`, a name made of one) and every
    /// label a plain string, and the clause is not the one Windows enters nor reached
    /// from it by falling through.
    ///
    /// A `switch` compares its value with each `case` label in order, strict equality,
    /// and enters the first that matches, or `default` when none does, wherever
    /// `default` is written; from there it runs on through the clauses below until a
    /// statement leaves (ECMA-262, "Runtime Semantics: CaseBlockEvaluation"). So on
    /// Windows the clauses above the one entered never run, nor those below a clause
    /// between that leaves whenever it runs ([`leaves_unconditionally`]: a `break`,
    /// `return`, `throw` or `continue` at its top level); with no `'win32'` label and no
    /// `default`, none runs. A label that is not a plain string may equal `'win32'`: no.
    fn clause_off_windows(&self, discriminant: &str, open: usize, close: usize, at: usize) -> bool {
        let Some(value) = self.platform_value(discriminant, open, 0) else {
            return false;
        };
        let Some(clauses) = switch_clauses(&self.code, open, close) else {
            return false;
        };
        let Some(k) = clauses.iter().rposition(|c| c.body <= at) else {
            return false;
        };
        let mut entry = None;
        for (i, c) in clauses.iter().enumerate() {
            if let Some((from, to)) = c.label {
                let Some(label) = self.src.get(from..to).and_then(string_value) else {
                    return false;
                };
                if entry.is_none() && label == value {
                    entry = Some(i);
                }
            }
        }
        let Some(entry) = entry.or_else(|| clauses.iter().position(|c| c.label.is_none())) else {
            return true;
        };
        k < entry || (entry..k).any(|j| leaves_unconditionally(&self.code, clauses[j].body, clauses[j + 1].start))
    }

    /// Whether an earlier branch of the `if`/`else if` chain whose `else` begins at
    /// `start` is taken on Windows (so the `else` is not).
    fn chain_taken_on_windows(&self, start: usize) -> bool {
        let if_header = |open| match self.header(open) {
            Header::If(cond, if_start) => Some((cond, if_start)),
            _ => None,
        };
        chain_taken_on_windows(&self.code, &self.blocks, start, if_header, |cond, at| {
            self.eval(cond, at, 0)
        })
    }

    /// Whether the statements from offset `from` to `close` leave before `at` on Windows:
    /// `if (COND) return;`, `if (COND) { ...; return; }` (also `throw`, Mocha's
    /// `this.skip()`), `COND` true there, a statement among them (not in a block of
    /// theirs) before `at`. They are a block's (from its `{` on), a `switch` clause's, or
    /// the module's own (from its start; a CommonJS module may `return` there, node
    /// wrapping it in a function, `wrapSafe` in `lib/internal/modules/cjs/loader.js`).
    fn exits_between(&self, from: usize, close: usize, at: usize) -> bool {
        let b = self.code.as_bytes();
        let inner: Vec<(usize, usize)> = self
            .blocks
            .iter()
            .copied()
            .filter(|&(o, c)| o >= from && c < close)
            .collect();
        let top_level = |i: usize| !inner.iter().any(|&(o, c)| o < i && i <= c);
        let mut i = from;
        let end = at.min(close);
        while let Some(p) = self.code.get(i..end).and_then(|t| t.find("if")) {
            let k = i + p;
            i = k + 2;
            let word = k == 0
                || !(b[k - 1].is_ascii_alphanumeric() || b[k - 1] == b'_' || b[k - 1] == b'$' || b[k - 1] == b'.');
            let after = self.code[k + 2..].trim_start();
            if !word || !after.starts_with('(') || !top_level(k) {
                continue;
            }
            let paren = self.code.len() - after.len();
            let Some(end) = matching_paren(&self.code, paren) else {
                continue;
            };
            let cond = &self.src[paren + 1..end];
            let body = self.code[end + 1..].trim_start();
            let body_at = self.code.len() - body.len();
            if body_at >= at {
                continue;
            }
            let exits = if body.starts_with('{') {
                match self.blocks.iter().find(|&&(o, _)| o == body_at) {
                    Some(&(o, c)) if c < at => leaves(&self.code[o + 1..c], self.node_test),
                    _ => false,
                }
            } else {
                let stmt = body.split([';', '\n']).next().unwrap_or("");
                leaves(stmt, self.node_test)
            };
            if exits && self.eval(cond, k, 0) == Some(true) {
                return true;
            }
        }
        false
    }

    /// Whether the function expression beginning at `start` is a test or suite that is
    /// skipped on Windows: an argument of `it.skipIf(C)(...)` with `C` true there (or
    /// `runIf(C)` with `C` false), of `(C ? it.skip : it)(...)` or a module-level name
    /// made so, or of `test(name, { skip: C }, fn)` with `C` truthy there (also
    /// `{ skip }`, a module-level `skip` made so).
    fn skipped_test(&self, start: usize) -> bool {
        let Some(open) = self.call_around(start) else {
            return false;
        };
        // The arguments before the function: `{ skip: C }`.
        if let Some(p) = self.code[open + 1..start]
            .find("skip:")
            .or_else(|| self.code[open + 1..start].find("skip :"))
        {
            let value_start = open + 1 + p + self.code[open + 1 + p..].find(':').unwrap_or(0) + 1;
            let end = self.code[value_start..start]
                .find([',', '}'])
                .map_or(start, |q| value_start + q);
            if self.eval(&self.src[value_start..end], value_start, 0) == Some(true) {
                return true;
            }
        }
        // The same by shorthand, `{ skip }`: the property's value is the name's.
        let args = &self.code[open + 1..start];
        let shorthand = args.match_indices("skip").any(|(i, _)| {
            args[..i].trim_end().ends_with(['{', ',']) && args[i + 4..].trim_start().starts_with([',', '}'])
        });
        if shorthand && self.eval("skip", open, 0) == Some(true) {
            return true;
        }
        let callee = self.code[..open].trim_end();
        let end = callee.len();
        // Where the names of the callee's text are seen from.
        let mut scope = open;
        let callee_text = if callee.ends_with(')') {
            let Some(p) = matching_paren(&self.code, end - 1) else {
                return false;
            };
            let before = self.code[..p].trim_end();
            if before.ends_with(".skipIf") || before.ends_with(".runIf") {
                // `it.skipIf(C)(...)`.
                let cond = &self.src[p + 1..end - 1];
                return match self.eval(cond, p, 0) {
                    Some(v) => v == before.ends_with(".skipIf"),
                    None => false,
                };
            }
            if before.trim_end().is_empty() || before.ends_with(['(', ',', ';', '=', '{', '}']) {
                // `(C ? it.skip : it)(...)`.
                self.src[p + 1..end - 1].to_owned()
            } else {
                // `itIf(C)(...)`: what the module's chooser returns for `C`.
                let (name, w) = word_before(&self.code, before.len());
                match self.test_chooser(name, w) {
                    Some((param, body)) => substitute(&body, &param, &format!("({})", &self.src[p + 1..end - 1])),
                    None => return false,
                }
            }
        } else {
            let (name, _) = word_before(&self.code, end);
            match self.constant(name, open) {
                Some(value) => {
                    // A module-level constant's value.
                    scope = 0;
                    value.clone()
                }
                None => return false,
            }
        };
        self.skips(&callee_text, scope, 0)
    }

    /// The parameter and the returned expression's text of a function of the module that
    /// chooses a test function by its one argument: `const itIf = (c) => (c ? it :
    /// it.skip)`, `const skipOn = c => c ? it.skip : it`, `function itWhen(c) { return c
    /// ? test : test.skip; }`, declared once outside every block, never assigned again
    /// nor hidden where it is called, at `at`, by another declaration of its name
    /// ([`Js::hiding_scopes`]). So `itIf(C)('t', fn)` runs a test only where `C` is
    /// truthy: the common Jest and Mocha idiom for a test skipped on some platforms
    /// (node:test's `it` and `it.skip` are alike).
    fn test_chooser(&self, name: &str, at: usize) -> Option<(String, String)> {
        if name.is_empty() || !name.bytes().all(is_ident) {
            return None;
        }
        let b = self.code.as_bytes();
        let mut found = None;
        for (i, _) in self.code.match_indices(name) {
            let end = i + name.len();
            if (i > 0 && (is_ident(b[i - 1]) || b[i - 1] == b'.')) || b.get(end).is_some_and(|&c| is_ident(c)) {
                continue;
            }
            let (keyword, _) = word_before(&self.code, i);
            if !matches!(keyword, "const" | "let" | "var" | "function") {
                continue;
            }
            if found.is_some() || self.blocks.iter().any(|&(o, c)| o < i && i < c) {
                return None;
            }
            found = Some((keyword, i, end));
        }
        let (keyword, declared, end) = found?;
        let declared_with_value = usize::from(keyword != "function");
        let hidden = self
            .hiding_scopes(name, declared)
            .iter()
            .any(|&(o, c)| o <= at && at <= c);
        if self.assignments(name) != declared_with_value || hidden {
            return None;
        }
        // Where the function's parameters begin.
        let mut expression = false;
        let params = if keyword == "function" {
            self.code[end..].trim_start()
        } else {
            let value = self.code[end..].trim_start().strip_prefix('=')?.trim_start();
            match value.strip_prefix("function") {
                // `function [name](c) {`.
                Some(rest) => rest
                    .trim_start()
                    .trim_start_matches(|c: char| is_ident(c as u8))
                    .trim_start(),
                None => {
                    expression = true;
                    value
                }
            }
        };
        let params_at = self.code.len() - params.len();
        let (param, after) = if params.starts_with('(') {
            let close = matching_paren(&self.code, params_at)?;
            let inner = &self.code[params_at + 1..close];
            (inner.split(':').next().unwrap_or("").trim(), close + 1)
        } else {
            let len = params.bytes().position(|c| !is_ident(c)).unwrap_or(params.len());
            (&params[..len], params_at + len)
        };
        if param.is_empty() || !param.bytes().all(is_ident) {
            return None;
        }
        let mut rest = self.code[after..].trim_start();
        let arrow = rest.starts_with("=>");
        if arrow {
            rest = rest[2..].trim_start();
        } else if expression {
            return None;
        }
        let body_at = self.code.len() - rest.len();
        let expr = if rest.starts_with('{') {
            // `{ return EXPR; }`, one statement.
            let &(o, c) = self.blocks.iter().find(|&&(o, _)| o == body_at)?;
            let from = c - self.code[o + 1..c].trim_start().len();
            let returned = self.code[from..c].strip_prefix("return")?;
            if returned.starts_with(|c: char| is_ident(c as u8)) {
                return None;
            }
            let returned = returned.trim_end();
            let returned = returned.strip_suffix(';').unwrap_or(returned);
            if returned.contains(';') {
                return None;
            }
            self.src
                .get(from + "return".len()..from + "return".len() + returned.len())?
        } else if arrow {
            // An arrow's expression, to the end of its statement.
            let mut depth = 0i32;
            let len = rest
                .bytes()
                .position(|c| {
                    match c {
                        b'(' | b'[' | b'{' => depth += 1,
                        b')' | b']' | b'}' => depth -= 1,
                        _ => {}
                    }
                    depth < 0 || (depth == 0 && (c == b';' || c == b'\n' || c == b','))
                })
                .unwrap_or(rest.len());
            self.src.get(body_at..body_at + len)?
        } else {
            return None;
        };
        Some((param.to_owned(), expr.trim().to_owned()))
    }

    /// The `(` of the call whose argument list holds the function expression beginning
    /// at `start`: the nearest unmatched `(` before it, with no `[`, `{` or `;` between.
    fn call_around(&self, start: usize) -> Option<usize> {
        let b = self.code.as_bytes();
        let mut depth = 0usize;
        for i in (0..start).rev() {
            match b[i] {
                b')' | b']' | b'}' => depth += 1,
                b'(' | b'[' | b'{' if depth > 0 => depth -= 1,
                b'(' => return Some(i),
                b'[' | b'{' | b';' => return None,
                _ => {}
            }
        }
        None
    }

    /// Whether the function expression beginning at `start` is a Mocha test's: an
    /// argument of `it(...)` or `specify(...)` (also `.only`).
    fn is_mocha_test(&self, start: usize) -> bool {
        self.call_around(start).is_some_and(|open| {
            matches!(
                word_before(&self.code, open).0,
                "it" | "specify" | "it.only" | "specify.only"
            )
        })
    }

    /// Whether the suite whose body is the block `open..close` has, among its own
    /// statements, a `before` or `beforeEach` hook that calls Mocha's `this.skip()` on
    /// Windows: `before(function () { if (isWindows) this.skip(); })`. Mocha marks every
    /// test of such a suite, and of the suites inside it, pending and runs none of them
    /// (`this.skip()` in a hook: the "Inclusive tests" section of Mocha's documentation;
    /// `Runner#hook` in `lib/runner.js`). The hook's `if` must be at its top level,
    /// with a condition true on Windows and a body that calls `this.skip()`. Only Mocha's
    /// hooks, its globals or taken from `mocha`: `node:test` also has `before` and
    /// `beforeEach`, and there `this.skip()` in `beforeEach` reports the test skipped but
    /// still runs its body (`TestContext#skip` only marks it; measured with Node 20 and
    /// 24); a file that names `node:test`, or takes the hooks from another module, is not
    /// read so.
    fn suite_skipped_by_hook(&self, open: usize, close: usize) -> bool {
        if self.node_test || self.hooks_imported_from_elsewhere() {
            return false;
        }
        let b = self.code.as_bytes();
        let inner: Vec<(usize, usize)> = self
            .blocks
            .iter()
            .copied()
            .filter(|&(o, c)| o > open && c < close)
            .collect();
        let top_level = |i: usize| !inner.iter().any(|&(o, c)| o < i && i <= c);
        let body = &self.code[open + 1..close];
        for hook in ["before", "beforeEach"] {
            for (p, _) in body.match_indices(hook) {
                let k = open + 1 + p;
                let after = self.code[k + hook.len()..].trim_start();
                let word_start = k == 0
                    || !(b[k - 1].is_ascii_alphanumeric() || b[k - 1] == b'_' || b[k - 1] == b'$' || b[k - 1] == b'.');
                if !word_start || !after.starts_with('(') || !top_level(k) {
                    continue;
                }
                let paren = self.code.len() - after.len();
                let Some(end) = matching_paren(&self.code, paren) else {
                    continue;
                };
                // The hook's function: the outermost block inside its parentheses.
                let Some(&(ho, hc)) = inner.iter().filter(|&&(o, c)| o > paren && c < end).min_by_key(|x| x.0) else {
                    continue;
                };
                if !matches!(self.header(ho), Header::Function(_)) {
                    continue;
                }
                if self.hook_skips(ho, hc) {
                    return true;
                }
            }
        }
        false
    }

    /// Whether `before` or `beforeEach` is taken by name from a module other than
    /// `mocha`: `import { before } from 'vitest'`, `const { beforeEach } =
    /// require('test')`.
    fn hooks_imported_from_elsewhere(&self) -> bool {
        self.code.match_indices('{').any(|(i, _)| {
            let Some(close) = self.code[i..].find('}').map(|c| i + c) else {
                return false;
            };
            let names = &self.code[i + 1..close];
            let hooks = names.split(',').any(|n| {
                let n = n.split(':').next().unwrap_or("").trim();
                n == "before" || n == "beforeEach"
            });
            let after = self.src[close + 1..].trim_start();
            let module = after
                .strip_prefix("from")
                .or_else(|| {
                    after
                        .strip_prefix('=')
                        .map(|a| a.trim_start())
                        .and_then(|a| a.strip_prefix("require("))
                })
                .map(str::trim_start);
            hooks && module.is_some_and(|m| !["'mocha'", "\"mocha\""].iter().any(|q| m.starts_with(q)))
        })
    }

    /// Whether the hook whose body is the block `open..close` calls `this.skip()` on
    /// Windows from an `if` at its top level: `if (C) this.skip();`, `if (C) return
    /// this.skip();` or `if (C) { this.skip(); }`, `C` true there.
    fn hook_skips(&self, open: usize, close: usize) -> bool {
        let b = self.code.as_bytes();
        let inner: Vec<(usize, usize)> = self
            .blocks
            .iter()
            .copied()
            .filter(|&(o, c)| o > open && c < close)
            .collect();
        let top_level = |i: usize| !inner.iter().any(|&(o, c)| o < i && i <= c);
        let mut i = open + 1;
        while let Some(p) = self.code.get(i..close).and_then(|t| t.find("if")) {
            let k = i + p;
            i = k + 2;
            let word = !(b[k - 1].is_ascii_alphanumeric() || b[k - 1] == b'_' || b[k - 1] == b'$' || b[k - 1] == b'.');
            let after = self.code[k + 2..].trim_start();
            if !word || !after.starts_with('(') || !top_level(k) {
                continue;
            }
            let paren = self.code.len() - after.len();
            let Some(end) = matching_paren(&self.code, paren).filter(|&e| e < close) else {
                continue;
            };
            let body = self.code[end + 1..close].trim_start();
            let body_at = close - body.len();
            let stmt = if body.starts_with('{') {
                match inner.iter().find(|&&(o, _)| o == body_at) {
                    Some(&(o, c)) => &self.code[o + 1..c],
                    None => continue,
                }
            } else {
                body.split([';', '\n']).next().unwrap_or("")
            };
            let skips = !stmt.contains('{') && stmt.contains("this.skip(");
            if skips && self.eval(&self.src[paren + 1..end], paren, 0) == Some(true) {
                return true;
            }
        }
        false
    }

    /// Whether `expr` (a test function chosen by platform: `C ? it.skip : it`) is a
    /// skipped one on Windows.
    fn skips(&self, expr: &str, at: usize, depth: u32) -> bool {
        let e = strip_parens(expr.trim());
        if depth > 8 {
            return false;
        }
        if let Some((cond, yes, no)) = ternary(e) {
            return match self.eval(cond, at, depth + 1) {
                Some(true) => self.skips(yes, at, depth + 1),
                Some(false) => self.skips(no, at, depth + 1),
                None => false,
            };
        }
        e.ends_with(".skip") || self.constant(e, at).is_some_and(|v| self.skips(v, 0, depth + 1))
    }

    /// `expr` evaluated on Windows, as a truth value: `Some(true)`, `Some(false)`, or
    /// `None` when it depends on anything else.
    fn eval(&self, expr: &str, at: usize, depth: u32) -> Option<bool> {
        if depth > 16 {
            return None;
        }
        let e = strip_parens(expr.trim());
        if let Some((cond, yes, no)) = ternary(e) {
            let (y, n) = (self.eval(yes, at, depth + 1), self.eval(no, at, depth + 1));
            return match self.eval(cond, at, depth + 1) {
                Some(true) => y,
                Some(false) => n,
                None if y == n => y,
                None => None,
            };
        }
        let ors = split_top(e, "||");
        if ors.len() > 1 {
            return any_of(ors.iter().map(|x| self.eval(x, at, depth + 1)));
        }
        let ands = split_top(e, "&&");
        if ands.len() > 1 {
            return all_of(ands.iter().map(|x| self.eval(x, at, depth + 1)));
        }
        if let Some(rest) = e.strip_prefix('!') {
            if !rest.starts_with('=') {
                return self.eval(rest, at, depth + 1).map(|v| !v);
            }
        }
        for (op, equal) in [("!==", false), ("===", true), ("!=", false), ("==", true)] {
            if let Some((l, r)) = split_once_top(e, op) {
                let (l, r) = (l.trim(), r.trim());
                let value = self
                    .platform_value(l, at, depth + 1)
                    .zip(string_value(r))
                    .or_else(|| self.platform_value(r, at, depth + 1).zip(string_value(l)));
                return value.map(|(actual, literal)| (actual == literal) == equal);
            }
        }
        match e {
            "true" => return Some(true),
            "false" | "null" | "undefined" | "0" | "''" | "\"\"" => return Some(false),
            _ => {}
        }
        if string_value(e).is_some_and(|s| !s.is_empty()) {
            return Some(true);
        }
        let compact: String = e.chars().filter(|c| !c.is_whitespace()).collect();
        let platform = ["process.platform", "os.platform()", "process.platform.toLowerCase()"];
        for p in platform {
            if compact == format!("{p}.startsWith('win')") || compact == format!("{p}.startsWith(\"win\")") {
                return Some(true);
            }
            if compact == format!("/^win/.test({p})") || compact == format!("/^win32/.test({p})") {
                return Some(true);
            }
        }
        if e.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'$') {
            if let Some(v) = self.constant(e, at) {
                return self.eval(v, 0, depth + 1);
            }
        }
        None
    }

    /// The value on Windows of an expression naming the platform, from node's
    /// documentation and its `lib/` modules:
    /// * `process.platform` and `os.platform()` are `'win32'` (nodejs.org/api/process.html,
    ///   "process.platform"; `lib/os.js` returns `process.platform`);
    /// * `os.type()` is `'Windows_NT'` (api/os.html, "os.type()": the name `uname`
    ///   gives, which libuv's `uv_os_uname` makes `Windows_NT` there);
    /// * `os.EOL` is `'\r\n'` (api/os.html, "os.EOL": `\n` on POSIX; `lib/os.js`
    ///   chooses it by `isWindows`);
    /// * `path.sep` is `'\\'` and `path.delimiter` `';'` (api/path.html, "path.sep",
    ///   "path.delimiter": `/` and `:` on POSIX; `lib/path.js` exports its `win32`
    ///   object on Windows). `path.posix` and `path.win32` are the same everywhere: not
    ///   taken.
    ///
    /// Also through `require('os')` (or `'node:os'`) in place of `os`, and a name the
    /// module binds to one of them or to the functions `os.platform` and `os.type`
    /// (`const { platform } = process`, `import { type } from 'node:os'`, `const plat =
    /// os.platform()`).
    fn platform_value(&self, e: &str, at: usize, depth: u32) -> Option<&'static str> {
        if depth > 16 {
            return None;
        }
        let compact: String = strip_parens(e.trim()).chars().filter(|c| !c.is_whitespace()).collect();
        // `require('os').platform()`: `os.platform()`.
        let compact = match compact
            .find(").")
            .and_then(|p| Some((node_module_named(&compact[..=p])?, p)))
        {
            Some((module, p)) => format!("{module}{}", &compact[p + 1..]),
            None => compact,
        };
        match compact.as_str() {
            "process.platform" | "os.platform()" => return Some("win32"),
            "os.type()" => return Some("Windows_NT"),
            "os.EOL" => return Some("\r\n"),
            "path.sep" => return Some("\\"),
            "path.delimiter" => return Some(";"),
            _ => {}
        }
        let (name, call) = match compact.strip_suffix("()") {
            Some(name) => (name, "()"),
            None => (compact.as_str(), ""),
        };
        if !name.is_empty() && name.bytes().all(is_ident) {
            if let Some(v) = self.constant(name, at) {
                return self.platform_value(&format!("{v}{call}"), 0, depth + 1);
            }
        }
        None
    }
}

/// What introduces a block.
#[derive(Debug, PartialEq)]
enum Header {
    If(String, usize),
    Else(usize),
    Function(usize),
    /// `switch (x) {`: the discriminant's text.
    Switch(String),
    Other,
}

/// Whether a statement or block body always leaves: `return`, `throw`, Mocha's
/// `this.skip()` (unless `this_skip_goes_on`), `process.exit()` (which ends the process:
/// node's `process.reallyExit` does not return), at its top level.
fn leaves(body: &str, this_skip_goes_on: bool) -> bool {
    let words = |w: &str| {
        body.match_indices(w).any(|(i, _)| {
            let before = body[..i].chars().next_back();
            let after = body[i + w.len()..].chars().next();
            !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$' || c == '.')
                && !after.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$')
        })
    };
    let exits = body.match_indices("process.exit").any(|(i, _)| {
        let before = body[..i].chars().next_back();
        !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$' || c == '.')
            && body[i + "process.exit".len()..].trim_start().starts_with('(')
    });
    let skips = !this_skip_goes_on && body.contains("this.skip()");
    !body.contains('{') && (words("return") || words("throw") || skips || exits)
}

/// `module.rest` for `require('module').rest` (also `require("node:module")`) of one of
/// node's modules `process`, `os` and `path`; `None` for anything else.
fn node_module_named(compact: &str) -> Option<&'static str> {
    for module in ["process", "os", "path"] {
        for q in ['\'', '"'] {
            for prefix in ["", "node:"] {
                if compact == format!("require({q}{prefix}{module}{q})") {
                    return Some(module);
                }
            }
        }
    }
    None
}

/// For each name of masked `code`, in how many places it is assigned: written as a
/// whole word (not a property, `.name`) followed by `=` (not `==`), a compound assignment
/// or `++`/`--`, or preceded by `++`/`--`.
fn assignment_counts(code: &str) -> HashMap<String, usize> {
    let b = code.as_bytes();
    let mut out: HashMap<String, usize> = HashMap::new();
    let mut i = 0;
    while i < b.len() {
        if !is_ident(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && is_ident(b[i]) {
            i += 1;
        }
        if start > 0 && b[start - 1] == b'.' {
            continue;
        }
        let after = code[i..].trim_start();
        let before = code[..start].trim_end();
        let assigned = (after.starts_with('=') && !after.starts_with("=="))
            || ["+=", "-=", "*=", "/=", "||=", "&&=", "??=", "++", "--"]
                .iter()
                .any(|op| after.starts_with(op))
            || before.ends_with("++")
            || before.ends_with("--");
        if assigned {
            *out.entry(code[start..i].to_owned()).or_default() += 1;
        }
    }
    out
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'$'
}

/// The offset of the `(`, `[` or `{` that is open at offset `at` of `code` (literals and
/// comments masked), searching back; `None` at a `;` outside brackets or the start.
fn unmatched_opener(code: &str, at: usize) -> Option<usize> {
    let b = code.as_bytes();
    let mut depth = 0usize;
    for i in (0..at).rev() {
        match b[i] {
            b')' | b']' | b'}' => depth += 1,
            b'(' | b'[' | b'{' if depth > 0 => depth -= 1,
            b'(' | b'[' | b'{' => return Some(i),
            b';' if depth == 0 => return None,
            _ => {}
        }
    }
    None
}

/// The value of a plain string literal: `'...'`, `"..."` or a template without
/// substitutions, its escapes `\\`, `\'`, `\"`, `` \` ``, `\n`, `\r`, `\t`, `\0` (not before
/// a digit) and a character escaped for itself decoded (ECMA-262, "String Literals");
/// `None` for anything else (a `\x`, `\u` or line continuation escape among them).
fn string_value(e: &str) -> Option<String> {
    let e = e.trim();
    let q = e.chars().next()?;
    if !matches!(q, '\'' | '"' | '`') || e.len() < 2 || !e.ends_with(q) {
        return None;
    }
    let inner = &e[1..e.len() - 1];
    if q == '`' && inner.contains("${") {
        return None;
    }
    let mut out = String::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c == q {
            return None;
        }
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            '0' if !chars.peek().is_some_and(char::is_ascii_digit) => out.push('\0'),
            c @ ('\\' | '\'' | '"' | '`') => out.push(c),
            c if c.is_ascii_alphanumeric() || c == '\n' || c == '\r' => return None,
            c => out.push(c),
        }
    }
    Some(out)
}

/// `text` with each whole word `name` outside string literals replaced by `with`.
fn substitute(text: &str, name: &str, with: &str) -> String {
    let code = mask(text);
    let b = code.as_bytes();
    let mut out = String::new();
    let mut last = 0;
    for (i, _) in code.match_indices(name) {
        let end = i + name.len();
        // (Not the `x`s a literal was masked with.)
        if i < last
            || text.as_bytes().get(i..end) != Some(name.as_bytes())
            || (i > 0 && (is_ident(b[i - 1]) || b[i - 1] == b'.'))
            || b.get(end).is_some_and(|&c| is_ident(c))
        {
            continue;
        }
        out.push_str(&text[last..i]);
        out.push_str(with);
        last = end;
    }
    out.push_str(&text[last..]);
    out
}

/// `cond ? yes : no` at the top level of `e`.
fn ternary(e: &str) -> Option<(&str, &str, &str)> {
    let (cond, rest) = split_once_top(e, "?")?;
    if rest.starts_with(['.', '?']) || cond.ends_with('?') {
        // Optional chaining or `??`.
        return None;
    }
    let (yes, no) = split_once_top(rest, ":")?;
    Some((cond, yes, no))
}

/// The offset in `src` of the first character of line `line` (1-based) that is not
/// indentation; `None` past the end.
fn line_start(src: &str, line: usize) -> Option<usize> {
    let start = match line.checked_sub(1)? {
        0 => 0,
        n => src.match_indices('\n').nth(n - 1).map(|(i, _)| i + 1)?,
    };
    let text = &src[start..];
    let at = start + (text.len() - text.trim_start_matches([' ', '\t']).len());
    (at < src.len()).then_some(at)
}

/// Whether line `line` (1-based) of the JavaScript source `src` runs only where the
/// platform is not Windows.
pub fn line_is_posix_only(src: &str, line: usize) -> bool {
    Js::new(src.into()).line_is_posix_only(line)
}

impl Js {
    /// [`line_is_posix_only`], of this source.
    fn line_is_posix_only(&self, line: usize) -> bool {
        line_start(&self.src, line).is_some_and(|at| self.posix_only_at(at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assignments_counted_in_one_pass() {
        let src = "var a = 1;\nlet ab = 2;\nif (a == 2) a += 1;\no.a = 3;\nb = a;\n++a;\nab--;\nconst s = 'a = 4';\nx.ab++;\n";
        let counts = assignment_counts(&mask(src));
        // `a = 1`, `a += 1`, `++a`; not `a == 2`, `o.a = 3`, the string, `b = a`.
        assert_eq!(counts.get("a"), Some(&3));
        // `ab = 2`, `ab--`; not `x.ab++`.
        assert_eq!(counts.get("ab"), Some(&2));
        assert_eq!(counts.get("b"), Some(&1));
        assert_eq!(counts.get("s"), Some(&1));
        assert_eq!(counts.get("o"), None);
        let js = Js::new(src.into());
        assert!(js.assigned_more_than_once("a"));
        assert_eq!(js.assignments("x"), 0);
    }

    #[test]
    fn in_a_block_by_the_outermost_blocks() {
        let js = Js::new("a;\nf() { g() { h; } i; }\nj;\nk() { }\n".into());
        let at = |t: &str| js.src.find(t).unwrap();
        assert!(!js.in_a_block(at("a;")));
        assert!(js.in_a_block(at("h;")));
        assert!(js.in_a_block(at("i;")));
        assert!(!js.in_a_block(at("j;")));
        assert!(!js.in_a_block(at("k()")));
    }

    #[test]
    fn try_catch_around_a_line() {
        let src = r#"
function a() {
  try {
    fs.unlinkSync(p); // caught
  } catch (e) {
    console.log('no: throw', e);
  }
  try {
    if (x) {
      fs.unlinkSync(p); // nested block
    }
  } catch {
  }
  try {
    fs.unlinkSync(p); // rethrown
  } catch (e) {
    if (e.code !== 'ENOENT') throw e;
  }
  try {
    try {
      fs.unlinkSync(p); // finally, then catch
    } finally {
      done();
    }
  } catch (err) { }
  try {
    setTimeout(() => fs.unlinkSync(p)); // an arrow
  } catch {}
  try {
    f(a,
      fs.unlinkSync(p)); // continued
  } catch {}
  fs.unlinkSync(p); // none
}
async function b() {
  fs.unlinkSync(p); // async
}
const c = () => {
  fs.unlinkSync(p); // arrow body
};
fs.unlinkSync(p); // top level
"#;
        let at = |marker: &str| catch_at(src, src.lines().position(|l| l.contains(marker)).expect(marker) + 1);
        assert_eq!(at("// caught"), JsCatch::Caught("catch (e)".into()));
        assert_eq!(at("// nested block"), JsCatch::Caught("catch".into()));
        assert_eq!(at("// rethrown"), JsCatch::Doubtful);
        assert_eq!(at("// finally, then catch"), JsCatch::Caught("catch (err)".into()));
        assert_eq!(at("// an arrow"), JsCatch::Doubtful);
        assert_eq!(at("// continued"), JsCatch::Doubtful);
        assert_eq!(at("// none"), JsCatch::Passed);
        assert_eq!(at("// async"), JsCatch::Doubtful);
        assert_eq!(at("// arrow body"), JsCatch::Passed);
        assert_eq!(at("// top level"), JsCatch::Doubtful);
    }

    /// Whether the line holding `marker` is POSIX-only.
    fn posix_only(src: &str, marker: &str) -> bool {
        let line = src.lines().position(|l| l.contains(marker)).expect(marker) + 1;
        line_is_posix_only(src, line)
    }

    #[test]
    fn literals_and_comments_are_masked_in_place() {
        let src = "a = '{' + \"}\" // {\n/* } */ b = `x${ {c: 1}.c }y{` / 2; r = /[}/]{/.test(s);\n";
        let m = mask(src);
        assert_eq!(m.len(), src.len());
        assert_eq!(m.matches('{').count(), m.matches('}').count(), "{m}");
        assert!(m.contains("{c: 1}"), "{m}");
        assert!(!m.contains("//"), "{m}");
        assert!(m.contains("/ 2"), "{m}");
    }

    #[test]
    fn platform_branches() {
        let src = r#"
const fs = require('fs');
const isWin = process.platform === 'win32';
const isPosix = !isWin;
if (process.platform !== 'win32') {
  fs.unlinkSync(a); // ne
}
if (process.platform === 'win32') {
  other();
} else {
  fs.unlinkSync(a); // the else
}
if (process.platform === 'linux') {
  fs.unlinkSync(a); // linux
} else if (isWin) {
  x();
} else {
  fs.unlinkSync(a); // else of else-if
}
if (isPosix && fs.existsSync(a)) {
  fs.unlinkSync(a); // posix and
}
if (isWin || other) {
  fs.unlinkSync(a); // win or
}
if (other) {
  fs.unlinkSync(a); // unknown
}
if (os.platform() != "win32") fs.unlinkSync(a); // one line
if (!process.platform.startsWith('win')) {
  fs.unlinkSync(a); // starts with
}
if (process.platform === 'darwin' || process.platform === 'linux') {
  fs.unlinkSync(a); // darwin or linux
}
fs.unlinkSync(a); // plain
"#;
        assert!(posix_only(src, "// ne"));
        assert!(posix_only(src, "// the else"));
        assert!(posix_only(src, "// linux"));
        assert!(posix_only(src, "// else of else-if"));
        assert!(posix_only(src, "// posix and"));
        assert!(!posix_only(src, "// win or"));
        assert!(!posix_only(src, "// unknown"));
        assert!(posix_only(src, "// starts with"));
        assert!(posix_only(src, "// darwin or linux"));
        assert!(!posix_only(src, "// plain"));
    }

    #[test]
    fn bodies_without_braces() {
        let src = r#"
const isWindows = process.platform === 'win32';
if (!isWindows)
  fs.unlinkSync(a); // next line
if (process.platform !== 'win32') fs.unlinkSync(a); // one line
if (process.platform !== 'win32') { fs.unlinkSync(a); } // braces on one line
if (isWindows) x();
else
  fs.unlinkSync(a); // braceless else
if (isWindows) x(); else fs.unlinkSync(a); // else on the line
if (other)
  fs.unlinkSync(a); // unknown
foo(bar)
fs.unlinkSync(a); // after a call
"#;
        assert!(posix_only(src, "// next line"));
        assert!(posix_only(src, "// one line"));
        assert!(posix_only(src, "// braces on one line"));
        assert!(!posix_only(src, "// braceless else"));
        assert!(!posix_only(src, "// else on the line"));
        assert!(!posix_only(src, "// unknown"));
        assert!(!posix_only(src, "// after a call"));
        // A call in the condition of an `if` whose block goes on below runs everywhere.
        let cond = "if (fs.existsSync(a) && process.platform === 'darwin') { // condition\n  x();\n}\n";
        assert!(!posix_only(cond, "// condition"));
    }

    #[test]
    fn leaving_early_on_windows() {
        let src = r#"
function a(p) {
  if (process.platform === 'win32') return;
  fs.unlinkSync(p); // after return
}
function b(p) {
  if (isWindows) {
    log('skip');
    return false;
  }
  fs.unlinkSync(p); // after block return
}
const isWindows = process.platform === 'win32';
function c(p) {
  if (isWindows) {
    log('no return');
  }
  fs.unlinkSync(p); // no return
}
function d(p) {
  fs.unlinkSync(p); // before return
  if (isWindows) return;
}
function e(p) {
  if (isWindows) {
    for (const x of y) { return; }
  }
  fs.unlinkSync(p); // return in a loop
}
it('works', function () {
  if (process.platform === 'win32') this.skip();
  fs.unlinkSync(p); // mocha skip
});
"#;
        assert!(posix_only(src, "// after return"));
        assert!(posix_only(src, "// after block return"));
        assert!(!posix_only(src, "// no return"));
        assert!(!posix_only(src, "// before return"));
        assert!(!posix_only(src, "// return in a loop"));
        assert!(posix_only(src, "// mocha skip"));
        let node_test = format!("import {{ it }} from 'node:test';\n{src}");
        assert!(
            !posix_only(&node_test, "// mocha skip"),
            "node:test's this.skip() goes on"
        );
        assert!(posix_only(&node_test, "// after return"));
    }

    #[test]
    fn a_hoisted_function_is_not_left_by_its_parent_returning() {
        let src = r#"
const isWindows = process.platform === 'win32';
function outer() {
  if (isWindows) return inner;
  function inner() {
    fs.unlinkSync(p); // hoisted
  }
  const later = () => {
    fs.unlinkSync(p); // never made on windows
  };
  return inner;
}
describe('suite', function () {
  if (isWindows) return;
  it('posix', function () {
    fs.unlinkSync(p); // registered off windows only
  });
});
"#;
        assert!(!posix_only(src, "// hoisted"));
        assert!(posix_only(src, "// never made on windows"));
        assert!(posix_only(src, "// registered off windows only"));
    }

    #[test]
    fn tests_skipped_on_windows() {
        let src = r#"
import { it, test, describe } from 'vitest';
const isWindows = process.platform === 'win32';
const itPosix = isWindows ? it.skip : it;
it.skipIf(isWindows)('skipif', () => {
  fs.unlinkSync(p); // skipIf
});
it.runIf(process.platform !== 'win32')('runif', async () => {
  fs.unlinkSync(p); // runIf
});
describe.skipIf(process.platform === 'win32')('suite', () => {
  it('inner', () => {
    fs.unlinkSync(p); // in a skipped suite
  });
});
test('node test', { skip: isWindows && 'no delete sharing' }, (t) => {
  fs.unlinkSync(p); // node:test skip
});
test('node test 2', { skip: process.platform === 'win32' ? 'posix only' : false }, async function (t) {
  fs.unlinkSync(p); // node:test ternary
});
(isWindows ? it.skip : it)('inline', () => {
  fs.unlinkSync(p); // inline ternary
});
itPosix('named', () => {
  fs.unlinkSync(p); // named
});
it.skipIf(process.platform === 'linux')('wrong way', () => {
  fs.unlinkSync(p); // skipped on linux
});
test('plain', { timeout: 5 }, () => {
  fs.unlinkSync(p); // plain test
});
"#;
        for m in [
            "// skipIf",
            "// runIf",
            "// in a skipped suite",
            "// node:test skip",
            "// node:test ternary",
            "// inline ternary",
            "// named",
        ] {
            assert!(posix_only(src, m), "{m}");
        }
        assert!(!posix_only(src, "// skipped on linux"));
        assert!(!posix_only(src, "// plain test"));
    }

    #[test]
    fn tests_chosen_by_a_function_of_the_module() {
        let src = r#"
const isWindows = process.platform === 'win32';
const itIf = (condition) => (condition ? it : it.skip);
const skipOn = c => c ? it.skip : it;
function itWhen(c) {
  return c ? test : test.skip;
}
const describeIf = function (c: boolean) { return c ? describe : describe.skip; };
let later = (c) => (c ? it : it.skip);
later = (c) => it;
const twoStatements = (c) => { log(c); return c ? it : it.skip; };
itIf(process.platform !== 'win32')('a', () => {
  fs.unlinkSync(p); // itIf
});
skipOn(isWindows)('b', () => {
  fs.unlinkSync(p); // skipOn
});
itWhen(!isWindows)('c', async () => {
  fs.unlinkSync(p); // itWhen
});
describeIf(!isWindows)('d', () => {
  it('e', () => {
    fs.unlinkSync(p); // describeIf
  });
});
itIf(isWindows)('f', () => {
  fs.unlinkSync(p); // itIf on windows
});
skipOn(process.platform === 'linux')('g', () => {
  fs.unlinkSync(p); // skipped on linux
});
itIf(process.env.CI)('h', () => {
  fs.unlinkSync(p); // unknown
});
later(!isWindows)('i', () => {
  fs.unlinkSync(p); // assigned again
});
twoStatements(!isWindows)('j', () => {
  fs.unlinkSync(p); // two statements
});
unknown(!isWindows)('k', () => {
  fs.unlinkSync(p); // not declared
});
"#;
        for m in ["// itIf", "// skipOn", "// itWhen", "// describeIf"] {
            assert!(posix_only(src, m), "{m}");
        }
        for m in [
            "// itIf on windows",
            "// skipped on linux",
            "// unknown",
            "// assigned again",
            "// two statements",
            "// not declared",
        ] {
            assert!(!posix_only(src, m), "{m}");
        }
        let inner = "function f() {\n  const itIf = (c) => (c ? it : it.skip);\n}\nitIf(process.platform !== 'win32')('a', () => {\n  rm(); // here\n});\n";
        assert!(!posix_only(inner, "// here"), "a function's own chooser");
    }

    #[test]
    fn skip_option_by_shorthand() {
        let src = r#"
const skip = process.platform === 'win32' && 'no delete sharing';
t.test('tap subtest', { skip }, async (t) => {
  fs.unlinkSync(p); // shorthand
});
test('first of several', { skip, timeout: 5 }, () => {
  fs.unlinkSync(p); // shorthand first
});
test('skipped elsewhere', { noskip }, () => {
  fs.unlinkSync(p); // another name
});
"#;
        assert!(posix_only(src, "// shorthand"));
        assert!(posix_only(src, "// shorthand first"));
        assert!(!posix_only(src, "// another name"));
        let linux = "const skip = process.platform === 'linux';\ntest('t', { skip }, () => {\n  fs.unlinkSync(p); // here\n});\n";
        assert!(!posix_only(linux, "// here"));
        let unknown = "const skip = !process.env.CI;\ntest('t', { skip }, () => {\n  fs.unlinkSync(p); // here\n});\n";
        assert!(!posix_only(unknown, "// here"));
    }

    #[test]
    fn mocha_suites_skipped_by_a_hook() {
        let src = r#"
const isWindows = process.platform === 'win32';
describe('posix only', function () {
  before(function () {
    if (isWindows) this.skip();
  });
  after(function () {
    fs.rmSync(dir, { recursive: true }); // after hook
  });
  it('removes', function () {
    fs.unlinkSync(p); // in a test
  });
  describe('inner', () => {
    it('removes too', async () => {
      fs.unlinkSync(p); // in an inner suite
    });
  });
  function helper() {
    fs.unlinkSync(p); // helper
  }
});
describe('each', function () {
  beforeEach(function () {
    if (process.platform === 'win32') {
      return this.skip();
    }
  });
  it('removes', () => {
    fs.unlinkSync(p); // beforeEach skip
  });
});
describe('linux skipped', function () {
  before(function () {
    if (process.platform === 'linux') this.skip();
  });
  it('removes', () => {
    fs.unlinkSync(p); // skipped on linux
  });
});
describe('nested hook', function () {
  describe('other', function () {
    before(function () {
      if (isWindows) this.skip();
    });
  });
  it('removes', () => {
    fs.unlinkSync(p); // sibling suite's hook
  });
});
describe('conditional hook', function () {
  if (process.env.X) {
    before(function () {
      if (isWindows) this.skip();
    });
  }
  it('removes', () => {
    fs.unlinkSync(p); // hook under a condition
  });
});
describe('return only', function () {
  before(function () {
    if (isWindows) return;
  });
  it('removes', () => {
    fs.unlinkSync(p); // hook returns
  });
});
"#;
        assert!(posix_only(src, "// in a test"));
        assert!(posix_only(src, "// in an inner suite"));
        let mocha = format!("const {{ describe, before, it }} = require('mocha');\n{src}");
        assert!(posix_only(&mocha, "// in a test"));
        for other in [
            "import { describe, before, beforeEach, it } from 'node:test';",
            "const { describe, before, beforeEach, it } = require('test');",
            "import { before, beforeEach } from 'vitest';",
        ] {
            let other = format!("{other}\n{src}");
            assert!(!posix_only(&other, "// in a test"), "{other}");
            assert!(!posix_only(&other, "// beforeEach skip"), "{other}");
        }
        assert!(posix_only(src, "// beforeEach skip"));
        for m in [
            "// after hook",
            "// helper",
            "// skipped on linux",
            "// sibling suite's hook",
            "// hook under a condition",
            "// hook returns",
        ] {
            assert!(!posix_only(src, m), "{m}");
        }
    }

    #[test]
    fn a_module_left_early_on_windows() {
        let tap = r#"
const t = require('tap');
fs.writeFileSync(p, 'x'); // before
if (process.platform === 'win32') {
  t.plan(0, 'no delete sharing on windows');
  process.exit(0);
}
fs.unlinkSync(p); // after exit
t.test('x', async () => {
  fs.unlinkSync(p); // in a test after exit
});
function helper() {
  fs.unlinkSync(p); // hoisted
}
"#;
        assert!(!posix_only(tap, "// before"));
        assert!(posix_only(tap, "// after exit"));
        assert!(posix_only(tap, "// in a test after exit"));
        assert!(!posix_only(tap, "// hoisted"));
        let cjs = "if (isWindows) return\nfs.unlinkSync(p) // after return\n";
        assert!(!posix_only(cjs, "// after return"), "isWindows is not known here");
        let cjs =
            "const isWindows = process.platform === 'win32'\nif (isWindows) return\nfs.unlinkSync(p) // after return\n";
        assert!(posix_only(cjs, "// after return"));
        let code = "if (isWindows) process.exitCode = 1\nfs.unlinkSync(p) // exit code\n";
        assert!(!posix_only(code, "// exit code"));
        let code = "const isWindows = process.platform === 'win32'\nif (isWindows) process.exitCode = 1\nfs.unlinkSync(p) // exit code\n";
        assert!(!posix_only(code, "// exit code"));
        let linux = "if (process.platform === 'linux') process.exit(0)\nfs.unlinkSync(p) // linux exits\n";
        assert!(!posix_only(linux, "// linux exits"));
    }

    #[test]
    fn operands_cut_short_on_windows() {
        let src = r#"
const isWindows = process.platform === 'win32'
process.platform !== 'win32' && fs.unlinkSync(p); // and
isWindows || fs.unlinkSync(p) // or
process.platform !== 'win32' &&
  fs.chmodSync(p, 0o600) // next line
foo()
!isWindows && fs.rmSync(p, { // argument lines
  force: true,
})
!isWindows && setImmediate(() => {
  fs.unlinkSync(p); // arrow made off windows
})
isWindows && fs.unlinkSync(p); // win and
!isWindows || fs.unlinkSync(p); // win or
fs.existsSync(p) && !isWindows && fs.unlinkSync(p); // call first
!isWindows && a() || fs.unlinkSync(p); // or after and
!isWindows && a(), fs.unlinkSync(p); // comma
!isWindows && a(); fs.unlinkSync(p); // two statements
const ok = check(p) ||
  !isWindows && fs.unlinkSync(p) // inside an or
x = y
(!isWindows) && fs.unlinkSync(p) // a call of the line before
f(a,
  !isWindows && fs.unlinkSync(p)) // an argument
process.env.X === 'a' && fs.unlinkSync(p); // unknown
"#;
        for m in [
            "// and",
            "// or",
            "// next line",
            "// argument lines",
            "// arrow made off windows",
        ] {
            assert!(posix_only(src, m), "{m}");
        }
        for m in [
            "// win and",
            "// win or",
            "// call first",
            "// or after and",
            "// comma",
            "// two statements",
            "// inside an or",
            "// a call of the line before",
            "// an argument",
            "// unknown",
        ] {
            assert!(!posix_only(src, m), "{m}");
        }
        // Text that is not ASCII in literals and comments, on lines read as statements.
        let odd =
            "isWindows || log('é') // é\nconst t = `é\né` && f('ü')\n/* é\né */ !isWindows &&\n  g('é')\n&&\n||\n";
        for line in 1..=7 {
            let _ = line_is_posix_only(odd, line);
        }
    }

    #[test]
    fn switch_on_the_platform() {
        let src = r#"
const isWindows = process.platform === 'win32';
function a() {
  switch (process.platform) {
    case 'linux':
      fs.unlinkSync(p); // linux
      break;
    case 'darwin':
    case 'freebsd': {
      fs.unlinkSync(p); // bsd in a block
      break;
    }
    case 'win32':
      fs.unlinkSync(p); // win32
      break;
    default:
      fs.unlinkSync(p); // default after win32
  }
}
function b() {
  switch (os.platform()) {
    default:
      fs.unlinkSync(p); // default before win32
      break;
    case 'linux':
      fs.unlinkSync(p); // linux before win32
    case 'win32':
      fs.unlinkSync(p); // win32 entered
    case 'sunos':
      fs.unlinkSync(p); // fallen into from win32
      return;
    case 'aix':
      fs.unlinkSync(p); // after a return
  }
}
function c() {
  switch (process.platform) {
    case 'linux':
      fs.unlinkSync(p); // no win32, no default
  }
  switch (process.platform) {
    case 'linux':
      fs.unlinkSync(p); // default reached from nowhere
      break;
    default:
      fs.unlinkSync(p); // default taken on windows
  }
  switch (process.platform) {
    case 'win32':
      if (other) break;
    case 'linux':
      fs.unlinkSync(p); // after a conditional break
      break;
    case 'darwin':
      fs.unlinkSync(p); // darwin
  }
  switch (process.platform) {
    case 'win32':
      for (;;) break;
    case 'linux':
      fs.unlinkSync(p); // after a loop's break
  }
  switch (process.platform) {
    case 'win32':
      cleanup()
      break
    case 'linux':
      fs.unlinkSync(p) // after a break without semicolons
  }
  switch (process.platform) {
    case WINDOWS:
      x();
      break;
    case 'linux':
      fs.unlinkSync(p); // a label not read
  }
  switch (kind) {
    case 'linux':
      fs.unlinkSync(p); // another value
  }
  switch (os.type()) {
    case 'Linux':
      fs.unlinkSync(p); // os type
      break;
    case 'Windows_NT':
      fs.unlinkSync(p); // windows nt
  }
}
function d(k) {
  switch (k) {
    case 1:
      if (isWindows) return;
      break;
    case 2:
      fs.unlinkSync(p); // a return in another clause
  }
  switch (k) {
    case 1:
      if (isWindows) return;
      fs.unlinkSync(p); // a return in its clause
  }
}
function e() {
  switch (process.platform) {
    case 'linux':
      function f() {
        fs.unlinkSync(p); // declared in a clause
      }
      break;
    case 'win32':
      f();
  }
  switch (process.platform) {
    case 'linux':
      setTimeout(() => {
        fs.unlinkSync(p); // made in a clause
      });
  }
}
"#;
        for m in [
            "// linux",
            "// bsd in a block",
            "// default after win32",
            "// default before win32",
            "// linux before win32",
            "// after a return",
            "// no win32, no default",
            "// default reached from nowhere",
            "// darwin",
            "// after a break without semicolons",
            "// os type",
            "// a return in its clause",
            "// made in a clause",
        ] {
            assert!(posix_only(src, m), "{m}");
        }
        for m in [
            "// win32",
            "// win32 entered",
            "// fallen into from win32",
            "// default taken on windows",
            "// after a conditional break",
            "// after a loop's break",
            "// a label not read",
            "// another value",
            "// windows nt",
            "// a return in another clause",
            "// declared in a clause",
        ] {
            assert!(!posix_only(src, m), "{m}");
        }
    }

    #[test]
    fn platform_taken_by_name_or_alias() {
        let src = r#"
const { platform } = process;
const { platform: plat } = require('node:process');
const { EOL } = require('os');
const { sep: separator } = path;
const isWindows = os.type() === 'Windows_NT';
if (platform !== 'win32') {
  fs.unlinkSync(p); // destructured
}
if (plat === 'linux') {
  fs.unlinkSync(p); // renamed
}
if (EOL === '\n') {
  fs.unlinkSync(p); // eol
}
if (os.EOL !== '\r\n') {
  fs.unlinkSync(p); // os eol
}
if (separator === '/') {
  fs.unlinkSync(p); // sep
}
if (path.sep !== "\\") {
  fs.unlinkSync(p); // path sep
}
if (require('path').delimiter === ':') {
  fs.unlinkSync(p); // delimiter
}
if (path.posix.sep === '/') {
  fs.unlinkSync(p); // posix sep
}
if (path.sep === '\\') {
  fs.unlinkSync(p); // windows sep
}
if (!isWindows) {
  fs.unlinkSync(p); // os type const
}
"#;
        for m in [
            "// destructured",
            "// renamed",
            "// eol",
            "// os eol",
            "// sep",
            "// path sep",
            "// delimiter",
            "// os type const",
        ] {
            assert!(posix_only(src, m), "{m}");
        }
        assert!(!posix_only(src, "// posix sep"));
        assert!(!posix_only(src, "// windows sep"));
        let esm = "import { platform as p } from 'node:process';\nif (p !== 'win32') {\n  rm(); // here\n}\n";
        assert!(posix_only(esm, "// here"));
        let esm = "import os, { EOL } from 'os';\nif (EOL === '\\n') {\n  rm(); // here\n}\n";
        assert!(posix_only(esm, "// here"));
        let other = "import { platform } from './platform.js';\nif (platform !== 'win32') {\n  rm(); // here\n}\n";
        assert!(!posix_only(other, "// here"));
        let let_again =
            "let { platform } = process;\nplatform = 'win32';\nif (platform !== 'win32') {\n  rm(); // here\n}\n";
        assert!(!posix_only(let_again, "// here"));
        let nested =
            "function f() {\n  const { platform } = process;\n}\nif (platform !== 'win32') {\n  rm(); // here\n}\n";
        assert!(!posix_only(nested, "// here"), "a function's own binding");
    }

    #[test]
    fn a_name_bound_again_hides_the_module_constant_there() {
        let src = r#"
const { platform } = process;
const isWindows = process.platform === 'win32';
function build(platform) {
  if (platform !== 'win32') {
    fs.unlinkSync(p); // a parameter
  }
}
const check = (isWindows) => {
  if (!isWindows) {
    fs.unlinkSync(p); // an arrow's parameter
  }
};
if (platform !== 'win32' && !isWindows) {
  fs.unlinkSync(p); // the module's
}
"#;
        assert!(!posix_only(src, "// a parameter"));
        assert!(!posix_only(src, "// an arrow's parameter"));
        assert!(posix_only(src, "// the module's"));
        for (rebinding, inside) in [
            (
                "items.forEach(isWindows => x(isWindows));",
                "items.forEach(isWindows => !isWindows && rm()); // inside",
            ),
            (
                "function g({ isWindows }) { return isWindows; }",
                "function g({ isWindows }) {\n  if (!isWindows) rm(); // inside\n}",
            ),
            (
                "function g() { const { isWindows } = opts; }",
                "function g() {\n  const { isWindows } = opts;\n  if (!isWindows) rm(); // inside\n}",
            ),
            (
                "function g() { if (a) { var isWindows = 1; } }",
                "function g() {\n  if (a) { var isWindows = 1; }\n  if (!isWindows) rm(); // inside\n}",
            ),
            (
                "try { x(); } catch (isWindows) { y(); }",
                "try { x(); } catch (isWindows) {\n  if (!isWindows) rm(); // inside\n}",
            ),
            (
                "class A { m(a, isWindows) { return a; } }",
                "class A { m(a, isWindows) {\n  if (!isWindows) rm(); // inside\n} }",
            ),
            (
                "function g() { for (const isWindows of list) {} }",
                "function g() {\n  for (const isWindows of list) {\n    if (!isWindows) rm(); // inside\n  }\n}",
            ),
        ] {
            let src = format!("const isWindows = process.platform === 'win32';\n{rebinding}\nif (!isWindows) {{\n  rm(); // outside\n}}\n");
            assert!(posix_only(&src, "// outside"), "{rebinding}");
            let src = format!("const isWindows = process.platform === 'win32';\n{inside}\n");
            assert!(!posix_only(&src, "// inside"), "{inside}");
        }
        for using in [
            "test('t', { skip: isWindows }, () => {});",
            "test('t', { isWindows }, () => {});",
            "if (isWindows) { x(); }",
            "const o = { isWindows: true };",
            "f(isWindows, () => { g(isWindows); });",
            "const y = isWindows ? a : b;",
        ] {
            let src = format!("const isWindows = process.platform === 'win32';\nfunction g() {{\n  {using}\n  if (!isWindows) rm(); // here\n}}\n");
            assert!(posix_only(&src, "// here"), "{using}");
        }
    }

    #[test]
    fn string_values() {
        assert_eq!(string_value(r"'\r\n'").as_deref(), Some("\r\n"));
        assert_eq!(string_value(r#""\\""#).as_deref(), Some("\\"));
        assert_eq!(string_value("`win32`").as_deref(), Some("win32"));
        assert_eq!(string_value(r"'\/'").as_deref(), Some("/"));
        assert_eq!(string_value(r"'\x5c'"), None);
        assert_eq!(string_value(r"'\u005c'"), None);
        assert_eq!(string_value("`${a}`"), None);
        assert_eq!(string_value("'a' + 'b'"), None);
        assert_eq!(string_value("'\\"), None);
    }

    #[test]
    fn os_functions_imported_by_name() {
        let esm = "import { platform, tmpdir } from 'node:os';\nif (platform() !== 'win32') {\n  rm(); // here\n}\n";
        assert!(posix_only(esm, "// here"));
        let cjs = "const { type } = require('os');\nif (type() === 'Linux') {\n  rm(); // here\n}\n";
        assert!(posix_only(cjs, "// here"));
        let other = "import { platform } from './mine.js';\nif (platform() !== 'win32') {\n  rm(); // here\n}\n";
        assert!(!posix_only(other, "// here"));
    }

    #[test]
    fn let_and_var_constants_unless_assigned_again() {
        let src = "var isWindows = process.platform === 'win32';\nlet seen = false;\nfunction a() { if (isWindows) return;\n  rm(); // var\n}\nfunction b() { if (seen) return;\n  rm(); // let assigned\n  seen = true;\n}\n";
        assert!(posix_only(src, "// var"));
        assert!(!posix_only(src, "// let assigned"));
    }

    #[test]
    fn typescript_constants() {
        let src = "const isWindows: boolean = process.platform === 'win32';\nif (!isWindows) {\n  rm(); // here\n}\n";
        assert!(posix_only(src, "// here"));
    }

    #[test]
    fn conditions() {
        let js = Js::new("const W = os.type() === 'Windows_NT';\nconst L = `${a}`;\n".into());
        assert_eq!(js.eval("W", 0, 0), Some(true));
        assert_eq!(js.eval("!W", 0, 0), Some(false));
        assert_eq!(js.eval("L", 0, 0), None);
        assert_eq!(js.eval("'win32' === process.platform", 0, 0), Some(true));
        assert_eq!(js.eval("process.platform === `win32`", 0, 0), Some(true));
        assert_eq!(js.eval("process.platform == x", 0, 0), None);
        assert_eq!(js.eval("a ?? b", 0, 0), None);
        assert_eq!(js.eval("(process.platform === 'win32')", 0, 0), Some(true));
        assert_eq!(js.eval("/^win/.test(process.platform)", 0, 0), Some(true));
        // Nothing panics on odd input.
        for s in ["", "(", ")", "'", "a ? b", "!", "===", "x ? :", "é === 'é'"] {
            let _ = js.eval(s, 0, 0);
            let _ = line_is_posix_only(s, 1);
            let _ = line_is_posix_only(s, 3);
        }
    }

    /// [`references_only_posix_only`] for the function `name` whose body holds the line
    /// with `marker`.
    fn registered(src: &str, marker: &str, name: &str) -> bool {
        let line = src.lines().position(|l| l.contains(marker)).expect(marker) + 1;
        references_only_posix_only(src, line, name)
    }

    #[test]
    fn callbacks_handed_on_only_off_windows() {
        let src = r#"
const isWindows = process.platform === 'win32';
function cleanup() {
  fs.unlinkSync(lock); // cleanup
}
const onTerm = () => {
  fs.unlinkSync(lock); // onTerm
};
let later = async function () {
  fs.unlinkSync(lock); // later
};
function tick() {
  fs.unlinkSync(lock); // tick
  setTimeout(tick, 1000);
}
function install() {
  if (isWindows) return;
  process.on('SIGTERM', onTerm);
}
if (process.platform !== 'win32') {
  process.on(
    'exit',
    cleanup,
  );
  setTimeout(tick, 1000);
} else {
  console.log('windows');
}
if (!isWindows) setImmediate(later);
"#;
        assert!(registered(src, "// cleanup", "cleanup"), "a call over several lines");
        assert!(registered(src, "// onTerm", "onTerm"), "after an early return");
        assert!(registered(src, "// later", "later"), "on an if's line");
        assert!(registered(src, "// tick", "tick"), "its own body");
        assert!(!registered(src, "// cleanup", "other"), "the frame's function only");
    }

    #[test]
    fn one_mention_that_runs_on_windows_keeps_the_call() {
        let src = r#"
function exported() {
  fs.unlinkSync(lock); // exported
}
export function declaredExported() {
  fs.unlinkSync(lock); // declared exported
}
function unused() {
  fs.unlinkSync(lock); // unused
}
function passed() {
  fs.unlinkSync(lock); // passed
}
function inString() {
  fs.unlinkSync(lock); // in a string
}
const obj = {
  method() {
    fs.unlinkSync(lock); // method
  },
};
function commented() {
  fs.unlinkSync(lock); // commented
}
// commented is named here only
if (process.platform !== 'win32') {
  process.on('exit', exported);
  process.on('exit', declaredExported);
  process.on('exit', passed);
  process.on('exit', inString);
  process.on('exit', obj.method);
  process.on('exit', commented);
}
module.exports = { exported };
emitter.on('x', passed);
process.on('exit', global['inString']);
"#;
        assert!(
            !registered(src, "// exported", "exported"),
            "exported by module.exports"
        );
        assert!(!registered(src, "// declared exported", "declaredExported"));
        assert!(!registered(src, "// unused", "unused"), "reached by no name read");
        assert!(!registered(src, "// passed", "passed"), "handed on unguarded too");
        assert!(!registered(src, "// in a string", "inString"), "named in a string");
        assert!(!registered(src, "// method", "method"), "methods are not taken");
        assert!(registered(src, "// commented", "commented"), "a comment is no mention");
    }

    #[test]
    fn only_a_function_node_called_back_is_taken() {
        let dir = std::env::temp_dir().join(format!("winsan-js-callbacks-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("main.js");
        let src = "function cleanup() {\n  fs.unlinkSync(lock);\n}\nif (process.platform !== 'win32') {\n  process.on('exit', cleanup);\n}\n";
        std::fs::write(&file, src).unwrap();
        let frame = |file: &str, function: &str, line| PyFrame {
            file: file.into(),
            function: function.into(),
            line,
            at: Default::default(),
        };
        let cleanup = frame(file.to_str().unwrap(), "cleanup", 2);
        let mut sources = JsSources::default();
        assert!(sources.posix_only(&[cleanup.clone(), frame("node:events", "emit", 519)], false));
        assert!(
            !sources.posix_only(&[cleanup.clone(), frame(file.to_str().unwrap(), "", 7)], true),
            "called by the program: by a name not read"
        );
        assert!(
            !sources.posix_only(std::slice::from_ref(&cleanup), false),
            "who called it is not known"
        );
        assert!(
            sources.posix_only(std::slice::from_ref(&cleanup), true),
            "entered from C++: a promise's reaction"
        );
        assert!(
            sources.posix_only(&[frame("node:fs", "unlinkSync", 1), cleanup.clone()], true),
            "entered from C++, calling node"
        );
        let waiter = frame(file.to_str().unwrap(), "async cleanup", 2);
        assert!(
            sources.posix_only(std::slice::from_ref(&waiter), false),
            "waiting for the call"
        );
        let callback = frame(file.to_str().unwrap(), "callback cleanup", 2);
        assert!(
            !sources.posix_only(std::slice::from_ref(&callback), false),
            "a callback given is not the caller"
        );
        assert!(
            !sources.posix_only(&[callback, waiter], false),
            "waiting for a callback, not for its own call"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
