//! The narrative of `winsan explain`: a scenario's run told step by step.
//!
//! For each step: the line number and the call as written; the result (for a Win32 call the
//! Win32 error with the NTSTATUS underneath); a ✓ or ✗ against the expectation; and why.
//! A refusal is told as *what the call asked for*, *what was in the way* (the scenario's
//! own names for the blocking handles, with their access and share mode in SDK words) and
//! *the rule* with its source. A success gets a short clause (what it made) and its side
//! effects. Lines are wrapped to [`WIDTH`] columns.

use crate::ast::{Arg, CallStep, Expectation, Scenario, Step, StepKind, Value};
use crate::calls::CallKind;
use crate::report::FileReport;
use crate::run::{file_system_of, BlockerName, StepRecord, StepResult};
use std::fmt::Write as _;
use winsan_model::consts::{access as acc, share as sh, Info};
use winsan_model::{
    Blocker, BlockerKind, DeleteSemantics, Event, FileSystem, HandleInfo, HandleKind, Reason, Refusal, RemovalCause,
    ShareConflict,
};

/// Lines are wrapped to this many columns.
pub const WIDTH: usize = 96;

/// The whole narrative of one scenario file's run, ending in a newline.
pub fn explain(report: &FileReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", report.file);
    let (Some(sc), Some(run)) = (&report.scenario, &report.outcome) else {
        if let Some(e) = report.error() {
            let _ = writeln!(out, "ERROR {}:{}:{}: {}", report.file, e.line, e.col, e.message);
        }
        return out;
    };
    for h in &sc.header {
        wrap_into(&mut out, &format!("# {h}"), 0, 2);
    }
    wrap_into(&mut out, &setting(sc, run.config), 0, 2);

    let width = sc.steps.last().map_or(1, |s| s.line.to_string().len());
    let indent = "line ".len() + width + 2;
    let mut teller = Teller { sc, names: Vec::new() };
    for rec in &run.records {
        let Some(step) = sc.steps.get(rec.step) else {
            continue;
        };
        out.push('\n');
        teller.step(&mut out, step, rec, width, indent, run.config);
    }
    if let Some(e) = &run.error {
        out.push('\n');
        wrap_into(
            &mut out,
            &format!("ERROR {}:{}:{}: {}", report.file, e.line, e.col, e.message),
            0,
            2,
        );
    }
    out.push('\n');
    wrap_into(&mut out, &summary(report, sc, run.config.windows.as_str()), 0, 2);
    out
}

/// "Windows 11; DeleteFile and RemoveDirectory use POSIX semantics on C: (NTFS)."
fn setting(sc: &Scenario, config: winsan_model::Config) -> String {
    let sem = |fs| match config.deletefile_semantics(fs) {
        DeleteSemantics::Legacy => "legacy semantics (the name stays until the last handle closes)",
        DeleteSemantics::Posix => "POSIX semantics (the name goes at once)",
    };
    let mut s = format!(
        "Modelled: Windows {}; DeleteFile and RemoveDirectory use {} on C: (NTFS)",
        config.windows,
        sem(FileSystem::Ntfs)
    );
    for v in &sc.volumes {
        let fs = match v.fs {
            FileSystem::Ntfs => "NTFS",
            FileSystem::Fat => "FAT",
        };
        let _ = write!(s, "; {}: is {fs}", v.letter);
        if v.fs != FileSystem::Ntfs {
            s.push_str(" (always legacy)");
        }
    }
    s.push('.');
    s
}

fn summary(report: &FileReport, sc: &Scenario, windows: &str) -> String {
    let Some(run) = &report.outcome else {
        return String::new();
    };
    let checked = run.records.iter().filter(|r| r.check.is_some()).count();
    let ran = run.records.len();
    let steps = sc.steps.len();
    let mut lines: Vec<String> = report.failures().iter().map(|f| f.line.to_string()).collect();
    lines.dedup();
    let mut s = format!("Summary: {ran} of {steps} step{} run, {checked} checked", plural(steps));
    if report.failures().is_empty() {
        if run.error.is_none() {
            let _ = write!(s, "; every checked result matches Windows {windows}.");
        } else {
            s.push_str("; the run stopped early (see the ERROR above).");
        }
    } else {
        let n = report.failures().len();
        let _ = write!(
            s,
            "; {n} differ{} from the expected result (line{} {}).",
            if n == 1 { "s" } else { "" },
            plural(lines.len()),
            lines.join(", ")
        );
    }
    s
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

struct Teller<'a> {
    sc: &'a Scenario,
    /// Names bound so far: (name, index of the step that opened the object).
    names: Vec<(String, usize)>,
}

