//! The little of ELF that runtime detection ([`crate::runtime`]) and Python frames
//! ([`crate::pyframe`]) need: section headers, a section's bytes, the libraries a file
//! needs and its dynamic symbols. 64-bit little-endian files only; anything malformed is
//! `None`, never a panic.

use std::fs::File;
use std::os::unix::fs::FileExt;

pub const SHT_DYNSYM: usize = 11;
const SHT_SYMTAB: usize = 2;
const SHT_DYNAMIC: usize = 6;
const DT_NULL: usize = 0;
const DT_NEEDED: usize = 1;

fn u16at(b: &[u8], o: usize) -> usize {
    u16::from_le_bytes([b[o], b[o + 1]]) as usize
}
fn u32at(b: &[u8], o: usize) -> usize {
    u32::from_le_bytes(b[o..o + 4].try_into().unwrap()) as usize
}
fn u64at(b: &[u8], o: usize) -> usize {
    u64::from_le_bytes(b[o..o + 8].try_into().unwrap()) as usize
}

/// The NUL-terminated string at `o` of a string table.
fn name_at(table: &[u8], o: usize) -> Option<&[u8]> {
    let rest = table.get(o..)?;
    Some(&rest[..rest.iter().position(|&b| b == 0)?])
}

/// An opened ELF file and its section headers.
pub struct Elf {
    file: File,
    sh: Vec<u8>,
    shnum: usize,
    shstrndx: usize,
    /// `ET_EXEC`: position-dependent, symbol values are addresses.
    pub fixed: bool,
    /// The program headers' offset and count (`e_phoff`, `e_phnum`).
    ph: (u64, usize),
}

impl Elf {
    pub fn open(file: File) -> Option<Elf> {
        let mut hdr = [0u8; 64];
        file.read_exact_at(&mut hdr, 0).ok()?;
        if &hdr[..4] != b"\x7fELF" || hdr[4] != 2 || hdr[5] != 1 {
            return None;
        }
        let (shoff, shentsize, shnum, shstrndx) = (
            u64at(&hdr, 0x28),
            u16at(&hdr, 0x3A),
            u16at(&hdr, 0x3C),
            u16at(&hdr, 0x3E),
        );
        if shentsize != 64 || shnum == 0 || shnum > 4096 || shstrndx >= shnum {
            return None;
        }
        let mut sh = vec![0u8; shnum * 64];
        file.read_exact_at(&mut sh, shoff as u64).ok()?;
        Some(Elf {
            file,
            sh,
            shnum,
            shstrndx,
            fixed: u16at(&hdr, 0x10) == 2,
            ph: (
                u64at(&hdr, 0x20) as u64,
                if u16at(&hdr, 0x36) == 56 { u16at(&hdr, 0x38) } else { 0 },
            ),
        })
    }

    fn header(&self, i: usize) -> &[u8] {
        &self.sh[i * 64..i * 64 + 64]
    }

    /// Section `i`'s type (`sh_type`).
    pub fn kind(&self, i: usize) -> usize {
        u32at(self.header(i), 4)
    }

    /// The first section of type `t`.
    pub fn section_of_type(&self, t: usize) -> Option<usize> {
        (0..self.shnum).find(|&i| self.kind(i) == t)
    }

    /// Section `i`'s bytes, at most `max`.
    pub fn contents(&self, i: usize, max: usize) -> Option<Vec<u8>> {
        let h = self.header(i);
        let mut b = vec![0u8; u64at(h, 0x20).min(max)];
        self.file.read_exact_at(&mut b, u64at(h, 0x18) as u64).ok()?;
        Some(b)
    }

    /// Section `i`'s address (`sh_addr`).
    pub fn section_addr(&self, i: usize) -> u64 {
        u64at(self.header(i), 0x10) as u64
    }

    /// Section `i`'s file offset and size.
    pub fn section_range(&self, i: usize) -> Option<(u64, u64)> {
        let h = self.header(i);
        Some((u64at(h, 0x18) as u64, u64at(h, 0x20) as u64))
    }

    /// The section of names for section `i` (`sh_link`).
    fn linked(&self, i: usize) -> Option<usize> {
        let l = u32at(self.header(i), 0x28);
        (l < self.shnum).then_some(l)
    }

    /// Every section's name, by index.
    pub fn section_names(&self) -> Option<Vec<String>> {
        let names = self.contents(self.shstrndx, 1 << 20)?;
        Some(
            (0..self.shnum)
                .map(|i| {
                    let n = name_at(&names, u32at(self.header(i), 0)).unwrap_or_default();
                    String::from_utf8_lossy(n).into_owned()
                })
                .collect(),
        )
    }

