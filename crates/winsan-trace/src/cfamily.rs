//! The syntax JavaScript and Java share with C, read as text for [`crate::jssource`] and
//! [`crate::javasource`]: blocks (`{ }` pairs), matching parentheses and the word before
//! an offset in code whose literals and comments are masked; and expressions:
//! parentheses around a whole condition, and its parts at a top-level operator (`a && (b
//! || c)` is `a` and `(b || c)`), from which a platform test is read. Not a parse tree:
//! literals are skipped by their quotes.

/// `e` without parentheses around the whole of it.
pub(crate) fn strip_parens(mut e: &str) -> &str {
    while e.starts_with('(') && e.ends_with(')') {
        let mut depth = 0i32;
        let whole = e.char_indices().all(|(i, c)| {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
            depth > 0 || i == e.len() - 1
        });
        if !whole {
            break;
        }
        e = e[1..e.len() - 1].trim();
    }
    e
}

/// The parts of `e` split at `op` outside parentheses, brackets, braces and literals.
pub(crate) fn split_top<'e>(e: &'e str, op: &str) -> Vec<&'e str> {
    let mut out = vec![];
    let mut rest = e;
    while let Some((l, r)) = split_once_top(rest, op) {
        out.push(l);
        rest = r;
    }
    out.push(rest);
    out
}

/// `e` split at the first `op` outside parentheses, brackets, braces and literals
/// (`'`, `"` and JavaScript's `` ` ``), where it is not part of a longer operator (`=` of
/// `==`, `<=`, `!=`; `==` of `===`, `!=` of `!==`).
pub(crate) fn split_once_top<'e>(e: &'e str, op: &str) -> Option<(&'e str, &'e str)> {
    let b = e.as_bytes();
    let o = op.as_bytes();
    let mut depth = 0i32;
    let mut quote = None;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) => {
                if c == b'\\' {
                    i += 1;
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                b'\'' | b'"' | b'`' => quote = Some(c),
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => depth -= 1,
                _ if depth == 0 && b[i..].starts_with(o) => {
                    let prev = if i > 0 { b[i - 1] } else { b' ' };
                    let next = b.get(i + o.len()).copied().unwrap_or(b' ');
                    let glued = (o.ends_with(b"=") && next == b'=')
                        || (o.starts_with(b"=") && matches!(prev, b'=' | b'!' | b'<' | b'>'));
                    if !glued {
                        // `op` is ASCII: `i` and `i + op.len()` are character boundaries.
                        return Some((&e[..i], &e[i + o.len()..]));
                    }
                    i += o.len();
                    continue;
                }
                _ => {}
            },
        }
        i += 1;
    }
    None
}

/// Each `{ }` pair of `code` (literals and comments masked), by offsets.
pub(crate) fn blocks(code: &str) -> Vec<(usize, usize)> {
    let mut blocks = vec![];
    let mut open = vec![];
    for (i, c) in code.bytes().enumerate() {
        match c {
            b'{' => open.push(i),
            b'}' => {
                if let Some(o) = open.pop() {
                    blocks.push((o, i));
                }
            }
            _ => {}
        }
    }
    blocks
}

