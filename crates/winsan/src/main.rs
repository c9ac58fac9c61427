//! `winsan`: the command-line tool. Thin: each subcommand lives in its own module.

mod explain_cmd;
mod run_cmd;
mod scenario_cmd;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

const MAIN_AFTER_HELP: &str = "\
Windows refuses file operations that Linux allows: deleting a file that is still open
(ERROR_SHARING_VIOLATION, Python's PermissionError [WinError 32]), deleting a running
executable or a mapped file (ERROR_ACCESS_DENIED), reusing the name of a delete-pending file.
winsan knows those NT rules as a deterministic model.

Examples:
  winsan explain examples/mkstemp-remove.scenario    the model's story, step by step
  winsan scenario tests/scenarios/                   check a directory of scenario files
  winsan scenario --help                             the scenario file format

Each subcommand has its own --help.";

/// Find the file operations that work on Linux and fail on Windows.
///
/// winsan models how Windows opens, shares, maps and deletes files, and checks timelines of
/// Win32/NT calls ("scenarios") against it.
#[derive(Parser)]
#[command(name = "winsan", version, about, after_long_help = MAIN_AFTER_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run scenario files against the model and report every step whose result differs.
    Scenario(scenario_cmd::ScenarioArgs),
    /// Run one scenario file and tell its story: each call, its result, and why.
    Explain(explain_cmd::ExplainArgs),
    /// Run a Linux program under Windows file semantics and report what Windows would refuse.
    Run(run_cmd::RunArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Scenario(args) => scenario_cmd::main(&args),
        Command::Explain(args) => explain_cmd::main(&args),
        Command::Run(args) => run_cmd::run(args),
    }
}