impl Teller<'_> {
    fn step(
        &mut self,
        out: &mut String,
        step: &Step,
        rec: &StepRecord,
        width: usize,
        indent: usize,
        config: winsan_model::Config,
    ) {
        let head = match &step.kind {
            StepKind::Call(c) => match &c.bind {
                Some(b) => format!("{b} = {}", step.text),
                None => step.text.clone(),
            },
            StepKind::Expect(_) => step.text.clone(),
        };
        let label = format!("line {:<width$}  ", step.line);
        wrap_first(out, &label, &head, indent, indent + 4);

        let check = match rec.check {
            Some(true) => "  ✓".to_string(),
            Some(false) => match &step.kind {
                StepKind::Call(c) => format!("  ✗ expected {}", c.expected.map_or("", |e| e.name())),
                StepKind::Expect(e) => format!("  ✗ expected {}", expected_word(e)),
            },
            None => "  (not checked)".to_string(),
        };
        match (&step.kind, &rec.result) {
            (StepKind::Call(c), StepResult::Call(result)) => {
                let shown = match result {
                    Ok(_) => "OK".to_string(),
                    Err(r) if c.call.is_nt() => r.status.name().to_string(),
                    Err(r) => format!("{} ({})", r.win32, r.status),
                };
                wrap_into(out, &format!("→ {shown}{check}"), indent, indent + 2);
                let story = match result {
                    Err(r) => self.refusal(step, c, r, rec, config),
                    Ok(_) => self.success(c, rec, config),
                };
                for para in story {
                    wrap_into(out, &para, indent, indent);
                }
                if let (Ok(Some(_)), Some(b)) = (result, &c.bind) {
                    if c.expects_success() {
                        let origin = match c.call {
                            CallKind::DuplicateHandle => self.origin_of_arg(c.args.first()),
                            _ => None,
                        };
                        self.names.push((b.clone(), origin.unwrap_or(rec.step)));
                    }
                }
            }
            (StepKind::Expect(e), _) => {
                wrap_into(out, &format!("→ {}{check}", rec.got), indent, indent + 2);
                if let Some(s) = expect_clause(e, rec) {
                    wrap_into(out, &s, indent, indent);
                }
            }
            _ => {}
        }
    }

    fn origin_of_arg(&self, a: Option<&Arg>) -> Option<usize> {
        let Some(Value::Name(n)) = a.map(|a| &a.value) else {
            return None;
        };
        self.names.iter().rev().find(|(m, _)| m == n).map(|(_, o)| *o)
    }

    /// The access the step at `origin` asked for, as written, if it opened a file.
    fn written_access(&self, origin: Option<usize>) -> Option<String> {
        let step = self.sc.steps.get(origin?)?;
        let StepKind::Call(c) = &step.kind else {
            return None;
        };
        match c.call {
            CallKind::CreateFile | CallKind::NtCreateFile | CallKind::NtOpenFile => {
                let a = c.args.get(1)?;
                // Prefer the SDK words; a bare number is decoded below instead.
                if a.text.chars().any(|ch| ch.is_ascii_alphabetic() && ch != 'x') {
                    Some(a.text.clone())
                } else {
                    None
                }
            }
            _ => None,
        }
    }

    fn blocker_words(&self, b: &Blocker, who: &BlockerName) -> String {
        let name = match &who.name {
            Some(n) => n.clone(),
            None => format!("an unnamed handle ({})", b.handle),
        };
        match &b.what {
            BlockerKind::File { access, share } => {
                let access = self.written_access(who.origin).unwrap_or_else(|| access_words(*access));
                format!("handle {name} (open for {access}, share {})", share_words(*share))
            }
            BlockerKind::DataSection { writable } => {
                format!(
                    "mapping {name} (a {}data section)",
                    if *writable { "writable " } else { "" }
                )
            }
            BlockerKind::View { writable } => {
                format!(
                    "view {name} (a {}mapped view)",
                    if *writable { "writable " } else { "" }
                )
            }
            BlockerKind::ImageSection => format!("section {name} (an image section)"),
            BlockerKind::Module => format!("module {name} (loaded with LoadLibrary)"),
            BlockerKind::Process => format!("process {name} (running the file)"),
            BlockerKind::Lock { offset, length } => format!(
                "handle {name} (holding a lock on bytes {offset}..{})",
                offset.saturating_add(*length)
            ),
        }
    }

    fn refusal(
        &self,
        step: &Step,
        c: &CallStep,
        r: &Refusal,
        rec: &StepRecord,
        config: winsan_model::Config,
    ) -> Vec<String> {
        let _ = step;
        let intent = intent(self.sc, c, config);
        let blockers = r.reason.blockers();
        let named: Vec<(&Blocker, BlockerName)> = blockers
            .iter()
            .enumerate()
            .map(|(i, b)| {
                (
                    b,
                    rec.blockers.get(i).cloned().unwrap_or(BlockerName {
                        name: None,
                        origin: None,
                    }),
                )
            })
            .collect();
        let cause = match &r.reason {
            Reason::SharingViolation { conflict, .. } if !named.is_empty() => {
                let mut parts = Vec::new();
                for (b, who) in &named {
                    let name = who
                        .name
                        .clone()
                        .unwrap_or_else(|| format!("an unnamed handle ({})", b.handle));
                    if let BlockerKind::File { access, share } = &b.what {
                        let access = self.written_access(who.origin).unwrap_or_else(|| access_words(*access));
                        let crt = if *share == sh::FILE_SHARE_READ | sh::FILE_SHARE_WRITE {
                            " (the C runtime's default)"
                        } else {
                            ""
                        };
                        parts.push(match conflict {
                            ShareConflict::NotSharedByExisting(cl) => format!(
                                "handle {name} has it open for {access} with share {}{crt}, which does not share {}",
                                share_words(*share),
                                cl.name()
                            ),
                            ShareConflict::NotSharedByNew(cl) => format!(
                                "handle {name} has it open for {access} ({} access), and this call's share mode leaves out {}",
                                cl.name(),
                                cl.share_flag()
                            ),
                        });
                    } else {
                        parts.push(self.blocker_words(b, who));
                    }
                }
                parts.join("; ")
            }
            reason => {
                let mut s = reason.to_string();
                if !named.is_empty() {
                    let list: Vec<String> = named.iter().map(|(b, who)| self.blocker_words(b, who)).collect();
                    let verb = if list.len() == 1 { "is" } else { "are" };
                    let _ = write!(s, ": {} {verb} in the way", list.join(", "));
                }
                s
            }
        };
        let what = if matches!(r.reason, Reason::SharingViolation { .. }) {
            "the open"
        } else {
            "it"
        };
        let result = if c.call.is_nt() {
            format!("{}", r.status)
        } else {
            format!("{} → {} ({})", r.status, r.win32, python(r.win32.code()))
        };
        vec![
            format!("{intent}; {cause}, so {what} fails with {result}."),
            format!("Rule: {}", r.reason.rule()),
        ]
    }

    fn success(&self, c: &CallStep, rec: &StepRecord, config: winsan_model::Config) -> Vec<String> {
        let mut paras = Vec::new();
        if let (Some(info), Some(name)) = (&rec.bound, &c.bind) {
            paras.push(self.bound_clause(name, info, c));
        } else {
            let path = |i: usize| arg_path(c, i);
            let clause = match c.call {
                CallKind::CreateDirectory => Some(format!("{} is created.", path(0))),
                CallKind::MoveFile | CallKind::MoveFileEx => Some(format!("{} is now {}.", path(0), path(1))),
                CallKind::CreateHardLink => Some(format!("{} is now also named {}.", path(1), path(0))),
                CallKind::DeleteFile | CallKind::RemoveDirectory if rec.events.is_empty() => {
                    let sem = config.deletefile_semantics(file_system_of(self.sc, path(0)));
                    Some(match sem {
                        DeleteSemantics::Posix => format!("{} is removed.", path(0)),
                        DeleteSemantics::Legacy => format!("{} is deleted.", path(0)),
                    })
                }
                _ => None,
            };
            paras.extend(clause);
        }
        let closer = if c.call.releases() {
            match c.args.first().map(|a| &a.value) {
                Some(Value::Name(n)) => Some(n.as_str()),
                _ => None,
            }
        } else {
            None
        };
        let removed: Vec<&str> = rec
            .events
            .iter()
            .filter_map(|e| match e {
                Event::Removed { path, .. } => Some(path.as_str()),
                _ => None,
            })
            .collect();
        for e in &rec.events {
            // A delete that took effect at once is told by its removal alone.
            if let Event::PosixDeleteSet { path } | Event::DeletePendingSet { path } = e {
                if removed.contains(&path.as_str()) {
                    continue;
                }
            }
            if let Some(s) = event_words(e, closer, c.call) {
                paras.push(s);
            }
        }
        paras
    }

    fn bound_clause(&self, name: &str, info: &HandleInfo, c: &CallStep) -> String {
        let path = info.path.as_deref().unwrap_or("?");
        match info.kind {
            HandleKind::File | HandleKind::Directory => {
                let origin = match c.call {
                    CallKind::DuplicateHandle => self.origin_of_arg(c.args.first()),
                    _ => None,
                };
                let written = match c.call {
                    CallKind::CreateFile | CallKind::NtCreateFile | CallKind::NtOpenFile => c
                        .args
                        .get(1)
                        .filter(|a| a.text.chars().any(|ch| ch.is_ascii_alphabetic() && ch != 'x'))
                        .map(|a| a.text.clone()),
                    _ => self.written_access(origin),
                };
                let access = written.unwrap_or_else(|| access_words(info.access));
                let what = if info.kind == HandleKind::Directory {
                    "handle to the directory"
                } else {
                    "handle to"
                };
                let mut s = format!(
                    "{name} = {what} {path}, access {access}, share {}",
                    share_words(info.share)
                );
                if info.delete_on_close {
                    s.push_str(", delete-on-close (the file goes when its last handle closes)");
                }
                s.push('.');
                s
            }
            HandleKind::Section { image: true } => format!("{name} = image section of {path}."),
            HandleKind::Section { image: false } => format!("{name} = data section (mapping) of {path}."),
            HandleKind::View => format!("{name} = mapped view of {path}."),
            HandleKind::Module => {
                format!("{name} = module {path}, mapped as an image section until it is freed.")
            }
            HandleKind::Process => {
                format!("{name} = process running {path}; it holds the image section until it exits.")
            }
        }
    }
}

