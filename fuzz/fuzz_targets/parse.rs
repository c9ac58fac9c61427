//! Fuzz the scenario parser: any bytes (as UTF-8, lossily) must give a scenario or a
//! ParseError, never a panic. A parsed scenario is also run: the runner turns any model
//! panic into an error, so a crash here is a bug in the parser or the runner.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match winsan_scenario::parse(&text) {
        Ok(s) => {
            assert!(!s.steps.is_empty());
            let _ = winsan_scenario::run(&s, &winsan_scenario::RunOptions::default());
        }
        Err(e) => {
            assert!(e.line >= 1 && e.col >= 1);
        }
    }
});