    /// The libraries the file needs (`DT_NEEDED`).
    pub fn needed(&self) -> Option<Vec<Vec<u8>>> {
        let i = self.section_of_type(SHT_DYNAMIC)?;
        let (entries, names) = (self.contents(i, 64 << 10)?, self.contents(self.linked(i)?, 1 << 20)?);
        Some(
            entries
                .chunks_exact(16)
                .take_while(|e| u64at(e, 0) != DT_NULL)
                .filter(|e| u64at(e, 0) == DT_NEEDED)
                .filter_map(|e| name_at(&names, u64at(e, 8)).map(<[u8]>::to_vec))
                .collect(),
        )
    }

    /// The loadable segments (`PT_LOAD`): `(p_offset, p_vaddr, p_filesz)` each.
    pub fn load_segments(&self) -> Vec<(u64, u64, u64)> {
        const PT_LOAD: usize = 1;
        let mut ph = vec![0u8; self.ph.1 * 56];
        if self.file.read_exact_at(&mut ph, self.ph.0).is_err() {
            return vec![];
        }
        ph.chunks_exact(56)
            .filter(|p| u32at(p, 0) == PT_LOAD)
            .map(|p| (u64at(p, 8) as u64, u64at(p, 0x10) as u64, u64at(p, 0x20) as u64))
            .collect()
    }

    /// Read `buf.len()` bytes at virtual address `vaddr` (a symbol's value) from the file,
    /// through the section that holds it.
    pub fn read_at_vaddr(&self, vaddr: u64, buf: &mut [u8]) -> Option<()> {
        const SHT_NOBITS: usize = 8;
        const SHF_ALLOC: usize = 2;
        let v = vaddr as usize;
        let i = (0..self.shnum).find(|&i| {
            let h = self.header(i);
            let (addr, size) = (u64at(h, 0x10), u64at(h, 0x20));
            u64at(h, 8) & SHF_ALLOC != 0 && self.kind(i) != SHT_NOBITS && addr <= v && v + buf.len() <= addr + size
        })?;
        let h = self.header(i);
        let offset = u64at(h, 0x18) + (v - u64at(h, 0x10));
        self.file.read_exact_at(buf, offset as u64).ok()
    }

    /// The values of the dynamic symbols `wanted`, in its order.
    pub fn dynamic_symbols<const N: usize>(&self, wanted: [&[u8]; N]) -> Option<[Option<u64>; N]> {
        self.symbols(SHT_DYNSYM, wanted)
    }

    /// The values of the symbols `wanted` of the static symbol table (`.symtab`, absent
    /// from a stripped file), in its order.
    pub fn static_symbols<const N: usize>(&self, wanted: [&[u8]; N]) -> Option<[Option<u64>; N]> {
        self.symbols(SHT_SYMTAB, wanted)
    }

    /// The bytes each symbol `wanted` of the static symbol table labels (its value and
    /// size), each at most its `max`: constant tables of the program's, such as V8's
    /// bytecode sizes and version. The tables are read in pieces (a node binary's are
    /// 10 MB and more), once for all the names.
    pub fn static_symbol_bytes<const N: usize>(&self, wanted: [(&[u8], usize); N]) -> [Option<Vec<u8>>; N] {
        let mut out = [const { None }; N];
        self.read_static_symbols(wanted, &mut out);
        out
    }

    fn read_static_symbols<const N: usize>(
        &self,
        wanted: [(&[u8], usize); N],
        out: &mut [Option<Vec<u8>>; N],
    ) -> Option<()> {
        const CHUNK: u64 = 1 << 20;
        let i = self.section_of_type(SHT_SYMTAB)?;
        let (str_offset, str_size) = self.section_range(self.linked(i)?)?;
        let needles = wanted.map(|(name, _)| [&[0u8][..], name, &[0u8][..]].concat());
        let finders: Vec<_> = needles.iter().map(memchr::memmem::Finder::new).collect();
        let longest = needles.iter().map(Vec::len).max().unwrap_or(0) as u64;
        // Each name's offset in the string table (pieces overlap by the longest name).
        let mut name_offsets: [Option<usize>; N] = [None; N];
        let mut at = 0;
        let mut b = vec![];
        while at < str_size && name_offsets.iter().any(Option::is_none) {
            let n = (str_size - at).min(CHUNK + longest);
            b.resize(n as usize, 0);
            self.file.read_exact_at(&mut b, str_offset + at).ok()?;
            for (offset, finder) in name_offsets.iter_mut().zip(&finders) {
                if offset.is_none() {
                    *offset = finder.find(&b).map(|p| (at + p as u64 + 1) as usize);
                }
            }
            at += CHUNK;
        }
        let (sym_offset, sym_size) = self.section_range(i)?;
        let mut at = 0;
        while at < sym_size && name_offsets.iter().any(Option::is_some) {
            let n = (sym_size - at).min(CHUNK / 24 * 24);
            let mut b = vec![0u8; n as usize];
            self.file.read_exact_at(&mut b, sym_offset + at).ok()?;
            for s in b.chunks_exact(24) {
                let Some(k) = name_offsets.iter().position(|&o| o == Some(u32at(s, 0))) else {
                    continue;
                };
                name_offsets[k] = None;
                let size = u64at(s, 16);
                if size > 0 && size <= wanted[k].1 {
                    let mut bytes = vec![0u8; size];
                    out[k] = self.read_at_vaddr(u64at(s, 8) as u64, &mut bytes).map(|()| bytes);
                }
            }
            at += n;
        }
        Some(())
    }