fn arg_path(c: &CallStep, i: usize) -> &str {
    match c.args.get(i).map(|a| &a.value) {
        Some(Value::Path(p)) => p,
        _ => "?",
    }
}

fn arg_name(c: &CallStep, i: usize) -> &str {
    match c.args.get(i).map(|a| &a.value) {
        Some(Value::Name(n)) => n,
        _ => "?",
    }
}

fn arg_text(c: &CallStep, i: usize) -> &str {
    c.args.get(i).map_or("?", |a| a.text.as_str())
}

fn arg_int(c: &CallStep, i: usize) -> u64 {
    match c.args.get(i).map(|a| &a.value) {
        Some(Value::Int(v)) => *v,
        _ => 0,
    }
}

/// What the call asks for, as the first half of a refusal sentence.
fn intent(sc: &Scenario, c: &CallStep, config: winsan_model::Config) -> String {
    use CallKind::*;
    let n = c.call.name();
    let p = |i| arg_path(c, i);
    let h = |i| arg_name(c, i);
    let t = |i| arg_text(c, i);
    let delete_kind = |path: &str| match config.deletefile_semantics(file_system_of(sc, path)) {
        DeleteSemantics::Legacy => "marks it delete-pending (legacy semantics)",
        DeleteSemantics::Posix => "deletes it with POSIX semantics",
    };
    match c.call {
        CreateFile => format!(
            "{n} opens {} ({}) for {}, share {}",
            p(0),
            t(3),
            access_or_none(c, 1),
            share_words(arg_int(c, 2) as u32)
        ),
        NtCreateFile => format!(
            "{n} opens {} ({}) for {}, share {}{}",
            p(0),
            t(4),
            access_or_none(c, 1),
            share_words(arg_int(c, 3) as u32),
            options(c, 5)
        ),
        NtOpenFile => format!(
            "{n} opens {} for {}, share {}{}",
            p(0),
            access_or_none(c, 1),
            share_words(arg_int(c, 2) as u32),
            options(c, 3)
        ),
        DeleteFile | RemoveDirectory => format!(
            "{n} opens {} for DELETE access (sharing read, write and delete) and {}",
            p(0),
            delete_kind(p(0))
        ),
        CreateDirectory => format!("{n} creates {}", p(0)),
        MoveFile => format!("{n} opens {} for DELETE access and renames it to {}", p(0), p(1)),
        MoveFileEx => format!(
            "{n} opens {} for DELETE access and renames it to {} ({})",
            p(0),
            p(1),
            t(2)
        ),
        CreateHardLink => format!("{n} adds the name {} to the file {}", p(0), p(1)),
        SetFileAttributes => format!("{n} sets the attributes of {} to {}", p(0), t(1)),
        CloseHandle | NtClose => format!("{n} closes {}", h(0)),
        DuplicateHandle => format!("{n} makes a second handle to the file object of {}", h(0)),
        WriteFile => format!("{n} writes {} bytes through {}", t(1), h(0)),
        ReadFile => format!("{n} reads {} bytes through {}", t(1), h(0)),
        SetFilePointer => format!("{n} moves the file pointer of {} to {}", h(0), t(1)),
        LockFile => format!("{n} locks {} bytes at offset {} through {}", t(2), t(1), h(0)),
        UnlockFile => format!("{n} unlocks {} bytes at offset {} through {}", t(2), t(1), h(0)),
        SetFileInformationByHandle | NtSetInformationFile => match c.info {
            Some(Info::Disposition) => format!("{n} sets the delete disposition of {}'s file to {}", h(0), t(2)),
            Some(Info::DispositionEx) => format!("{n} sets the disposition flags {} on {}'s file", t(2), h(0)),
            Some(Info::Rename) => format!("{n} renames {}'s file to {} (replace: {})", h(0), p(2), t(3)),
            Some(Info::RenameEx) => format!("{n} renames {}'s file to {} ({})", h(0), p(2), t(3)),
            Some(Info::Link) => format!("{n} adds the name {} to {}'s file (replace: {})", p(2), h(0), t(3)),
            None => format!("{n} sets information on {}", h(0)),
        },
        CreateFileMapping => format!("{n} creates a section for {}'s file with {}", h(0), t(1)),
        MapViewOfFile => format!("{n} maps a view of {} ({})", h(0), t(1)),
        UnmapViewOfFile | NtUnmapViewOfSection => format!("{n} unmaps {}", h(0)),
        LoadLibrary => format!("{n} maps {} as an image section, as the loader does", p(0)),
        FreeLibrary => format!("{n} unloads {}", h(0)),
        CreateProcess => format!(
            "{n} starts {}; the new process holds its image section until it exits",
            p(0)
        ),
        ExitProcess => format!("{n} ends {}", h(0)),
        NtCreateSection => format!("{n} creates a section ({}, {}) for {}'s file", t(1), t(2), h(0)),
        NtMapViewOfSection => format!("{n} maps a view of {} ({})", h(0), t(1)),
    }
}

