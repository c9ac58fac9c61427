//! `winsan`: the command-line tool. Thin: each subcommand lives in its own module.

mod run_cmd;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Find the file operations that work on Linux and fail on Windows.
#[derive(Parser)]
#[command(name = "winsan", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run scenario files against the model and report every step whose result differs.
    Scenario,
    /// Run one scenario file and explain every step.
    Explain,
    /// Run a Linux program under Windows file semantics.
    Run(run_cmd::RunArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Run(args) => run_cmd::run(args),
        Command::Scenario | Command::Explain => {
            eprintln!("winsan: not implemented yet");
            ExitCode::from(2)
        }
    }
}
