//! `winsan run [OPTIONS] -- PROGRAM [ARGS...]`: run a Linux program under Windows file
//! semantics (contract: `shared/spec/run.md`).

use clap::Args;
use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;
use winsan_model::{Config, DeleteSemantics, WindowsVersion};
use winsan_trace::report::{self, Format, JsonReport};
use winsan_trace::sys::Exit;
use winsan_trace::{HolderProbe, Options, RunError};

const RUN_AFTER_HELP: &str = "\
winsan runs PROGRAM and every process it starts, watching the file operations that change
the file system (open for writing, unlink, rmdir, rename, truncate, link, mmap of code,
exec). For each one it asks its model of Windows what the Windows call that the program's
runtime would make instead (DeleteFileW, MoveFileExW, CreateFileW...) would return, given
who holds the file at that moment. Every refusal is a finding; the program itself runs as
on Linux unless --enforce is given.

Findings (kind: when):
  sharing-violation     an open handle does not share the access the operation needs
                        (the C runtime, CPython, Go, Java io, .NET and git do not share
                        delete; Rust, Node, LLVM and Git Bash's tools do, but not the
                        SQLite compiled into them; an inherited fd
                        has the share mode of the process that opened it; a CPython
                        tempfile.NamedTemporaryFile is open with DELETE access, so
                        reopening its name for writing is one)
  mapped-file           deleting or truncating a file with a mapped view
  image-in-use          deleting or overwriting a running executable or loaded library
  read-only             deleting or replacing a file without the owner write bit (Go,
                        Rust, Node, git and Git Bash's tools clear or ignore it; C and
                        CPython do not, unless an rmtree error handler does), root
                        opening one for writing (Linux lets root through), or removing
                        a directory that a chmod made read-only
  delete-pending        reusing a name still pending deletion (--delete legacy, or a
                        Node before libuv 1.49, whose unlink is a legacy delete)
  directory-not-empty   removing a directory whose only entries are delete-pending
  directory-in-use      removing or renaming a process's working directory, or a
                        directory with an open file, a listing in progress (scandir,
                        opendir) or a watched directory (fs.watch, inotify) below it
  rename-target-in-use  a rename that replaces an open, mapped or running file
  rename-target-exists  a rename onto an existing name that Windows does not replace:
                        any name for CPython's os.rename and Path.rename
                        (FileExistsError; os.replace does replace; shutil.move copies
                        instead; a rename inside a try whose except clause catches
                        the error is the program's Windows path: no finding, and
                        --enforce still fails the call so that the handler runs) and
                        Java's File.renameTo (false; NIO's Files.move replaces), an
                        empty directory for every runtime but Git Bash's

Caught findings: a finding of a Python caller says where the program catches the
error Windows would raise (a try whose except clause names its class or a base and
has no raise in its body, in the calling frame or a caller; with
contextlib.suppress(...) of one; the call of shutil.rmtree(..., ignore_errors=True));
so does one of a synchronous Node call (fs.unlinkSync...) inside a try whose catch
block has no throw, in its function or a caller's (read from the source): a `caught:` line under it, \"caught\" in
--report, ::warning instead of ::error with --format github, SARIF level warning, and
the summary counts them. It stays a finding (the exit status counts it);
--hide-caught leaves it out of the per-finding output.

Examples:
  winsan run -- python3 -m pytest                    report, run unchanged
  winsan run --enforce -- python3 app.py             fail as Windows would (EACCES...)
  winsan run --windows 10-1809 -- ./build.sh         legacy DeleteFile: delete-pending names
  winsan run --report report.json --quiet -- make    JSON report, summary only
  winsan run --format github -- npm test             GitHub Actions annotations
  winsan run --hide-caught -- python3 -m pytest      only what the program does not catch

Exit status: the program's own when it failed; --error-exitcode (66) when it succeeded
with findings; 0 when it succeeded without findings; 125 when winsan could not run.

