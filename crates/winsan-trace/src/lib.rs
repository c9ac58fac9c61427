//! # winsan-trace: run a Linux process tree and ask the Windows model about its file operations
//!
//! `winsan run -- CMD` starts CMD under a seccomp filter that traps only the system calls
//! that change names or contents through a path (write/create/truncate opens, unlink,
//! rmdir, rename, truncate, exec, executable mmaps, link, mkdir, chmod). For each trapped
//! call the supervisor reads the ground truth from `/proc` at that moment (who has the
//! file open and how, who maps it, who runs it, whose working directory it is), describes
//! it to [`oracle`], which replays it on a fresh model of Windows and performs the Win32
//! calls the caller's runtime would make there. A refusal is a [`report::Finding`].
//!
//! Layout: [`sys`] is the only `unsafe` code (seccomp, ioctls, memory reads, signals);
//! [`syscalls`] is the trap table and the BPF program; [`procscan`] reads `/proc`;
//! [`runtime`] tells runtimes apart ([`libuv`]: which libuv a Node runs; [`java`]: which
//! JDK API a JVM's call comes from); [`pyframe`] reads a Python caller's frames,
//! [`gostack`] a Go caller's, [`v8stack`] a Node caller's, [`javastack`] a Java caller's
//! and [`native`] a Rust, C or C++ caller's; [`pysource`], [`gosource`], [`jssource`],
//! [`javasource`], [`csource`] and [`rustsource`] their source for code that runs only off
//! Windows ([`cfamily`]: the expressions JavaScript and Java share); [`oracle`] asks the
//! model; [`report`] prints; [`supervisor`] ties them together.

pub mod cfamily;
pub mod csource;
pub mod elf;
pub mod gosource;
pub mod gostack;
pub mod java;
pub mod javasource;
pub mod javastack;
pub mod jssource;
pub mod libuv;
pub mod native;
pub mod oracle;
pub mod procscan;
pub mod pyframe;
pub mod pysource;
pub mod report;
pub mod runtime;
pub mod rustsource;
pub mod supervisor;
pub mod sys;
pub mod syscalls;
pub mod v8stack;

pub use supervisor::{run, HolderProbe, Options, Outcome, RunError};
