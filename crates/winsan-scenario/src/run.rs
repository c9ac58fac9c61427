//! The runner: a parsed [`Scenario`] against a fresh model [`System`], step by step.

use crate::ast::*;
use crate::calls::CallKind;
use crate::guard::guarded;
use std::collections::HashMap;
use winsan_model::consts::Info;
use winsan_model::{
    CallResult, Config, DeleteSemantics, Event, FileSystem, Handle, HandleInfo, NtStatus, Reason, Refusal, System,
    WindowsVersion,
};

/// Overrides of the scenario's own directives (`--windows`, `--delete`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RunOptions {
    pub windows: Option<WindowsVersion>,
    pub delete: Option<DeleteSemantics>,
}

/// A checked step or expectation whose result differs from the expected one.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Failure {
    pub line: usize,
    /// The call (without `NAME =` and `-> RESULT`) or the expectation, as written.
    pub call: String,
    pub got: String,
    pub expected: String,
}

/// Why a scenario could not be run (or stopped): where, and what.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RunError {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

/// Who a blocker is, in the scenario's words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockerName {
    /// The name the scenario bound to the blocking handle, if any.
    pub name: Option<String>,
    /// The index of the step that opened it (for a duplicate, the original's step).
    pub origin: Option<usize>,
}

/// What happened at one step: the material of `winsan explain` and `--verbose`.
#[derive(Clone, Debug)]
pub struct StepRecord {
    /// Index into [`Scenario::steps`].
    pub step: usize,
    pub result: StepResult,
    /// `Some(true)` when the step was checked and holds, `Some(false)` when it differs,
    /// `None` when it was not checked (a call without `-> RESULT`).
    pub check: Option<bool>,
    /// The result as compared: for a Win32 call that failed, the STATUS_ name when the
    /// expectation was a STATUS_, else the ERROR_ name.
    pub got: String,
    /// Side effects reported by the model after the step.
    pub events: Vec<Event>,
    /// What the step bound, as the model describes it right after the call.
    pub bound: Option<HandleInfo>,
    /// One entry per `refusal.reason.blockers()`.
    pub blockers: Vec<BlockerName>,
}

/// The raw result of a step.
#[derive(Clone, Debug)]
pub enum StepResult {
    /// A call: the handle it returned (if any) or the refusal.
    Call(CallResult<Option<Handle>>),
    /// An expectation: what was found.
    Expect,
}

/// The result of running one scenario.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The configuration the model ran with (after directives and overrides).
    pub config: Config,
    pub records: Vec<StepRecord>,
    pub failures: Vec<Failure>,
    /// Set when the scenario stopped early (a volume could not be added, a step used a name
    /// whose call failed, or the model panicked).
    pub error: Option<RunError>,
}

impl Outcome {
    /// Every checked step and expectation held and nothing stopped the run.
    pub fn passed(&self) -> bool {
        self.error.is_none() && self.failures.is_empty()
    }
}

/// The configuration a scenario runs with: `opts` first, then its directives.
pub fn config_for(scenario: &Scenario, opts: &RunOptions) -> Config {
    Config {
        windows: opts.windows.or(scenario.windows).unwrap_or_default(),
        delete: opts.delete.or(scenario.delete),
    }
}

/// The file system of the volume a path is on (`C:` is NTFS; others from `@volume`).
pub fn file_system_of(scenario: &Scenario, path: &str) -> FileSystem {
    let letter = path.chars().next().map(|c| c.to_ascii_uppercase()).unwrap_or('C');
    scenario
        .volumes
        .iter()
        .find(|v| v.letter == letter)
        .map_or(FileSystem::Ntfs, |v| v.fs)
}

struct Runner<'s> {
    scenario: &'s Scenario,
    sys: System,
    /// Live bindings: name -> model handle.
    bindings: HashMap<String, Handle>,
    /// Names whose call failed: name -> (line, result).
    failed: HashMap<String, (usize, String)>,
    /// Model handle -> (latest name, index of the step that opened the object).
    handles: HashMap<Handle, (String, usize)>,
    out: Outcome,
}

/// Run a scenario against a fresh model. Never panics: a panic in the model becomes
/// [`Outcome::error`] (`internal error in model: ...`) at the step that caused it.
pub fn run(scenario: &Scenario, opts: &RunOptions) -> Outcome {
    let config = config_for(scenario, opts);
    let out = Outcome {
        config,
        records: Vec::new(),
        failures: Vec::new(),
        error: None,
    };
    let sys = match guarded(|| System::new(config)) {
        Ok(sys) => sys,
        Err(msg) => {
            let mut out = out;
            out.error = Some(RunError {
                line: 1,
                col: 1,
                message: format!("internal error in model: {msg}"),
            });
            return out;
        }
    };
    let mut r = Runner {
        scenario,
        sys,
        bindings: HashMap::new(),
        failed: HashMap::new(),
        handles: HashMap::new(),
        out,
    };
    r.run_all();
    r.out
}

