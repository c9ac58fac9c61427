//! Whether a Java call runs on Windows at all, read from the program's source.
//!
//! Java programs and their test suites keep POSIX-only code apart by testing the platform
//! at run time: `if (!System.getProperty("os.name").startsWith("Windows")) { ... }`, the
//! `else` of `if (IS_WINDOWS)`, `if (File.separatorChar == '\\') return;` before the
//! call, a JUnit assumption (`Assume.assumeFalse(isWindows)`, `Assumptions.assumeTrue(
//! !IS_OS_WINDOWS)`), and in JUnit 5 a test or test class annotated
//! `@DisabledOnOs(OS.WINDOWS)` or `@EnabledOnOs({LINUX, MAC})`. What such code does on
//! Linux never happens on Windows, so it is no finding.
//!
//! A frame's file, as [`crate::javastack`] names it, is the class's package path and its
//! `SourceFile` attribute (`com/example/Cleaner.java`): it is looked up under the JVM's
//! source roots ([`Roots`]). As for Python ([`crate::pysource`]) and JavaScript
//! ([`crate::jssource`]) this reads text, not a parse tree: comments and the insides of
//! string and character literals are blanked, braces give the blocks, and conditions are
//! evaluated for Windows in three-valued logic from what is known of the platform there.
//! Anything else is taken to run on Windows too, so that a finding is never dropped on a
//! guess.

use crate::cfamily::{
    all_of, any_of, blocks, chain_taken_on_windows, else_before, enclosing, if_header_before, matching_paren,
    one_line_if, split_once_top, split_top, strip_parens, word_before,
};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::pyframe::PyFrame;

/// The Java source files read so far, and where each frame's file was found.
#[derive(Default)]
pub struct JavaSources {
    files: crate::pysource::SourceFiles,
    /// `(source roots, launched file, frame's file)` → the file found there, if any; at
    /// most 512.
    found: HashMap<(Vec<PathBuf>, Option<PathBuf>, String), Option<PathBuf>>,
}

impl JavaSources {
    /// Whether any frame of `stack` (the program's frames, as
    /// [`crate::javastack::shown`] keeps them) of JVM `pid` is at a line that runs only
    /// where the platform is not Windows. A frame whose source is not found is taken to
    /// run there.
    pub fn posix_only(&mut self, stack: &[PyFrame], pid: u32) -> bool {
        const JDK: [&str; 5] = ["java.", "javax.", "jdk.", "sun.", "com.sun."];
        let program = |f: &&PyFrame| f.line > 0 && !JDK.iter().any(|p| f.function.starts_with(p));
        if !stack.iter().any(|f| program(&f)) {
            return false;
        }
        let Ok(cwd) = std::fs::read_link(format!("/proc/{pid}/cwd")) else {
            return false;
        };
        let argv: Vec<String> = std::fs::read(format!("/proc/{pid}/cmdline"))
            .unwrap_or_default()
            .split(|&b| b == 0)
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        let roots = Roots::of(&cwd, &argv);
        stack.iter().filter(program).any(|f| {
            self.source_of(&roots, &f.file)
                .is_some_and(|src| line_is_posix_only(&src, f.line as usize))
        })
    }

    /// The text of the source file of a frame whose file is `file`, found under `roots`
    /// and declaring the package that `file`'s directories name.
    fn source_of(&mut self, roots: &Roots, file: &str) -> Option<std::sync::Arc<str>> {
        let key = (roots.dirs.clone(), roots.launcher.clone(), file.to_owned());
        if let Some(found) = self.found.get(&key) {
            return found.clone().and_then(|p| self.files.get(p.to_str()?));
        }
        let found = self.find(roots, file);
        if self.found.len() > 512 {
            self.found.clear();
        }
        self.found.insert(key, found.clone());
        found.and_then(|p| self.files.get(p.to_str()?))
    }

    /// Where the source of a frame's `file` is: the launched file or a root's
    /// `ROOT/file` (at most 64 tried) that is a file of that name declaring the package
    /// that `file`'s directories name (an absolute `file`: itself). `None` for a path
    /// that is not a Java source's (a class file without a `SourceFile` attribute, `..`
    /// in it).
    fn find(&mut self, roots: &Roots, file: &str) -> Option<PathBuf> {
        if !file.ends_with(".java") || file.split('/').any(|p| p == ".." || p == ".") {
            return None;
        }
        if file.starts_with('/') {
            return Some(PathBuf::from(file)).filter(|p| p.is_file());
        }
        let parts: Vec<&str> = file.split('/').collect();
        if parts.iter().any(|p| p.is_empty()) {
            return None;
        }
        let package = parts[..parts.len() - 1].join(".");
        let mut candidates: Vec<PathBuf> = vec![];
        if let Some(launcher) = &roots.launcher {
            // Before JDK 22 the source launcher compiles its file wherever it stands,
            // whatever its package (`com.sun.tools.javac.launcher.Main`): the frame's
            // file is then the package's path and the file's name.
            candidates.push(launcher.clone());
            // From JDK 22 on (JEP 458) the other classes of the program are looked up
            // under the directory that holds the launcher's file's package.
            if let Some(dir) = launcher.parent() {
                let own = self
                    .files
                    .get(launcher.to_str()?)
                    .and_then(|s| package_of(&s))
                    .unwrap_or_default();
                let depth = if own.is_empty() { 0 } else { own.split('.').count() };
                let top = dir.ancestors().nth(depth).unwrap_or(dir);
                candidates.push(top.join(file));
            }
        }
        candidates.extend(roots.dirs.iter().map(|d| d.join(file)));
        let name = Path::new(file).file_name()?;
        candidates.into_iter().take(64).find(|c| {
            c.file_name() == Some(name)
                && c.is_file()
                && c.to_str()
                    .and_then(|p| self.files.get(p))
                    .is_some_and(|s| package_of(&s).unwrap_or_default() == package)
        })
    }
}

/// The package a Java source declares (`package com.example;`), `None` for the unnamed
/// one.
fn package_of(src: &str) -> Option<String> {
    let code = mask(src);
    let at = code.find("package ").filter(|&i| {
        let before = code[..i].trim();
        before.is_empty() || before.starts_with('@') || before.ends_with(')')
    })?;
    let rest = &code[at + "package ".len()..];
    let end = rest.find(';')?;
    Some(rest[..end].chars().filter(|c| !c.is_whitespace()).collect())
}

/// Where a JVM's sources may be: the directories under which a frame's file (its class's
/// package path and source file name) is looked up.
#[derive(Debug, Default, PartialEq)]
pub struct Roots {
    pub dirs: Vec<PathBuf>,
    /// The file the source launcher runs (`java Prog.java`, JEP 330).
    pub launcher: Option<PathBuf>,
}