/// Where the `else` just before offset `at` of `code` begins, if one is.
pub(crate) fn else_before(code: &str, at: usize) -> Option<usize> {
    let rest = code[..at].trim_end().strip_suffix("else")?;
    (!rest.ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$' || c == '.')).then_some(rest.len())
}

/// Whether an earlier branch of the `if`/`else if` chain whose `else` begins at `start`
/// of `code` is taken on Windows (so the `else` is not): walked back through the blocks
/// (`blocks`) that close just before each `else`, whose headers `if_header` reads (an
/// `if`'s condition and where the `if` begins; `None` for any other block) and whose
/// conditions `eval` evaluates on Windows (given where their `if` begins).
pub(crate) fn chain_taken_on_windows(
    code: &str,
    blocks: &[(usize, usize)],
    mut start: usize,
    if_header: impl Fn(usize) -> Option<(String, usize)>,
    eval: impl Fn(&str, usize) -> Option<bool>,
) -> bool {
    for _ in 0..64 {
        let before = code[..start].trim_end();
        if !before.ends_with('}') {
            return false;
        }
        let close = before.len() - 1;
        let Some(&(open, _)) = blocks.iter().find(|&&(_, c)| c == close) else {
            return false;
        };
        let Some((cond, if_start)) = if_header(open) else {
            return false;
        };
        if eval(&cond, if_start) == Some(true) {
            return true;
        }
        // `else if (...)`: go on with the chain before it.
        match else_before(code, if_start) {
            Some(e) => start = e,
            None => return false,
        }
    }
    false
}

/// The blocks of `blocks` around offset `at`, innermost first.
pub(crate) fn enclosing(blocks: &[(usize, usize)], at: usize) -> Vec<(usize, usize)> {
    let mut b: Vec<(usize, usize)> = blocks.iter().copied().filter(|&(o, c)| o < at && at < c).collect();
    b.sort_by_key(|x| std::cmp::Reverse(x.0));
    b
}

/// The offset of the parenthesis that matches the one at `at` in `code` (literals and
/// comments masked): the `(` of a `)`, searching back, or the `)` of a `(`, searching on.
pub(crate) fn matching_paren(code: &str, at: usize) -> Option<usize> {
    let b = code.as_bytes();
    let (open, forward) = match b.get(at)? {
        b'(' => (b'(', true),
        b')' => (b')', false),
        _ => return None,
    };
    let mut depth = 0usize;
    let mut i = at;
    loop {
        if b[i] == open {
            depth += 1;
        } else if b[i] == b'(' || b[i] == b')' {
            depth = depth.checked_sub(1)?;
            if depth == 0 {
                return Some(i);
            }
        }
        i = if forward { i + 1 } else { i.checked_sub(1)? };
        if i >= b.len() {
            return None;
        }
    }
}

/// The word (a name, dotted or not, or a keyword) that ends at `end` of `code` (exclusive,
/// blanks before it skipped), and its start.
pub(crate) fn word_before(code: &str, end: usize) -> (&str, usize) {
    let text = code[..end].trim_end();
    let start = text
        .bytes()
        .rposition(|c| !(c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c == b'.'))
        .map_or(0, |p| p + 1);
    (&code[start..text.len()], start)
}

/// The `if (COND)` header that ends just before offset `at` of `code` (literals and
/// comments masked), whose body without braces is the statement at `at`: the offsets of
/// its condition's parentheses and where `if` begins.
pub(crate) fn if_header_before(code: &str, at: usize) -> Option<(usize, usize, usize)> {
    let before = code[..at].trim_end();
    let close = before.len().checked_sub(1).filter(|_| before.ends_with(')'))?;
    let open = matching_paren(code, close)?;
    let (word, start) = word_before(code, open);
    (word == "if").then_some((open, close, start))
}

/// The condition's parentheses of `if (COND) STATEMENT` written whole on the line that
/// begins at `at` of `code` (literals and comments masked; `blocks` its blocks), the
/// statement a block `{ ... }` closed on the line or anything else that is not blank;
/// `None` when the line is no such `if`, or `has_else` says it holds an `else` (then
/// the condition alone does not tell what runs). An `if (...) {` whose block goes on
/// below holds no statement on the line, only its condition, which runs everywhere.
pub(crate) fn one_line_if(
    code: &str,
    blocks: &[(usize, usize)],
    at: usize,
    has_else: impl Fn(&str) -> bool,
) -> Option<(usize, usize)> {
    let line_end = code[at..].find('\n').map_or(code.len(), |i| at + i);
    let line = &code[at..line_end];
    if !line.starts_with("if") || has_else(line) {
        return None;
    }
    let after = code[at + 2..].trim_start();
    let paren = code.len() - after.len();
    if !after.starts_with('(') {
        return None;
    }
    let close = matching_paren(code, paren).filter(|&c| c < line_end)?;
    let body = code[close + 1..line_end].trim();
    let whole = match body.strip_prefix('{') {
        Some(_) => {
            let open = line_end - code[close + 1..line_end].trim_start().len();
            blocks.iter().any(|&(o, c)| o == open && c < line_end)
        }
        None => !body.is_empty(),
    };
    whole.then_some((paren, close))
}

/// A clause of a `switch` block: `case LABEL:` or `default:`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Clause {
    /// Where `case` or `default` begins.
    pub start: usize,
    /// The label's offsets (`None` for `default`).
    pub label: Option<(usize, usize)>,
    /// Where its statements begin: just past its `:`.
    pub body: usize,
}