fn access_or_none(c: &CallStep, i: usize) -> String {
    let v = arg_int(c, i) as u32;
    let text = arg_text(c, i);
    if v == 0 {
        "no data access (0)".into()
    } else if text.chars().any(|ch| ch.is_ascii_alphabetic() && ch != 'x') {
        text.to_string()
    } else {
        access_words(v)
    }
}

fn options(c: &CallStep, i: usize) -> String {
    if arg_int(c, i) == 0 {
        String::new()
    } else {
        format!(", options {}", arg_text(c, i))
    }
}

/// What an expectation expected, for the ✗ mark.
fn expected_word(e: &Expectation) -> String {
    match e {
        Expectation::Exists(_) => "exists".into(),
        Expectation::Missing(_) => "missing".into(),
        Expectation::DeletePending { pending: true, .. } => "delete_pending".into(),
        Expectation::DeletePending { pending: false, .. } => "not delete_pending".into(),
        Expectation::Listing { names, .. } if names.is_empty() => "(empty)".into(),
        Expectation::Listing { names, .. } => {
            let mut n: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
            n.sort();
            n.join(" ")
        }
        Expectation::Attributes { has, flags_text, .. } => {
            format!("{} {flags_text}", if *has { "has" } else { "lacks" })
        }
    }
}