impl Roots {
    /// The source roots of a JVM started with `argv` in directory `cwd`: the directory
    /// itself and its Maven and Gradle source directories (`src/main/java`,
    /// `src/test/java`: surefire and Gradle's test workers run in the project's
    /// directory); each directory of the class path and the module path (`-cp`,
    /// `-classpath`, `--class-path`, `-p`, `--module-path`, `-Djava.class.path=`,
    /// `-Djdk.module.path=`, also `-sourcepath`), with the sources that the build tools
    /// compile into it (`X/target/classes` from `X/src/main/java`, `target/test-classes`
    /// from `src/test/java`, Gradle's `build/classes/java/main` and `test` likewise); the
    /// source launcher's file. At most 32 directories.
    pub fn of(cwd: &Path, argv: &[String]) -> Roots {
        let mut dirs = vec![cwd.to_path_buf(), cwd.join("src/main/java"), cwd.join("src/test/java")];
        let mut launcher = None;
        let exe = argv.first().and_then(|a| a.rsplit('/').next()).unwrap_or("");
        if exe == "java" {
            let mut paths = vec![];
            let mut source_mode = false;
            let mut args = argv[1..].iter();
            while let Some(a) = args.next() {
                let list = |v: &str| v.split(':').map(str::to_owned).collect::<Vec<_>>();
                if let Some((opt, v)) = a.split_once('=') {
                    if [
                        "--class-path",
                        "--module-path",
                        "-Djava.class.path",
                        "-Djdk.module.path",
                    ]
                    .contains(&opt)
                    {
                        paths.extend(list(v));
                        continue;
                    }
                }
                match a.as_str() {
                    "-cp" | "-classpath" | "--class-path" | "-p" | "--module-path" | "-sourcepath"
                    | "--source-path" => paths.extend(args.next().map(|v| list(v)).unwrap_or_default()),
                    "--source" => {
                        source_mode = true;
                        args.next();
                    }
                    "--add-modules"
                    | "--limit-modules"
                    | "--add-reads"
                    | "--add-exports"
                    | "--add-opens"
                    | "--patch-module"
                    | "--upgrade-module-path"
                    | "--enable-native-access"
                    | "-d"
                    | "--describe-module" => {
                        args.next();
                    }
                    // A jar, a module or a class: no source file is launched.
                    "-jar" | "-m" | "--module" => break,
                    _ if a.starts_with('-') || a.starts_with('@') => {}
                    _ => {
                        if source_mode || a.ends_with(".java") {
                            launcher = Some(cwd.join(a));
                        }
                        break;
                    }
                }
            }
            for p in paths.iter().filter(|p| !p.is_empty()) {
                if [".jar", ".zip", ".jmod", "*"].iter().any(|e| p.ends_with(e)) {
                    continue;
                }
                let dir = cwd.join(p.trim_end_matches('/'));
                for (classes, sources) in [
                    ("target/classes", "src/main/java"),
                    ("target/test-classes", "src/test/java"),
                    ("build/classes/java/main", "src/main/java"),
                    ("build/classes/java/test", "src/test/java"),
                ] {
                    let project = dir.to_str().and_then(|d| d.strip_suffix(classes));
                    if let Some(project) = project.filter(|p| p.is_empty() || p.ends_with('/')) {
                        dirs.push(Path::new(project).join(sources));
                    }
                }
                dirs.push(dir);
            }
        }
        if let Some(dir) = launcher.as_deref().and_then(Path::parent) {
            dirs.push(dir.to_path_buf());
        }
        let mut unique = vec![];
        for d in dirs {
            if !unique.contains(&d) && unique.len() < 32 {
                unique.push(d);
            }
        }
        Roots { dirs: unique, launcher }
    }
}

/// `src` with comments blanked (spaces, newlines kept) and the insides of string,
/// text block and character literals replaced by `x` (their quotes kept): the same
/// length, byte for byte, so that offsets into it are offsets into `src`.
fn mask(src: &str) -> String {
    masked(src, true)
}

/// `src` with comments blanked, and the insides of literals too if `literals`.
fn masked(src: &str, literals: bool) -> String {
    let b = src.as_bytes();
    let mut out = b.to_vec();
    let blank = |out: &mut Vec<u8>, from: usize, to: usize, with: u8| {
        if with == b'x' && !literals {
            return;
        }
        for c in &mut out[from..to.min(b.len())] {
            if *c != b'\n' {
                *c = with;
            }
        }
    };
    let mut i = 0;
    while i < b.len() {
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
            b'"' if b[i..].starts_with(b"\"\"\"") => {
                // A text block, to its closing `"""` (JLS 3.10.6).
                let mut j = i + 3;
                while j < b.len() && !b[j..].starts_with(b"\"\"\"") {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                blank(&mut out, i + 3, j, b'x');
                i = j + 3;
            }
            q @ (b'\'' | b'"') => {
                let mut j = i + 1;
                while j < b.len() && b[j] != q && b[j] != b'\n' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                blank(&mut out, i + 1, j, b'x');
                i = j + 1;
            }
            _ => i += 1,
        }
    }
    // Only ASCII was written over whole characters' bytes: still UTF-8.
    String::from_utf8(out).unwrap_or_default()
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'$'
}

/// What introduces a block.
#[derive(Debug, PartialEq)]
enum Header {
    /// `if (cond) {`: the condition's text and where `if` begins.
    If(String, usize),
    /// `else {`: where `else` begins.
    Else(usize),
    /// A method's or constructor's body: where its declaration (annotations first)
    /// begins, and where its name does.
    Method(usize, usize),
    /// A class's, interface's, enum's or record's body: where its declaration begins.
    Type(usize),
    /// `switch (x) {`: a case label is entered from its head, past any exit before.
    Switch,
    Other,
}

/// The source, its masked copy, its blocks and its named values.
struct Java {
    /// The source without its comments (conditions and literals are read from it).
    src: String,
    code: String,
    /// Each `{ }` pair's offsets.
    blocks: Vec<(usize, usize)>,
    /// `boolean`, `Boolean`, `String` and `var` variables and fields declared with a
    /// value: name → the value's text and how many such declarations the name has (one
    /// assigned nowhere else is read: [`Java::value_of`]).
    values: HashMap<String, (String, usize)>,
    /// Whether the file uses JUnit 5 (Jupiter), whose annotations are read.
    jupiter: bool,
}

impl Java {
    fn new(src: &str) -> Java {
        let code = mask(src);
        let blocks = blocks(&code);
        let mut java = Java {
            src: masked(src, false),
            code,
            blocks,
            values: HashMap::new(),
            jupiter: src.contains("org.junit.jupiter"),
        };
        java.values = java.declared_values();
        java
    }

    /// The value of `name` where the file declares it once with one (see
    /// [`Java::declared_values`]) and assigns it nowhere else.
    fn value_of(&self, name: &str) -> Option<&str> {
        match self.values.get(name) {
            Some((value, 1)) if self.assignments(name) == 1 => Some(value),
            _ => None,
        }
    }

    /// `TYPE NAME = VALUE;` for the types a platform test has (`boolean`, `Boolean`,
    /// `String`, `var`), with any modifiers.
    fn declared_values(&self) -> HashMap<String, (String, usize)> {
        let b = self.code.as_bytes();
        let mut out = HashMap::new();
        for ty in ["boolean ", "Boolean ", "String ", "var "] {
            for (i, _) in self.code.match_indices(ty) {
                if i > 0 && (is_ident(b[i - 1]) || b[i - 1] == b'.') {
                    continue;
                }
                let rest = &self.code[i + ty.len()..];
                let name_len = rest.bytes().take_while(|&c| is_ident(c)).count();
                let name = &rest[..name_len];
                let after = rest[name_len..].trim_start();
                if name.is_empty() || !after.starts_with('=') || after.starts_with("==") {
                    continue;
                }
                let value_start = self.code.len() - after.len() + 1;
                let Some(end) = self.statement_end(value_start) else {
                    continue;
                };
                let value = self.src[value_start..end].trim().to_owned();
                out.entry(name.to_owned()).or_insert((value, 0)).1 += 1;
            }
        }
        out
    }

    /// The offset of the `;` that ends the expression starting at `at`, outside brackets.
    fn statement_end(&self, at: usize) -> Option<usize> {
        let mut depth = 0i32;
        for (i, c) in self.code[at..].bytes().enumerate().take(4096) {
            match c {
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => {
                    depth -= 1;
                    if depth < 0 {
                        return None;
                    }
                }
                b';' if depth == 0 => return Some(at + i),
                _ => {}
            }
        }
        None
    }

