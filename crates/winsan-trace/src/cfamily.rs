//! Expressions in the syntax JavaScript and Java share with C: parentheses around a
//! whole condition, and its parts at a top-level operator (`a && (b || c)` is `a` and
//! `(b || c)`), for [`crate::jssource`] and [`crate::javasource`], which read a platform
//! test out of them. Text, not a parse tree: literals are skipped by their quotes.

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
