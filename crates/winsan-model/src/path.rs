//! Drive-rooted Windows paths: `C:\dir\name`, case-insensitive and case-preserving.
//!
//! Win32 normalises a path before the NT layer sees it (`RtlDosPathNameToNtPathName`):
//! `.` and `..` components are folded and repeated or trailing separators dropped. Both
//! layers of the model accept the same drive-rooted form.

use crate::reason::Reason;
use crate::status::NtStatus;
use crate::Refusal;
use smallvec::SmallVec;

/// A parsed path: upper-case drive letter and its components (original spelling).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct WinPath<'a> {
    pub drive: char,
    pub components: SmallVec<[&'a str; 8]>,
}

/// Characters NTFS and FAT refuse in a name (`STATUS_OBJECT_NAME_INVALID`).
fn invalid_char(c: char) -> bool {
    matches!(c, '*' | '?' | '"' | '<' | '>' | '|' | ':' | '/') || (c as u32) < 0x20
}

impl<'a> WinPath<'a> {
    pub fn parse(path: &'a str) -> Result<WinPath<'a>, Refusal> {
        let invalid = || {
            Refusal::new(
                NtStatus::STATUS_OBJECT_NAME_INVALID,
                Reason::InvalidName { path: path.to_string() },
            )
        };
        let bytes = path.as_bytes();
        if bytes.len() < 2 || !bytes[0].is_ascii_alphabetic() || bytes[1] != b':' {
            return Err(invalid());
        }
        let rest = &path[2..];
        if !rest.is_empty() && !rest.starts_with('\\') {
            return Err(invalid());
        }
        let mut components: SmallVec<[&'a str; 8]> = SmallVec::new();
        for c in rest.split('\\') {
            match c {
                "" | "." => {}
                ".." => {
                    components.pop();
                }
                _ => {
                    if c.chars().any(invalid_char) {
                        return Err(invalid());
                    }
                    // Win32 strips trailing dots and spaces from a component.
                    let t = c.trim_end_matches(['.', ' ']);
                    if t.is_empty() {
                        return Err(invalid());
                    }
                    components.push(t);
                }
            }
        }
        Ok(WinPath {
            drive: (bytes[0] as char).to_ascii_uppercase(),
            components,
        })
    }
}

/// The case-folded key of a name, written into `buf` (reused to avoid allocation).
pub(crate) fn fold_into(name: &str, buf: &mut String) {
    buf.clear();
    if name.is_ascii() {
        buf.push_str(name);
        buf.make_ascii_lowercase();
    } else {
        for ch in name.chars() {
            buf.extend(ch.to_lowercase());
        }
    }
}

pub(crate) fn fold(name: &str) -> String {
    let mut s = String::with_capacity(name.len());
    fold_into(name, &mut s);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_normalises() {
        let p = WinPath::parse(r"c:\a\.\b\..\C.txt").unwrap();
        assert_eq!(p.drive, 'C');
        assert_eq!(p.components.as_slice(), ["a", "C.txt"]);
        assert!(WinPath::parse(r"C:\").unwrap().components.is_empty());
        assert!(WinPath::parse(r"C:\a*b").is_err());
        assert!(WinPath::parse(r"relative\x").is_err());
        assert_eq!(fold("ÄBc"), "äbc");
    }
}