/// The clauses at the top level of the `switch` block `open..close` of `code` (literals
/// and comments masked), in order; `None` when a label cannot be read plainly (a `?` in
/// it, Java's `case X ->`, no `:`). Only `case` and `default` outside the block's inner
/// blocks and brackets are labels of this `switch`.
pub(crate) fn switch_clauses(code: &str, open: usize, close: usize) -> Option<Vec<Clause>> {
    let mut out = vec![];
    for (i, word) in top_level_words(code, open + 1, close) {
        let end = i + word.len();
        if word == "case" {
            let (label, _) = split_once_top(code.get(end..close)?, ":")?;
            if label.contains('?') || label.contains("->") || label.trim().is_empty() {
                return None;
            }
            let colon = end + label.len();
            out.push(Clause {
                start: i,
                label: Some((end, colon)),
                body: colon + 1,
            });
        } else if word == "default" {
            let after = code[end..close].trim_start();
            if !after.starts_with(':') {
                return None;
            }
            out.push(Clause {
                start: i,
                label: None,
                body: close - after.len() + 1,
            });
        }
    }
    Some(out)
}

/// The words (identifiers and keywords) of `code` from `from` to `to` outside every
/// block and bracket opened there, with where each begins; a property's name (`.case`)
/// is none.
fn top_level_words(code: &str, from: usize, to: usize) -> impl Iterator<Item = (usize, &str)> {
    let b = code.as_bytes();
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'$';
    let mut depth = 0i32;
    let mut i = from;
    std::iter::from_fn(move || {
        while i < to {
            match b[i] {
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => depth -= 1,
                c if depth == 0 && ident(c) && (i == 0 || !(ident(b[i - 1]) || b[i - 1] == b'.')) => {
                    let start = i;
                    i += b[i..to].iter().position(|&c| !ident(c)).unwrap_or(to - i);
                    return Some((start, &code[start..i]));
                }
                _ => {}
            }
            i += 1;
        }
        None
    })
}

/// Whether the statements `from..to` of `code` (a `switch` clause's, literals and
/// comments masked) always leave before their end: a `break`, `continue`, `return` or
/// `throw` at their top level (outside every block and bracket in them) that begins a
/// statement which runs whenever they do: at their start, or after a `;`, a `}`, a
/// label's `:`, or (JavaScript's automatic semicolon insertion) a line that ends a
/// statement there. One after `else`, `do`, or the `)` of an `if`, `for`, `while` or
/// `with` header is that statement's body: not taken. Execution falls through a clause
/// into the next one only when it does not leave (ECMA-262, "Runtime Semantics:
/// CaseBlockEvaluation"; JLS 14.11.3).
pub(crate) fn leaves_unconditionally(code: &str, from: usize, to: usize) -> bool {
    top_level_words(code, from, to)
        .any(|(i, word)| matches!(word, "break" | "continue" | "return" | "throw") && statement_begins(code, from, i))
}