    /// How many times `name` is assigned (`=`, `+=`..., `++`, `--`).
    fn assignments(&self, name: &str) -> usize {
        let b = self.code.as_bytes();
        self.code
            .match_indices(name)
            .filter(|&(i, _)| {
                let end = i + name.len();
                if (i > 0 && is_ident(b[i - 1])) || b.get(end).is_some_and(|&c| is_ident(c)) {
                    return false;
                }
                let after = self.code[end..].trim_start();
                let before = self.code[..i].trim_end();
                (after.starts_with('=') && !after.starts_with("=="))
                    || ["+=", "-=", "*=", "/=", "|=", "&=", "^=", "++", "--"]
                        .iter()
                        .any(|op| after.starts_with(op))
                    || before.ends_with("++")
                    || before.ends_with("--")
            })
            .count()
    }

    /// Where the declaration or statement that ends at `end` begins: after the `;`, `{`
    /// or `}` before it outside parentheses (an annotation's `({OS.WINDOWS})` is inside
    /// them), at its first word.
    fn statement_start(&self, end: usize) -> usize {
        let b = self.code.as_bytes();
        let mut depth = 0usize;
        let mut i = end;
        while i > 0 {
            i -= 1;
            match b[i] {
                b')' | b']' => depth += 1,
                b'(' | b'[' => match depth.checked_sub(1) {
                    Some(d) => depth = d,
                    None => break,
                },
                b';' | b'{' | b'}' if depth == 0 => {
                    i += 1;
                    break;
                }
                _ => {}
            }
        }
        i + (self.code[i..end].len() - self.code[i..end].trim_start().len())
    }

    /// What comes before the block opening at `open`.
    fn header(&self, open: usize) -> Header {
        let mut before = self.code[..open].trim_end();
        if before.ends_with("->") {
            return Header::Other; // a lambda's body
        }
        // `void m() throws IOException, X {`.
        if let Some(r) = before.rfind(')') {
            let tail = before[r + 1..].trim();
            if let Some(types) = tail.strip_prefix("throws") {
                if types.starts_with(' ') && types.bytes().all(|c| is_ident(c) || b"., <>?".contains(&c)) {
                    before = &before[..r + 1];
                }
            }
        }
        let end = before.len();
        if before.ends_with(')') {
            let Some(p) = matching_paren(&self.code, end - 1) else {
                return Header::Other;
            };
            let (word, w) = word_before(&self.code, p);
            return match word {
                "if" => Header::If(self.src[p + 1..end - 1].to_owned(), w),
                "switch" => Header::Switch,
                "" | "for" | "while" | "catch" | "synchronized" | "try" | "return" | "new" => Header::Other,
                _ => {
                    let start = self.statement_start(w);
                    let (kw, _) = word_before(&self.code, w);
                    // Outside annotations' arguments (`value = OS.WINDOWS`).
                    let decl = outside_parens(&self.code[start..w]);
                    let decl = decl.as_str();
                    let has = |k: &str| words(decl).any(|x| x == k);
                    if kw == "new" || has("new") || decl.contains('=') || decl.contains("->") {
                        Header::Other // an anonymous class
                    } else if has("record") {
                        Header::Type(start)
                    } else if decl.trim().is_empty() && !word.contains('.') && self.is_call_statement(start) {
                        Header::Other
                    } else {
                        Header::Method(start, w)
                    }
                }
            };
        }
        if let Some(e) = else_before(&self.code, end) {
            return Header::Else(e);
        }
        let start = self.statement_start(end);
        let decl = &self.code[start..end];
        if words(decl).any(|w| matches!(w, "class" | "interface" | "enum" | "record"))
            && !words(decl).any(|w| w == "new")
        {
            return Header::Type(start);
        }
        Header::Other
    }

    /// Whether a name followed by `(...) {` at `start` is not a declaration (it has no
    /// type before it): a constructor is, in a type's body; elsewhere it would be a call.
    fn is_call_statement(&self, start: usize) -> bool {
        !enclosing(&self.blocks, start)
            .first()
            .is_some_and(|&(o, _)| matches!(self.header(o), Header::Type(_)))
    }

    /// Whether an earlier branch of the `if`/`else if` chain whose `else` begins at
    /// `start` is taken on Windows (so the `else` is not).
    fn chain_taken_on_windows(&self, start: usize) -> bool {
        let if_header = |open| match self.header(open) {
            Header::If(cond, if_start) => Some((cond, if_start)),
            _ => None,
        };
        chain_taken_on_windows(&self.code, &self.blocks, start, if_header, |cond, _| self.eval(cond, 0))
    }

    /// Whether code at offset `at` runs only where the platform is not Windows.
    fn posix_only_at(&self, at: usize) -> bool {
        if self.braceless_body_off_windows(at) {
            return true;
        }
        // Within a test method (or a lifecycle method): its class's annotations decide
        // whether it runs at all.
        let mut in_test = false;
        for (open, close) in enclosing(&self.blocks, at) {
            let header = self.header(open);
            match &header {
                Header::If(cond, start)
                    if self.eval(cond, 0) == Some(false)
                        || else_before(&self.code, *start).is_some_and(|e| self.chain_taken_on_windows(e)) =>
                {
                    return true;
                }
                Header::Else(start) if self.chain_taken_on_windows(*start) => return true,
                Header::Method(start, name) if self.jupiter => {
                    let annotations = &self.code[*start..*name];
                    let test = has_annotation(annotations, TESTS);
                    if test && self.disabled_on_windows(*start, *name) {
                        return true;
                    }
                    in_test |= test || has_annotation(annotations, LIFECYCLE);
                }
                // A class's annotation is not inherited (`DisabledOnOs` is not
                // `@Inherited`): the tests of an abstract class or an interface run in
                // the classes that extend it, under those classes' own annotations.
                Header::Type(start)
                    if self.jupiter
                        && in_test
                        && !words(&outside_parens(&self.code[*start..open]))
                            .any(|w| w == "abstract" || w == "interface")
                        && self.disabled_on_windows(*start, open) =>
                {
                    return true;
                }
                _ => {}
            }
            if header != Header::Switch && self.exits_before(open, close, at) {
                return true;
            }
        }
        false
    }

    /// Whether the statement at `at` is the body of an `if` without braces that does not
    /// run on Windows (on the line before, or on its own line: `if (!isWindows)
    /// Files.delete(p);`), or of an `else` without braces after a branch taken there.
    fn braceless_body_off_windows(&self, at: usize) -> bool {
        if let Some((open, close, start)) = if_header_before(&self.code, at) {
            if self.eval(&self.src[open + 1..close], 0) == Some(false)
                || else_before(&self.code, start).is_some_and(|e| self.chain_taken_on_windows(e))
            {
                return true;
            }
        }
        let before = self.code[..at].trim_end();
        if let Some(e) = else_before(&self.code, before.len()) {
            if self.chain_taken_on_windows(e) {
                return true;
            }
        }
        // `if (COND) call();` on one line, without an `else` there.
        one_line_if(&self.code, &self.blocks, at, |line| words(line).any(|w| w == "else"))
            .is_some_and(|(open, close)| self.eval(&self.src[open + 1..close], 0) == Some(false))
    }