fn expect_clause(e: &Expectation, rec: &StepRecord) -> Option<String> {
    match (e, rec.got.as_str()) {
        (Expectation::Exists(p) | Expectation::Missing(p), "exists") => Some(format!("{p} is in its directory.")),
        (Expectation::Exists(p) | Expectation::Missing(p), _) => Some(format!("{p} is not in its directory.")),
        _ => None,
    }
}

/// A side effect in words. `closer` is the name a close/unmap/free/exit step gave up.
fn event_words(e: &Event, closer: Option<&str>, call: CallKind) -> Option<String> {
    Some(match e {
        Event::Removed { path, cause } => {
            let why = match cause {
                RemovalCause::LastHandleClosed => "it was delete-pending and this was its last handle",
                RemovalCause::DeleteOnClose => "it was opened with delete-on-close",
                RemovalCause::PosixDelete => "a POSIX delete disposition was set on it",
            };
            match closer {
                Some(h) => format!("Closing {h} removes {path}: {why}."),
                None if matches!(call, CallKind::DeleteFile | CallKind::RemoveDirectory)
                    && *cause == RemovalCause::PosixDelete =>
                {
                    format!("{path} is removed at once (POSIX semantics), even if other handles stay open.")
                }
                None if matches!(call, CallKind::DeleteFile | CallKind::RemoveDirectory) => format!(
                    "{path} is removed: no other handle had it open, so the name goes when {} closes its own handle.",
                    call.name()
                ),
                None => format!("{path} is removed: {why}."),
            }
        }
        Event::DeletePendingSet { path } => format!(
            "The name stays: {path} is delete-pending until its last handle closes, and every new open of it fails with STATUS_DELETE_PENDING."
        ),
        Event::DeletePendingCleared { path } => format!("{path} is no longer delete-pending."),
        Event::PosixDeleteSet { path } => format!(
            "{path} has a POSIX delete disposition: its name goes when this handle closes, even if other handles stay open."
        ),
        Event::DeleteOnCloseDropped { path } => {
            format!("{path} is not deleted: the directory is not empty, so delete-on-close is dropped.")
        }
        Event::Replaced { path } => format!("The file that was {path} is replaced."),
        Event::ShareAccessReleased { .. } => return None,
    })
}