impl Runner<'_> {
    fn stop(&mut self, line: usize, col: usize, message: String) {
        self.out.error = Some(RunError { line, col, message });
    }

    fn run_all(&mut self) {
        for v in &self.scenario.volumes {
            let sys = &mut self.sys;
            match guarded(|| sys.add_volume(v.letter, v.fs)) {
                Ok(Ok(())) => {}
                Ok(Err(msg)) => return self.stop(v.line, v.col, msg),
                Err(msg) => return self.stop(v.line, v.col, format!("internal error in model: {msg}")),
            }
        }
        let _ = guarded(|| self.sys.take_events());
        for (i, step) in self.scenario.steps.iter().enumerate() {
            let r = match &step.kind {
                StepKind::Call(c) => self.call(i, step, c),
                StepKind::Expect(e) => self.expect(i, step, e),
            };
            if let Err(e) = r {
                self.out.error = Some(e);
                return;
            }
        }
    }

    fn handle(&self, step: &Step, arg: &Arg) -> Result<Handle, RunError> {
        let Value::Name(name) = &arg.value else {
            return Err(RunError {
                line: step.line,
                col: arg.col,
                message: "internal error: expected a name".into(),
            });
        };
        self.lookup(step, arg.col, name)
    }

    fn lookup(&self, step: &Step, col: usize, name: &str) -> Result<Handle, RunError> {
        if let Some(h) = self.bindings.get(name) {
            return Ok(*h);
        }
        let message = match self.failed.get(name) {
            Some((line, got)) => {
                format!("`{name}` is not bound: its call on line {line} failed with {got}, so this step cannot run")
            }
            None => format!("`{name}` is not bound"),
        };
        Err(RunError {
            line: step.line,
            col,
            message,
        })
    }

    fn internal(step: &Step, msg: String) -> RunError {
        RunError {
            line: step.line,
            col: step.col,
            message: format!("internal error in model: {msg}"),
        }
    }

    fn call(&mut self, index: usize, step: &Step, c: &CallStep) -> Result<(), RunError> {
        // Resolve names first: a name whose call failed stops the scenario here.
        let mut hs = Vec::new();
        for a in &c.args {
            if let Value::Name(_) = a.value {
                hs.push(self.handle(step, a)?);
            }
        }
        let sys = &mut self.sys;
        let result = guarded(|| exec(sys, c, &hs)).map_err(|m| Self::internal(step, m))?;
        let mut events = guarded(|| sys.take_events()).map_err(|m| Self::internal(step, m))?;

        let nt = c.call.is_nt();
        let (check, got) = match (&c.expected, &result) {
            (_, Ok(_)) => (c.expected.map(|e| e == Expected::Ok), "OK".to_string()),
            (Some(Expected::Status(s)), Err(r)) => (Some(r.status == *s), r.status.name().into()),
            (Some(Expected::Win32(e)), Err(r)) => (Some(r.win32 == *e), r.win32.name().into()),
            (Some(Expected::Ok), Err(r)) | (None, Err(r)) => (
                c.expected.map(|_| false),
                if nt { r.status.name() } else { r.win32.name() }.into(),
            ),
        };
        if check == Some(false) {
            self.out.failures.push(Failure {
                line: step.line,
                call: step.text.clone(),
                got: got.clone(),
                expected: c.expected.map_or("", |e| e.name()).to_string(),
            });
        }

        let blockers = match &result {
            Err(r) => r
                .reason
                .blockers()
                .iter()
                .map(|b| match self.handles.get(&b.handle) {
                    Some((name, origin)) => BlockerName {
                        name: Some(name.clone()),
                        origin: Some(*origin),
                    },
                    None => BlockerName {
                        name: None,
                        origin: None,
                    },
                })
                .collect(),
            Ok(_) => Vec::new(),
        };

        let mut bound = None;
        match (&result, &c.bind) {
            (Ok(Some(h)), Some(name)) if c.expects_success() => {
                let sys = &self.sys;
                bound = guarded(|| sys.handle_info(*h)).map_err(|m| Self::internal(step, m))?;
                self.bindings.insert(name.clone(), *h);
                self.failed.remove(name);
                // A duplicate refers to the object its source opened.
                let origin = if c.call == CallKind::DuplicateHandle {
                    hs.first().and_then(|s| self.handles.get(s)).map_or(index, |(_, o)| *o)
                } else {
                    index
                };
                self.handles.insert(*h, (name.clone(), origin));
            }
            (Ok(Some(h)), _) => {
                // Expected to fail (or nothing to bind it to), yet it succeeded: release it
                // at once so that later steps see what Windows would leave.
                if let Some(name) = &c.bind {
                    self.bindings.remove(name);
                }
                let sys = &mut self.sys;
                let h = *h;
                let call = c.call;
                guarded(|| release(sys, call, h)).map_err(|m| Self::internal(step, m))?;
                events.extend(guarded(|| sys.take_events()).map_err(|m| Self::internal(step, m))?);
            }
            (Err(_), Some(name)) => {
                self.bindings.remove(name);
                self.failed.insert(name.clone(), (step.line, got.clone()));
            }
            _ => {}
        }
        self.out.records.push(StepRecord {
            step: index,
            result: StepResult::Call(result),
            check,
            got,
            events,
            bound,
            blockers,
        });
        Ok(())
    }

    fn expect(&mut self, index: usize, step: &Step, e: &Expectation) -> Result<(), RunError> {
        let sys = &self.sys;
        let g = |f: &dyn Fn() -> String| guarded(f).map_err(|m| Self::internal(step, m));
        let (got, expected, holds) = match e {
            Expectation::Exists(p) | Expectation::Missing(p) => {
                let got = g(&|| if sys.exists(p) { "exists" } else { "missing" }.to_string())?;
                let want = if matches!(e, Expectation::Exists(_)) {
                    "exists"
                } else {
                    "missing"
                };
                let holds = got == want;
                (got, want.to_string(), holds)
            }
            Expectation::DeletePending { name, col, pending } => {
                let h = self.lookup(step, *col, name)?;
                let got = g(&|| match sys.delete_pending(h) {
                    Ok(true) => "delete_pending".to_string(),
                    Ok(false) => "not delete_pending".to_string(),
                    Err(r) => r.status.name().to_string(),
                })?;
                let want = if *pending {
                    "delete_pending"
                } else {
                    "not delete_pending"
                };
                let holds = got == want;
                (got, want.to_string(), holds)
            }
            Expectation::Listing { dir, names } => {
                let listing = guarded(|| sys.listing(dir)).map_err(|m| Self::internal(step, m))?;
                let mut want: Vec<&str> = names.iter().map(String::as_str).collect();
                want.sort_unstable();
                let want_s = quote_list(&want);
                match listing {
                    None => ("missing".to_string(), want_s, false),
                    Some(mut got) => {
                        got.sort_unstable();
                        let holds = got.iter().map(String::as_str).eq(want.iter().copied());
                        let got: Vec<&str> = got.iter().map(String::as_str).collect();
                        (quote_list(&got), want_s, holds)
                    }
                }
            }
            Expectation::Attributes { path, has, flags, .. } => {
                let attrs = guarded(|| sys.attributes(path)).map_err(|m| Self::internal(step, m))?;
                let want = if *has { "has" } else { "lacks" };
                match attrs {
                    None => ("ERROR_FILE_NOT_FOUND".to_string(), want.to_string(), false),
                    Some(a) => {
                        let holds = if *has { a & flags == *flags } else { a & flags == 0 };
                        let word = if holds == *has { "has" } else { "lacks" };
                        (format!("{word} (attributes 0x{a:x})"), want.to_string(), holds)
                    }
                }
            }
        };
        let events = guarded(|| self.sys.take_events()).map_err(|m| Self::internal(step, m))?;
        if !holds {
            self.out.failures.push(Failure {
                line: step.line,
                call: step.text.clone(),
                got: got.clone(),
                expected,
            });
        }
        self.out.records.push(StepRecord {
            step: index,
            result: StepResult::Expect,
            check: Some(holds),
            got,
            events,
            bound: None,
            blockers: Vec::new(),
        });
        Ok(())
    }
}