    /// Whether the block `open..close` leaves before `at` on Windows, by a statement of
    /// the block itself: `if (COND) return;` or `if (COND) { ...; throw ...; }` (also
    /// `continue`, `break`) with `COND` true there, or a JUnit assumption that fails
    /// there: `assumeFalse(COND)`, `assumeTrue(!COND)` (`org.junit.Assume` in JUnit 4,
    /// `org.junit.jupiter.api.Assumptions` in JUnit 5: the test ends there, skipped,
    /// with a `TestAbortedException` or an `AssumptionViolatedException`).
    fn exits_before(&self, open: usize, close: usize, at: usize) -> bool {
        let b = self.code.as_bytes();
        let inner: Vec<(usize, usize)> = self
            .blocks
            .iter()
            .copied()
            .filter(|&(o, c)| o > open && c < close)
            .collect();
        let top_level = |i: usize| !inner.iter().any(|&(o, c)| o < i && i <= c);
        // A statement's first word: after `;`, `{` or `}`, not after `else`.
        let starts_statement = |i: usize| {
            let before = self.code[..i].trim_end();
            before.ends_with([';', '{', '}']) && else_before(&self.code, i).is_none()
        };
        let end = at.min(close);
        for k in open + 1..end {
            if !(b[k].is_ascii_alphabetic() && !(is_ident(b[k - 1]) || b[k - 1] == b'.')) {
                continue;
            }
            let word_len = self.code[k..end]
                .bytes()
                .take_while(|&c| is_ident(c) || c == b'.')
                .count();
            let word = &self.code[k..k + word_len];
            let assumption = word.rsplit('.').next().unwrap_or("");
            if word != "if" && !matches!(assumption, "assumeFalse" | "assumeTrue") {
                continue;
            }
            let after = self.code[k + word_len..].trim_start();
            let paren = self.code.len() - after.len();
            if !after.starts_with('(') || !starts_statement(k) || !top_level(k) {
                continue;
            }
            let Some(close_paren) = matching_paren(&self.code, paren) else {
                continue;
            };
            let args = &self.src[paren + 1..close_paren];
            let qualified_ok = matches!(
                word.rsplit_once('.').map(|(q, _)| q),
                None | Some("Assume" | "Assumptions" | "org.junit.Assume" | "org.junit.jupiter.api.Assumptions")
            );
            if matches!(assumption, "assumeFalse" | "assumeTrue") && qualified_ok {
                if close_paren < at && self.assumption_fails(args, assumption == "assumeTrue") {
                    return true;
                }
                continue;
            }
            if word != "if" {
                continue;
            }
            let body = self.code[close_paren + 1..].trim_start();
            let body_at = self.code.len() - body.len();
            if body_at >= at {
                continue;
            }
            let exits = if body.starts_with('{') {
                match self.blocks.iter().find(|&&(o, _)| o == body_at) {
                    Some(&(o, c)) if c < at => leaves(&self.code[o + 1..c]),
                    _ => false,
                }
            } else {
                leaves(body.split(';').next().unwrap_or(""))
            };
            if exits && self.eval(args, 0) == Some(true) {
                return true;
            }
        }
        false
    }

    /// Whether an assumption with arguments `args` fails on Windows: its one boolean
    /// argument (the others, if any, a message: first in JUnit 4's `assumeTrue(String,
    /// boolean)`, after it in JUnit 5's) is `!expected` there.
    fn assumption_fails(&self, args: &str, expected: bool) -> bool {
        // JUnit 5 also takes a `BooleanSupplier`: `assumeFalse(() -> IS_WINDOWS)`.
        let value = |a: &str| {
            let a = a.trim();
            let supplied = a
                .strip_prefix("()")
                .map(str::trim_start)
                .and_then(|r| r.strip_prefix("->"));
            self.eval(supplied.unwrap_or(a), 0)
        };
        let values: Vec<Option<bool>> = split_top(args, ",").iter().map(|a| value(a)).collect();
        let known: Vec<bool> = values.iter().flatten().copied().collect();
        known.len() == 1 && known[0] != expected
    }

    /// Whether the JUnit 5 annotations of the declaration `start..end` (a test method's
    /// or a class's) keep it from running on Windows:
    /// `@DisabledOnOs(OS.WINDOWS)` or a list that holds `WINDOWS`, without
    /// `architectures` (then it is disabled on Windows only on those), or
    /// `@EnabledOnOs(...)` with a list of systems without `WINDOWS`
    /// (`org.junit.jupiter.api.condition.DisabledOnOs` and `EnabledOnOs`, whose `value`
    /// is an array of `org.junit.jupiter.api.condition.OS`: AIX, FREEBSD, LINUX, MAC,
    /// OPENBSD, SOLARIS, WINDOWS, OTHER; a test enabled on some systems only, or
    /// disabled on some, is skipped elsewhere or there by JUnit's `DisabledOnOsCondition`
    /// and `EnabledOnOsCondition`).
    fn disabled_on_windows(&self, start: usize, end: usize) -> bool {
        let annotations = &self.code[start..end];
        for (name, disabled) in [("DisabledOnOs", true), ("EnabledOnOs", false)] {
            for (i, _) in annotations.match_indices(name) {
                let at = start + i;
                let (word, w) = word_before(&self.code, at + name.len());
                let qualified = word == name || word == format!("org.junit.jupiter.api.condition.{name}");
                if !qualified || w == 0 || self.code.as_bytes()[w - 1] != b'@' {
                    continue;
                }
                let after = self.code[at + name.len()..end].trim_start();
                let paren = end - after.len();
                if !after.starts_with('(') {
                    continue;
                }
                let Some(close) = matching_paren(&self.code, paren) else {
                    continue;
                };
                let Some(systems) = os_list(&self.src[paren + 1..close]) else {
                    continue;
                };
                let windows = systems.iter().any(|s| s == "WINDOWS");
                if (disabled && windows) || (!disabled && !systems.is_empty() && !windows) {
                    return true;
                }
            }
        }
        false
    }

    /// `expr` evaluated on Windows, as a truth value: `Some(true)`, `Some(false)`, or
    /// `None` when it depends on anything else.
    fn eval(&self, expr: &str, depth: u32) -> Option<bool> {
        if depth > 16 {
            return None;
        }
        let e = strip_parens(expr.trim());
        let ors = split_top(e, "||");
        if ors.len() > 1 {
            return any_of(ors.iter().map(|x| self.eval(x, depth + 1)));
        }
        let ands = split_top(e, "&&");
        if ands.len() > 1 {
            return all_of(ands.iter().map(|x| self.eval(x, depth + 1)));
        }
        if let Some(rest) = e.strip_prefix('!') {
            if !rest.starts_with('=') {
                return self.eval(rest, depth + 1).map(|v| !v);
            }
        }
        // `os.indexOf("win") >= 0` and the like: `contains`.
        for op in [">=", "!=", "==", ">", "<"] {
            let Some((l, r)) = split_once_top(e, op) else {
                continue;
            };
            let (l, r) = (compact(l), compact(r));
            let Some((recv, "indexOf", arg)) = last_call(&l) else {
                continue;
            };
            let found = match (op, r.as_str()) {
                (">=", "0") | (">", "-1") | ("!=", "-1") => true,
                ("<", "0") | ("==", "-1") => false,
                _ => return None,
            };
            return self
                .os_name_test(&format!("{recv}.contains({arg})"), depth)
                .map(|contains| contains == found);
        }
        for (op, equal) in [("!=", false), ("==", true)] {
            if let Some((l, r)) = split_once_top(e, op) {
                let (l, r) = (compact(l), compact(r));
                return compare(&l, &r).or_else(|| compare(&r, &l)).map(|same| same == equal);
            }
        }
        match e {
            "true" => return Some(true),
            "false" => return Some(false),
            _ => {}
        }
        let c = compact(e);
        if let Some(v) = separator_test(&c) {
            return Some(v);
        }
        if let Some(v) = self.os_name_test(&c, depth) {
            return Some(v);
        }
        // `FileSystems.getDefault().supportedFileAttributeViews().contains("posix")`:
        // the default file system of Windows (`sun.nio.fs.WindowsFileSystem`,
        // `supportedFileAttributeViews`) has the basic, dos, acl, owner and user views,
        // not posix or unix.
        if let Some(view) = c
            .strip_prefix("FileSystems.getDefault().supportedFileAttributeViews().contains(")
            .or_else(|| {
                c.strip_prefix("java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains(")
            })
            .and_then(|r| r.strip_suffix(')'))
            .and_then(string_literal)
        {
            return match view {
                "posix" | "unix" => Some(false),
                "basic" | "dos" | "acl" | "owner" | "user" => Some(true),
                _ => None,
            };
        }
        // `org.junit.jupiter.api.condition.OS.WINDOWS.isCurrentOs()`.
        if let Some(os) = c.strip_suffix(".isCurrentOs()") {
            let os = os.rsplit('.').next().unwrap_or("");
            return OS_NAMES.contains(&os).then_some(os == "WINDOWS");
        }
        self.named(&c, depth)
    }