    /// The dynamic symbols whose names begin with `prefix` (without it), each with the
    /// 32-bit signed integer it labels: how V8's postmortem metadata (`v8dbg_*`) is
    /// published. A symbol in a section without contents (`.bss`) labels 0.
    pub fn dynamic_integers(&self, prefix: &[u8]) -> Option<Vec<(String, i32)>> {
        const SHT_NOBITS: usize = 8;
        let i = self.section_of_type(SHT_DYNSYM)?;
        let (syms, names) = (self.contents(i, 64 << 20)?, self.contents(self.linked(i)?, 64 << 20)?);
        let mut out = vec![];
        for s in syms.chunks_exact(24) {
            // Most names do not begin so: told before their ends are looked for.
            let o = u32at(s, 0);
            if names.get(o..o + prefix.len()) != Some(prefix) {
                continue;
            }
            let Some(name) = name_at(&names, o).and_then(|n| n.strip_prefix(prefix)) else {
                continue;
            };
            let (value, section) = (u64at(s, 8) as u64, u16at(s, 6));
            let value = if section < self.shnum && self.kind(section) == SHT_NOBITS {
                0
            } else {
                let mut b = [0u8; 4];
                if self.read_at_vaddr(value, &mut b).is_none() {
                    continue;
                }
                i32::from_le_bytes(b)
            };
            out.push((String::from_utf8_lossy(name).into_owned(), value));
        }
        Some(out)
    }

    fn symbols<const N: usize>(&self, table: usize, wanted: [&[u8]; N]) -> Option<[Option<u64>; N]> {
        let i = self.section_of_type(table)?;
        let (syms, names) = (self.contents(i, 16 << 20)?, self.contents(self.linked(i)?, 16 << 20)?);
        let mut out = [None; N];
        for s in syms.chunks_exact(24) {
            let Some(name) = name_at(&names, u32at(s, 0)) else {
                continue;
            };
            if let Some(k) = wanted.iter().position(|w| *w == name) {
                out[k] = Some(u64at(s, 8) as u64);
                if out.iter().all(Option::is_some) {
                    break;
                }
            }
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two constant tables of this test binary, found by name in its own symbol table.
    #[no_mangle]
    #[used]
    static WINSAN_ELF_TEST_SIZES: [u8; 6] = [1, 2, 3, 4, 5, 6];
    #[no_mangle]
    #[used]
    static WINSAN_ELF_TEST_MAJOR: i32 = 14;

    #[test]
    fn static_symbols_found_in_one_pass() {
        let elf = Elf::open(File::open(std::env::current_exe().unwrap()).unwrap()).unwrap();
        let [major, sizes, missing] = elf.static_symbol_bytes([
            (b"WINSAN_ELF_TEST_MAJOR", 4),
            (b"WINSAN_ELF_TEST_SIZES", 64),
            (b"WINSAN_ELF_TEST_NO_SUCH_SYMBOL", 64),
        ]);
        assert_eq!(major, Some(14i32.to_le_bytes().to_vec()));
        assert_eq!(sizes.as_deref(), Some(&WINSAN_ELF_TEST_SIZES[..]));
        assert_eq!(missing, None);
        let [too_big, major] = elf.static_symbol_bytes([(b"WINSAN_ELF_TEST_SIZES", 5), (b"WINSAN_ELF_TEST_MAJOR", 4)]);
        assert_eq!(too_big, None, "larger than its max");
        assert_eq!(major, Some(14i32.to_le_bytes().to_vec()));
    }
}
