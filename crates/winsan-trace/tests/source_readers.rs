//! The readers of program source (whether a call runs on Windows at all: Python,
//! JavaScript, Go, C, Rust, Java) take whatever text a traced program's files hold, and
//! run in the supervisor, on a finding's path and for some decisions (a CPython
//! `tempfile` create): text built from the tokens they look for, mixed with indentation,
//! quotes, comments and multi-byte characters, must never make them panic, at any line.

use proptest::prelude::*;
use winsan_trace::{csource, gosource, javasource, jssource, pysource, rustsource};

fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        // Python.
        Just("if sys.platform != \"win32\":".to_string()),
        Just("if os.name == 'nt':".to_string()),
        Just("elif ".to_string()),
        Just("else:".to_string()),
        Just("def _f(".to_string()),
        Just("async def f(".to_string()),
        Just("class C:".to_string()),
        Just("@pytest.mark.skipif(sys.platform == \"win32\", reason=\"x\")".to_string()),
        Just("pytestmark = ".to_string()),
        Just("atexit.register(_f)".to_string()),
        Just("return".to_string()),
        Just("pytest.skip(".to_string()),
        Just(") -> None:".to_string()),
        // JavaScript.
        Just("if (process.platform !== 'win32') {".to_string()),
        Just("const isWindows = process.platform === 'win32'".to_string()),
        Just("function f(".to_string()),
        Just("=> {".to_string()),
        Just("it.skipIf(isWindows)(".to_string()),
        Just("{ skip: isWindows }".to_string()),
        Just("process.on('exit', f)".to_string()),
        Just("&&".to_string()),
        Just("||".to_string()),
        Just("isWindows || ".to_string()),
        Just("!isWindows &&".to_string()),
        Just("process.platform !== 'win32' && ".to_string()),
        Just("log('é')".to_string()),
        Just("before(function () { if (isWindows) this.skip() })".to_string()),
        Just("describe('s', function () {".to_string()),
        Just("process.exit(0)".to_string()),
        Just("?".to_string()),
        Just("`${".to_string()),
        Just("/* ".to_string()),
        Just(" */".to_string()),
        Just("//".to_string()),
        Just("/re[/]g".to_string()),
        Just("switch (process.platform) {".to_string()),
        Just("case 'win32':".to_string()),
        Just("break;".to_string()),
        Just("const { platform, EOL: eol } = require('node:os');".to_string()),
        Just("import { platform as p } from 'node:process';".to_string()),
        Just("const itIf = (c) => (c ? it : it.skip);".to_string()),
        Just("function itWhen(c) { return c ? it : it.skip; }".to_string()),
        Just("itIf(!isWindows)(".to_string()),
        Just("function g(isWindows, { platform }) {".to_string()),
        Just("path.sep === '\\\\'".to_string()),
        // Go.
        Just("if runtime.GOOS != \"windows\" {".to_string()),
        Just("switch runtime.GOOS {".to_string()),
        Just("case \"linux\":".to_string()),
        Just("default:".to_string()),
        Just("func TestX(t *testing.T) {".to_string()),
        Just("skipOnWindows(t)".to_string()),
        Just("//go:build !windows".to_string()),
        Just("} else {".to_string()),
        // Java.
        Just("if (!System.getProperty(\"os.name\").startsWith(\"Windows\")) {".to_string()),
        Just("static final boolean IS_WINDOWS = File.separatorChar == '\\\\';".to_string()),
        Just("@DisabledOnOs(OS.WINDOWS)".to_string()),
        Just("@EnabledOnOs({LINUX, MAC})".to_string()),
        Just("assumeFalse(IS_WINDOWS);".to_string()),
        Just("import org.junit.jupiter.api.Test;".to_string()),
        Just("void m() {".to_string()),
        Just("class T {".to_string()),
        // C and Rust.
        Just("#ifdef _WIN32".to_string()),
        Just("#if !defined(__linux__)".to_string()),
        Just("#else".to_string()),
        Just("#endif".to_string()),
        Just("#define OS_WINDOWS 1".to_string()),
        Just("#[cfg(unix)]".to_string()),
        Just("#[cfg(not(windows))]".to_string()),
        Just("if cfg!(windows) {".to_string()),
        Just("cfg_if! {".to_string()),
        Just("mod imp;".to_string()),
        Just("pub(crate) mod m {".to_string()),
        Just("fn f(x: fn()) -> Vec<u8> {".to_string()),
        Just("use std::os::unix::fs::PermissionsExt;".to_string()),
        Just("use std::{fs, os::".to_string()),
        Just("use".to_string()),
        // Layout and odd text.
        Just("\n".to_string()),
        Just("\n    ".to_string()),
        Just("\n\t".to_string()),
        Just("\t\t".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just("(".to_string()),
        Just(")".to_string()),
        Just(":".to_string()),
        Just("\"".to_string()),
        Just("'".to_string()),
        Just("\\".to_string()),
        Just("#".to_string()),
        Just("é日本\u{1F600}".to_string()),
        Just("\r\n".to_string()),
        "[ -~é\t\n]{0,6}",
    ]
}

fn source() -> impl Strategy<Value = String> {
    prop::collection::vec(token(), 0..60).prop_map(|t| t.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn source_readers_never_panic(src in source(), name in prop_oneof![Just("_f"), Just("f"), Just("é"), Just("")]) {
        let lines = src.lines().count() + 2;
        for line in 0..=lines {
            pysource::line_is_posix_only(&src, line);
            pysource::references_only_posix_only(&src, line, name);
            jssource::line_is_posix_only(&src, line);
            jssource::references_only_posix_only(&src, line, name);
            gosource::line_is_posix_only(&src, line);
            gosource::helpers_called_before(&src, line);
            csource::line_is_posix_only(&src, line);
            rustsource::line_is_posix_only(&src, line);
            rustsource::function_is_posix_only(&src, line);
            javasource::line_is_posix_only(&src, line);
        }
        gosource::build_line_excludes_windows(&src);
        gosource::helper_skips_on_windows(&src, name);
        rustsource::module_declaration(&src, name);
        rustsource::path_declaration(&src, name);
        csource::expression(&src);
        rustsource::predicate(&src);
        rustsource::condition(&src);
    }
}