    /// The value on Windows of a name (`IS_WINDOWS`, `SystemUtils.IS_OS_UNIX`,
    /// `Platform.isWindows()`, `isLinux`): its value where the file declares it
    /// ([`Java::declared_values`]), or else what the name says.
    fn named(&self, c: &str, depth: u32) -> Option<bool> {
        let name = c.strip_suffix("()").unwrap_or(c);
        if !name.bytes().all(|b| is_ident(b) || b == b'.') || name.is_empty() {
            return None;
        }
        let last = name.rsplit('.').next().unwrap_or(name);
        let own = (name == last || name.strip_prefix("this.") == Some(last)) && !c.ends_with("()");
        if let Some(value) = self.value_of(last).filter(|_| own) {
            if let Some(v) = self.eval(value, depth + 1) {
                return Some(v);
            }
            // Made otherwise (`Os.isFamily(Os.FAMILY_WINDOWS)`): its name is taken only
            // when the value also speaks of the platform it names.
            let said = name_says(last)?;
            let v = value.to_ascii_lowercase();
            let platform = ["os", "system", "platform", "separator", "family", "property"]
                .iter()
                .any(|p| v.contains(p));
            let speaks = platform
                && if said {
                    v.contains("win")
                } else {
                    ["unix", "linux", "posix", "mac", "nux", "bsd"]
                        .iter()
                        .any(|p| v.contains(p))
                };
            return speaks.then_some(said);
        }
        name_says(last)
    }

    /// A test of `os.name` (`System.getProperty("os.name")`, possibly lower- or
    /// upper-cased, or a name given its value) on Windows: `startsWith`, `contains`,
    /// `equals` or `equalsIgnoreCase` of a literal. On Windows `os.name` is `Windows `
    /// and the version (`Windows 10`, `Windows Server 2022`, `Windows NT (unknown)`:
    /// OpenJDK's `src/java.base/windows/native/libjava/java_props_md.c`,
    /// `GetJavaProperties`): what follows `Windows` is not known, so only a literal
    /// that is within `Windows` (true), a different start (false) or a POSIX system's
    /// name (false) is decided.
    fn os_name_test(&self, c: &str, depth: u32) -> Option<bool> {
        let (recv, method, arg) = last_call(c)?;
        let lit = string_literal(arg)?;
        let case = self.os_name(recv, depth)?;
        let known = match case {
            Case::Same => "Windows",
            Case::Lower => "windows",
            Case::Upper => "WINDOWS",
        };
        let lower = lit.to_ascii_lowercase();
        let posix = [
            "linux", "mac", "darwin", "nux", "nix", "sunos", "solaris", "bsd", "aix", "hp-ux", "os x",
        ]
        .iter()
        .any(|p| lower.contains(p));
        match method {
            "startsWith" if lit.is_empty() => Some(true),
            "startsWith" if lit.len() <= known.len() => Some(known.starts_with(lit)),
            "startsWith" => (!lit.starts_with(known)).then_some(false),
            "contains" if !lit.is_empty() && known.contains(lit) => Some(true),
            "contains" | "equals" | "equalsIgnoreCase" if posix => Some(false),
            _ => None,
        }
    }

    /// Whether `c` is the value of `os.name`, and in which case.
    fn os_name(&self, c: &str, depth: u32) -> Option<Case> {
        if depth > 16 {
            return None;
        }
        let c = strip_parens(c);
        let property = [
            "System.getProperty(\"os.name\"",
            "java.lang.System.getProperty(\"os.name\"",
        ];
        if property
            .iter()
            .any(|p| c.strip_prefix(p).is_some_and(|r| r == ")" || r.starts_with(',')))
            || c == "SystemUtils.OS_NAME"
        {
            return Some(Case::Same);
        }
        if c.bytes().all(is_ident) {
            return self.value_of(c).and_then(|v| self.os_name(&compact(v), depth + 1));
        }
        let (recv, method, args) = last_call(c)?;
        let case = self.os_name(recv, depth + 1)?;
        let locale = args.is_empty() || ["Locale.ROOT", "Locale.ENGLISH", "Locale.US"].contains(&args);
        match method {
            "toLowerCase" if locale => Some(Case::Lower),
            "toUpperCase" if locale => Some(Case::Upper),
            "trim" | "strip" | "intern" if args.is_empty() => Some(case),
            _ => None,
        }
    }
}

/// The case `os.name` was put in.
#[derive(Clone, Copy)]
enum Case {
    Same,
    Lower,
    Upper,
}

/// The constants of JUnit 5's `org.junit.jupiter.api.condition.OS`.
const OS_NAMES: [&str; 8] = [
    "AIX", "FREEBSD", "LINUX", "MAC", "OPENBSD", "SOLARIS", "WINDOWS", "OTHER",
];

/// JUnit 5's test annotations (`org.junit.jupiter.api.Test` and the others a test
/// method is marked with).
const TESTS: &[&str] = &[
    "Test",
    "ParameterizedTest",
    "RepeatedTest",
    "TestFactory",
    "TestTemplate",
];
/// JUnit 5's lifecycle annotations: such methods run only for the tests of their class.
const LIFECYCLE: &[&str] = &["BeforeEach", "AfterEach", "BeforeAll", "AfterAll"];

/// Whether the declaration text `decl` has one of the annotations `names` (simple or
/// qualified by the Jupiter package).
fn has_annotation(decl: &str, names: &[&str]) -> bool {
    decl.match_indices('@').any(|(i, _)| {
        let name: String = decl[i + 1..]
            .bytes()
            .take_while(|&c| is_ident(c) || c == b'.')
            .map(char::from)
            .collect();
        let simple = name.strip_prefix("org.junit.jupiter.api.").unwrap_or(&name);
        names.contains(&simple)
    })
}

/// The systems an `@EnabledOnOs` or `@DisabledOnOs` names, from its arguments' text
/// (`OS.WINDOWS`, `{LINUX, MAC}`, `value = {OS.LINUX}, disabledReason = "..."`); `None`
/// when it names architectures too (JUnit 5.9's `architectures`: then the systems are
/// not the whole condition) or something not read.
fn os_list(args: &str) -> Option<Vec<String>> {
    let parts = split_top(args, ",");
    let mut value = None;
    for part in &parts {
        match split_once_top(part, "=") {
            Some((k, v)) => match k.trim() {
                "value" => value = Some(v.trim()),
                "disabledReason" => {}
                _ => return None,
            },
            None if parts.len() == 1 => value = Some(part.trim()),
            None => {
                // `{A, B}` split: take the whole.
                value = Some(args.trim());
                break;
            }
        }
    }
    let value = value?;
    let list = value
        .strip_prefix('{')
        .and_then(|v| v.strip_suffix('}'))
        .unwrap_or(value);
    let mut out = vec![];
    for item in list.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        let os = item.rsplit('.').next().unwrap_or(item);
        if !OS_NAMES.contains(&os) {
            return None;
        }
        out.push(os.to_owned());
    }
    Some(out)
}

