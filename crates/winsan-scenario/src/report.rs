//! Which files to run, and the report of `winsan scenario`.
//!
//! Output format (`shared/spec/scenario.md`):
//!
//! ```text
//! FAIL file.scenario:LINE: CALL -> got RESULT, expected RESULT
//! ERROR file.scenario:LINE:COL: message
//! N passed, N failed[, N errors]
//! ```

use crate::ast::{Scenario, StepKind};
use crate::parse::parse;
use crate::run::{run, Failure, Outcome, RunError, RunOptions};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// A scenario file to run, and the name it is reported under.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    pub path: PathBuf,
    /// The argument as given on the command line, joined with the path below it.
    pub display: String,
    /// Set when the input could not even be listed (an unreadable directory).
    pub error: Option<String>,
}

/// Expand command-line arguments: a directory is searched recursively for `*.scenario`
/// files (sorted, so the order is deterministic); anything else is taken as a file.
pub fn collect_inputs<P: AsRef<Path>>(args: &[P]) -> Vec<Input> {
    let mut out = Vec::new();
    for arg in args {
        let arg = arg.as_ref();
        if arg.is_dir() {
            let mut found = Vec::new();
            let mut errors = Vec::new();
            walk(arg, Path::new(""), &mut found, &mut errors);
            found.sort();
            for rel in found {
                let path = arg.join(&rel);
                out.push(Input {
                    display: path.to_string_lossy().into_owned(),
                    path,
                    error: None,
                });
            }
            for (rel, e) in errors {
                let path = arg.join(&rel);
                out.push(Input {
                    display: path.to_string_lossy().into_owned(),
                    path,
                    error: Some(format!("cannot list the directory: {e}")),
                });
            }
        } else {
            out.push(Input {
                path: arg.to_path_buf(),
                display: arg.to_string_lossy().into_owned(),
                error: None,
            });
        }
    }
    out
}

fn walk(root: &Path, rel: &Path, found: &mut Vec<PathBuf>, errors: &mut Vec<(PathBuf, String)>) {
    let entries = match std::fs::read_dir(root.join(rel)) {
        Ok(e) => e,
        Err(e) => {
            errors.push((rel.to_path_buf(), e.to_string()));
            return;
        }
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let sub = rel.join(&name);
        let Ok(ft) = entry.file_type() else { continue };
        if ft.is_dir() {
            walk(root, &sub, found, errors);
        } else if Path::new(&name).extension().is_some_and(|e| e == "scenario") {
            // Regular files, and symbolic links to them (links to directories are not
            // followed, so a link loop cannot trap the search).
            if ft.is_file() || root.join(&sub).is_file() {
                found.push(sub);
            }
        }
    }
}

/// Pass, fail, or could not be run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Passed,
    Failed,
    Error,
}

/// Everything about one scenario file's run.
#[derive(Clone, Debug)]
pub struct FileReport {
    pub file: String,
    /// The parsed scenario (`None` if it could not be read or parsed).
    pub scenario: Option<Scenario>,
    /// The run (`None` if it never started).
    pub outcome: Option<Outcome>,
    /// Why the scenario could not be run at all (unreadable, not parsed).
    pub setup_error: Option<RunError>,
}

impl FileReport {
    /// Failed steps and expectations.
    pub fn failures(&self) -> &[Failure] {
        self.outcome.as_ref().map_or(&[], |o| &o.failures)
    }

    /// Why the scenario could not be run, or stopped.
    pub fn error(&self) -> Option<&RunError> {
        self.setup_error
            .as_ref()
            .or_else(|| self.outcome.as_ref()?.error.as_ref())
    }

    /// A scenario with a failed step is `Failed` even if it then stopped with an error (a
    /// later step used what the failed call would have bound); `Error` is for scenarios
    /// that could not be run at all or stopped without any failure before.
    pub fn status(&self) -> Status {
        if !self.failures().is_empty() {
            Status::Failed
        } else if self.error().is_some() {
            Status::Error
        } else {
            Status::Passed
        }
    }

    /// Number of steps (calls and expectations) in the scenario.
    pub fn steps(&self) -> usize {
        self.scenario.as_ref().map_or(0, |s| s.steps.len())
    }

