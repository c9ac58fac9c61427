//! `winsan scenario FILE|DIR...`: run scenario files and report what differs.

use clap::Args;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use winsan_model::{DeleteSemantics, WindowsVersion};
use winsan_scenario::{collect_inputs, run_file, RunOptions, Summary};

pub const SCENARIO_AFTER_HELP: &str = r#"WHAT A SCENARIO IS
  A scenario file (*.scenario) is a timeline of Windows file-system calls, each with the
  result that real Windows gives. winsan runs it against its model of the NT rules and
  reports every step whose result differs. Format: shared/spec/scenario.md.

EXAMPLE (mkstemp-remove.scenario)
  # source: python-list 2017 "When will os.remove fail?"
  @windows 11                     # 7, 10-1809, 10-1903 or 11 (default 11)
  CreateDirectory("C:\t") -> OK
  h = CreateFile("C:\t\a.txt", GENERIC_READ|GENERIC_WRITE, FILE_SHARE_READ|FILE_SHARE_WRITE, CREATE_NEW, FILE_ATTRIBUTE_NORMAL) -> OK
  DeleteFile("C:\t\a.txt") -> ERROR_SHARING_VIOLATION    # h does not share delete
  CloseHandle(h) -> OK
  DeleteFile("C:\t\a.txt") -> OK
  expect missing "C:\t\a.txt"

  Steps are `[NAME =] CALL(ARG, ...) [-> RESULT]`. RESULT is OK, an ERROR_* name (compared
  with the Win32 last error) or a STATUS_* name (the NTSTATUS underneath); Nt* calls take
  only OK or STATUS_*. A step without `-> RESULT` is run but not checked. Arguments are
  "strings" (a backslash is literal), numbers (10, 0x10), TRUE/FALSE/NULL, names bound
  earlier, and SDK constants joined with `|`.
  Directives: @windows V, @delete legacy|posix, @volume D: fat|ntfs.
  Expectations: expect exists|missing "path", expect [not] delete_pending NAME,
  expect listing "dir" = "a" "b", expect attributes "path" has|lacks FILE_ATTRIBUTE_*.
  Calls: CreateFile CloseHandle DuplicateHandle DeleteFile CreateDirectory RemoveDirectory
  MoveFileEx MoveFile CreateHardLink SetFileAttributes WriteFile ReadFile SetFilePointer
  LockFile UnlockFile SetFileInformationByHandle CreateFileMapping MapViewOfFile
  UnmapViewOfFile LoadLibrary FreeLibrary CreateProcess ExitProcess NtCreateFile NtOpenFile
  NtClose NtSetInformationFile NtCreateSection NtMapViewOfSection NtUnmapViewOfSection.

OUTPUT
  FAIL file.scenario:LINE: CALL -> got RESULT, expected RESULT
      one line per step or expectation whose result differs
  ERROR file.scenario:LINE:COL: message
      the scenario could not be run (syntax error, unknown call or constant, wrong argument
      count, a name whose call failed, ...); the other scenarios still run
  N passed, N failed[, N errors]
      the closing line, counting scenarios
  With --json: one JSON object per scenario per line,
  {"file", "passed", "failures": [{"line", "call", "got", "expected"}],
   "error": {"line", "col", "message"} or null, "steps"}; the closing line goes to stderr.

EXIT STATUS
  0  every scenario passed
  1  some scenario failed or could not be run
  2  nothing could be run (no scenario found, or every one was an error)

EXAMPLES
  winsan scenario tests/scenarios/
  winsan scenario -v examples/mkstemp-remove.scenario
  winsan scenario --windows 7 --delete legacy tests/scenarios/
  winsan scenario --json tests/scenarios/ | jq 'select(.passed | not)'"#;

/// Run scenario files against the model and report every step whose result differs.
#[derive(Args, Debug)]
#[command(after_long_help = SCENARIO_AFTER_HELP)]
pub struct ScenarioArgs {
    /// Scenario files, or directories searched recursively for *.scenario files (sorted).
    #[arg(required = true, value_name = "FILE|DIR")]
    pub paths: Vec<PathBuf>,

    /// Print one JSON object per scenario per line instead of FAIL/ERROR lines.
    #[arg(long)]
    pub json: bool,

    /// Print every step with its result (ok / FAIL / -- for unchecked steps).
    #[arg(short, long)]
    pub verbose: bool,

    /// Model this Windows version (7, 10-1809, 10-1903, 11) whatever each file's @windows says.
    #[arg(long, value_name = "V")]
    pub windows: Option<WindowsVersion>,

    /// DeleteFile/RemoveDirectory semantics, whatever each file's @delete says
    /// (default: each file's @delete, else what its Windows version does).
    #[arg(long, value_name = "legacy|posix")]
    pub delete: Option<DeleteSemantics>,
}

pub fn main(args: &ScenarioArgs) -> ExitCode {
    let opts = RunOptions {
        windows: args.windows,
        delete: args.delete,
    };
    let inputs = collect_inputs(&args.paths);
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut summary = Summary::default();
    for input in &inputs {
        let report = run_file(input, &opts);
        summary.add(report.status());
        let r = if args.json {
            writeln!(out, "{}", report.json())
        } else if args.verbose {
            write!(out, "{}{}", report.verbose_lines(), report.lines())
        } else {
            write!(out, "{}", report.lines())
        };
        if r.is_err() {
            // stdout closed (e.g. piped into `head`): stop quietly.
            return ExitCode::from(summary.exit_code());
        }
    }
    if inputs.is_empty() {
        eprintln!("winsan: no scenario files found");
    }
    if args.json {
        let _ = out.flush();
        eprintln!("{}", summary.line());
    } else {
        let _ = writeln!(out, "{}", summary.line());
        let _ = out.flush();
    }
    ExitCode::from(summary.exit_code())
}