/// What a name says of the platform on Windows: `IS_WINDOWS`, `isWindows`, `WINDOWS`,
/// `IS_OS_WINDOWS` (commons-lang's `SystemUtils`), `Platform.isWindows()` (JNA): true;
/// `IS_OS_UNIX`, `IS_OS_LINUX`, `IS_OS_MAC`, `isLinux`, `isPosix`: false; else nothing.
fn name_says(name: &str) -> Option<bool> {
    let n: String = name
        .chars()
        .filter(|&c| c != '_')
        .collect::<String>()
        .to_ascii_lowercase();
    const WINDOWS: [&str; 12] = [
        "windows",
        "iswindows",
        "isoswindows",
        "onwindows",
        "iswin",
        "win32",
        "iswin32",
        "iswindowsos",
        "runningonwindows",
        "isrunningonwindows",
        "oswindows",
        "windowsos",
    ];
    const POSIX: [&str; 22] = [
        "isosunix",
        "isunix",
        "islinux",
        "isoslinux",
        "ismac",
        "ismacos",
        "ismacosx",
        "isosmac",
        "isosmacosx",
        "isposix",
        "onlinux",
        "onunix",
        "onmac",
        "isosfreebsd",
        "isosopenbsd",
        "isosnetbsd",
        "isossolaris",
        "isossunos",
        "isosaix",
        "isoshpux",
        "isoszos",
        "isosirix",
    ];
    if WINDOWS.contains(&n.as_str()) {
        Some(true)
    } else if POSIX.contains(&n.as_str()) {
        Some(false)
    } else {
        None
    }
}

/// Whether two sides of `==` are the same on Windows, `l` a platform's value and `r` a
/// literal: `File.separatorChar` is `'\\'` and `File.pathSeparatorChar` is `';'` there
/// (`java.io.WinNTFileSystem`: `slash` and `semicolon`); `OS.current()` is
/// `OS.WINDOWS`.
fn compare(l: &str, r: &str) -> Option<bool> {
    let l = l.strip_prefix("java.io.").unwrap_or(l);
    let l = l.strip_prefix("File.").unwrap_or(l);
    let l = if l.ends_with("OS.current()") { "OS.current()" } else { l };
    let lit = r.strip_prefix('\'').and_then(|r| r.strip_suffix('\''));
    match l {
        "separatorChar" => lit.map(|c| c == "\\\\"),
        "pathSeparatorChar" => lit.map(|c| c == ";"),
        "OS.current()" => {
            let os = r.rsplit('.').next().unwrap_or(r);
            OS_NAMES.contains(&os).then_some(os == "WINDOWS")
        }
        _ => None,
    }
}

/// `File.separator.equals("\\")` (also the other way round, and `pathSeparator` with
/// `";"`) on Windows, where `File.separator` is `\` and `File.pathSeparator` is `;`.
fn separator_test(c: &str) -> Option<bool> {
    let (recv, method, arg) = last_call(c)?;
    if method != "equals" {
        return None;
    }
    let field = |s: &str| {
        let s = s.strip_prefix("java.io.").unwrap_or(s);
        match s.strip_prefix("File.").unwrap_or(s) {
            "separator" => Some("\"\\\\\""),
            "pathSeparator" => Some("\";\""),
            _ => None,
        }
    };
    let (windows, lit) = match field(recv) {
        Some(w) => (w, arg),
        None => (field(arg)?, recv),
    };
    (lit.starts_with('"') && lit.ends_with('"') && lit.len() >= 2).then(|| lit == windows)
}

/// `RECV.method(ARGS)` at the end of `c` (compacted): the receiver, the method's name and
/// the arguments' text.
fn last_call(c: &str) -> Option<(&str, &str, &str)> {
    let body = c.strip_suffix(')')?;
    // The `(` that opens the last call's arguments.
    let mut depth = 0i32;
    let mut open = None;
    let mut quote = None;
    for (i, ch) in body.char_indices().rev() {
        match (quote, ch) {
            (Some(q), ch) if ch == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(ch),
            (None, ')') => depth += 1,
            (None, '(') if depth == 0 => {
                open = Some(i);
                break;
            }
            (None, '(') => depth -= 1,
            _ => {}
        }
    }
    let open = open?;
    let (recv, method) = body[..open].rsplit_once('.')?;
    (!method.is_empty() && method.bytes().all(is_ident)).then_some((recv, method, &body[open + 1..]))
}

/// `e` without its blanks outside literals.
fn compact(e: &str) -> String {
    let mut out = String::with_capacity(e.len());
    let mut quote = None;
    let mut escaped = false;
    for c in e.trim().chars() {
        match quote {
            Some(q) => {
                if !escaped && c == q {
                    quote = None;
                }
                escaped = !escaped && c == '\\';
                out.push(c);
            }
            None if c.is_whitespace() => {}
            None => {
                if c == '"' || c == '\'' {
                    quote = Some(c);
                }
                out.push(c);
            }
        }
    }
    out
}

/// The text of a plain string literal (no escapes).
fn string_literal(e: &str) -> Option<&str> {
    let inner = e.trim().strip_prefix('"')?.strip_suffix('"')?;
    (!inner.contains(['\\', '"'])).then_some(inner)
}

/// Whether a statement or block body always leaves: `return`, `throw`, `continue` or
/// `break`, at its top level.
fn leaves(body: &str) -> bool {
    !body.contains('{') && words(body).any(|w| matches!(w, "return" | "throw" | "continue" | "break"))
}

/// The words (names and keywords) of masked code.
fn words(code: &str) -> impl Iterator<Item = &str> {
    code.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '$'))
        .filter(|w| !w.is_empty())
}

/// `code` without what parentheses hold.
fn outside_parens(code: &str) -> String {
    let mut depth = 0usize;
    code.chars()
        .filter(|&c| {
            match c {
                '(' => depth += 1,
                ')' => depth = depth.saturating_sub(1),
                _ => return depth == 0,
            }
            false
        })
        .collect()
}

