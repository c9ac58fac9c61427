//! A quick property-based fuzz of the parser that runs with `cargo test` (the deeper one is
//! the cargo-fuzz target `fuzz/fuzz_targets/parse.rs`): lines built from the format's own
//! tokens, mutated, must parse or give a positioned error, and a parsed scenario must run
//! without panicking.

use proptest::prelude::*;
use winsan_scenario::{parse, run, RunOptions};

fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("CreateFile(".to_string()),
        Just("CloseHandle(".to_string()),
        Just("DeleteFile(".to_string()),
        Just("CreateDirectory(".to_string()),
        Just("SetFileInformationByHandle(".to_string()),
        Just("NtSetInformationFile(".to_string()),
        Just("NtCreateSection(".to_string()),
        Just("FileDispositionInfo".to_string()),
        Just("FileLinkInformation".to_string()),
        Just("GENERIC_READ|GENERIC_WRITE".to_string()),
        Just("FILE_SHARE_READ".to_string()),
        Just("CREATE_NEW".to_string()),
        Just("\"C:\\t\"".to_string()),
        Just("\"C:\\t\\a\"".to_string()),
        Just("h".to_string()),
        Just("h = ".to_string()),
        Just(", ".to_string()),
        Just(")".to_string()),
        Just(" -> OK".to_string()),
        Just(" -> ERROR_ACCESS_DENIED".to_string()),
        Just(" -> STATUS_CANNOT_DELETE".to_string()),
        Just("expect ".to_string()),
        Just("listing \"C:\\t\" = \"a\"".to_string()),
        Just("not delete_pending h".to_string()),
        Just("@windows 7".to_string()),
        Just("@volume D: fat".to_string()),
        Just("\n".to_string()),
        Just("# c\n".to_string()),
        Just("0x1F".to_string()),
        Just("TRUE".to_string()),
        "[ -~é\t\"#|(),=]{0,4}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    #[test]
    fn parse_never_panics(tokens in prop::collection::vec(token(), 0..40)) {
        let text: String = tokens.concat();
        match parse(&text) {
            Ok(s) => {
                let _ = run(&s, &RunOptions::default());
            }
            Err(e) => {
                let lines = text.split('\n').count();
                prop_assert!(e.line >= 1 && e.line <= lines.max(1));
                let line = text.split('\n').nth(e.line - 1).unwrap_or("");
                prop_assert!(e.col >= 1 && e.col <= line.chars().count() + 1, "{e} in {line:?}");
            }
        }
    }
}