/// Whether a statement that runs whenever the statements from `from` do begins at `at`
/// of `code` (see [`leaves_unconditionally`]).
fn statement_begins(code: &str, from: usize, at: usize) -> bool {
    let before = code[from..at].trim_end();
    if before.is_empty() || before.ends_with([';', '}', ':']) {
        return true;
    }
    // Another statement on the line before, ended by the line break.
    if !code[from + before.len()..at].contains('\n') {
        return false;
    }
    if before.ends_with(')') {
        let Some(open) = matching_paren(code, from + before.len() - 1) else {
            return false;
        };
        let (word, _) = word_before(code, open);
        return !matches!(word, "if" | "for" | "while" | "with" | "switch" | "catch" | "function") && !word.is_empty();
    }
    let (word, _) = word_before(code, from + before.len());
    let last = before.as_bytes()[before.len() - 1];
    (last == b']' || last == b'\'' || last == b'"' || (!word.is_empty() && !word.ends_with('.')))
        && !matches!(
            word,
            "else" | "do" | "return" | "throw" | "typeof" | "void" | "new" | "in" | "of"
        )
}

/// `||` of operands each true, false or unknown (`None`): true when one is true, false
/// when all are false, unknown otherwise.
pub(crate) fn any_of(operands: impl IntoIterator<Item = Option<bool>>) -> Option<bool> {
    let mut all_false = true;
    for v in operands {
        match v {
            Some(true) => return Some(true),
            Some(false) => {}
            None => all_false = false,
        }
    }
    all_false.then_some(false)
}

/// `&&` of operands each true, false or unknown (`None`): false when one is false, true
/// when all are true, unknown otherwise.
pub(crate) fn all_of(operands: impl IntoIterator<Item = Option<bool>>) -> Option<bool> {
    any_of(operands.into_iter().map(|v| v.map(|b| !b))).map(|b| !b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn switch_clauses_and_their_exits() {
        let code = "switch (x) { case 'a': f(); case 'b': { g(); break; } default: if (y) break; case c ? d : e: }";
        let open = code.find('{').unwrap();
        let close = code.len() - 1;
        assert_eq!(switch_clauses(code, open, close), None, "a label with `?`");
        let code = "switch (x) { case 'a': f(); case 'b': { g(); break; } default: if (y) break; case 1: return\n}";
        let close = code.len() - 1;
        let clauses = switch_clauses(code, open, close).unwrap();
        let labels: Vec<Option<&str>> = clauses
            .iter()
            .map(|c| c.label.map(|(s, e)| code[s..e].trim()))
            .collect();
        assert_eq!(labels, [Some("'a'"), Some("'b'"), None, Some("1")]);
        let leaves: Vec<bool> = (0..clauses.len())
            .map(|k| leaves_unconditionally(code, clauses[k].body, clauses.get(k + 1).map_or(close, |c| c.start)))
            .collect();
        assert_eq!(
            leaves,
            [false, false, false, true],
            "a break in a block or under an if is not taken"
        );
        // Java's arrow form.
        let java = "switch (x) { case A -> f(); }";
        assert_eq!(switch_clauses(java, java.find('{').unwrap(), java.len() - 1), None);
        // Statements that a line break ends, and ones it does not.
        for (stmts, leaves) in [
            ("f()\nbreak", true),
            ("x = y\nreturn", true),
            ("if (c)\nbreak", false),
            ("while (c)\nbreak", false),
            ("else\nbreak", false),
            ("a; throw e", true),
            ("x.break", false),
            ("label: break label", true),
        ] {
            assert_eq!(leaves_unconditionally(stmts, 0, stmts.len()), leaves, "{stmts}");
        }
    }

    #[test]
    fn three_valued_operators() {
        assert_eq!(any_of([None, Some(true)]), Some(true));
        assert_eq!(any_of([Some(false), Some(false)]), Some(false));
        assert_eq!(any_of([Some(false), None]), None);
        assert_eq!(all_of([None, Some(false)]), Some(false));
        assert_eq!(all_of([Some(true), Some(true)]), Some(true));
        assert_eq!(all_of([Some(true), None]), None);
    }
}