    /// The `FAIL` and `ERROR` lines, each ending in a newline.
    pub fn lines(&self) -> String {
        let mut s = String::new();
        for f in self.failures() {
            let _ = writeln!(
                s,
                "FAIL {}:{}: {} -> got {}, expected {}",
                self.file, f.line, f.call, f.got, f.expected
            );
        }
        if let Some(e) = self.error() {
            let _ = writeln!(s, "ERROR {}:{}:{}: {}", self.file, e.line, e.col, e.message);
        }
        s
    }

    /// Every step with its result (`--verbose`), each line ending in a newline.
    pub fn verbose_lines(&self) -> String {
        let mut s = String::new();
        let (Some(sc), Some(out)) = (&self.scenario, &self.outcome) else {
            return s;
        };
        for r in &out.records {
            let Some(step) = sc.steps.get(r.step) else {
                continue;
            };
            let mark = match r.check {
                Some(true) => "ok",
                Some(false) => "FAIL",
                None => "--",
            };
            let shown = match (&step.kind, &r.result) {
                (StepKind::Call(c), crate::run::StepResult::Call(Err(refusal))) if !c.call.is_nt() => {
                    format!("{} / {}", refusal.win32, refusal.status)
                }
                _ => r.got.clone(),
            };
            let _ = writeln!(
                s,
                "  {:<4} {}:{}: {} -> {}",
                mark, self.file, step.line, step.text, shown
            );
        }
        s
    }

    /// The `--json` object: `{"file", "passed", "failures": [{line, call, got, expected}],
    /// "error": {line, col, message} | null, "steps"}`.
    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "file": self.file,
            "passed": self.status() == Status::Passed,
            "failures": self.failures(),
            "error": self.error(),
            "steps": self.steps(),
        })
    }
}

/// Read, parse and run one scenario file.
pub fn run_file(input: &Input, opts: &RunOptions) -> FileReport {
    let mut report = FileReport {
        file: input.display.clone(),
        scenario: None,
        outcome: None,
        setup_error: None,
    };
    if let Some(e) = &input.error {
        report.setup_error = Some(RunError {
            line: 1,
            col: 1,
            message: e.clone(),
        });
        return report;
    }
    let bytes = match std::fs::read(&input.path) {
        Ok(b) => b,
        Err(e) => {
            report.setup_error = Some(RunError {
                line: 1,
                col: 1,
                message: format!("cannot read the file: {e}"),
            });
            return report;
        }
    };
    let text = match std::str::from_utf8(&bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = &bytes[..e.valid_up_to()];
            let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            let col = String::from_utf8_lossy(&valid[line_start..]).chars().count() + 1;
            report.setup_error = Some(RunError {
                line,
                col,
                message: "the file is not valid UTF-8".into(),
            });
            return report;
        }
    };
    run_text(text, report, opts)
}

/// Parse and run scenario text under a display name.
pub fn run_source(file: &str, text: &str, opts: &RunOptions) -> FileReport {
    let report = FileReport {
        file: file.to_string(),
        scenario: None,
        outcome: None,
        setup_error: None,
    };
    run_text(text, report, opts)
}

fn run_text(text: &str, mut report: FileReport, opts: &RunOptions) -> FileReport {
    match parse(text) {
        Err(e) => {
            report.setup_error = Some(RunError {
                line: e.line,
                col: e.col,
                message: e.message,
            });
        }
        Ok(sc) => {
            let out = run(&sc, opts);
            report.outcome = Some(out);
            report.scenario = Some(sc);
        }
    }
    report
}

/// Counts over a run of many scenarios, and the exit status they imply.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub passed: usize,
    pub failed: usize,
    pub errors: usize,
}

impl Summary {
    pub fn add(&mut self, s: Status) {
        match s {
            Status::Passed => self.passed += 1,
            Status::Failed => self.failed += 1,
            Status::Error => self.errors += 1,
        }
    }

    /// `N passed, N failed`, then `, N errors` when some scenario could not be run.
    pub fn line(&self) -> String {
        let mut s = format!("{} passed, {} failed", self.passed, self.failed);
        if self.errors > 0 {
            let _ = write!(s, ", {} errors", self.errors);
        }
        s
    }

    /// 0 when none failed; 1 when some failed or could not be run; 2 when nothing could be
    /// run at all (no scenario found, or every one was an error).
    pub fn exit_code(&self) -> u8 {
        if self.passed + self.failed == 0 {
            2
        } else if self.failed + self.errors > 0 {
            1
        } else {
            0
        }
    }
}