/// Whether line `line` (1-based) of the Java source `src` runs only where the platform is
/// not Windows.
pub fn line_is_posix_only(src: &str, line: usize) -> bool {
    let Some(start) = line.checked_sub(1).and_then(|n| {
        if n == 0 {
            return Some(0);
        }
        src.match_indices('\n').nth(n - 1).map(|(i, _)| i + 1)
    }) else {
        return false;
    };
    let text = &src[start..];
    let at = start + (text.len() - text.trim_start_matches([' ', '\t']).len());
    if at >= src.len() {
        return false;
    }
    let java = Java::new(src);
    if java.code.len() != src.len() {
        return false;
    }
    // A line that closes a block first (`} else Files.delete(p);`, `} else {
    // Files.delete(p); }`): its statement is what follows.
    let line_end = java.code[at..].find('\n').map_or(java.code.len(), |i| at + i);
    let mut next = at;
    for token in ["}", "else", "{"] {
        let rest = &java.code[next..line_end];
        let glued = rest.len() > token.len() && is_ident(rest.as_bytes()[token.len()]);
        if rest.starts_with(token) && !(token == "else" && glued) {
            let after = rest[token.len()..].trim_start();
            if after.is_empty() {
                break;
            }
            next = line_end - after.len();
        }
    }
    java.posix_only_at(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether the line holding `marker` is POSIX-only.
    fn at(src: &str, marker: &str) -> bool {
        let line = src.lines().position(|l| l.contains(marker)).expect(marker) + 1;
        line_is_posix_only(src, line)
    }

    #[test]
    fn literals_and_comments_are_masked_in_place() {
        let src = "a = \"{\" + '}' + '\\'' // {\n/* } */ b = \"\"\"\n  }{ \"\n  \"\"\"; c = '\\\\';\n";
        let m = mask(src);
        assert_eq!(m.len(), src.len());
        assert!(!m.contains(['{', '}']), "{m}");
        assert!(m.contains("c = 'xx';"), "{m}");
    }

    #[test]
    fn platform_branches() {
        let src = r#"
class Cleaner {
    static final boolean IS_WINDOWS = System.getProperty("os.name").startsWith("Windows");
    private static final String OS = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    void clean(Path p) throws IOException {
        if (!System.getProperty("os.name").startsWith("Windows")) {
            Files.delete(p); // os.name
        }
        if (IS_WINDOWS) {
            windows(p);
        } else {
            Files.delete(p); // the else
        }
        if (OS.contains("linux")) {
            Files.delete(p); // linux
        } else if (OS.contains("win")) {
            windows(p);
        } else {
            Files.delete(p); // else of else-if
        }
        if (!IS_WINDOWS && Files.exists(p)) {
            Files.delete(p); // not windows and
        }
        if (IS_WINDOWS || force) {
            Files.delete(p); // windows or
        }
        if (force) {
            Files.delete(p); // unknown
        }
        if (File.separatorChar == '/') Files.delete(p); // one line
        if (File.separatorChar != '\\')
            Files.delete(p); // braceless
        if (SystemUtils.IS_OS_UNIX) {
            Files.delete(p); // commons-lang unix
        }
        if (!SystemUtils.IS_OS_WINDOWS) {
            Files.delete(p); // commons-lang not windows
        }
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.delete(p); // posix view
        }
        if (File.pathSeparatorChar == ':') {
            Files.delete(p); // path separator
        }
        if (!File.separator.equals("\\")) {
            Files.delete(p); // separator string
        }
        if (IS_WINDOWS) {
            Files.delete(p); // windows only
        }
        if (OS.contains("win")) {
            windows(p);
        } else Files.delete(p); // braceless else
        if (System.getProperty("os.name").toLowerCase().indexOf("win") < 0) {
            Files.delete(p); // index of
        }
        if (OS.indexOf("win") >= 0) {
            Files.delete(p); // index of windows
        }
        Files.delete(p); // plain
    }
}
"#;
        for marker in [
            "// os.name",
            "// the else",
            "// linux",
            "// else of else-if",
            "// not windows and",
            "// one line",
            "// braceless",
            "// commons-lang unix",
            "// commons-lang not windows",
            "// posix view",
            "// path separator",
            "// separator string",
            "// braceless else",
            "// index of",
        ] {
            assert!(at(src, marker), "{marker}");
        }
        for marker in [
            "// windows or",
            "// unknown",
            "// windows only",
            "// index of windows",
            "// plain",
        ] {
            assert!(!at(src, marker), "{marker}");
        }
    }

    #[test]
    fn the_else_of_a_test_of_something_else_runs_on_windows() {
        let src = r#"
class C {
    void f(Path p) throws IOException {
        if (Files.isDirectory(p)) {
            walk(p);
        } else {
            Files.delete(p); // else of other
        }
        if (!IS_WINDOWS) {
            nothing();
        } else {
            Files.delete(p); // else of not windows
        }
        if (System.getProperty("os.name").startsWith("Windows 1")) {
            nothing();
        } else {
            Files.delete(p); // a version not known
        }
        if (System.getProperty("os.name").contains("win")) {
            nothing();
        } else {
            Files.delete(p); // case not known
        }
        if (NUM_WINDOWS > 1) {
            nothing();
        } else {
            Files.delete(p); // a name with windows in it
        }
    }
}
"#;
        assert!(!at(src, "// else of other"));
        assert!(!at(src, "// else of not windows"));
        assert!(!at(src, "// a version not known"));
        assert!(
            !at(src, "// case not known"),
            "\"Windows ...\" holds no \"win\", but its suffix is not known"
        );
        assert!(!at(src, "// a name with windows in it"));
    }

    #[test]
    fn declared_values_are_read_when_assigned_once() {
        let src = r#"
class C {
    private static final boolean IS_WINDOWS = Os.isFamily(Os.FAMILY_WINDOWS);
    private static final boolean isWindows = args.length > 0;
    static boolean windows;
    void f(Path p) throws IOException {
        boolean posix = File.separatorChar == '/';
        if (posix) {
            Files.delete(p); // local
        }
        if (!IS_WINDOWS) {
            Files.delete(p); // its value speaks of Windows
        }
        if (!isWindows) {
            Files.delete(p); // its value does not
        }
        boolean onWindows = frame.hasWindows();
        if (!onWindows) {
            Files.delete(p); // a value of other windows
        }
        if (!IS_WINDOWS /* || other */) {
            Files.delete(p); // a comment in the condition
        }
        windows = load();
        windows = true;
        if (!windows) {
            Files.delete(p); // assigned twice: by its name
        }
    }
}
"#;
        assert!(at(src, "// local"));
        assert!(at(src, "// its value speaks of Windows"));
        assert!(!at(src, "// its value does not"));
        assert!(!at(src, "// a value of other windows"));
        assert!(at(src, "// a comment in the condition"));
        assert!(at(src, "// assigned twice: by its name"));
    }

    #[test]
    fn early_exits_on_windows() {
        let src = r#"
class T {
    @Test
    public void junit4() throws Exception {
        Assume.assumeFalse(IS_WINDOWS);
        Files.delete(p); // assumeFalse
    }
    @Test
    void jupiter() throws Exception {
        Assumptions.assumeTrue(!isWindows, "POSIX only");
        Files.delete(p); // assumeTrue with a message after
    }
    @Test
    void junit4Message() throws Exception {
        assumeTrue("POSIX only", File.separatorChar == '/');
        Files.delete(p); // assumeTrue with a message before
    }
    void helper(Path p) throws IOException {
        if (isWindows) return;
        Files.delete(p); // return
    }
    void loop(List<Path> ps) throws IOException {
        for (Path p : ps) {
            if (System.getProperty("os.name").startsWith("Windows")) {
                continue;
            }
            Files.delete(p); // continue
        }
    }
    void thrown(Path p) throws IOException {
        if (IS_WINDOWS) {
            throw new SkipException("POSIX only");
        }
        Files.delete(p); // throw
    }
    void notAnExit(Path p) throws IOException {
        if (IS_WINDOWS) {
            log("windows");
        }
        Files.delete(p); // log
    }
    void posixExits(Path p) throws IOException {
        if (!IS_WINDOWS) return;
        Files.delete(p); // posix exit
    }
    void after(Path p) throws IOException {
        Files.delete(p); // after
        if (IS_WINDOWS) return;
    }
    void conditional(Path p) throws IOException {
        if (other) assumeFalse(IS_WINDOWS);
        Files.delete(p); // conditional assumption
    }
    void chained(Path p) throws IOException {
        if (other) {
            x();
        } else if (IS_WINDOWS) return;
        Files.delete(p); // else if exit
    }
    void inSwitch(int k, Path p) throws IOException {
        switch (k) {
            case 1:
                if (IS_WINDOWS) return;
            case 2:
                Files.delete(p); // case
        }
    }
    @Test
    void supplied() throws Exception {
        Assumptions.assumeFalse(() -> IS_WINDOWS);
        Files.delete(p); // supplier
    }
    void assumesOther(Path p) throws IOException {
        assumeTrue(Files.exists(p));
        Files.delete(p); // other assumption
    }
}
"#;
        for marker in [
            "// assumeFalse",
            "// assumeTrue with a message after",
            "// assumeTrue with a message before",
            "// return",
            "// continue",
            "// throw",
            "// supplier",
        ] {
            assert!(at(src, marker), "{marker}");
        }
        for marker in [
            "// log",
            "// posix exit",
            "// after",
            "// conditional assumption",
            "// else if exit",
            "// case",
            "// other assumption",
        ] {
            assert!(!at(src, marker), "{marker}");
        }
    }

    #[test]
    fn junit5_operating_system_conditions() {
        let src = r#"
import static org.junit.jupiter.api.condition.OS.*;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class FilesTest {
    @Test
    @DisabledOnOs(OS.WINDOWS)
    void disabled() throws Exception {
        Files.delete(p); // disabled
    }

    @DisabledOnOs({OS.MAC, OS.WINDOWS})
    @Test
    void disabledList() throws Exception {
        Files.delete(p); // disabled list
    }

    @Test
    @DisabledOnOs(value = WINDOWS, disabledReason = "POSIX delete semantics")
    void disabledStatic() throws Exception {
        Runnable r = () -> {
            delete(p); // a lambda in it
        };
    }

    @Test
    @EnabledOnOs({LINUX, MAC})
    void enabled() throws Exception {
        Files.delete(p); // enabled elsewhere
    }

    @Test @EnabledOnOs(OS.LINUX) void oneLine() throws IOException {
        Files.delete(p); // one line header
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "b"})
    @DisabledOnOs(OS.WINDOWS)
    void parameterized(String s) throws Exception {
        Files.delete(p); // parameterized
    }

    @Test
    @DisabledOnOs(OS.MAC)
    void otherSystem() throws Exception {
        Files.delete(p); // disabled on mac
    }

    @Test
    @EnabledOnOs({OS.WINDOWS, OS.LINUX})
    void withWindows() throws Exception {
        Files.delete(p); // enabled with windows
    }

    @Test
    @DisabledOnOs(value = OS.WINDOWS, architectures = "aarch64")
    void architectures() throws Exception {
        Files.delete(p); // one architecture
    }

    @DisabledOnOs(OS.WINDOWS)
    void notATest() throws Exception {
        Files.delete(p); // not a test
    }

    @Test
    @EnabledOnOs(OS.WINDOWS)
    void windowsOnly() throws Exception {
        Files.delete(p); // windows only
    }
}

@DisabledOnOs(OS.WINDOWS)
abstract class AbstractPosixTest {
    @Test
    void inherited() throws Exception {
        Files.delete(p); // abstract class test
    }
}

@DisabledOnOs(OS.WINDOWS)
class PosixTest {
    @BeforeEach
    void setUp() throws Exception {
        Files.delete(p); // class lifecycle
    }

    @Test
    void it() throws Exception {
        Files.delete(p); // class test
    }

    static void helper(Path p) throws Exception {
        Files.delete(p); // class helper
    }

    @Nested
    class Inner {
        @Test
        void nested() throws Exception {
            Files.delete(p); // nested class test
        }
    }
}
"#;
        for marker in [
            "// disabled",
            "// disabled list",
            "// a lambda in it",
            "// enabled elsewhere",
            "// one line header",
            "// parameterized",
            "// class lifecycle",
            "// class test",
            "// nested class test",
        ] {
            assert!(at(src, marker), "{marker}");
        }
        for marker in [
            "// disabled on mac",
            "// enabled with windows",
            "// one architecture",
            "// not a test",
            "// windows only",
            "// class helper",
            "// abstract class test",
        ] {
            assert!(!at(src, marker), "{marker}");
        }
        // Without JUnit 5 the same names are some other library's: not read.
        let other = src.replace("org.junit.jupiter", "org.example");
        assert!(!at(&other, "// disabled list"));
    }

    #[test]
    fn junit5_os_in_conditions() {
        let src = r#"
class C {
    void f() throws Exception {
        if (!OS.WINDOWS.isCurrentOs()) {
            Files.delete(p); // not current
        }
        if (OS.current() != OS.WINDOWS) {
            Files.delete(p); // current
        }
        if (OS.LINUX.isCurrentOs()) {
            Files.delete(p); // linux current
        }
        if (OS.current() == OS.WINDOWS) {
            Files.delete(p); // windows current
        }
    }
}
"#;
        assert!(at(src, "// not current"));
        assert!(at(src, "// current"));
        assert!(at(src, "// linux current"));
        assert!(!at(src, "// windows current"));
    }

    #[test]
    fn source_roots_of_a_command_line() {
        let argv = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let cwd = Path::new("/w/proj");
        let r = Roots::of(
            cwd,
            &argv(&[
                "/usr/lib/jvm/java-17/bin/java",
                "-Xmx1g",
                "-cp",
                "target/test-classes:target/classes:/m2/junit.jar:lib/*",
                "--module-path=/w/other/build/classes/java/main",
                "org.junit.Main",
                "x.java",
            ]),
        );
        assert_eq!(r.launcher, None, "a main class is run");
        for d in [
            "/w/proj",
            "/w/proj/src/main/java",
            "/w/proj/src/test/java",
            "/w/proj/target/test-classes",
            "/w/proj/target/classes",
            "/w/other/src/main/java",
            "/w/other/build/classes/java/main",
        ] {
            assert!(r.dirs.contains(&PathBuf::from(d)), "{d}: {:?}", r.dirs);
        }
        assert!(!r.dirs.iter().any(|d| d.to_str().unwrap().contains(".jar")));
        let r = Roots::of(cwd, &argv(&["java", "--add-modules", "x.y", "tests/Prog.java", "arg"]));
        assert_eq!(r.launcher, Some(PathBuf::from("/w/proj/tests/Prog.java")));
        assert!(r.dirs.contains(&PathBuf::from("/w/proj/tests")));
        let r = Roots::of(cwd, &argv(&["java", "-jar", "app.jar", "Prog.java"]));
        assert_eq!(r.launcher, None);
        let r = Roots::of(cwd, &argv(&["python3", "-cp", "/x", "Prog.java"]));
        assert_eq!(r.dirs.len(), 3, "not a JVM");
    }

    #[test]
    fn a_frames_file_is_found_under_its_roots_with_its_package() {
        let dir = std::env::temp_dir().join(format!("winsan-java-src-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let main = dir.join("src/main/java/com/example");
        std::fs::create_dir_all(&main).unwrap();
        std::fs::create_dir_all(dir.join("target/classes")).unwrap();
        let cleaner = "package com.example;\nclass Cleaner {\n  void f() {\n    if (IS_WINDOWS) return;\n    Files.delete(p);\n  }\n}\n";
        std::fs::write(main.join("Cleaner.java"), cleaner).unwrap();
        // A file of the same name in another package.
        std::fs::write(main.join("Other.java"), "package org.other;\nclass Other {}\n").unwrap();
        // A launched file outside its package's directory (JDK 17's source launcher).
        std::fs::write(
            dir.join("Prog.java"),
            "package com.prog;\nclass Prog {\n  void f() {\n    if (IS_WINDOWS) return;\n    Files.delete(p);\n  }\n}\n",
        )
        .unwrap();
        let argv: Vec<String> = ["java", "-cp", "target/classes", "com.example.Main"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let roots = Roots::of(&dir, &argv);
        let mut sources = JavaSources::default();
        assert_eq!(
            sources.find(&roots, "com/example/Cleaner.java"),
            Some(main.join("Cleaner.java"))
        );
        assert_eq!(sources.find(&roots, "com/example/Other.java"), None, "another package");
        assert_eq!(sources.find(&roots, "com/example/Gone.java"), None);
        assert_eq!(sources.find(&roots, "com/example/../example/Cleaner.java"), None);
        assert_eq!(sources.find(&roots, "com/example/Cleaner.class"), None);
        assert!(sources
            .source_of(&roots, "com/example/Cleaner.java")
            .is_some_and(|s| line_is_posix_only(&s, 5)));
        let launched = Roots::of(&dir, &["java".to_string(), "Prog.java".to_string()]);
        assert_eq!(
            sources.find(&launched, "com/prog/Prog.java"),
            Some(dir.join("Prog.java"))
        );
        assert_eq!(sources.find(&launched, "com/other/Prog.java"), None);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