/// `"a" "b"`, or `(empty)`.
fn quote_list(names: &[&str]) -> String {
    if names.is_empty() {
        return "(empty)".to_string();
    }
    let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    quoted.join(" ")
}

/// Give up what a call that was expected to fail returned.
fn release(sys: &mut System, call: CallKind, h: Handle) {
    use CallKind::*;
    let _ = match call {
        MapViewOfFile => sys.unmap_view_of_file(h),
        NtMapViewOfSection => sys.nt_unmap_view_of_section(h),
        LoadLibrary => sys.free_library(h),
        CreateProcess => sys.exit_process(h).and_then(|_| sys.close_handle(h)),
        NtCreateFile | NtOpenFile | NtCreateSection => sys.nt_close(h),
        _ => sys.close_handle(h),
    };
}

fn invalid_class() -> Refusal {
    Refusal::new(
        NtStatus::STATUS_INVALID_INFO_CLASS,
        Reason::InvalidParameter("information class"),
    )
}

/// Execute one call. `hs` are the call's name arguments, resolved, in order.
fn exec(sys: &mut System, c: &CallStep, hs: &[Handle]) -> Result<Option<Handle>, Refusal> {
    use CallKind::*;
    let a = &c.args;
    let path = |i: usize| -> &str {
        match a.get(i).map(|a| &a.value) {
            Some(Value::Path(p)) => p,
            _ => "",
        }
    };
    let int = |i: usize| -> u64 {
        match a.get(i).map(|a| &a.value) {
            Some(Value::Int(v)) => *v,
            _ => 0,
        }
    };
    let flags = |i: usize| int(i) as u32;
    let h0 = hs.first().copied().unwrap_or(Handle(u32::MAX));
    let none = |r: CallResult<()>| r.map(|()| None);
    let some = |r: CallResult<Handle>| r.map(Some);
    match c.call {
        CreateFile => some(sys.create_file(path(0), flags(1), flags(2), flags(3), flags(4))),
        CloseHandle => none(sys.close_handle(h0)),
        DuplicateHandle => some(sys.duplicate_handle(h0)),
        DeleteFile => none(sys.delete_file(path(0))),
        CreateDirectory => none(sys.create_directory(path(0))),
        RemoveDirectory => none(sys.remove_directory(path(0))),
        MoveFileEx => none(sys.move_file_ex(path(0), path(1), flags(2))),
        MoveFile => none(sys.move_file(path(0), path(1))),
        CreateHardLink => none(sys.create_hard_link(path(0), path(1))),
        SetFileAttributes => none(sys.set_file_attributes(path(0), flags(1))),
        WriteFile => none(sys.write_file(h0, int(1))),
        ReadFile => none(sys.read_file(h0, int(1))),
        SetFilePointer => none(sys.set_file_pointer(h0, int(1))),
        LockFile => none(sys.lock_file(h0, int(1), int(2))),
        UnlockFile => none(sys.unlock_file(h0, int(1), int(2))),
        SetFileInformationByHandle => none(match c.info {
            Some(Info::Disposition) => sys.set_disposition_info(h0, int(2) != 0),
            Some(Info::DispositionEx) => sys.set_disposition_info_ex(h0, flags(2)),
            Some(Info::Rename) => sys.set_rename_info(h0, path(2), int(3) != 0),
            Some(Info::RenameEx) => sys.set_rename_info_ex(h0, path(2), flags(3)),
            // The parser refuses these.
            Some(Info::Link) | None => Err(invalid_class()),
        }),
        NtSetInformationFile => none(match c.info {
            Some(Info::Disposition) => sys.nt_set_disposition(h0, int(2) != 0),
            Some(Info::DispositionEx) => sys.nt_set_disposition_ex(h0, flags(2)),
            Some(Info::Rename) => sys.nt_set_rename(h0, path(2), int(3) != 0),
            Some(Info::RenameEx) => sys.nt_set_rename_ex(h0, path(2), flags(3)),
            Some(Info::Link) => sys.nt_set_link(h0, path(2), int(3) != 0),
            None => Err(invalid_class()),
        }),
        CreateFileMapping => some(sys.create_file_mapping(h0, flags(1))),
        MapViewOfFile => some(sys.map_view_of_file(h0, flags(1))),
        UnmapViewOfFile => none(sys.unmap_view_of_file(h0)),
        LoadLibrary => some(sys.load_library(path(0))),
        FreeLibrary => none(sys.free_library(h0)),
        CreateProcess => some(sys.create_process(path(0))),
        ExitProcess => none(sys.exit_process(h0)),
        NtCreateFile => some(sys.nt_create_file(path(0), flags(1), flags(2), flags(3), flags(4), flags(5))),
        NtOpenFile => some(sys.nt_open_file(path(0), flags(1), flags(2), flags(3))),
        NtClose => none(sys.nt_close(h0)),
        NtCreateSection => some(sys.nt_create_section(h0, flags(1), flags(2))),
        NtMapViewOfSection => some(sys.nt_map_view_of_section(h0, flags(1))),
        NtUnmapViewOfSection => none(sys.nt_unmap_view_of_section(h0)),
    }
}
