//! Every `tests/scenarios/**/*.scenario` at the workspace root must pass against the model.
//!
//! The suite is the public conformance corpus: each file is a timeline of calls with the
//! results real Windows gives, and its first line names its source. An empty or absent
//! directory passes; any FAIL or ERROR fails this test with the same lines that
//! `winsan scenario tests/scenarios/` prints.

use std::path::Path;
use winsan_scenario::{collect_inputs, run_file, RunOptions, Status, Summary};

#[test]
fn every_scenario_in_the_suite_passes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/scenarios");
    let root = root.canonicalize().unwrap_or(root);
    if !root.is_dir() {
        eprintln!("no {}: nothing to check", root.display());
        return;
    }
    let mut summary = Summary::default();
    let mut report = String::new();
    for input in collect_inputs(&[&root]) {
        let r = run_file(&input, &RunOptions::default());
        summary.add(r.status());
        if r.status() != Status::Passed {
            report.push_str(&r.lines());
        }
    }
    eprintln!("tests/scenarios: {}", summary.line());
    assert!(
        summary.failed == 0 && summary.errors == 0,
        "scenarios that do not pass:\n{report}{}",
        summary.line()
    );
}