/// An access mask in SDK words: `GENERIC_*` where the generic mapping covers it, then the
/// specific rights left (`SYNCHRONIZE`, which every Win32 open adds, is left out).
pub fn access_words(access: u32) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let mut rest = access & !acc::SYNCHRONIZE;
    if access & acc::FILE_ALL_ACCESS == acc::FILE_ALL_ACCESS {
        return "GENERIC_ALL".into();
    }
    let mut covered = 0;
    for (name, mask) in [
        ("GENERIC_READ", acc::FILE_GENERIC_READ),
        ("GENERIC_WRITE", acc::FILE_GENERIC_WRITE),
    ] {
        if access & mask == mask {
            parts.push(name);
            covered |= mask;
        }
    }
    rest &= !covered;
    for (name, bit) in [
        ("DELETE", acc::DELETE),
        ("FILE_READ_DATA", acc::FILE_READ_DATA),
        ("FILE_WRITE_DATA", acc::FILE_WRITE_DATA),
        ("FILE_APPEND_DATA", acc::FILE_APPEND_DATA),
        ("FILE_EXECUTE", acc::FILE_EXECUTE),
        ("FILE_READ_EA", acc::FILE_READ_EA),
        ("FILE_WRITE_EA", acc::FILE_WRITE_EA),
        ("FILE_DELETE_CHILD", acc::FILE_DELETE_CHILD),
        ("FILE_READ_ATTRIBUTES", acc::FILE_READ_ATTRIBUTES),
        ("FILE_WRITE_ATTRIBUTES", acc::FILE_WRITE_ATTRIBUTES),
        ("READ_CONTROL", acc::READ_CONTROL),
        ("WRITE_DAC", acc::WRITE_DAC),
        ("WRITE_OWNER", acc::WRITE_OWNER),
    ] {
        if rest & bit != 0 {
            parts.push(name);
            rest &= !bit;
        }
    }
    let mut s = parts.join("|");
    if rest != 0 {
        if !s.is_empty() {
            s.push('|');
        }
        let _ = write!(s, "0x{rest:x}");
    }
    if s.is_empty() {
        s = if access == 0 { "no access (0)" } else { "SYNCHRONIZE" }.into();
    }
    s
}

