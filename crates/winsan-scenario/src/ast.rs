//! A parsed scenario: directives, then steps (calls and expectations) in file order.

use crate::calls::CallKind;
use winsan_model::consts::Info;
use winsan_model::{DeleteSemantics, FileSystem, NtStatus, Win32Error, WindowsVersion};

/// A whole scenario file, checked: every name used is bound earlier, every constant known,
/// every call has the right arguments. Running it can still fail at run time only when a
/// call that was expected to succeed fails and a later step uses what it would have bound.
#[derive(Clone, Debug, Default)]
pub struct Scenario {
    /// `@windows`, if given.
    pub windows: Option<WindowsVersion>,
    /// `@delete`, if given.
    pub delete: Option<DeleteSemantics>,
    /// `@volume` lines, in file order.
    pub volumes: Vec<Volume>,
    /// Calls and expectations, in file order.
    pub steps: Vec<Step>,
    /// The comment lines at the top of the file, before any directive or step, without
    /// their `#` (by convention `source: ...` and `windows: ...`); `explain` shows them.
    pub header: Vec<String>,
}

/// `@volume D: fat`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Volume {
    pub line: usize,
    pub col: usize,
    /// Upper-case drive letter.
    pub letter: char,
    pub fs: FileSystem,
}

/// One line that does something: a call or an expectation.
#[derive(Clone, Debug)]
pub struct Step {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column of the step's first token.
    pub col: usize,
    /// The step as written, for reports: the call from its name to its closing parenthesis
    /// (without `NAME =` and `-> RESULT`), or the whole expectation line without comment.
    pub text: String,
    pub kind: StepKind,
}

/// What a step is.
#[derive(Clone, Debug)]
pub enum StepKind {
    Call(CallStep),
    Expect(Expectation),
}

/// `[NAME =] CALL(ARG, ...) [-> RESULT]`.
#[derive(Clone, Debug)]
pub struct CallStep {
    /// The name the step binds, if any.
    pub bind: Option<String>,
    pub call: CallKind,
    /// The information class of a set-information call.
    pub info: Option<Info>,
    pub args: Vec<Arg>,
    /// `None` when the step has no `-> RESULT`: it is run but not checked.
    pub expected: Option<Expected>,
    /// The expected result as written (`OK`, `ERROR_...`, `STATUS_...`).
    pub expected_text: Option<String>,
}

impl CallStep {
    /// The step is expected to succeed (or is not checked), so what it binds may be used.
    pub fn expects_success(&self) -> bool {
        matches!(self.expected, None | Some(Expected::Ok))
    }
}

/// An argument, with where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arg {
    /// 1-based column of its first character.
    pub col: usize,
    /// The argument as written.
    pub text: String,
    pub value: Value,
}

/// The value of an argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// A drive-rooted path.
    Path(String),
    /// A number or constant expression (`Flags`, `Number` and `Bool` slots).
    Int(u64),
    /// A name bound by an earlier step.
    Name(String),
    /// An information class.
    Class(Info),
}

/// The result a step expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expected {
    /// `OK`, `STATUS_SUCCESS` (or `ERROR_SUCCESS` for a Win32 call).
    Ok,
    /// A Win32 error, compared with the refusal's last-error value.
    Win32(Win32Error),
    /// An NTSTATUS, compared with the status underneath.
    Status(NtStatus),
}

impl Expected {
    pub fn name(self) -> &'static str {
        match self {
            Expected::Ok => "OK",
            Expected::Win32(e) => e.name(),
            Expected::Status(s) => s.name(),
        }
    }
}

/// An `expect` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expectation {
    /// `expect exists "path"`.
    Exists(String),
    /// `expect missing "path"`.
    Missing(String),
    /// `expect [not] delete_pending NAME`.
    DeletePending { name: String, col: usize, pending: bool },
    /// `expect listing "dir" = "a" "b"`: exact set of names, any order.
    Listing { dir: String, names: Vec<String> },
    /// `expect attributes "path" has|lacks FLAGS`.
    Attributes {
        path: String,
        has: bool,
        flags: u32,
        flags_text: String,
    },
}