Limits: the default holder probe (--holders lease) can make another process's
O_NONBLOCK open of a file being judged fail with EAGAIN (--holders scan cannot);
read-only opens are not watched (so reopening a delete-pending name or a
NamedTemporaryFile for reading is not reported); io_uring is disabled for the program
(it falls back to plain syscalls); a program that installs its own seccomp listener
cannot run under winsan; a signal handler without SA_RESTART can see EINTR from a
watched call. Without --enforce a refused operation still happens, so later operations
that depend on it (the next step of a log rotation) can be findings too; --enforce
stops at the first. A JVM's fd is judged as java.io's (no FILE_SHARE_DELETE) unless the
open that made it was a write-open through java.nio (told by the JNI library that made
the call): files java.nio only reads (Files.newInputStream, FileChannel.open(READ)),
which share delete on Windows, can give false sharing violations. A program that takes
a code path of its own on Windows is judged by the calls it makes on Linux, except that
a call made in code that plainly runs only off Windows is no finding:
Python blocks such as `if sys.platform != 'win32':`, the `else:` after `if os.name ==
'nt':`, code after `if sys.platform == 'win32': return` (or a skip), a test marked
`skipif` on Windows (also through a name or `pytestmark`), and the same with a test of
a capability CPython's Windows build lacks (`hasattr(os, 'fork')`, `not hasattr(os,
'getuid')`, `os.unlink in os.supports_dir_fd`, `shutil.rmtree.avoids_symlink_attacks`,
or a module flag assigned once to one; not an installed package's function defined
only off Windows as a whole with another definition for Windows: its implementation of
its API for other systems); Go files
that a Windows build
leaves out (`_linux.go`, `//go:build !windows`) and blocks such as `if runtime.GOOS !=
'windows'` or a test that skips itself on Windows (read from the source of each
frame); Rust's `#[cfg(unix)]`, `cfg!` and `use std::os::unix` (not a dependency's
implementation of its API for other systems, as tempfile's `imp/unix.rs`), C's `#ifndef
_WIN32`; JavaScript's `if (process.platform !== 'win32')` (also through `const {
platform } = process`, os.EOL, path.sep), `switch (process.platform)` clauses Windows
never reaches, early returns on Windows and tests skipped there (Vitest `skipIf`,
node:test `{ skip }`, `it.skip` chosen by platform, also by a function of the module:
`itIf(!isWindows)`); Java's
`os.name` tests, `IS_OS_WINDOWS`-style constants, JUnit assumptions and JUnit 5's
@DisabledOnOs/@EnabledOnOs (the source found under the JVM's source roots); and a
function that only such code hands to the runtime (an atexit function, a signal
handler, a thread's target, a timer's callback, a promise's reaction). Others' are
not read; the known ones (cmd/go, lld, git, SQLite) are modelled. Python frames (a finding's
location, os.rename told from os.replace, the except-clause and POSIX-only
exemptions, where a finding is caught) are read for CPython 3.11 to 3.15 only, and a call made on an executor's
thread (asyncio.to_thread, run_in_executor, aiofiles, anyio's and trio's
to_thread.run_sync) is named by the coroutines awaiting it; Go frames for Go 1.18 and later
(from the binary's own line table and inline tree, go test's stripped binaries too);
Node's from V8's frames (node 18 to 26); an asynchronous call (fs.promises, a
callback, a file stream) runs on a libuv worker thread with no JavaScript frame, and
is named by the JavaScript waiting for it: `async F` at its await, `callback F` where
it is defined (a stream's listeners);
Java's from HotSpot's interpreted frames and the JIT's compiled code, inlined methods
included, and a virtual thread's frames still frozen in the heap (OpenJDK 17, 21, 25).
A finding names at most 256 Java frames, 64 Python, Node and native ones, 32 Go ones
(a Python call's guards and except clauses are read from its innermost 16); a stack
cut there ends with `... more frames, not read` (stack_truncated in the report).
Processes still running a second after the program exits go on
unwatched (winsan says so): their later calls are not judged.
Contract: shared/spec/run.md.";

/// Options of `winsan run`.
#[derive(Args, Debug)]
#[command(after_long_help = RUN_AFTER_HELP)]
pub struct RunArgs {
    /// Make refused operations fail in the program with the errno its runtime maps the
    /// Windows error to (default: only report).
    #[arg(long)]
    pub enforce: bool,
    /// Windows version to model: 7, 10-1809, 10-1903, 11.
    #[arg(long, default_value = "11")]
    pub windows: WindowsVersion,
    /// DeleteFile semantics: legacy or posix (default: from --windows).
    #[arg(long)]
    pub delete: Option<DeleteSemantics>,
    /// Whose Windows share modes and calls to assume: auto, crt, python, rust, go, node,
    /// java, dotnet, git, llvm, cygwin (auto: from each process's executable: its name, Go
    /// and Rust sections, the libraries it links (libjli/libjvm: java; libLLVM: llvm); git
    /// and git-* are Git for Windows, which clears the read-only attribute before it
    /// deletes or replaces; llvm is clang, lld and rust-lld, which share delete on every
    /// open; shells and POSIX tools (sh, bash, rm, mv, cp, sed, tar, sleep...) are cygwin,
    /// the MSYS2 builds Git Bash runs: they share everything, delete with POSIX semantics
    /// ignoring read-only, and move a running or mapped file to the recycle bin; use
    /// --runtime crt to judge a script's tools as plain C programs instead; node's libuv
    /// version is read from its binary: before 1.49 (Node 20) its unlink leaves a
    /// delete-pending name, from 1.49 on it is a POSIX delete).
    #[arg(long, default_value = "auto")]
    pub runtime: String,
    /// Write the JSON report to FILE (`-` for stdout).
    #[arg(long, value_name = "FILE")]
    pub report: Option<String>,
    /// What goes to stderr for each finding: human, json, github, sarif.
    #[arg(long, default_value = "human", value_parser = parse_format)]
    pub format: Format,
    /// Exit status when the program succeeded but there were findings.
    #[arg(long, default_value_t = 66)]
    pub error_exitcode: u8,
    /// No per-finding output, only the summary.
    #[arg(long)]
    pub quiet: bool,
    /// No per-finding output for the findings the program catches (a Python `except`
    /// clause of the error's class or a base, `contextlib.suppress`,
    /// `shutil.rmtree(ignore_errors=True)`; a JavaScript `try`/`catch` around a
    /// synchronous call): they stay findings, counted in the summary and the exit status
    /// and listed in --report.
    #[arg(long)]
    pub hide_caught: bool,
    /// How to tell whether anyone holds a file before looking in /proc for who: lease
    /// (an F_SETLEASE probe, ~5 µs, sees every process on the system; for the
    /// microsecond it holds the lease, another process's O_NONBLOCK open of that file
    /// fails with EAGAIN, so a program whose processes race on one file that way can
    /// see it) or scan (no probe: every decision reads the traced processes' /proc
    /// entries; opens nothing, disturbs nobody, slower, and sees only the traced
    /// processes as holders).
    #[arg(long, default_value = "lease", value_parser = parse_holders)]
    pub holders: HolderProbe,
    /// Print supervisor statistics (trapped calls, peak RSS) at exit.
    #[arg(long)]
    pub stats: bool,
    /// The program and its arguments.
    #[arg(required = true, trailing_var_arg = true, allow_hyphen_values = true)]
    pub command: Vec<OsString>,
}

fn parse_format(s: &str) -> Result<Format, String> {
    Ok(match s {
        "human" => Format::Human,
        "json" => Format::Json,
        "github" => Format::Github,
        "sarif" => Format::Sarif,
        _ => return Err(format!("unknown format `{s}` (expected human, json, github or sarif)")),
    })
}

fn parse_holders(s: &str) -> Result<HolderProbe, String> {
    Ok(match s {
        "lease" => HolderProbe::Lease,
        "scan" => HolderProbe::Scan,
        _ => return Err(format!("unknown probe `{s}` (expected lease or scan)")),
    })
}

fn signal_name(sig: i32) -> String {
    let names = [
        (1, "SIGHUP"),
        (2, "SIGINT"),
        (3, "SIGQUIT"),
        (4, "SIGILL"),
        (6, "SIGABRT"),
        (8, "SIGFPE"),
        (9, "SIGKILL"),
        (11, "SIGSEGV"),
        (13, "SIGPIPE"),
        (14, "SIGALRM"),
        (15, "SIGTERM"),
    ];
    names
        .iter()
        .find(|(n, _)| *n == sig)
        .map(|(_, s)| s.to_string())
        .unwrap_or_else(|| format!("signal {sig}"))
}

/// Run the command; the exit status follows the spec.
pub fn run(args: RunArgs) -> ExitCode {
    let runtime = match args.runtime.as_str() {
        "auto" => None,
        r => match winsan_trace::runtime::parse(r) {
            Ok(r) => Some(r),
            Err(e) => {
                eprintln!("winsan: {e}");
                return ExitCode::from(125);
            }
        },
    };
    let config = Config {
        windows: args.windows,
        delete: args.delete,
    };
    // The report file is made before the program runs: a path that cannot be written
    // is said at once, not after a long run.
    let mut report_file = match args.report.as_deref() {
        Some(dest) if dest != "-" => match std::fs::File::create(dest) {
            Ok(f) => Some(f),
            Err(e) => {
                eprintln!("winsan: cannot write the report to {dest}: {e}");
                return ExitCode::from(125);
            }
        },
        _ => None,
    };
    let opts = Options {
        command: args.command.clone(),
        config,
        runtime,
        enforce: args.enforce,
        format: args.format,
        quiet: args.quiet,
        hide_caught: args.hide_caught,
        linger: Duration::from_millis(1000),
        holders: args.holders,
    };
    let outcome = match winsan_trace::run(opts) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("winsan: {e}");
            if let RunError::SeccompUnavailable(_) = e {
                eprintln!("winsan: `winsan run` needs Linux >= 5.19 with seccomp user notification");
            }
            return ExitCode::from(e.exit_code());
        }
    };
    let (exit_status, exit_text) = match outcome.exit {
        Exit::Code(c) => (c, format!("the program exited {c}")),
        Exit::Signal(s) => (128 + s, format!("the program was killed by {}", signal_name(s))),
    };
    let findings = &outcome.findings;
    if args.format == Format::Sarif && !args.quiet {
        let shown: Vec<report::Finding> = findings
            .iter()
            .filter(|f| !(args.hide_caught && f.caught.is_some()))
            .cloned()
            .collect();
        eprintln!("{}", report::sarif(&shown));
    }
    eprintln!("{}", report::summary(findings, &exit_text));
    let hidden = findings.iter().filter(|f| f.caught.is_some()).count();
    if args.hide_caught && !args.quiet && hidden > 0 {
        eprintln!(
            "winsan: {hidden} finding{} the program catches not shown (--hide-caught; all are in --report)",
            if hidden == 1 { "" } else { "s" }
        );
    }
    if outcome.outlived {
        eprintln!(
            "winsan: processes the program started still run; they go on unwatched (what they do from now on is not judged)"
        );
    }
    if args.stats {
        eprintln!(
            "winsan: {} trapped calls; supervisor peak RSS {} KiB",
            outcome.trapped,
            outcome.peak_rss_kib.unwrap_or(0)
        );
    }
    if let Some(dest) = &args.report {
        let doc = JsonReport {
            winsan: 1,
            command: args.command.iter().map(|a| a.to_string_lossy().into_owned()).collect(),
            windows: args.windows.as_str().into(),
            delete: config
                .deletefile_semantics(winsan_model::FileSystem::Ntfs)
                .as_str()
                .into(),
            enforce: args.enforce,
            exit_status,
            findings,
        };
        let text = serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n";
        let res = match report_file.as_mut() {
            Some(f) => f.write_all(text.as_bytes()),
            None => std::io::stdout().write_all(text.as_bytes()),
        };
        if let Err(e) = res {
            eprintln!("winsan: cannot write the report to {dest}: {e}");
            return ExitCode::from(125);
        }
    }
    match outcome.exit {
        Exit::Signal(s) => {
            let _ = std::io::stdout().flush();
            winsan_trace::sys::reraise(s);
            ExitCode::from((128 + s) as u8)
        }
        Exit::Code(0) if !findings.is_empty() => ExitCode::from(args.error_exitcode),
        Exit::Code(c) => ExitCode::from(c as u8),
    }
}