/// A share mode in SDK words, `0 (no sharing)` for none.
pub fn share_words(share: u32) -> String {
    let parts: Vec<&str> = [
        ("FILE_SHARE_READ", sh::FILE_SHARE_READ),
        ("FILE_SHARE_WRITE", sh::FILE_SHARE_WRITE),
        ("FILE_SHARE_DELETE", sh::FILE_SHARE_DELETE),
    ]
    .iter()
    .filter(|(_, b)| share & b != 0)
    .map(|(n, _)| *n)
    .collect();
    if parts.is_empty() {
        "0 (no sharing)".into()
    } else {
        parts.join("|")
    }
}

/// How Python reports a Win32 error: `PermissionError [WinError 32] in Python`
/// (the class from `winsan_model::translate`, CPython's own table).
pub fn python(win32: u32) -> String {
    let class = match winsan_model::Win32Error::from_code(win32) {
        Some(e) => winsan_model::translate::python_class(winsan_model::translate::python_errno(e)),
        None => "OSError",
    };
    format!("{class} [WinError {win32}] in Python")
}

/// Write `first` + `text`, wrapped at spaces (and, inside a word too long for a line, after
/// `|`): continuation lines start at column `cont`.
fn wrap_first(out: &mut String, first: &str, text: &str, first_indent: usize, cont: usize) {
    let _ = first_indent;
    // (piece, glued to the previous piece without a space)
    let mut pieces: Vec<(&str, bool)> = Vec::new();
    for word in text.split(' ') {
        if word.chars().count() > WIDTH.saturating_sub(cont) && word.contains('|') {
            let mut glued = false;
            for part in word.split_inclusive('|') {
                pieces.push((part, glued));
                glued = true;
            }
        } else {
            pieces.push((word, false));
        }
    }
    let mut line = first.to_string();
    let mut col = first.chars().count();
    let start_col = col;
    for (piece, glued) in pieces {
        let w = piece.chars().count();
        let sep = usize::from(!glued);
        if col > start_col && col + sep + w > WIDTH {
            out.push_str(line.trim_end());
            out.push('\n');
            line = " ".repeat(cont);
            col = cont;
        } else if col > start_col && !glued {
            line.push(' ');
            col += 1;
        }
        line.push_str(piece);
        col += w;
    }
    out.push_str(line.trim_end());
    out.push('\n');
}

/// Write `text` at column `indent`, wrapped, continuation lines at column `cont`.
fn wrap_into(out: &mut String, text: &str, indent: usize, cont: usize) {
    wrap_first(out, &" ".repeat(indent), text, indent, cont);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_in_sdk_words() {
        use winsan_model::map_generic;
        assert_eq!(
            access_words(map_generic(acc::GENERIC_READ | acc::GENERIC_WRITE)),
            "GENERIC_READ|GENERIC_WRITE"
        );
        assert_eq!(access_words(map_generic(acc::GENERIC_ALL)), "GENERIC_ALL");
        assert_eq!(
            access_words(acc::DELETE | acc::SYNCHRONIZE | acc::FILE_READ_ATTRIBUTES),
            "DELETE|FILE_READ_ATTRIBUTES"
        );
        assert_eq!(access_words(0), "no access (0)");
        assert_eq!(share_words(0), "0 (no sharing)");
        assert_eq!(share_words(3), "FILE_SHARE_READ|FILE_SHARE_WRITE");
        assert_eq!(python(32), "PermissionError [WinError 32] in Python");
    }

    #[test]
    fn wrapping_keeps_within_width() {
        let mut s = String::new();
        let text = "word ".repeat(60);
        wrap_into(&mut s, text.trim(), 8, 8);
        for line in s.lines() {
            assert!(line.chars().count() <= WIDTH, "{line}");
            assert!(line.starts_with("        word"));
        }
    }
}
