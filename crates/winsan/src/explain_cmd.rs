//! `winsan explain FILE`: one scenario as a narrative.

use clap::Args;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use winsan_model::{DeleteSemantics, WindowsVersion};
use winsan_scenario::{narrate, run_file, Input, RunOptions, Status};

pub const EXPLAIN_AFTER_HELP: &str = r#"WHAT IT PRINTS
  For each step of the scenario: its line number and the call as written; the result
  (for a Win32 call the Win32 error with the NTSTATUS underneath, e.g.
  ERROR_ACCESS_DENIED (STATUS_CANNOT_DELETE)); a check mark when it is what the file
  expects, a cross and the expected result when not; then why, in words:
  - for a refused call, what it asked for, which of the scenario's handles, sections or
    processes was in the way (by the name the scenario bound, with its access and share
    mode in SDK words) and the rule that decided, with its source;
  - for a successful call, what it made (h = handle to C:\t\a.txt, ...) and its side
    effects (closing h removes C:\t\a.txt: it was delete-pending).
  A summary line ends the story. See `winsan scenario --help` for the file format.

EXAMPLE
  winsan explain examples/mkstemp-remove.scenario

EXIT STATUS
  0  every checked step holds     1  some step differs     2  the scenario could not be run"#;

/// Run one scenario file and tell its story: each call, its result, and why.
#[derive(Args, Debug)]
#[command(after_long_help = EXPLAIN_AFTER_HELP)]
pub struct ExplainArgs {
    /// The scenario file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Model this Windows version (7, 10-1809, 10-1903, 11) whatever the file's @windows says.
    #[arg(long, value_name = "V")]
    pub windows: Option<WindowsVersion>,

    /// DeleteFile/RemoveDirectory semantics, whatever the file's @delete says.
    #[arg(long, value_name = "legacy|posix")]
    pub delete: Option<DeleteSemantics>,
}

pub fn main(args: &ExplainArgs) -> ExitCode {
    let opts = RunOptions {
        windows: args.windows,
        delete: args.delete,
    };
    let input = Input {
        display: args.file.to_string_lossy().into_owned(),
        path: args.file.clone(),
        error: None,
    };
    let report = run_file(&input, &opts);
    let text = narrate::explain(&report);
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
    ExitCode::from(match report.status() {
        Status::Passed => 0,
        Status::Failed => 1,
        Status::Error if report.outcome.is_some() => 1,
        Status::Error => 2,
    })
}
