//! # winsan-scenario: scenario files, their runner, and the narrative of `winsan explain`
//!
//! A *scenario* is a timeline of Windows file-system calls, each with the result real
//! Windows gives (the format is `shared/spec/scenario.md`, a public contract):
//!
//! ```text
//! @windows 11
//! CreateDirectory("C:\t") -> OK
//! h = CreateFile("C:\t\a.txt", GENERIC_READ|GENERIC_WRITE, FILE_SHARE_READ|FILE_SHARE_WRITE, CREATE_NEW, FILE_ATTRIBUTE_NORMAL) -> OK
//! DeleteFile("C:\t\a.txt") -> ERROR_SHARING_VIOLATION   # h does not share delete
//! CloseHandle(h) -> OK
//! DeleteFile("C:\t\a.txt") -> OK
//! expect missing "C:\t\a.txt"
//! ```
//!
//! The crate has four parts:
//!
//! * [`parse()`]: text to a checked [`Scenario`], or a [`ParseError`] with line and column.
//!   The whole file is checked before anything runs.
//! * [`run()`]: a [`Scenario`] against a fresh [`winsan_model::System`]; the [`Outcome`]
//!   lists every step whose result differs ([`Failure`]) and what each step did
//!   ([`StepRecord`]). A panic in the model becomes an error of that scenario only.
//! * [`report`]: files and directories to run, and the report lines of `winsan scenario`
//!   (`FAIL file:LINE: ...`, `ERROR file:LINE:COL: ...`, `N passed, N failed`) and `--json`.
//! * [`narrate`]: the step-by-step story of `winsan explain`: which rule refused a call and
//!   which of the scenario's handles was in the way.

pub mod ast;
pub mod calls;
mod guard;
pub mod narrate;
pub mod parse;
pub mod report;
pub mod run;

pub use ast::{Arg, CallStep, Expectation, Expected, Scenario, Step, StepKind, Value, Volume};
pub use calls::CallKind;
pub use guard::guarded;
pub use parse::{parse, ParseError};
pub use report::{collect_inputs, run_file, FileReport, Input, Status, Summary};
pub use run::{run, BlockerName, Failure, Outcome, RunError, RunOptions, StepRecord, StepResult};
