//! Which libuv a Node process runs, read from its code: what `uv_fs_unlink` does on
//! Windows changed with libuv 1.49.
//!
//! Before 1.49 (`src/win/fs.c` `fs__unlink`): open for `DELETE` sharing everything, clear
//! the read-only attribute, then the legacy `FileDispositionInformation`, so a file that is
//! still open keeps its name, delete-pending, until its last handle closes. From 1.49
//! (`fs__unlink_rmdir`, libuv PR #4318, issue libuv/libuv#3839): a POSIX disposition that
//! ignores the read-only attribute first, the legacy path only where that is not
//! supported. Node 20 ships libuv 1.46; Node 22 and later 1.49 or newer.
//!
//! libuv exports `uv_version()`, which returns `UV_VERSION_HEX` (`major << 16 | minor <<
//! 8 | patch`) as an immediate: the function is `mov eax, imm32; ret` on x86_64 and
//! `movz`/`movk w0` then `ret` on aarch64. Node links libuv into its executable and
//! exports its symbols for addons; distributions that build Node against a shared
//! `libuv.so.1` have it there. Either file is read once (cached by inode).

use std::collections::HashMap;
use std::os::unix::fs::MetadataExt;

/// libuv 1.49.0: unlink and rmdir try a POSIX delete first.
pub const POSIX_DELETE_SINCE: u32 = 0x01_31_00;

/// `UV_VERSION_HEX` per file (device, inode); `None` where it cannot be read.
#[derive(Default)]
pub struct LibuvVersions {
    by_file: HashMap<(u64, u64), Option<u32>>,
}

impl LibuvVersions {
    /// The libuv version of process `pid`: in its executable, else in a mapped libuv
    /// shared library. `None` when neither exports a `uv_version` this module can read.
    pub fn of_pid(&mut self, pid: u32) -> Option<u32> {
        let mut files = vec![format!("/proc/{pid}/exe")];
        if let Ok(maps) = std::fs::read_to_string(format!("/proc/{pid}/maps")) {
            let mut libs: Vec<String> = maps
                .lines()
                .filter_map(|l| l.split_ascii_whitespace().nth(5))
                .filter(|p| p.rsplit('/').next().is_some_and(|name| name.starts_with("libuv.so")))
                .map(str::to_owned)
                .collect();
            libs.dedup();
            files.extend(libs);
        }
        files.iter().find_map(|f| self.of_file(f))
    }

    fn of_file(&mut self, path: &str) -> Option<u32> {
        let m = std::fs::metadata(path).ok()?;
        *self
            .by_file
            .entry((m.dev(), m.ino()))
            .or_insert_with(|| read_version(path))
    }
}

fn read_version(path: &str) -> Option<u32> {
    let elf = crate::elf::Elf::open(std::fs::File::open(path).ok()?)?;
    let [at] = elf.dynamic_symbols([b"uv_version"])?;
    let mut code = [0u8; 16];
    elf.read_at_vaddr(at?, &mut code)?;
    decode_uv_version(&code)
}

/// The constant a `uv_version()` function returns, from its first bytes.
fn decode_uv_version(code: &[u8; 16]) -> Option<u32> {
    // x86_64: [endbr64] mov eax, imm32; ret
    let x86 = code.strip_prefix(&[0xf3, 0x0f, 0x1e, 0xfa]).unwrap_or(code);
    if x86[0] == 0xb8 && x86[5] == 0xc3 {
        return Some(u32::from_le_bytes([x86[1], x86[2], x86[3], x86[4]]));
    }
    // aarch64: [bti c] movz w0, #imm{, lsl #16}; [movk w0, #imm, lsl #16]; ret
    const BTI_C: u32 = 0xd503_245f;
    const RET: u32 = 0xd65f_03c0;
    const MOVZ_W0: u32 = 0x5280_0000;
    const MOVK_W0: u32 = 0x7280_0000;
    let mut value: Option<u32> = None;
    for w in code
        .chunks_exact(4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    {
        let (shift, imm) = (16 * ((w >> 21) & 1), (w >> 5) & 0xffff);
        match w {
            BTI_C => {}
            RET => return value,
            _ if w & 0xffc0_001f == MOVZ_W0 => value = Some(imm << shift),
            _ if w & 0xffc0_001f == MOVK_W0 => value = value.map(|v| (v & !(0xffff << shift)) | imm << shift),
            _ => return None,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn padded(b: &[u8]) -> [u8; 16] {
        let mut c = [0u8; 16];
        c[..b.len()].copy_from_slice(b);
        c
    }

    #[test]
    fn decodes_both_architectures() {
        // Node 20's: mov eax, 0x12e00; ret
        assert_eq!(
            decode_uv_version(&padded(&[0xb8, 0x00, 0x2e, 0x01, 0x00, 0xc3])),
            Some(0x01_2e_00)
        );
        // with endbr64 first
        let cet = [0xf3, 0x0f, 0x1e, 0xfa, 0xb8, 0x01, 0x31, 0x01, 0x00, 0xc3];
        assert_eq!(decode_uv_version(&padded(&cet)), Some(0x01_31_01));
        // aarch64: mov w0, #0x3100; movk w0, #0x1, lsl #16; ret
        let words = [0x5286_2000u32, 0x72a0_0020, 0xd65f_03c0];
        let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
        assert_eq!(decode_uv_version(&padded(&bytes)), Some(0x01_31_00));
        // something else: no guess
        assert_eq!(decode_uv_version(&padded(&[0x55, 0x48, 0x89, 0xe5])), None);
    }

    /// The version read from a running `node` is the one it reports itself.
    #[test]
    fn reads_the_version_of_a_running_node() {
        let Ok(out) = std::process::Command::new("node")
            .args(["-p", "process.versions.uv"])
            .output()
        else {
            eprintln!("SKIP: no node here");
            return;
        };
        let said = String::from_utf8_lossy(&out.stdout);
        let parts: Vec<u32> = said.trim().split('.').filter_map(|p| p.parse().ok()).collect();
        let [major, minor, patch] = parts[..] else {
            panic!("node said {said:?}");
        };
        let mut child = std::process::Command::new("node")
            .args(["-e", "setTimeout(() => {}, 5000)"])
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(300));
        let read = LibuvVersions::default().of_pid(child.id());
        let _ = child.kill();
        let _ = child.wait();
        assert_eq!(read, Some(major << 16 | minor << 8 | patch));
    }
}
