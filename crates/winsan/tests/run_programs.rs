//! Real programs from `tests/programs/` run under the built `winsan run`, each with the
//! exact finding it must produce (kind, operation, path, error, blocker), or none.
//!
//! These need seccomp user notification; they skip (saying why) only when `winsan run`
//! reports that it is unavailable.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};
use std::sync::OnceLock;

fn programs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/programs")
}

struct Run {
    status: ExitStatus,
    stdout: String,
    stderr: String,
    report: Value,
    dir: PathBuf,
}

impl Drop for Run {
    fn drop(&mut self) {
        let _ = Command::new("chmod").arg("-R").arg("u+w").arg(&self.dir).status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Run {
    fn findings(&self) -> &Vec<Value> {
        self.report["findings"].as_array().expect("findings array")
    }
    /// The finding on `name` in the run's directory.
    fn finding_on(&self, name: &str) -> &Value {
        let path = format!("{}/{name}", self.dir());
        let f = self.findings().iter().find(|f| f["path"] == path);
        f.unwrap_or_else(|| panic!("no finding for {path}\n{}", self.stderr))
    }
    fn only_finding(&self) -> &Value {
        let f = self.findings();
        assert_eq!(f.len(), 1, "expected one finding, got {f:#?}\nstderr:\n{}", self.stderr);
        &f[0]
    }
    fn no_findings(&self) {
        assert!(
            self.findings().is_empty(),
            "expected no findings, got {:#?}\nstderr:\n{}",
            self.findings(),
            self.stderr
        );
    }
    fn dir(&self) -> &str {
        self.dir.to_str().unwrap()
    }
}

/// Whether seccomp user notification works here (prints why not, once).
fn available() -> bool {
    static OK: OnceLock<bool> = OnceLock::new();
    *OK.get_or_init(|| {
        let out = Command::new(env!("CARGO_BIN_EXE_winsan"))
            .args(["run", "--", "true"])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        if out.status.code() == Some(125) && err.contains("seccomp") {
            eprintln!("SKIP: seccomp user notification is unavailable here: {err}");
            return false;
        }
        assert_eq!(out.status.code(), Some(0), "winsan run -- true: {err}");
        true
    })
}

/// Compile a C (`gcc -static`) or Rust (`rustc`) program of tests/programs once per test
/// binary, outside winsan.
fn compiled(prog: &str) -> String {
    static BUILT: OnceLock<std::sync::Mutex<std::collections::HashMap<String, String>>> = OnceLock::new();
    let mut built = BUILT.get_or_init(Default::default).lock().unwrap();
    if let Some(p) = built.get(prog) {
        return p.clone();
    }
    let src = programs().join(prog);
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join(prog.replace('.', "-"));
    let status = if prog.ends_with(".go") {
        // Stdlib only, outside any module: builds offline.
        Command::new("go")
            .arg("build")
            .arg("-o")
            .arg(&out)
            .arg(&src)
            .env("GO111MODULE", "off")
            .env("GOCACHE", Path::new(env!("CARGO_TARGET_TMPDIR")).join("go-cache"))
            .status()
    } else if prog.ends_with(".c") {
        Command::new("gcc")
            .arg("-static")
            .arg("-O1")
            .arg("-g")
            .arg("-o")
            .arg(&out)
            .arg(&src)
            .status()
    } else {
        Command::new("rustc")
            // Line tables, as a debug build has: findings name the program's lines. A
            // `_debug` program is built as `cargo test` builds, without optimization; a
            // `_nodebug` one as `cargo build --release` does, without line tables.
            .args(if prog.contains("_nodebug") {
                &["-O"][..]
            } else if prog.contains("_debug") {
                &["-g"][..]
            } else {
                &["-O", "-g"][..]
            })
            .args(["--edition", "2021", "-o"])
            .arg(&out)
            .arg(&src)
            .status()
    };
    assert!(status.unwrap().success(), "compiling {prog}");
    let out = out.to_str().unwrap().to_owned();
    built.insert(prog.to_owned(), out.clone());
    out
}

/// The interpreter of the Python programs: `python3`, or `WINSAN_TEST_PYTHON` (`.ci/run`
/// runs the suite again with each other CPython the machine has).
fn python() -> String {
    std::env::var("WINSAN_TEST_PYTHON").unwrap_or_else(|_| "python3".into())
}

/// The process name a finding gives for [`python()`].
fn python_process() -> String {
    python().rsplit('/').next().unwrap().to_owned()
}

fn interpreter(prog: &str) -> Vec<String> {
    let path = programs().join(prog).to_str().unwrap().to_owned();
    match prog.rsplit('.').next() {
        Some("py") => vec![python(), path],
        Some("sh") => vec!["sh".into(), path],
        Some("js") | Some("mjs") => vec!["node".into(), path],
        // Source-file mode (JEP 330): the JVM compiles the one class in memory.
        Some("java") => vec!["java".into(), java_source(prog)],
        Some("c") | Some("rs") | Some("go") => vec![compiled(prog)],
        _ => vec![path],
    }
}

/// The path to run Java program `prog` from: from JDK 22 on the source launcher wants a
/// program in a package under a directory of its package's path, so such a program is
/// copied to one (the frames winsan names come from the classes, not from this path).
fn java_source(prog: &str) -> String {
    let src = programs().join(prog);
    let text = std::fs::read_to_string(&src).unwrap();
    let Some(package) = text
        .lines()
        .find_map(|l| l.strip_prefix("package ").and_then(|p| p.strip_suffix(';')))
    else {
        return src.to_str().unwrap().to_owned();
    };
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("java-src")
        .join(package.replace('.', "/"));
    std::fs::create_dir_all(&dir).unwrap();
    // Written aside and renamed: another test's JVM may be reading the copy.
    let copy = dir.join(prog);
    let aside = dir.join(format!("{prog}.{:?}", std::thread::current().id()));
    std::fs::write(&aside, text).unwrap();
    std::fs::rename(&aside, &copy).unwrap();
    copy.to_str().unwrap().to_owned()
}

/// Run `prog` (a file of tests/programs, given a fresh work dir as its argument) under
/// `winsan run OPTS`, with the JSON report in a file.
fn run(name: &str, opts: &[&str], prog: &str) -> Option<Run> {
    run_argv(name, opts, interpreter(prog))
}

/// [`run`] with the program's command line given.
fn run_argv(name: &str, opts: &[&str], argv: Vec<String>) -> Option<Run> {
    run_argv_env(name, opts, argv, &[])
}

/// [`run_argv`] with these variables added to the program's environment.
fn run_argv_env(name: &str, opts: &[&str], argv: Vec<String>, env: &[(&str, &str)]) -> Option<Run> {
    if !available() {
        return None;
    }
    let dir = std::env::temp_dir().join(format!("winsan-t-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let report = dir.with_extension("json");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_winsan"));
    cmd.arg("run").args(opts).arg("--report").arg(&report).arg("--");
    cmd.args(argv).arg(&dir).envs(env.iter().copied());
    let out = cmd.output().unwrap();
    let text = std::fs::read_to_string(&report)
        .unwrap_or_else(|e| panic!("no report ({e}); stderr:\n{}", String::from_utf8_lossy(&out.stderr)));
    let _ = std::fs::remove_file(&report);
    Some(Run {
        status: out.status,
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        report: serde_json::from_str(&text).unwrap(),
        dir,
    })
}

/// The shell scripts below judged as C programs (`--runtime crt`): by default their
/// shells and tools are Git Bash's (see `shell_scripts_are_judged_as_git_bash_runs_them`).
const CRT: &[&str] = &["--runtime", "crt"];

fn blockers(f: &Value) -> &Vec<Value> {
    f["blockers"].as_array().unwrap()
}

#[test]
fn mkstemp_remove_is_a_sharing_violation() {
    let Some(r) = run("mkstemp", &[], "py_mkstemp_remove.py") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "sharing-violation");
    assert_eq!(f["operation"], "unlink");
    assert!(f["path"].as_str().unwrap().starts_with(r.dir()), "{f}");
    assert_eq!(f["windows_call"], "DeleteFileW");
    assert_eq!(f["error"], "ERROR_SHARING_VIOLATION");
    assert_eq!(f["win32"], 32);
    assert_eq!(f["ntstatus"], "STATUS_SHARING_VIOLATION");
    assert_eq!(f["runtime"], "python");
    assert_eq!(f["process"], python_process().as_str());
    let path = f["path"].as_str().unwrap();
    assert_eq!(
        f["python"],
        format!("PermissionError: [WinError 32] The process cannot access the file because it is being used by another process: '{path}'")
    );
    let b = blockers(f);
    assert_eq!(b.len(), 1);
    assert_eq!(b[0]["pid"], f["pid"], "the caller's own fd is in the way");
    assert_eq!(b[0]["what"], "handle");
    let fd: i64 = r.stdout.trim().parse().unwrap();
    assert_eq!(b[0]["fd"], fd);
    assert_eq!(b[0]["access"], serde_json::json!(["read", "write"]));
    assert_eq!(b[0]["share"], serde_json::json!(["read", "write"]));
    assert_eq!(r.status.code(), Some(66), "findings and success: --error-exitcode");
    assert!(
        r.stderr
            .contains("winsan: 1 finding (1 sharing-violation) in 1 process; the program exited 0"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_reused_dirfd_number_names_its_new_directory() {
    let Some(r) = run("dirfd-reused", &[], "py_dirfd_reused.py") else {
        return;
    };
    assert_eq!(r.stdout.trim(), "True", "the second directory got the same fd number");
    let f = r.only_finding();
    assert_eq!(f["kind"], "sharing-violation");
    assert_eq!(f["operation"], "unlink");
    assert_eq!(f["path"], format!("{}/b/x", r.dir()));
    assert_eq!(blockers(f).len(), 1);
}

#[test]
fn cached_dirfds_do_not_keep_a_file_system_busy() {
    if !available() {
        return;
    }
    // Only where a private mount namespace with mount rights can be had (root, or a user
    // namespace); the program itself says EBUSY otherwise.
    let probe = Command::new("unshare").args(["-m", "true"]).status();
    if !probe.is_ok_and(|s| s.success()) {
        eprintln!("SKIP: unshare -m is not permitted here");
        return;
    }
    let dir = std::env::temp_dir().join(format!("winsan-t-umount-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let script = programs().join("sh_umount_after_rm.sh");
    let out = Command::new(env!("CARGO_BIN_EXE_winsan"))
        .args([
            "run",
            "--quiet",
            "--",
            "unshare",
            "-m",
            "--propagation",
            "private",
            "sh",
        ])
        .arg(&script)
        .arg(&dir)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "unmounted", "{stderr}");
}

#[test]
fn signals_ignored_on_entry_stay_ignored() {
    if !available() {
        return;
    }
    // A background job of a shell starts with SIGINT ignored; so must the program under
    // winsan (Python then keeps SIG_IGN instead of installing its KeyboardInterrupt
    // handler).
    let py = "import signal as s\nfor n in (s.SIGINT, s.SIGQUIT):\n    h = s.getsignal(n)\n    print('ignored' if h == s.SIG_IGN else 'default' if h == s.SIG_DFL else 'handler')";
    let winsan = env!("CARGO_BIN_EXE_winsan");
    for (setup, want) in [("trap '' INT;", "ignored\ndefault"), ("", "handler\ndefault")] {
        let script = format!("{setup} exec \"$0\" run --quiet -- python3 -c \"$1\"");
        let out = Command::new("sh").args(["-c", &script, winsan, py]).output().unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), want, "setup {setup:?}");
        let native = Command::new("sh")
            .args(["-c", &format!("{setup} exec python3 -c \"$0\""), py])
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&native.stdout).trim(),
            want,
            "natively, setup {setup:?}"
        );
    }
}

fn have_git() -> bool {
    let ok = Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("SKIP: no git here");
    }
    ok
}

#[test]
fn git_removing_its_read_only_objects_is_fine() {
    if !have_git() {
        return;
    }
    let Some(r) = run("git-prune", &[], "sh_git_prune.sh") else {
        return;
    };
    assert_eq!(r.status.code(), Some(0), "{}", r.stderr);
    assert!(r.stdout.contains("pack"), "{}", r.stdout);
    r.no_findings();
}

#[test]
fn python_rmtree_of_a_git_repo_hits_read_only_objects() {
    if !have_git() {
        return;
    }
    let Some(r) = run("rmtree-git", &[], "py_rmtree_git_repo.py") else {
        return;
    };
    let objects: usize = r.stdout.trim().parse().unwrap();
    let f = r.findings();
    assert_eq!(f.len(), objects, "one finding per read-only object file: {f:#?}");
    for f in f {
        assert_eq!(f["kind"], "read-only");
        assert_eq!(f["operation"], "unlink");
        assert_eq!(
            f["process"],
            python_process().as_str(),
            "git's own calls are not findings"
        );
        assert_eq!(f["error"], "ERROR_ACCESS_DENIED");
        let path = f["path"].as_str().unwrap();
        assert!(path.starts_with(&format!("{}/repo/.git/objects/", r.dir())), "{path}");
        assert_eq!(
            f["python"],
            format!("PermissionError: [WinError 5] Access is denied: '{path}'")
        );
    }
}

#[test]
fn mkstemp_close_first_is_fine() {
    let Some(r) = run("mkstemp-close", &[], "py_mkstemp_close_remove.py") else {
        return;
    };
    r.no_findings();
    assert_eq!(r.status.code(), Some(0));
}

#[test]
fn mmap_then_remove_is_mapped_file() {
    let Some(r) = run("mmap", &[], "py_mmap_remove.py") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "mapped-file");
    assert_eq!(f["operation"], "unlink");
    assert_eq!(f["path"], format!("{}/data.bin", r.dir()));
    let b = blockers(f);
    assert!(
        b.iter().any(|b| b["what"] == "mapping" && b["pid"] == f["pid"]),
        "{b:?}"
    );
}

#[test]
fn replace_onto_open_file_is_rename_target_in_use() {
    let Some(r) = run("replace-target", &[], "py_replace_open_target.py") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "rename-target-in-use");
    assert_eq!(f["operation"], "rename");
    assert_eq!(f["path"], format!("{}/cfg.json.tmp", r.dir()));
    assert_eq!(f["target"], format!("{}/cfg.json", r.dir()));
    assert_eq!(f["windows_call"], "MoveFileExW(MOVEFILE_REPLACE_EXISTING)");
    assert_eq!(f["error"], "ERROR_ACCESS_DENIED");
    let child: u64 = r.stdout.trim().parse().unwrap();
    let b = blockers(f);
    assert_eq!(b.len(), 1);
    assert_eq!(b[0]["pid"], child);
    assert_eq!(b[0]["fd"], 3);
    assert_eq!(b[0]["access"], serde_json::json!(["read"]));
}

#[test]
fn rmdir_of_a_working_directory_is_directory_in_use() {
    let Some(r) = run("rmdir-cwd", CRT, "sh_rmdir_cwd.sh") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "directory-in-use");
    assert_eq!(f["operation"], "rmdir");
    assert_eq!(f["path"], format!("{}/work", r.dir()));
    assert_eq!(f["windows_call"], "RemoveDirectoryW");
    assert_eq!(f["error"], "ERROR_SHARING_VIOLATION");
    assert_eq!(f["process"], "rmdir");
    let b = blockers(f);
    assert_eq!(b.len(), 1);
    assert_eq!(b[0]["what"], "cwd");
    assert_eq!(b[0]["process"], "sleep");
}

#[test]
fn removing_a_read_only_file_is_read_only() {
    let Some(r) = run("ro", CRT, "sh_chmod_rm.sh") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "read-only");
    assert_eq!(f["operation"], "unlink");
    assert_eq!(f["path"], format!("{}/ro.txt", r.dir()));
    assert_eq!(f["error"], "ERROR_ACCESS_DENIED");
    assert_eq!(f["ntstatus"], "STATUS_CANNOT_DELETE");
    assert_eq!(f["runtime"], "crt");
    assert!(blockers(f).is_empty());
}

#[test]
fn node_unlinking_its_own_open_file_is_fine() {
    let Some(r) = run("node-unlink", &[], "node_unlink_own.js") else {
        return;
    };
    r.no_findings();
}

#[test]
fn deleting_a_running_executable_is_image_in_use() {
    let Some(r) = run("rm-exe", CRT, "sh_rm_running_exe.sh") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "image-in-use");
    assert_eq!(f["path"], format!("{}/prog", r.dir()));
    assert_eq!(f["error"], "ERROR_ACCESS_DENIED");
    let b = blockers(f);
    assert_eq!(b.len(), 1);
    assert_eq!(b[0]["what"], "image");
    assert_eq!(b[0]["process"], "prog");
}

#[test]
fn renaming_a_running_executable_aside_is_fine() {
    let Some(r) = run("mv-exe", &[], "sh_mv_running_exe.sh") else {
        return;
    };
    r.no_findings();
}

#[test]
fn child_holds_parent_deletes() {
    let Some(r) = run("child-holds", &[], "py_child_holds.py") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "sharing-violation");
    let child: u64 = r.stdout.trim().parse().unwrap();
    let b = blockers(f);
    assert_eq!(b.len(), 1);
    assert_eq!(b[0]["pid"], child);
    assert_ne!(f["pid"], child);
    assert_eq!(b[0]["access"], serde_json::json!(["write"]));
}

#[test]
fn another_thread_deletes() {
    let Some(r) = run("thread", &[], "py_thread.py") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "sharing-violation");
    assert_ne!(f["tid"], f["pid"], "the deleting thread is not the main thread");
    let fd: i64 = r.stdout.trim().parse().unwrap();
    assert_eq!(blockers(f)[0]["fd"], fd);
}

/// A call made through an executor (`asyncio.to_thread`, `loop.run_in_executor`) runs on
/// a thread pool's worker, whose frames are only the pool's: the finding names the
/// coroutines waiting for it, innermost first, through `asyncio.gather` too; and the one
/// awaited under `if sys.platform != "win32":` is no finding.
#[test]
fn executor_calls_name_the_coroutines_waiting() {
    let prog = "py_asyncio_executor.py";
    let Some(r) = run("asyncio-executor", &[], prog) else {
        return;
    };
    let file = programs().join(prog).to_str().unwrap().to_owned();
    let at = |marker: &str, function: &str| (file.clone(), line_of(prog, marker), function.to_string());
    let of = |name: &str| {
        let path = format!("{}/{name}", r.dir());
        let f = r
            .findings()
            .iter()
            .find(|f| f["path"] == path.as_str())
            .unwrap_or_else(|| panic!("no finding for {name}\n{}", r.stderr));
        assert_eq!(f["kind"], "sharing-violation", "{f}");
        let frames = js_frames(f);
        let pool = &frames[0];
        assert!(
            pool.0.ends_with("/concurrent/futures/thread.py") && pool.2 == "run",
            "the worker's own frame first: {frames:?}"
        );
        let program: Vec<_> = frames.into_iter().filter(|s| s.0 == file).collect();
        program
    };
    assert_eq!(
        of("to-thread"),
        [
            at("# to_thread's await", "remove_later"),
            at("# remove_later's caller", "clean"),
            at("# clean's caller", "main"),
        ],
        "{}",
        r.stderr
    );
    assert_eq!(
        of("partial"),
        [
            at("# run_in_executor's await", "remove_partial"),
            at("# remove_partial's caller", "main"),
        ],
        "{}",
        r.stderr
    );
    assert_eq!(
        of("gathered"),
        [
            at("# to_thread's await", "remove_later"),
            at("# gather's caller", "main"),
        ],
        "{}",
        r.stderr
    );
    assert_eq!(
        of("generated"),
        [
            at("# in an async generator", "removing"),
            at("# consumed by async for", "main"),
        ],
        "{}",
        r.stderr
    );
    assert_eq!(
        r.findings().len(),
        4,
        "the POSIX-only removals are no findings: {}",
        r.stderr
    );
}

/// Where the Python packages some programs need (trio, anyio) are installed:
/// `WINSAN_TEST_PYTHONPATH`, or `.ci/run`'s `winsan-ci/py-packages` in the user's cache
/// directory. `None` (saying so) when [`python()`] cannot import all of `modules` from
/// there.
fn python_packages(modules: &[&str]) -> Option<String> {
    let path = std::env::var("WINSAN_TEST_PYTHONPATH").unwrap_or_else(|_| {
        let cache = std::env::var("XDG_CACHE_HOME")
            .unwrap_or_else(|_| format!("{}/.cache", std::env::var("HOME").unwrap_or_default()));
        format!("{cache}/winsan-ci/py-packages")
    });
    let imports = Command::new(python())
        .args(["-c", &format!("import {}", modules.join(", "))])
        .env("PYTHONPATH", &path)
        .output()
        .is_ok_and(|o| o.status.success());
    if !imports {
        eprintln!(
            "NOT TESTED: {} cannot import {} from {path} (install them with `pip install --target {path} {}`, or set WINSAN_TEST_PYTHONPATH)",
            python(),
            modules.join(", "),
            modules.join(" ")
        );
        return None;
    }
    Some(path)
}

/// A call made on trio's worker thread (`trio.to_thread.run_sync`, and anyio's on its trio
/// backend) has only trio's frames: the finding names the coroutines of the trio task
/// waiting for it, innermost first, and the one awaited under `if sys.platform !=
/// "win32":` is no finding.
#[test]
fn trio_worker_calls_name_the_coroutines_waiting() {
    let prog = "py_trio_to_thread.py";
    let Some(packages) = python_packages(&["trio", "anyio"]) else {
        return;
    };
    let Some(r) = run_argv_env("trio-to-thread", &[], interpreter(prog), &[("PYTHONPATH", &packages)]) else {
        return;
    };
    let file = programs().join(prog).to_str().unwrap().to_owned();
    let at = |marker: &str, function: &str| (file.clone(), line_of(prog, marker), function.to_string());
    let of = |name: &str| {
        let f = r.finding_on(name);
        assert_eq!(f["kind"], "sharing-violation", "{f}");
        let frames = js_frames(f);
        assert!(
            frames
                .iter()
                .any(|s| s.0.ends_with("/trio/_threads.py") && s.2 == "worker_fn"),
            "trio's worker frame is kept: {frames:?}"
        );
        let program: Vec<_> = frames.into_iter().filter(|s| s.0 == file).collect();
        program
    };
    assert_eq!(
        of("to-thread"),
        [
            at("# run_sync's await", "remove_later"),
            at("# remove_later's caller", "clean"),
            at("# clean's caller", "main"),
        ],
        "{}",
        r.stderr
    );
    assert_eq!(
        of("in-a-nursery"),
        [at("# run_sync's await", "remove_later")],
        "a nursery's child task: its own coroutine alone: {}",
        r.stderr
    );
    assert_eq!(
        of("anyio"),
        [
            at("# anyio's await", "remove_with_anyio"),
            at("# remove_with_anyio's caller", "main"),
        ],
        "{}",
        r.stderr
    );
    // A child task that calls directly: its coroutine, entered by anyio's wrapper.
    let child = js_frames(r.finding_on("anyio-child"));
    assert_eq!(
        child.iter().find(|s| s.0 == file),
        Some(&at("# a child task's own call", "_remove_in_every_child")),
        "{}",
        r.stderr
    );
    assert_eq!(
        r.findings().len(),
        4,
        "the POSIX-only removal and the children started only off Windows are no findings: {}",
        r.stderr
    );
}

/// `--holders scan`: no lease is taken on the files judged, so another process's
/// `O_NONBLOCK` open of a file being replaced never fails with `EAGAIN` (a lease break),
/// and holders are still found by the scan.
#[test]
fn holders_scan_disturbs_no_nonblocking_open() {
    let Some(r) = run("nonblock-race", &["--holders", "scan"], "py_nonblock_open_race.py") else {
        return;
    };
    assert_eq!(r.stdout.trim(), "EAGAIN 0", "{}", r.stderr);
    assert_eq!(r.finding_on("held.tmp")["kind"], "rename-target-in-use", "{}", r.stderr);
}

#[test]
fn forked_child_keeps_the_fd() {
    let Some(r) = run("fork", &[], "py_fork_holds.py") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "sharing-violation");
    let mut it = r.stdout.split_whitespace();
    let child: u64 = it.next().unwrap().parse().unwrap();
    let fd: i64 = it.next().unwrap().parse().unwrap();
    let b = blockers(f);
    assert_eq!(b.len(), 1, "{b:?}");
    assert_eq!(b[0]["pid"], child);
    assert_eq!(b[0]["fd"], fd);
}

#[test]
fn legacy_delete_leaves_a_pending_name() {
    let Some(r) = run("legacy", &["--delete", "legacy"], "py_legacy_pending.py") else {
        return;
    };
    assert_eq!(r.report["delete"], "legacy");
    let f = r.only_finding();
    assert_eq!(f["kind"], "delete-pending");
    assert_eq!(f["operation"], "open");
    assert_eq!(f["path"], format!("{}/p.txt", r.dir()));
    assert_eq!(f["ntstatus"], "STATUS_DELETE_PENDING");
    assert_eq!(f["error"], "ERROR_ACCESS_DENIED");
    // The blocker is the node child's fd that keeps the deleted name alive.
    let mut it = r.stdout.split_whitespace();
    let child: u64 = it.next().unwrap().parse().unwrap();
    let fd: i64 = it.next().unwrap().parse().unwrap();
    let b = blockers(f);
    assert_eq!(b.len(), 1, "{b:?}");
    assert_eq!(b[0]["what"], "pending");
    assert_eq!(b[0]["pid"], child);
    assert_eq!(b[0]["fd"], fd);
    assert_eq!(b[0]["process"], "node");
    assert_eq!(b[0]["share"], serde_json::json!(["read", "write", "delete"]));
}

#[test]
fn windows_10_1809_deletes_with_legacy_semantics() {
    let Some(r) = run("w1809", &["--windows", "10-1809"], "py_legacy_pending.py") else {
        return;
    };
    assert_eq!(r.report["windows"], "10-1809");
    assert_eq!(r.report["delete"], "legacy");
    assert_eq!(r.only_finding()["kind"], "delete-pending");
}

#[test]
fn windows_11_deletes_with_posix_semantics() {
    let Some(r) = run("w11", &["--windows", "11"], "py_legacy_pending.py") else {
        return;
    };
    assert_eq!(r.report["delete"], "posix");
    r.no_findings();
}

#[test]
fn posix_delete_leaves_no_pending_name() {
    let Some(r) = run("posix", &[], "py_legacy_pending.py") else {
        return;
    };
    assert_eq!(r.report["delete"], "posix");
    r.no_findings();
}

#[test]
fn rmtree_is_fine() {
    let Some(r) = run("rmtree", &[], "py_rmtree.py") else {
        return;
    };
    r.no_findings();
}

#[test]
fn atomic_write_done_right_is_fine() {
    let Some(r) = run("atomic", &[], "py_atomic_write.py") else {
        return;
    };
    r.no_findings();
}

#[test]
fn replacing_with_a_still_open_temp_file() {
    let Some(r) = run("replace-src", &[], "py_replace_open_source.py") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "sharing-violation");
    assert_eq!(f["operation"], "rename");
    assert_eq!(f["path"], format!("{}/out.tmp", r.dir()));
    assert_eq!(f["error"], "ERROR_SHARING_VIOLATION");
}

#[test]
fn rewriting_a_mapped_file() {
    let Some(r) = run("trunc-mapped", &[], "py_truncate_mapped.py") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "mapped-file");
    assert_eq!(f["operation"], "open");
    assert_eq!(f["error"], "ERROR_USER_MAPPED_FILE");
    assert_eq!(
        f["python"],
        format!("OSError: [Errno 22] Invalid argument: '{}/m.bin'", r.dir())
    );
}

#[test]
fn renaming_a_directory_with_a_working_directory_below() {
    let Some(r) = run("rename-dir", &[], "py_rename_dir_child_cwd.py") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "directory-in-use");
    assert_eq!(f["operation"], "rename");
    assert_eq!(f["path"], format!("{}/build", r.dir()));
    assert_eq!(blockers(f)[0]["what"], "cwd");
    assert_eq!(blockers(f)[0]["path"], format!("{}/build/obj", r.dir()));
}

#[test]
fn tar_and_rm_is_fine() {
    let Some(r) = run("tar", &[], "sh_tar_rm.sh") else {
        return;
    };
    r.no_findings();
    assert_eq!(r.status.code(), Some(0));
}

#[test]
fn runtime_override_rust_shares_delete() {
    let Some(r) = run("rt-rust", &["--runtime", "rust"], "py_mkstemp_remove.py") else {
        return;
    };
    r.no_findings();
}

#[test]
fn program_failure_wins_over_findings() {
    let Some(r) = run("fail", &[], "py_fail_with_finding.py") else {
        return;
    };
    assert_eq!(r.findings().len(), 1);
    assert_eq!(r.status.code(), Some(3));
    assert_eq!(r.report["exit_status"], 3);
}

#[test]
fn error_exitcode_is_configurable() {
    let Some(r) = run("exitcode", &["--error-exitcode", "9"], "py_mkstemp_remove.py") else {
        return;
    };
    assert_eq!(r.status.code(), Some(9));
}

#[test]
fn enforce_makes_python_see_the_error() {
    let Some(r) = run("enforce", &["--enforce"], "py_mkstemp_remove.py") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["enforced"], true);
    assert_eq!(r.report["enforce"], true);
    assert_eq!(r.status.code(), Some(1), "python died of the exception");
    assert!(
        r.stderr.contains("PermissionError: [Errno 13] Permission denied"),
        "{}",
        r.stderr
    );
    // the file is still there: the unlink did not happen
    let left: Vec<_> = std::fs::read_dir(&r.dir).unwrap().collect();
    assert_eq!(left.len(), 1);
}

#[test]
fn quiet_prints_only_the_summary() {
    let Some(r) = run("quiet", &["--quiet"], "py_mkstemp_remove.py") else {
        return;
    };
    assert!(!r.stderr.contains("=="), "{}", r.stderr);
    assert!(r.stderr.contains("winsan: 1 finding"));
}

#[test]
fn human_format_is_sanitizer_style() {
    let Some(r) = run("human", &[], "py_mkstemp_remove.py") else {
        return;
    };
    let pid = &r.only_finding()["pid"];
    let p = format!("=={pid}==");
    assert!(
        r.stderr.contains(&format!("{p} winsan: sharing-violation: unlink(\"")),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains(&format!(
        "{p}   on Windows: DeleteFileW -> ERROR_SHARING_VIOLATION (STATUS_SHARING_VIOLATION)"
    )));
    assert!(r
        .stderr
        .contains(&format!("{p}   python would raise: PermissionError: [WinError 32]")));
    assert!(r.stderr.contains(&format!("{p}   in the way: fd ")));
    assert!(r.stderr.contains("[nt-rules A3"));
}

#[test]
fn github_format() {
    let Some(r) = run("github", &["--format", "github"], "py_mkstemp_remove.py") else {
        return;
    };
    // With the Python caller's source line when its frames are readable.
    let at = if python_frames_readable() {
        format!("file={},line=6,", programs().join("py_mkstemp_remove.py").display())
    } else {
        String::new()
    };
    assert!(
        r.stderr
            .contains(&format!("::error {at}title=winsan sharing-violation::")),
        "{}",
        r.stderr
    );
}

/// SARIF results point at the program's source line (code scanning annotates it).
#[test]
fn sarif_format_points_at_the_source_line() {
    if !python_frames_readable() {
        return;
    }
    let Some(r) = run("sarif", &["--format", "sarif"], "py_stack.py") else {
        return;
    };
    let start = r.stderr.find('{').expect("a SARIF document on stderr");
    let end = r.stderr.rfind('}').unwrap();
    let doc: Value = serde_json::from_str(&r.stderr[start..=end]).unwrap();
    let loc = &doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    assert_eq!(
        loc["artifactLocation"]["uri"],
        format!("file://{}", programs().join("py_stack.py").display())
    );
    assert_eq!(loc["region"]["startLine"], 4);
}

/// Every file below `dir`: relative path → contents (directories as `<dir>`).
fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            if e.file_type().unwrap().is_dir() {
                out.insert(rel, b"<dir>".to_vec());
                stack.push(p);
            } else {
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// The corpus of the transparency test: programs whose output names neither their work
/// directory's pid-dependent parts nor pids. Some have findings.
const TRANSPARENCY_CORPUS: &[&str] = &[
    "py_transparency.py",
    "sh_tar_rm.sh",
    "py_atomic_write.py",
    "py_threads_atomic.py",
    "node_write_rename.js",
    "sh_cp_mv_rm.sh",
    "py_exchange_closed.py",
    "py_rename_dir_closed.py",
    "py_link_open.py",
    "py_signals.py",
    "py_chmod_replace.py",
    "py_exec_while_writing.py",
    "py_ntf_reopen.py",
    "c_static_unlink_open.c",
    "rs_remove_recreate.rs",
    // inotify watchers see the same events (winsan's probes open nothing they watch).
    "c_inotify_events.c",
    "py_inotify_sqlite.py",
];

/// Without `--enforce` a program behaves as without winsan: same stdout (its work
/// directory's name aside), same files with the same contents, same exit status, and its
/// stderr only gains winsan's own lines (`--error-exitcode 0` so that findings do not
/// change the status).
#[test]
fn transparency() {
    if !available() {
        return;
    }
    std::thread::scope(|s| {
        for prog in TRANSPARENCY_CORPUS {
            s.spawn(move || {
                let argv = interpreter(prog);
                let native_dir = std::env::temp_dir().join(format!(
                    "winsan-native-{}-{}",
                    prog.replace('.', "-"),
                    std::process::id()
                ));
                let _ = std::fs::remove_dir_all(&native_dir);
                std::fs::create_dir_all(&native_dir).unwrap();
                let native = Command::new(&argv[0])
                    .args(&argv[1..])
                    .arg(&native_dir)
                    .output()
                    .unwrap();
                let native_files = tree(&native_dir);
                let native_out = String::from_utf8_lossy(&native.stdout).replace(native_dir.to_str().unwrap(), "DIR");
                let _ = Command::new("chmod").arg("-R").arg("u+w").arg(&native_dir).status();
                let _ = std::fs::remove_dir_all(&native_dir);

                let name = format!("transp-{}", prog.replace('.', "-"));
                let r = run(&name, &["--quiet", "--error-exitcode", "0"], prog).unwrap();
                assert_eq!(r.stdout.replace(r.dir(), "DIR"), native_out, "{prog}: stdout");
                assert_eq!(r.status.code(), native.status.code(), "{prog}: exit status");
                assert_eq!(tree(&r.dir), native_files, "{prog}: files");
                let native_err = String::from_utf8_lossy(&native.stderr);
                assert!(r.stderr.starts_with(&*native_err), "{prog}: {}", r.stderr);
                let extra = &r.stderr[native_err.len()..];
                assert!(
                    extra.lines().all(|l| l.starts_with("winsan: ")),
                    "{prog}: stderr gained more than winsan's summary: {extra}"
                );
            });
        }
    });
}

#[test]
fn shell_exit_status_and_signals_are_reproduced() {
    if !available() {
        return;
    }
    use std::os::unix::process::ExitStatusExt;
    let w = env!("CARGO_BIN_EXE_winsan");
    let s = Command::new(w)
        .args(["run", "--", "sh", "-c", "exit 42"])
        .status()
        .unwrap();
    assert_eq!(s.code(), Some(42));
    let s = Command::new(w)
        .args(["run", "--", "sh", "-c", "kill -TERM $$"])
        .status()
        .unwrap();
    assert_eq!(s.signal(), Some(15), "{s:?}");
    let s = Command::new(w)
        .args(["run", "--", "/nonexistent/prog"])
        .status()
        .unwrap();
    assert_eq!(s.code(), Some(127));
}

#[test]
fn report_to_stdout() {
    if !available() {
        return;
    }
    let out = Command::new(env!("CARGO_BIN_EXE_winsan"))
        .args(["run", "--report", "-", "--", "sh", "-c", "true"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["winsan"], 1);
    assert_eq!(v["command"], serde_json::json!(["sh", "-c", "true"]));
    assert_eq!(v["windows"], "11");
    assert_eq!(v["exit_status"], 0);
    assert_eq!(v["findings"], serde_json::json!([]));
}

fn stdout_pid(r: &Run) -> u64 {
    r.stdout.split_whitespace().last().unwrap().parse().unwrap()
}

#[test]
fn renaming_a_directory_with_an_open_file_below_is_directory_in_use() {
    let Some(r) = run("rename-dir-open", &[], "py_rename_dir_open_below.py") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "directory-in-use");
    assert_eq!(f["operation"], "rename");
    assert_eq!(f["path"], format!("{}/build", r.dir()));
    assert_eq!(f["target"], format!("{}/build.old", r.dir()));
    assert_eq!(f["error"], "ERROR_ACCESS_DENIED");
    assert_eq!(f["ntstatus"], "STATUS_ACCESS_DENIED");
    let b = blockers(f);
    assert_eq!(b.len(), 1, "{b:?}");
    assert_eq!(b[0]["what"], "handle");
    assert_eq!(b[0]["pid"], stdout_pid(&r));
    assert_eq!(b[0]["fd"], 3);
    assert_eq!(b[0]["path"], format!("{}/build/obj/a.o", r.dir()));
    assert_eq!(b[0]["access"], serde_json::json!(["read"]));
}

#[test]
fn renaming_a_directory_once_its_files_are_closed_is_fine() {
    let Some(r) = run("rename-dir-closed", &[], "py_rename_dir_closed.py") else {
        return;
    };
    r.no_findings();
}

#[test]
fn rename_exchange_checks_both_names() {
    let Some(r) = run("exchange", &[], "py_rename_exchange.py") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "rename-target-in-use");
    assert_eq!(f["operation"], "rename");
    assert_eq!(f["path"], format!("{}/a", r.dir()));
    assert_eq!(
        f["target"],
        format!("{}/b", r.dir()),
        "b, held by the child, is replaced"
    );
    assert_eq!(f["error"], "ERROR_ACCESS_DENIED");
    let b = blockers(f);
    assert_eq!(b.len(), 1);
    assert_eq!(b[0]["pid"], stdout_pid(&r));
    assert_eq!(b[0]["fd"], 3);
}

#[test]
fn rename_exchange_of_closed_files_is_fine() {
    let Some(r) = run("exchange-closed", &[], "py_exchange_closed.py") else {
        return;
    };
    r.no_findings();
    assert_eq!(r.stdout, "b a\n");
}

#[test]
fn hard_link_onto_a_delete_pending_name() {
    let Some(r) = run("link-pending", &["--delete", "legacy"], "py_link_pending.py") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "delete-pending");
    assert_eq!(f["operation"], "link");
    assert_eq!(f["path"], format!("{}/q.txt", r.dir()));
    assert_eq!(f["target"], format!("{}/p.txt", r.dir()));
    assert_eq!(f["windows_call"], "CreateHardLinkW");
    assert_eq!(f["error"], "ERROR_ALREADY_EXISTS");
    assert_eq!(
        f["python"],
        format!(
            "FileExistsError: [WinError 183] Cannot create a file when that file already exists: '{0}/q.txt' -> '{0}/p.txt'",
            r.dir()
        )
    );
    let b = blockers(f);
    assert_eq!(b.len(), 1);
    assert_eq!(b[0]["what"], "pending");
    assert_eq!(b[0]["pid"], stdout_pid(&r));
}

#[test]
fn hard_link_onto_a_deleted_name_is_fine_with_posix_semantics() {
    let Some(r) = run("link-posix", &[], "py_link_pending.py") else {
        return;
    };
    r.no_findings();
}

#[test]
fn hard_link_of_an_open_file_is_fine() {
    let Some(r) = run("link-open", &[], "py_link_open.py") else {
        return;
    };
    r.no_findings();
    assert_eq!(r.stdout, "2\n");
}

#[test]
fn rename_onto_a_delete_pending_name() {
    let Some(r) = run("rename-pending", &["--delete", "legacy"], "py_rename_onto_pending.py") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "delete-pending");
    assert_eq!(f["operation"], "rename");
    assert_eq!(f["target"], format!("{}/p.txt", r.dir()));
    assert_eq!(f["error"], "ERROR_ACCESS_DENIED");
    assert_eq!(blockers(f)[0]["what"], "pending");
    assert_eq!(blockers(f)[0]["process"], "node");
}

#[test]
fn mkdir_of_a_delete_pending_name() {
    let Some(r) = run("mkdir-pending", &["--delete", "legacy"], "py_mkdir_pending.py") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "delete-pending");
    assert_eq!(f["operation"], "mkdir");
    assert_eq!(f["path"], format!("{}/lock", r.dir()));
    assert_eq!(f["windows_call"], "CreateDirectoryW");
    assert_eq!(f["error"], "ERROR_ACCESS_DENIED");
    assert_eq!(blockers(f)[0]["what"], "pending");
}

#[test]
fn exec_of_a_file_open_for_writing_fails_on_linux_too() {
    let Some(r) = run("exec-writing", &[], "py_exec_while_writing.py") else {
        return;
    };
    r.no_findings();
    assert_eq!(r.stdout, "ETXTBSY\n0\n");
}

#[test]
fn named_temporary_file_deleted_while_a_child_holds_it() {
    let Some(r) = run("ntf", &[], "py_ntf_child_holds.py") else {
        return;
    };
    let all = r.findings();
    assert_eq!(all.len(), 2, "{all:#?}");
    // First the child's reopen, refused by the O_TEMPORARY handle.
    let reopen = &all[0];
    assert_eq!(reopen["kind"], "sharing-violation");
    assert_eq!(reopen["operation"], "open");
    assert_eq!(reopen["pid"], stdout_pid(&r));
    assert_eq!(
        blockers(reopen)[0]["access"],
        serde_json::json!(["read", "write", "delete"])
    );
    // Then, as the child did get it open on Linux, the delete at close.
    let f = &all[1];
    assert_eq!(f["kind"], "sharing-violation");
    assert_eq!(f["operation"], "unlink");
    assert!(
        f["path"].as_str().unwrap().starts_with(&format!("{}/tmp", r.dir())),
        "{f}"
    );
    assert_eq!(f["error"], "ERROR_SHARING_VIOLATION");
    let b = blockers(f);
    assert_eq!(b.len(), 1);
    assert_eq!(b[0]["pid"], stdout_pid(&r));
    assert_eq!(b[0]["access"], serde_json::json!(["write"]));
    assert_eq!(b[0]["share"], serde_json::json!(["read", "write"]));
}

#[test]
fn rmtree_while_a_child_holds_a_file() {
    let Some(r) = run("rmtree-held", &[], "py_rmtree_child_holds.py") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "sharing-violation");
    assert_eq!(f["operation"], "unlink");
    assert_eq!(f["path"], format!("{}/tree/sub/b", r.dir()));
    assert_eq!(f["windows_call"], "DeleteFileW");
    let b = blockers(f);
    assert_eq!(b.len(), 1);
    assert_eq!(b[0]["pid"], stdout_pid(&r));
    assert_eq!(b[0]["fd"], 3);
}

#[test]
fn replacing_a_running_executable() {
    let Some(r) = run("replace-exe", &[], "py_replace_running_exe.py") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "rename-target-in-use");
    assert_eq!(f["operation"], "rename");
    assert_eq!(f["path"], format!("{}/tool.new", r.dir()));
    assert_eq!(f["target"], format!("{}/tool", r.dir()));
    assert_eq!(f["error"], "ERROR_ACCESS_DENIED");
    let b = blockers(f);
    assert_eq!(b.len(), 1);
    assert_eq!(b[0]["what"], "image");
    assert_eq!(b[0]["pid"], stdout_pid(&r));
    assert_eq!(b[0]["process"], "tool");
}

/// NTFS lets a delete through while the file runs when the name is not its last (WinFsp
/// fileinfo.c): only the second `os.remove`, of the last name, is a finding.
#[test]
fn only_the_last_name_of_a_running_executable_is_protected() {
    let Some(r) = run("exe-links", &[], "py_remove_links_of_running_exe.py") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "image-in-use");
    assert_eq!(f["operation"], "unlink");
    assert_eq!(f["path"], format!("{}/app", r.dir()));
    assert_eq!(f["error"], "ERROR_ACCESS_DENIED");
    let b = blockers(f);
    assert_eq!(b.len(), 1);
    assert_eq!(b[0]["what"], "image");
    assert_eq!(b[0]["pid"], stdout_pid(&r));
}

/// The delete semantics of a Node program follow its libuv, read from the binary: before
/// 1.49 an unlink leaves a delete-pending name behind (the rmdir after it fails), from
/// 1.49 on it is a POSIX delete.
#[test]
fn node_unlink_semantics_follow_its_libuv() {
    let Some(r) = run("node-uv", &[], "node_unlink_open_rmdir.js") else {
        return;
    };
    let uv: Vec<u32> = r.stdout.trim().split('.').map(|p| p.parse().unwrap()).collect();
    if (uv[0], uv[1]) >= (1, 49) {
        r.no_findings();
        return;
    }
    let f = r.only_finding();
    assert_eq!(f["kind"], "directory-not-empty");
    assert_eq!(f["operation"], "rmdir");
    assert_eq!(f["path"], format!("{}/d", r.dir()));
    assert_eq!(f["error"], "ERROR_DIR_NOT_EMPTY");
    let b = blockers(f);
    assert_eq!(b[0]["what"], "pending");
}

/// A delete-pending name lives while its deleted file is open: a new file that got the
/// same fd number and inode number after the last fd closed keeps nothing pending (no
/// finding for re-creating the name or removing its directory); a name whose file is
/// still open is refused.
#[test]
fn a_reused_inode_number_keeps_no_name_pending() {
    let prog = "node_pending_inode_reused.js";
    let Some(r) = run("node-pending-reused", &[], prog) else {
        return;
    };
    let out: Vec<&str> = r.stdout.split_whitespace().collect();
    let uv: Vec<u32> = out[0].split('.').map(|p| p.parse().unwrap()).collect();
    if (uv[0], uv[1]) >= (1, 49) {
        r.no_findings();
        return;
    }
    if out[1] != "true" {
        eprintln!("the fd or inode number was not reused here: the case did not arise");
    }
    let f = r.only_finding();
    assert_eq!(f["kind"], "delete-pending");
    assert_eq!(f["operation"], "open");
    assert_eq!(f["path"], format!("{}/held", r.dir()));
    assert_eq!(f["stack"][0]["line"], line_of(prog, "// refused on Windows"));
}

/// multiprocessing's fork workers copy the parent's fds; on Windows its spawned workers
/// inherit no handle. Only the file a worker opened itself is in the way.
#[test]
fn fork_pool_workers_hold_only_what_they_opened() {
    let Some(r) = run("pool-fork", &[], "py_pool_after_open.py") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "sharing-violation");
    assert_eq!(f["path"], format!("{}/own.txt", r.dir()));
    let b = blockers(f);
    assert_eq!(b.len(), 1, "{b:#?}");
    assert_ne!(b[0]["pid"], f["pid"], "the worker, not the parent");
    assert_eq!(r.stdout.trim(), "[0, 2, 4, 6]");
}

/// SQLite's Unix VFS truncates its own mapped database and unlinks its open temporary
/// files; its Windows VFS unmaps first and opens temporaries delete-on-close.
#[test]
fn sqlite_internal_truncates_and_temporaries_are_no_findings() {
    let Some(r) = run("sqlite-internal", &[], "py_sqlite_internal.py") else {
        return;
    };
    r.no_findings();
    assert_eq!(r.stdout.trim(), "['m.db', 's.db']");
}

/// An rmtree whose error handler clears the read-only attribute and retries recovers on
/// Windows; one without a handler raises there.
#[test]
fn rmtree_with_an_error_handler_recovers_from_read_only() {
    let Some(r) = run("rmtree-onerror", &[], "py_rmtree_onerror_readonly.py") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "read-only");
    assert_eq!(f["operation"], "unlink");
    assert_eq!(f["path"], format!("{}/c/ro.txt", r.dir()));
    assert_eq!(r.stdout.trim(), "[]");
}

/// A directory watched by fs.watch is a directory handle on Windows: its parent cannot
/// be renamed while the watch lasts.
#[test]
fn renaming_the_parent_of_a_watched_directory() {
    let Some(r) = run("node-watch", &[], "node_watch_rename_parent.js") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "directory-in-use");
    assert_eq!(f["operation"], "rename");
    assert_eq!(f["path"], format!("{}/p", r.dir()));
    assert_eq!(f["error"], "ERROR_ACCESS_DENIED");
    let b = blockers(f);
    assert_eq!(b.len(), 1);
    assert_eq!(b[0]["what"], "handle");
    assert_eq!(b[0]["path"], format!("{}/p/watched2", r.dir()));
    assert_eq!(r.stdout.trim(), "other2 p2");
}

/// Writing a read-only file: on Linux only root may (CI containers run as root), on
/// Windows nobody.
#[test]
fn root_writing_a_read_only_file() {
    let Some(r) = run("write-ro", &[], "py_write_readonly.py") else {
        return;
    };
    if r.stdout.trim() == "refused" {
        r.no_findings(); // not root: Linux refused it too
        return;
    }
    let f = r.only_finding();
    assert_eq!(f["kind"], "read-only");
    assert_eq!(f["operation"], "open");
    assert_eq!(f["path"], format!("{}/settings.ini", r.dir()));
    assert_eq!(f["error"], "ERROR_ACCESS_DENIED");
    assert_eq!(r.stdout.trim(), "written");
}

/// std's rename may replace a target open with delete sharing (POSIX fallback); the
/// tempfile crate's persist cannot (MoveFileExW alone).
#[test]
fn tempfile_persist_onto_an_open_target() {
    let Some(r) = run("persist", &[], "rs_persist_open_target.rs") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "rename-target-in-use");
    assert_eq!(f["path"], format!("{}/.tmpX7bQ2z", r.dir()));
    assert_eq!(f["target"], format!("{}/target.txt", r.dir()));
    assert_eq!(f["error"], "ERROR_ACCESS_DENIED");
    assert!(f["windows_call"].as_str().unwrap().contains("tempfile"), "{f}");
    assert_eq!(r.stdout.trim(), "b");
}

/// A directory made read-only by chmod cannot be removed with RemoveDirectoryW; one
/// created without the write bit (Windows' mkdir ignores the mode) or made writable again
/// can.
#[test]
fn removing_a_directory_made_read_only() {
    let Some(r) = run("rmdir-ro", &[], "py_rmdir_readonly_dir.py") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "read-only");
    assert_eq!(f["operation"], "rmdir");
    assert_eq!(f["path"], format!("{}/ro", r.dir()));
    assert_eq!(f["error"], "ERROR_ACCESS_DENIED");
    assert_eq!(r.stdout.trim(), "[]");
}

/// A listing in progress below a renamed directory is a FindFirstFile handle below it on
/// Windows; a closed one is not.
#[test]
fn renaming_a_directory_above_a_listing_in_progress() {
    let Some(r) = run("scandir-below", &[], "py_rename_dir_scandir_below.py") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "directory-in-use");
    assert_eq!(f["path"], format!("{}/p", r.dir()));
    let b = blockers(f);
    assert_eq!(b.len(), 1);
    assert_eq!(b[0]["what"], "handle");
    assert_eq!(b[0]["path"], format!("{}/p/c", r.dir()));
    assert_eq!(r.stdout.trim(), "['p2', 'q2']");
}

#[test]
fn replacing_a_read_only_file() {
    let Some(r) = run("ro-replace", &[], "py_chmod_replace.py") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "read-only");
    assert_eq!(f["operation"], "rename");
    assert_eq!(f["target"], format!("{}/settings.ini", r.dir()));
    assert_eq!(f["error"], "ERROR_ACCESS_DENIED");
    assert!(blockers(f).is_empty());
    assert_eq!(r.stdout, "new\n");
}

#[test]
fn signals_during_trapped_calls() {
    let Some(r) = run("signals", &[], "py_signals.py") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "sharing-violation");
    assert_eq!(f["path"], format!("{}/spool", r.dir()));
    assert_eq!(f["count"], 200, "every unlink once, deduplicated into one finding");
    assert_eq!(r.stdout, "200 20 []\n");
}

#[test]
fn threads_replacing_their_own_files_is_fine() {
    let Some(r) = run("threads-atomic", &[], "py_threads_atomic.py") else {
        return;
    };
    r.no_findings();
}

#[test]
fn node_rename_onto_a_file_another_process_holds() {
    let Some(r) = run("node-rename", &[], "node_rename_onto_held.js") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "rename-target-in-use");
    assert_eq!(f["runtime"], "node");
    assert_eq!(f["path"], format!("{}/config.json.tmp", r.dir()));
    assert_eq!(f["target"], format!("{}/config.json", r.dir()));
    assert_eq!(
        f["node"],
        format!(
            "Error: EPERM: operation not permitted, rename '{0}/config.json.tmp' -> '{0}/config.json'",
            r.dir()
        )
    );
    let b = blockers(f);
    assert_eq!(b.len(), 1);
    assert_eq!(b[0]["pid"], stdout_pid(&r));
    assert_eq!(b[0]["process"], "python3");
    assert_eq!(b[0]["fd"], 3);
}

/// The line of `tests/programs/PROG` that contains `marker`, from 1.
fn line_of(prog: &str, marker: &str) -> u64 {
    let src = std::fs::read_to_string(programs().join(prog)).unwrap();
    src.lines().position(|l| l.contains(marker)).unwrap() as u64 + 1
}

/// The real path of `tests/programs/PROG`: how node names a module.
fn real_path(prog: &str) -> String {
    programs()
        .join(prog)
        .canonicalize()
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned()
}

/// A finding's frames: `(file, line, function)` each.
fn js_frames(f: &Value) -> Vec<(String, u64, String)> {
    f["stack"]
        .as_array()
        .expect("a JavaScript stack")
        .iter()
        .map(|s| {
            let text = |k: &str| s[k].as_str().unwrap().to_owned();
            (text("file"), s["line"].as_u64().unwrap(), text("function"))
        })
        .collect()
}

/// A Node program's finding names the JavaScript frames that made the call (read from
/// V8's stack and heap with node's postmortem metadata): the `fs.unlinkSync` line, its
/// caller's and the callback's, and none of node's own modules.
#[test]
fn node_finding_names_the_javascript_frames() {
    let Some(r) = run("node-frames", &[], "node_frames_nested.js") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "sharing-violation");
    assert_eq!(f["runtime"], "node");
    // Also under Node 24, which names its main thread (and so the process) `MainThread`.
    assert_eq!(f["process"], "node");
    let prog = "node_frames_nested.js";
    let file = real_path(prog);
    let want: Vec<(String, u64, String)> = [
        ("// the call", "removeEntry"),
        ("// its caller", "cleanup"),
        ("// the callback", ""),
    ]
    .iter()
    .map(|(m, name)| (file.clone(), line_of(prog, m), name.to_string()))
    .collect();
    assert_eq!(js_frames(f), want, "{f}");
    assert!(
        r.stderr
            .contains(&format!("  at {file}:{} in removeEntry\n", want[0].1)),
        "{}",
        r.stderr
    );
    assert_eq!(blockers(f)[0]["pid"], stdout_pid(&r));
}

/// A function that has run a few hundred times runs as baseline (Sparkplug) machine code,
/// whose frames keep no bytecode offset: the line comes from the code object's bytecode
/// offset table. As V8 tiers it up, and with every function compiled so at once.
#[test]
fn node_baseline_frames_name_their_lines() {
    let prog = "node_frames_warm.js";
    let path = real_path(prog);
    for (tag, flags) in [("tiered", &[][..]), ("always", &["--always-sparkplug"][..])] {
        let argv = ["node"]
            .iter()
            .chain(flags)
            .map(|s| s.to_string())
            .chain([path.clone()])
            .collect();
        let Some(r) = run_argv(&format!("node-warm-{tag}"), &[], argv) else {
            return;
        };
        let f = r.only_finding();
        assert_eq!(f["kind"], "sharing-violation");
        assert_eq!(f["path"], format!("{}/held", r.dir()));
        let lines: Vec<(String, u64)> = js_frames(f).into_iter().map(|(file, line, _)| (file, line)).collect();
        assert_eq!(
            lines,
            [
                (path.clone(), line_of(prog, "// the call")),
                (path.clone(), line_of(prog, "// the callback"))
            ],
            "{tag}: {f}"
        );
    }
}

/// JavaScript run only off Windows is no finding: of six unlinks of held files, five
/// are under a test of the platform (a branch, an else, an early return, an else-if
/// chain, the right operand of `process.platform !== 'win32' &&`); only the plain one
/// is reported, at its line.
#[test]
fn node_code_run_only_off_windows_is_no_finding() {
    let Some(r) = run("node-platform", &[], "node_platform_branches.js") else {
        return;
    };
    assert_eq!(r.stdout, "done\n");
    only_finding_at(&r, "plain", "node_platform_branches.js");
}

/// A `switch` on the platform: the unlinks in clauses Windows never enters (the 'linux'
/// clause, a `default` after a 'win32' case, a clause the 'win32' one cannot fall into,
/// a switch without 'win32' or `default`) are no finding; the one in a clause the
/// 'win32' clause falls through into, and the one in the `default` of a switch without a
/// 'win32' case, are, each at its line.
#[test]
fn node_switch_clauses_windows_never_enters_are_no_finding() {
    let prog = "node_platform_switch.js";
    let Some(r) = run("node-platform-switch", &[], prog) else {
        return;
    };
    assert_eq!(r.stdout, "done\n");
    assert_eq!(r.findings().len(), 2, "{:#?}", r.findings());
    for (name, marker) in [
        ("fallen-into", "refused on Windows: fallen into"),
        ("default-taken", "refused on Windows: default"),
    ] {
        let f = r.finding_on(name);
        assert_eq!(f["stack"][0]["function"], "removeEverywhere", "{f}");
        assert_eq!(f["stack"][0]["line"], line_of(prog, marker), "{f}");
    }
}

/// The platform tested through a name (`const { platform } = process`, renamed from
/// `require('node:process')`, `os.type()` kept in a constant) or through another of
/// node's platform values (`os.EOL`, `path.sep`, `sep` destructured from `path`): no
/// finding. A parameter named `platform` hides the module's name in its function: the
/// unlink under its test is a finding, and so is the one under `path.posix.sep === '/'`,
/// true everywhere.
#[test]
fn node_platform_through_names_and_separators_is_read() {
    let prog = "node_platform_aliases.js";
    let Some(r) = run("node-platform-aliases", &[], prog) else {
        return;
    };
    assert_eq!(r.stdout, "done\n");
    assert_eq!(r.findings().len(), 2, "{:#?}", r.findings());
    let f = r.finding_on("parameter");
    assert_eq!(f["stack"][0]["function"], "removeFor", "{f}");
    assert_eq!(
        f["stack"][0]["line"],
        line_of(prog, "refused on Windows: a parameter"),
        "{f}"
    );
    let f = r.finding_on("posix-sep");
    assert_eq!(
        f["stack"][0]["line"],
        line_of(prog, "refused on Windows: posix sep"),
        "{f}"
    );
}

/// A function handed to node only under a test of the platform (a timer's function, an
/// event listener, a `setImmediate` arrow function, an `'exit'` handler) never runs on
/// Windows, though no frame of its stack is at a guarded line: no finding. One registered
/// without a guard is one, and so is one the module exports (another module may register
/// it).
#[test]
fn node_callbacks_registered_only_off_windows_are_no_finding() {
    let prog = "node_guarded_callbacks.js";
    let Some(r) = run("node-guarded-callbacks", &[], prog) else {
        return;
    };
    assert_eq!(r.stdout, "done\n");
    assert_eq!(r.findings().len(), 2, "{:#?}", r.findings());
    let f = r.finding_on("plain");
    assert_eq!(f["stack"][0]["function"], "removePlain");
    assert_eq!(f["stack"][0]["line"], line_of(prog, "refused on Windows: unguarded"));
    let f = r.finding_on("exported");
    assert_eq!(f["stack"][0]["function"], "removeExported");
    assert_eq!(f["stack"][0]["line"], line_of(prog, "refused on Windows: exported"));
}

/// Functions V8's microtask queue runs, registered only off Windows: a promise's
/// reaction (also down a chain) and async functions resumed after an `await`, unlinking
/// synchronously or through fs.promises. No JavaScript frame called them, yet every
/// mention of their names is under the platform test: no finding. The reaction
/// registered without the test, and the async function called outside it too, are
/// findings, named at their lines.
#[test]
fn node_promise_reactions_registered_only_off_windows_are_no_finding() {
    let prog = "node_guarded_promises.js";
    let Some(r) = run("node-guarded-promises", &[], prog) else {
        return;
    };
    assert_eq!(r.stdout, "done\n");
    assert_eq!(r.findings().len(), 2, "{:#?}", r.findings());
    for (name, function, marker) in [
        ("unguarded", "removeUnguarded", "refused on Windows: unguarded"),
        ("called-too", "removeCalledToo", "refused on Windows: called too"),
    ] {
        let f = r.finding_on(name);
        assert_eq!(f["stack"][0]["function"], function, "{f}");
        assert_eq!(f["stack"][0]["line"], line_of(prog, marker), "{f}");
    }
}

/// The one finding of `r`: of the file `name` of the work dir, made at the line of
/// `tests/programs/PROG` marked "refused on Windows".
fn only_finding_at<'r>(r: &'r Run, name: &str, prog: &str) -> &'r Value {
    let f = r.only_finding();
    assert_eq!(f["path"], format!("{}/{name}", r.dir()));
    assert_eq!(f["stack"][0]["line"], line_of(prog, "refused on Windows"), "{f}");
    f
}

/// Asynchronous fs calls (`fs.promises`, callbacks) run on libuv's worker threads, where
/// no JavaScript frame made them: a finding names the JavaScript waiting for the result,
/// the async functions suspended at their `await`s (outermost last) or the callback
/// given, at the line where it is defined, and whoever awaits the promise it resolves;
/// through node's own wrappers (`makeCallback`, `writeFile`'s open callback, `truncate`'s
/// `ftruncate` on the descriptor its open gave, a promise returned from one of
/// `fs.promises`' async functions), from an async generator to its `for await`, and in
/// code compiled with a line offset. A call made only off Windows is none.
#[test]
fn node_async_calls_name_the_javascript_waiting_for_them() {
    let prog = "node_async_waiters.js";
    let Some(r) = run("node-async", &[], prog) else {
        return;
    };
    let file = real_path(prog);
    let at = |marker: &str, function: &str| (file.clone(), line_of(prog, marker), function.to_string());
    let of = |name: &str| js_frames(r.finding_on(name));
    assert_eq!(r.findings().len(), 9, "{}", r.stderr);
    for f in r.findings() {
        assert_eq!(f["kind"], "mapped-file", "{f}");
        assert_eq!(blockers(f)[0]["pid"], stdout_pid(&r));
    }
    assert_eq!(
        of("awaited"),
        [
            at("// awaited in remove", "async remove"),
            at("// awaited in cleanup", "async cleanup"),
            at("await cleanup(new Store())", "async <anonymous>"),
        ]
    );
    assert_eq!(
        of("then"),
        [
            at("// the then handlers", "callback <anonymous>"),
            at("// the then handlers", "async <anonymous>"),
        ]
    );
    assert_eq!(
        of("called-back"),
        [
            at("// the callback", "callback removed"),
            at("callBack(names[2], resolve)", "async <anonymous>"),
        ]
    );
    // The same callback once it has run (compiled: its start is its scope info's).
    assert_eq!(
        of("again"),
        [
            at("// the callback", "callback removed"),
            at("// once its callback is compiled", "async <anonymous>"),
        ]
    );
    assert_eq!(of("written"), [at("// resolved by writeFile", "async <anonymous>")]);
    assert_eq!(of("resolved"), [at("// awaited later", "async <anonymous>")]);
    assert_eq!(
        of("truncated"),
        [
            at("// truncated by fd", "callback truncated"),
            at("// truncated by fd", "async <anonymous>"),
        ]
    );
    // vm code with `lineOffset: 100`: its second line is line 102.
    assert_eq!(
        of("generated"),
        [
            ("/virtual/generated.js".to_string(), 102, "async viaVm".to_string()),
            at("// awaited through vm", "async <anonymous>"),
        ]
    );
    // An async generator, and the `for await` that consumes it.
    assert_eq!(
        of("yielded"),
        [
            at("// in an async generator", "async removing"),
            at("// consumed by for await", "async <anonymous>"),
        ]
    );
    let line = line_of(prog, "// awaited in remove");
    assert!(
        r.stderr.contains(&format!("  at {file}:{line} in async remove\n")),
        "{}",
        r.stderr
    );
}

/// A TypeScript file run as it is (node 23.6 and later strip its types): the frames are
/// named at the file's lines (V8's copy has the types blanked and a `sourceURL` line).
#[test]
fn node_typescript_run_as_it_is_names_its_lines() {
    let strips = Command::new("node")
        .args(["-p", "process.features.typescript || ''"])
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "strip");
    if !strips {
        eprintln!("SKIP: this node does not run TypeScript as it is");
        return;
    }
    let prog = "node_typescript_frames.ts";
    let path = real_path(prog);
    let Some(r) = run_argv("node-ts", &[], vec!["node".into(), path.clone()]) else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "sharing-violation");
    let at = |marker: &str, function: &str| (path.clone(), line_of(prog, marker), function.to_string());
    assert_eq!(
        js_frames(f),
        [
            at("// the call", "removeEntry"),
            at("// its caller", "cleanup"),
            at("// the callback", ""),
        ],
        "{}",
        r.stderr
    );
}

/// A file stream's open runs on a libuv worker thread: a finding names who waits for the
/// stream, its listeners (an `error` listener first: it is what a failed open reaches) and
/// `pipeline`'s promise awaited through node's end-of-stream listeners. A stream opened
/// only off Windows, waited for through the callback its `end` keeps, is none.
#[test]
fn node_file_streams_name_who_waits_for_them() {
    let prog = "node_stream_waiters.js";
    let Some(r) = run("node-streams", &[], prog) else {
        return;
    };
    let file = real_path(prog);
    let at = |marker: &str, function: &str| (file.clone(), line_of(prog, marker), function.to_string());
    let of = |name: &str| js_frames(r.finding_on(name));
    assert_eq!(r.findings().len(), 3, "{}", r.stderr);
    for f in r.findings() {
        assert_eq!(f["kind"], "mapped-file", "{f}");
        assert_eq!(f["operation"], "open", "{f}");
        assert_eq!(blockers(f)[0]["pid"], stdout_pid(&r));
    }
    assert_eq!(
        of("piped"),
        [
            at("// awaited pipeline", "async save"),
            at("// saved", "async <anonymous>"),
        ]
    );
    assert_eq!(
        of("handled"),
        [
            at("// the error listener", "callback failed"),
            at("saveWithHandler(names[1], resolve)", "async <anonymous>"),
        ]
    );
    assert_eq!(
        of("finished"),
        [at("saveAndLog(names[2], resolve)", "async <anonymous>")]
    );
}

/// Tests that node:test skips on Windows (by their options, also `{ skip }` in shorthand,
/// or `it.skip` chosen by platform) are no finding; the test that runs everywhere is,
/// named at its line (the call runs in an async function resumed from the microtask
/// queue, below stale exit frames of earlier calls), and so is one that calls
/// `this.skip()` on Windows: node:test marks it skipped and runs the rest of its body.
#[test]
fn node_tests_skipped_on_windows_are_no_finding() {
    let Some(r) = run("node-test-skips", &[], "node_test_skips.mjs") else {
        return;
    };
    // TAP (`# pass 5`) or, from Node 23, the spec reporter (`ℹ pass 5`).
    assert!(r.stdout.contains("pass 5"), "{}", r.stdout);
    assert_eq!(r.findings().len(), 2, "{}", r.stderr);
    for (name, marker) in [
        ("everywhere", "refused on Windows"),
        ("goes-on", "still runs on Windows"),
    ] {
        let f = r.finding_on(name);
        assert_eq!(f["stack"][0]["line"], line_of("node_test_skips.mjs", marker), "{f}");
    }
}

/// Tests run through a function of the module that chooses `it` or `it.skip` by its
/// argument (`itIf(platform !== 'win32')`, `skipOn(isWindows)`, a declared `itWhen`;
/// `platform` imported from 'node:process') are skipped on Windows: no finding. The two
/// chosen by a test of macOS run on Windows too: findings, at their lines.
#[test]
fn node_tests_chosen_by_a_platform_condition_are_no_finding() {
    let prog = "node_test_choosers.mjs";
    let Some(r) = run("node-test-choosers", &[], prog) else {
        return;
    };
    assert!(r.stdout.contains("pass 5"), "{}", r.stdout);
    assert_eq!(r.findings().len(), 2, "{:#?}", r.findings());
    for (name, marker) in [
        ("itif-darwin", "refused on Windows: itIf darwin"),
        ("skipon-darwin", "refused on Windows: skipOn darwin"),
    ] {
        let f = r.finding_on(name);
        assert_eq!(f["stack"][0]["line"], line_of(prog, marker), "{f}");
    }
}

/// A module that calls `process.exit` on Windows before its POSIX-only part: an unlink of
/// a held file after that is no finding; the one before it is, named at its line.
#[test]
fn node_module_left_early_on_windows_is_no_finding_after_its_exit() {
    let prog = "node_module_left_on_windows.js";
    let Some(r) = run("node-module-left", &[], prog) else {
        return;
    };
    assert_eq!(r.stdout, "done\n");
    only_finding_at(&r, "everywhere", prog);
}

/// A Mocha suite whose `before` hook calls `this.skip()` on Windows runs no test there:
/// its test's unlink of a held file is no finding; the test of the suite without the hook
/// is, named at its line.
#[test]
fn node_mocha_suite_skipped_by_its_hook_is_no_finding() {
    let prog = "node_mocha_hooks.js";
    let Some(r) = run("node-mocha-hooks", &[], prog) else {
        return;
    };
    assert_eq!(r.stdout, "2 passing, 0 pending\n");
    only_finding_at(&r, "everywhere", prog);
}

/// Optimized code: after 20,000 calls V8 compiles `clean` with `remove` and node's
/// `fs.unlinkSync` inlined into it, one machine frame for three functions. The finding
/// still names each function at its line, from the code's source position table and its
/// deoptimization data's inlining positions.
#[test]
fn node_optimized_frames_name_inlined_functions() {
    let Some(r) = run("node-hot", &[], "node_frames_hot.js") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["path"], format!("{}/held", r.dir()));
    let prog = "node_frames_hot.js";
    let at: Vec<(u64, String)> = js_frames(f).into_iter().map(|(_, line, name)| (line, name)).collect();
    assert_eq!(
        at,
        [
            (line_of(prog, "// the call"), "remove".to_string()),
            (line_of(prog, "// its caller"), "clean".to_string()),
            (line_of(prog, "// the callback"), String::new())
        ],
        "{f}"
    );
}

/// Code a test runner transformed (Vitest, babel-jest: lines added above the module and
/// an inline source map back to the file): the finding gives the file's line, not the
/// transformed code's, and the unlink under a platform test in the file is no finding.
#[test]
fn node_transformed_code_is_read_through_its_source_map() {
    let Some(r) = run("node-transformed", &[], "node_frames_transformed.js") else {
        return;
    };
    let f = only_finding_at(&r, "everywhere", "node_transformed_module.js");
    assert_eq!(f["stack"][0]["file"], real_path("node_transformed_module.js"));
    assert_eq!(f["stack"][0]["function"], "removeBoth");
}

/// An ES module is named by its `file:` URL in V8: the finding gives its path (here with
/// a space, `%20` in the URL) and line.
#[test]
fn node_es_module_finding_names_its_file_and_line() {
    let Some(r) = run("node-esm", &[], "node_frames_esm.mjs") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "rename-target-in-use");
    assert_eq!(f["target"], format!("{}/a dir/state.json", r.dir()));
    let prog = "node_frames_esm.mjs";
    assert_eq!(f["stack"][0]["file"], real_path(prog));
    assert_eq!(f["stack"][0]["line"], line_of(prog, "// the call"));
    assert_eq!(f["stack"].as_array().unwrap().len(), 1, "{f}");
}

#[test]
fn node_rm_recursive_with_a_file_held_open() {
    let Some(r) = run("node-rmsync", &[], "node_rmsync_open.js") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "sharing-violation");
    assert_eq!(f["operation"], "unlink");
    assert_eq!(f["runtime"], "node");
    assert_eq!(f["path"], format!("{}/cache/x/blob", r.dir()));
    assert!(
        f["windows_call"].as_str().unwrap().starts_with("CreateFileW(DELETE)"),
        "{f}"
    );
    assert_eq!(
        f["node"],
        format!(
            "Error: EBUSY: resource busy or locked, unlink '{}/cache/x/blob'",
            r.dir()
        )
    );
    assert_eq!(blockers(f)[0]["pid"], stdout_pid(&r));
}

#[test]
fn node_atomic_write_is_fine() {
    let Some(r) = run("node-atomic", &[], "node_write_rename.js") else {
        return;
    };
    r.no_findings();
}

#[test]
fn shell_rm_of_a_file_a_background_job_reads() {
    let Some(r) = run("sh-rm-bg", CRT, "sh_rm_held_by_bg.sh") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "sharing-violation");
    assert_eq!(f["operation"], "unlink");
    assert_eq!(f["process"], "rm");
    assert_eq!(f["runtime"], "crt");
    assert_eq!(f["path"], format!("{}/log.txt", r.dir()));
    assert_eq!(f["crt"], "errno 13 (EACCES): Permission denied");
    let b = blockers(f);
    assert_eq!(b.len(), 1);
    assert_eq!(b[0]["pid"], stdout_pid(&r));
    assert_eq!(b[0]["process"], "sleep");
    assert_eq!(b[0]["fd"], 3);
    assert_eq!(b[0]["access"], serde_json::json!(["read"]));
}

#[test]
fn shell_mv_onto_an_open_file() {
    let Some(r) = run("sh-mv-open", CRT, "sh_mv_onto_open.sh") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "rename-target-in-use");
    assert_eq!(f["process"], "mv");
    assert_eq!(f["target"], format!("{}/current", r.dir()));
    let b = blockers(f);
    assert_eq!(b[0]["pid"], stdout_pid(&r));
    assert_eq!(b[0]["fd"], 3);
}

#[test]
fn orphaned_background_process_is_still_traced() {
    let Some(r) = run("orphan", CRT, "sh_orphan.sh") else {
        return;
    };
    assert_eq!(r.stdout, "started\n");
    assert!(
        r.dir.join("orphan.done").exists(),
        "the orphan finished before the report"
    );
    let orphan: u64 = std::fs::read_to_string(r.dir.join("orphan.pid"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let f = r.only_finding();
    assert_eq!(f["kind"], "sharing-violation");
    assert_eq!(f["process"], "rm");
    assert_eq!(f["path"], format!("{}/orphan.log", r.dir()));
    assert!(blockers(f).iter().any(|b| b["pid"] == orphan && b["fd"] == 3), "{f}");
    assert_eq!(r.status.code(), Some(66));
}

#[test]
fn shell_build_script_is_fine() {
    let Some(r) = run("sh-build", &[], "sh_cp_mv_rm.sh") else {
        return;
    };
    r.no_findings();
}

#[test]
fn static_c_binary_unlinks_its_open_file() {
    let Some(r) = run("c-static", &[], "c_static_unlink_open.c") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "sharing-violation");
    assert_eq!(f["operation"], "unlink");
    assert_eq!(f["runtime"], "crt");
    assert_eq!(f["path"], format!("{}/c.dat", r.dir()));
    let b = blockers(f);
    assert_eq!(b.len(), 1);
    assert_eq!(b[0]["pid"], f["pid"]);
    assert_eq!(b[0]["fd"], r.stdout.trim().parse::<i64>().unwrap());
    assert_eq!(b[0]["access"], serde_json::json!(["read", "write"]));
}

#[test]
fn rust_binary_deleting_its_own_open_file_is_fine_with_posix_semantics() {
    let Some(r) = run("rust-posix", &[], "rs_remove_recreate.rs") else {
        return;
    };
    r.no_findings();
    assert_eq!(r.stdout, "again\n");
}

#[test]
fn rust_binary_recreating_a_delete_pending_name() {
    let Some(r) = run("rust-legacy", &["--delete", "legacy"], "rs_remove_recreate.rs") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "delete-pending");
    assert_eq!(f["operation"], "open");
    assert_eq!(f["runtime"], "rust");
    assert_eq!(f["path"], format!("{}/r.txt", r.dir()));
    assert_eq!(f["windows_call"], "CreateFileW(CREATE_ALWAYS)");
    assert_eq!(f["rust"], "Access is denied. (os error 5)");
    let b = blockers(f);
    assert_eq!(b.len(), 1);
    assert_eq!(b[0]["what"], "pending");
    assert_eq!(b[0]["pid"], f["pid"], "its own handle keeps the name");
    assert_eq!(b[0]["share"], serde_json::json!(["read", "write", "delete"]));
}

/// SQLite in a Rust (or Node) process opens its database without FILE_SHARE_DELETE
/// whatever the runtime around it does: removing the open database is a sharing
/// violation with SQLite's handle in the way; removing a closed one is fine.
#[test]
fn rust_binary_removing_an_open_sqlite_database() {
    let Some(r) = run("rust-sqlite", &[], "rs_sqlite_remove_open.rs") else {
        return;
    };
    assert_eq!(r.stdout, "removed\n");
    let f = r.only_finding();
    assert_eq!(f["kind"], "sharing-violation");
    assert_eq!(f["operation"], "unlink");
    assert_eq!(f["runtime"], "rust");
    assert_eq!(f["path"], format!("{}/held.db", r.dir()));
    let b = blockers(f);
    assert_eq!(b.len(), 1, "{b:#?}");
    assert_eq!(b[0]["pid"], f["pid"], "its own SQLite connection");
    assert_eq!(b[0]["share"], serde_json::json!(["read", "write"]));
    assert_eq!(b[0]["runtime"], "sqlite", "{b:#?}");
    assert!(r.stderr.contains("SQLite's Windows VFS (winOpen)"), "{}", r.stderr);
}

/// A Rust program's findings name its own frames (unwound through std and the C library
/// with the binary's call frame information, named by its line tables), and code a
/// Windows build leaves out (`#[cfg(unix)]` on a function, a module or a block) or never
/// runs (`if cfg!(unix)`, the `else` of `if cfg!(windows)`, after `if cfg!(windows) {
/// return; }`) is no finding: of eight removals of the working directory, the two that
/// a Windows build runs are reported.
#[test]
fn rust_code_built_only_off_windows_is_no_finding() {
    let Some(r) = run("rust-cfg", &[], "rs_cfg_unix_rmdir_cwd.rs") else {
        return;
    };
    assert_eq!(r.stdout, "done\n");
    let src = programs().join("rs_cfg_unix_rmdir_cwd.rs");
    let src_text = std::fs::read_to_string(&src).unwrap();
    let line_of = |marker: &str| src_text.lines().position(|l| l.contains(marker)).unwrap() as u64 + 1;
    let f = r.findings();
    let paths: Vec<String> = f.iter().map(|f| f["path"].as_str().unwrap().to_owned()).collect();
    assert_eq!(
        paths,
        [format!("{}/everywhere", r.dir()), format!("{}/plain", r.dir())],
        "{}",
        r.stderr
    );
    for f in f {
        assert_eq!(f["kind"], "directory-in-use");
        assert_eq!(f["runtime"], "rust");
        let stack = f["stack"].as_array().unwrap();
        assert_eq!(stack[0]["file"], src.to_str().unwrap());
        assert_eq!(stack[0]["function"], "rs_cfg_unix_rmdir_cwd::remove_own_cwd");
        assert_eq!(stack[0]["line"], line_of("// the call"));
    }
    let caller = |f: &Value| f["stack"][1]["line"].as_u64().unwrap();
    assert_eq!(caller(&f[0]), line_of("remove_own_cwd(d, \"everywhere\")"));
    assert_eq!(caller(&f[1]), line_of("remove_own_cwd(&d, \"plain\")"));
    assert!(
        r.stderr.contains(&format!(
            "at {}:{} in rs_cfg_unix_rmdir_cwd::remove_own_cwd",
            src.display(),
            line_of("// the call")
        )),
        "{}",
        r.stderr
    );
}

/// A module or a function that uses `std::os::unix` (or `std::os::linux`) with no `cfg` of
/// its own cannot be compiled for Windows: its calls are no finding, though nothing in the
/// program says `cfg`. Of three removals of the working directory, the plain one is one.
#[test]
fn rust_code_using_std_os_unix_without_cfg_is_no_finding() {
    let prog = "rs_std_os_unix_use.rs";
    let Some(r) = run("rust-os-unix-use", &[], prog) else {
        return;
    };
    assert_eq!(r.stdout, "done\n");
    let f = r.only_finding();
    assert_eq!(f["path"], format!("{}/plain", r.dir()));
    assert_eq!(f["kind"], "directory-in-use");
    assert_eq!(f["stack"][0]["line"], line_of(prog, "// the call"));
    assert_eq!(f["stack"][1]["line"], line_of(prog, "remove_own_cwd(&d, \"plain\")"));
}

/// A dependency's function built only off Windows as a whole (`#[cfg(unix)] mod imp`),
/// called by the library's API that a Windows build has too, is the library's
/// implementation of that API: on Windows its `#[cfg(windows)]` one makes the call there
/// (tempfile's `persist`, atomic-write-file's `commit`, cap-std's `Dir::remove_dir` do).
/// Its finding stays, at the library's frames; the library's own POSIX-only branch in a
/// function every system has, and the program's own function built only off Windows, are
/// still no finding.
#[test]
fn rust_library_implementation_for_other_systems_is_a_finding() {
    let lib_src = programs().join("rs_library_platform_layer_lib.rs");
    let prog_src = programs().join("rs_library_platform_layer.rs");
    // Where cargo puts a dependency's sources: CARGO_HOME/registry/src/INDEX-HASH/NAME-VERSION.
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let crate_dir = tmp.join("cargo-home/registry/src/index.crates.io-0123456789abcdef/dirkit-0.1.0/src");
    std::fs::create_dir_all(&crate_dir).unwrap();
    let lib = crate_dir.join("lib.rs");
    std::fs::copy(&lib_src, &lib).unwrap();
    let rlib = tmp.join("libdirkit.rlib");
    let prog = tmp.join("rs_library_platform_layer-rs");
    let rustc = |args: &[&std::ffi::OsStr]| {
        // Built as `cargo test` builds: line tables, no optimization (whose tail calls
        // leave a small library function no frame).
        let status = Command::new("rustc")
            .args(["-g", "--edition", "2021"])
            .args(args)
            .status();
        assert!(status.unwrap().success(), "rustc {args:?}");
    };
    rustc(&[
        "--crate-type".as_ref(),
        "rlib".as_ref(),
        "--crate-name".as_ref(),
        "dirkit".as_ref(),
        "-o".as_ref(),
        rlib.as_os_str(),
        lib.as_os_str(),
    ]);
    let extern_dirkit = format!("dirkit={}", rlib.display());
    rustc(&[
        "--extern".as_ref(),
        extern_dirkit.as_ref(),
        "-o".as_ref(),
        prog.as_os_str(),
        prog_src.as_os_str(),
    ]);
    let Some(r) = run_argv("rust-platform-layer", &[], vec![prog.to_str().unwrap().to_owned()]) else {
        return;
    };
    assert_eq!(r.stdout, "done\n");
    let f = r.findings();
    let paths: Vec<&str> = f.iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert_eq!(
        paths,
        [format!("{}/api", r.dir()), format!("{}/plain", r.dir())],
        "{}",
        r.stderr
    );
    let line_in = |src: &Path, marker: &str| {
        let text = std::fs::read_to_string(src).unwrap();
        text.lines().position(|l| l.contains(marker)).unwrap() as u64 + 1
    };
    let api = &f[0];
    assert_eq!(api["kind"], "directory-in-use");
    let stack = api["stack"].as_array().unwrap();
    assert_eq!(stack[0]["file"], lib.to_str().unwrap(), "{stack:#?}");
    assert_eq!(stack[0]["function"], "dirkit::imp::remove_dir");
    assert_eq!(stack[0]["line"], line_in(&lib_src, "// the Unix implementation"));
    assert_eq!(stack[1]["function"], "dirkit::remove_dir");
    assert_eq!(stack[2]["function"], "rs_library_platform_layer::in_own_cwd");
    assert_eq!(stack[2]["line"], line_in(&prog_src, "// the call"));
}

/// An unoptimized Rust program (std built with frame pointers, the program without): the
/// walk from the C library up through std finds the live caller, not the return address
/// a call just before left on the stack (which here is also a `#[cfg(unix)]` function:
/// a wrong frame would hide the finding), and through std's `remove_dir_all`, which
/// tail-calls its recursive walk, names the guard's `drop`.
#[test]
fn rust_debug_build_frames_are_the_live_ones() {
    let Some(r) = run("rust-stale", &[], "rs_debug_stale_frame.rs") else {
        return;
    };
    assert_eq!(r.stdout, "done\n");
    let src = programs().join("rs_debug_stale_frame.rs");
    let text = std::fs::read_to_string(&src).unwrap();
    let line_of = |marker: &str| text.lines().position(|l| l.contains(marker)).unwrap() as u64 + 1;
    let f = r.findings();
    assert_eq!(f.len(), 2, "{}", r.stderr);
    let frames = |f: &Value| -> Vec<(String, u64)> {
        f["stack"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["function"].as_str().unwrap().to_owned(), s["line"].as_u64().unwrap()))
            .collect()
    };
    assert_eq!(f[0]["path"], format!("{}/entered", r.dir()));
    assert_eq!(
        frames(&f[0]),
        [
            (
                "rs_debug_stale_frame::remove_after_enter".to_owned(),
                line_of("// first")
            ),
            (
                "rs_debug_stale_frame::main".to_owned(),
                line_of("remove_after_enter(&base);")
            ),
        ]
    );
    assert_eq!(f[1]["path"], format!("{}/guarded", r.dir()));
    let second = frames(&f[1]);
    assert_eq!(
        second[0],
        (
            "<rs_debug_stale_frame::Guard as core::ops::drop::Drop>::drop".to_owned(),
            line_of("// second")
        )
    );
    assert_eq!(
        second.last().unwrap(),
        &("rs_debug_stale_frame::main".to_owned(), line_of("guarded(&base);"))
    );
}

/// A Rust program built without line tables: the finding names its own function by its
/// symbol, in its executable (no line), and not std's or the C library's.
#[test]
fn rust_release_build_without_line_tables_names_its_functions() {
    let Some(r) = run("rust-nodebug", &[], "rs_nodebug_rmdir_cwd.rs") else {
        return;
    };
    assert_eq!(r.stdout, "done\n");
    let f = r.only_finding();
    assert_eq!(f["kind"], "directory-in-use");
    let stack = f["stack"].as_array().unwrap();
    assert_eq!(
        stack[0]["function"], "rs_nodebug_rmdir_cwd::remove_own_cwd",
        "{stack:#?}"
    );
    assert_eq!(stack[0]["line"], 0);
    assert!(
        stack[0]["file"].as_str().unwrap().ends_with("rs_nodebug_rmdir_cwd-rs"),
        "{stack:#?}"
    );
    assert_eq!(stack[1]["function"], "rs_nodebug_rmdir_cwd::main", "{stack:#?}");
    assert_eq!(stack.len(), 2, "{stack:#?}");
    assert!(
        r.stderr.contains("-rs in rs_nodebug_rmdir_cwd::remove_own_cwd\n"),
        "{}",
        r.stderr
    );
}

/// Removing a watched directory that is the program's working directory, on tmpfs: the
/// finding needs to know that the directory is empty, which winsan tells from its size
/// there instead of listing it, so the watcher sees the same events as without winsan.
#[test]
fn watched_working_directory_removed_on_tmpfs_is_told_empty_quietly() {
    let tmpfs = Command::new("stat")
        .args(["-f", "-c", "%T", "/dev/shm"])
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "tmpfs");
    if !tmpfs {
        eprintln!("SKIP: /dev/shm is not tmpfs here");
        return;
    }
    let prog = compiled("c_inotify_rmdir_cwd.c");
    let dir = |k: &str| format!("/dev/shm/winsan-cw-{k}-{}", std::process::id());
    let (native_dir, traced_dir) = (dir("native"), dir("traced"));
    for d in [&native_dir, &traced_dir] {
        let _ = std::fs::remove_dir_all(d);
    }
    let native = Command::new(&prog).arg(&native_dir).output().unwrap();
    let Some(r) = run_argv("inotify-cwd", &[], vec![prog.clone(), traced_dir.clone()]) else {
        return;
    };
    for d in [&native_dir, &traced_dir] {
        let _ = std::fs::remove_dir_all(d);
    }
    assert_eq!(r.stdout, String::from_utf8_lossy(&native.stdout), "{}", r.stderr);
    let f = r.only_finding();
    assert_eq!(f["kind"], "directory-in-use");
    assert_eq!(f["path"], format!("{traced_dir}/w/cw"));
}

/// A SQLite database in a directory the program watches with inotify: its header is read
/// without an event the watcher sees (through a mapping of the program's own fd), and the
/// blocker is still SQLite's. (The transparency test compares the events.)
#[test]
fn sqlite_database_in_a_watched_directory_is_told_quietly() {
    let Some(r) = run("py-inotify-sqlite", &[], "py_inotify_sqlite.py") else {
        return;
    };
    assert_eq!(r.stdout, "0x200 data.db\n0x8 data.db\n", "{}", r.stderr);
    let f = r.only_finding();
    assert_eq!(f["kind"], "sharing-violation");
    let b = blockers(f);
    assert_eq!(b.len(), 1, "{b:#?}");
    assert_eq!(b[0]["runtime"], "sqlite", "{b:#?}");
}

/// Signals sent without pause to a thread stopped in trapped calls (a second thread's
/// `pthread_kill` storm): every one of the 200 findings still names the function that
/// made the call. (A signal landing after winsan received the call wakes the thread for
/// a moment and `/proc/TID/syscall` says `running`; read once, 181 of 300 such findings
/// had no frames, and a Go program's finding, whose runtime signals its threads, lost
/// the frames that tell its file is built only off Windows.)
#[test]
fn frames_survive_signals_during_trapped_calls() {
    let Some(r) = run("signal-storm", &[], "c_signal_storm.c") else {
        return;
    };
    assert_eq!(r.stdout, "done\n");
    assert_eq!(r.findings().len(), 200);
    for f in r.findings() {
        assert_eq!(f["kind"], "sharing-violation");
        assert_eq!(f["stack"][0]["function"], "remove_held", "{f:#}");
        assert_eq!(f["stack"][0]["line"], line_of("c_signal_storm.c", "// the finding"));
    }
}

/// An installed package's function defined only off Windows as a whole, with another
/// definition for Windows (a platform layer, as atomicwrites' `_replace_atomic`), does not
/// make its caller's call POSIX-only: the removal of a file the program holds open through
/// it is a finding, at the package's frame. Through the program's own guard, or in the
/// program's own function defined only off Windows, none.
#[test]
fn python_package_implementation_for_other_systems_is_a_finding() {
    let prog = "py_library_platform_layer.py";
    let Some(r) = run("py-platform-layer", &[], prog) else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "sharing-violation");
    assert_eq!(f["path"], format!("{}/api", r.dir()));
    assert!(
        f["stack"][0]["file"]
            .as_str()
            .unwrap()
            .ends_with("/site-packages/platlayer/__init__.py"),
        "{f:#}"
    );
    assert_eq!(f["stack"][0]["function"], "discard");
    assert_eq!(f["stack"][1]["line"], line_of(prog, "# the finding"));
}

/// A C program's findings name its own function and line, and code the preprocessor
/// keeps out of a Windows build (`#ifndef _WIN32`, an `#elif` for Linux after `#if
/// defined(_WIN32)`, the program's own `OS_WINDOWS` made from `_WIN32`, after a `return`
/// only Windows compiles) is no finding: of five unlinks of an open file, one is reported.
#[test]
fn c_code_the_preprocessor_keeps_off_windows_is_no_finding() {
    let Some(r) = run("c-ifdef", &[], "c_ifdef_unlink_open.c") else {
        return;
    };
    assert_eq!(r.stdout, "done\n");
    let f = r.only_finding();
    assert_eq!(f["kind"], "sharing-violation");
    assert_eq!(f["runtime"], "crt");
    assert_eq!(f["path"], format!("{}/plain", r.dir()));
    let src = programs().join("c_ifdef_unlink_open.c");
    let line = std::fs::read_to_string(&src)
        .unwrap()
        .lines()
        .position(|l| l.contains("refused on Windows"))
        .unwrap()
        + 1;
    assert_eq!(f["stack"][0]["function"], "everywhere");
    assert_eq!(f["stack"][0]["file"], src.to_str().unwrap());
    assert_eq!(f["stack"][0]["line"], line as u64);
    assert_eq!(f["stack"][1]["function"], "main");
}

/// A delete leaves a delete-pending name only if the model says so: Rust's POSIX fallback
/// for a read-only file leaves none, even under legacy semantics with its own handle open.
#[test]
fn rust_posix_fallback_leaves_no_pending_name() {
    let Some(r) = run(
        "rust-ro-legacy",
        &["--delete", "legacy"],
        "rs_remove_readonly_recreate.rs",
    ) else {
        return;
    };
    r.no_findings();
    assert_eq!(r.stdout, "x again\n");
}

/// Whether a Go toolchain is installed (`.ci/run` installs Debian's); the Go programs are
/// skipped, saying so, where it is not.
/// Whether `cmd arg` runs and succeeds here (once per test binary); if not, says which
/// programs are skipped.
fn tool_works(ok: &'static OnceLock<bool>, cmd: &str, arg: &str, skip: &str) -> bool {
    *ok.get_or_init(|| {
        let works = Command::new(cmd).arg(arg).output().is_ok_and(|o| o.status.success());
        if !works {
            eprintln!("SKIP: {skip}");
        }
        works
    })
}

fn go_available() -> bool {
    static OK: OnceLock<bool> = OnceLock::new();
    tool_works(
        &OK,
        "go",
        "version",
        "no Go toolchain here (install golang-go to run the Go programs)",
    )
}

/// `go build -o` over a running program or one another process reads: on Windows the go
/// command copies its output into place, renaming a running old binary aside.
#[test]
fn go_build_over_a_running_program_is_fine() {
    if !go_available() {
        return;
    }
    let Some(r) = run("go-rebuild", &[], "sh_go_rebuild_running.sh") else {
        return;
    };
    r.no_findings();
    assert_eq!(r.stdout.trim(), "v3", "{}", r.stderr);
}

/// `go test`: a test that skips itself on Windows is no finding, one that does not is,
/// located in the stripped test binary through the inlined helper.
#[test]
fn go_test_that_skips_on_windows_and_one_that_does_not() {
    if !go_available() {
        return;
    }
    let Some(r) = run("go-test-skips", &[], "sh_go_test_skips_on_windows.sh") else {
        return;
    };
    assert_eq!(r.stdout.trim(), "ok", "{}", r.stderr);
    let f = r.only_finding();
    assert_eq!(f["path"], format!("{}/runs.txt", r.dir()));
    let at: Vec<(String, String, u64)> = f["stack"]
        .as_array()
        .expect("a Go stack")
        .iter()
        .map(|s| {
            let file = s["file"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();
            (
                s["function"].as_str().unwrap().to_owned(),
                file,
                s["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        at[..3],
        [
            ("example.com/skips.remove".to_owned(), "lib.go".to_owned(), 5),
            ("example.com/skips.Cleanup".to_owned(), "lib.go".to_owned(), 8),
            ("example.com/skips.TestRuns".to_owned(), "lib_test.go".to_owned(), 21),
        ],
        "{at:#?}"
    );
}

/// Go's RemoveAll clears a read-only directory's attribute and retries on Windows;
/// os.Remove does not.
#[test]
fn go_remove_of_a_read_only_directory() {
    if !go_available() {
        return;
    }
    let Some(r) = run("go-rmdir-ro", &[], "go_remove_readonly_dir.go") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "read-only");
    assert_eq!(f["operation"], "rmdir");
    assert_eq!(f["path"], format!("{}/plain", r.dir()));
    assert_eq!(r.stdout.trim(), "<nil>\n<nil>");
}

/// A Go file whose build constraint leaves it out of Windows builds: nothing it does is a
/// finding.
#[test]
fn go_code_built_only_off_windows_is_no_finding() {
    if !go_available() {
        return;
    }
    let Some(r) = run("go-posix-file", &[], "go_posix_only_file.go") else {
        return;
    };
    r.no_findings();
}

/// A call after an early exit on Windows (`return`, `continue`) is no finding; the same
/// call without one is.
#[test]
fn python_code_after_an_early_exit_on_windows_is_no_finding() {
    let prog = "py_early_exit.py";
    let Some(r) = run("early-exit", &[], prog) else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["path"], format!("{}/removed", r.dir()));
    assert_eq!(f["stack"][0]["line"], line_of(prog, "# the finding"));
}

/// A function handed to the runtime only under a POSIX-only guard (an `atexit` function,
/// a signal handler, a thread's target, a `weakref.finalize` function, an event loop's
/// callback) never runs on Windows, though no frame of its stack is at a guarded line: no
/// finding. The same `atexit` function and thread target handed on without a guard are
/// one each.
#[test]
fn python_callbacks_registered_only_off_windows_are_no_finding() {
    let prog = "py_guarded_callbacks.py";
    let Some(r) = run("guarded-callbacks", &[], prog) else {
        return;
    };
    assert_eq!(r.findings().len(), 2, "{:#?}", r.findings());
    let f = r.finding_on("unguarded");
    assert_eq!(f["stack"][0]["function"], "_remove_unguarded");
    assert_eq!(f["stack"][0]["line"], line_of(prog, "# the atexit finding"));
    let f = r.finding_on("unguarded-thread");
    assert_eq!(f["stack"][0]["function"], "_remove_in_unguarded_thread");
    assert_eq!(f["stack"][0]["line"], line_of(prog, "# the thread's finding"));
}

/// The same refusal from two call sites is two findings, each named by its own frames;
/// from one site in a loop, one finding counted three times.
#[test]
fn two_call_sites_are_two_findings() {
    let prog = "py_two_call_sites.py";
    let Some(r) = run("two-sites", &[], prog) else {
        return;
    };
    let f = r.findings();
    assert_eq!(f.len(), 2, "{}", r.stderr);
    let site = |f: &Value| (f["stack"][0]["line"].as_u64().unwrap(), f["count"].as_u64().unwrap());
    assert_eq!(site(&f[0]), (line_of(prog, "# the loop's site"), 3));
    assert_eq!(site(&f[1]), (line_of(prog, "# the other site"), 1));
    assert!(f.iter().all(|f| f["kind"] == "mapped-file"), "{f:#?}");
}

/// A file an `os.Root` handle holds (Go 1.24 and later: opened with `O_NOFOLLOW` on
/// Linux, sharing delete on Windows) may be removed and renamed; one `os.Create` holds
/// may not.
#[test]
fn go_root_handles_share_delete() {
    if !go_available() {
        return;
    }
    let version = Command::new("go").args(["env", "GOVERSION"]).output().unwrap();
    let minor: u32 = String::from_utf8_lossy(&version.stdout)
        .trim()
        .strip_prefix("go1.")
        .and_then(|v| v.split(['.', 'r', 'b']).next()?.parse().ok())
        .unwrap_or(0);
    if minor < 24 {
        eprintln!("SKIP: os.Root needs Go 1.24 (this is 1.{minor})");
        return;
    }
    let Some(r) = run("go-root", &[], "go_root_shares_delete.go") else {
        return;
    };
    assert!(r.stderr.contains("the program exited 0"), "{}", r.stderr);
    let f = r.only_finding();
    assert_eq!(f["kind"], "sharing-violation");
    assert_eq!(f["path"], format!("{}/plain.dat", r.dir()));
}

/// Go code under `if runtime.GOOS != "windows"` is no finding; the same call outside is,
/// located by the binary's own line table (the helper inlined into main).
#[test]
fn go_goos_branch_and_the_go_caller_location() {
    if !go_available() {
        return;
    }
    let Some(r) = run("go-goos", &[], "go_goos_branch.go") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "sharing-violation");
    assert_eq!(f["path"], format!("{}/all.dat", r.dir()));
    let src = std::fs::read_to_string(programs().join("go_goos_branch.go")).unwrap();
    let line = |needle: &str| src.lines().position(|l| l.contains(needle)).unwrap() as u64 + 1;
    let stack = f["stack"].as_array().expect("a Go stack");
    let at: Vec<(String, u64)> = stack
        .iter()
        .map(|s| (s["function"].as_str().unwrap().to_owned(), s["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        at,
        [
            ("main.createRemove".to_owned(), line("the finding's line")),
            ("main.main".to_owned(), line("its caller's line")),
        ],
        "{stack:#?}"
    );
    assert!(stack[0]["file"].as_str().unwrap().ends_with("/go_goos_branch.go"));
    assert!(r.stderr.contains("go_goos_branch.go:"), "{}", r.stderr);
}

#[test]
fn go_remove_of_an_open_file_is_a_sharing_violation() {
    if !go_available() {
        return;
    }
    let Some(r) = run("go-remove-open", &[], "go_remove_open.go") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "sharing-violation");
    assert_eq!(f["operation"], "unlink");
    assert_eq!(f["runtime"], "go", "detected from the binary's .go.buildinfo section");
    assert_eq!(f["windows_call"], "DeleteFileW");
    assert_eq!(f["error"], "ERROR_SHARING_VIOLATION");
    assert_eq!(f["path"], format!("{}/g.dat", r.dir()));
    assert_eq!(
        f["go"],
        format!(
            "remove {}/g.dat: The process cannot access the file because it is being used by another process.",
            r.dir()
        )
    );
    let b = blockers(f);
    assert_eq!(b.len(), 1);
    assert_eq!(b[0]["pid"], f["pid"]);
    assert_eq!(b[0]["fd"], r.stdout.trim().parse::<i64>().unwrap());
    assert_eq!(
        b[0]["share"],
        serde_json::json!(["read", "write"]),
        "Go does not share delete"
    );
}

#[test]
fn go_close_then_remove_is_fine() {
    if !go_available() {
        return;
    }
    let Some(r) = run("go-close-remove", &[], "go_close_remove.go") else {
        return;
    };
    r.no_findings();
    assert!(r.status.success());
}

#[test]
fn go_rename_onto_an_open_file_is_refused() {
    if !go_available() {
        return;
    }
    let Some(r) = run("go-rename-open", &[], "go_rename_onto_open.go") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "rename-target-in-use");
    assert_eq!(f["operation"], "rename");
    assert_eq!(f["runtime"], "go");
    assert_eq!(f["error"], "ERROR_ACCESS_DENIED");
    assert_eq!(f["path"], format!("{}/new.txt", r.dir()));
    let b = blockers(f);
    assert_eq!(b.len(), 1);
    assert_eq!(b[0]["fd"], r.stdout.trim().parse::<i64>().unwrap());
}

#[test]
fn go_remove_of_a_read_only_file_is_fine_because_go_clears_the_attribute() {
    if !go_available() {
        return;
    }
    let Some(r) = run("go-remove-ro", &[], "go_remove_readonly.go") else {
        return;
    };
    r.no_findings();
    assert!(r.status.success());
}

/// Processes that outlive `winsan run` keep working: the supervisor hands the listener to a
/// helper that answers every trapped call with CONTINUE (never ENOSYS).
#[test]
fn descendants_outliving_winsan_keep_working() {
    let Some(r) = run("outlives", &[], "sh_outlives_winsan.sh") else {
        return;
    };
    assert_eq!(r.stdout, "started\n");
    r.no_findings();
    assert!(
        r.stderr
            .contains("winsan: processes the program started still run; they go on unwatched"),
        "the user is told: {}",
        r.stderr
    );
    // winsan has exited; only now may the background process go on.
    std::fs::write(r.dir.join("go"), "").unwrap();
    let done = r.dir.join("after.done");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !done.exists() {
        assert!(
            std::time::Instant::now() < deadline,
            "the background process never finished"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(
        std::fs::read_to_string(&done).unwrap(),
        "ok\n",
        "trapped calls after hand-off"
    );
    assert!(!r.dir.join("victim").exists());
}

fn java_available() -> bool {
    static OK: OnceLock<bool> = OnceLock::new();
    // Source-file mode needs the compiler module, which a JRE lacks.
    let skip = "no JDK here (install openjdk-17-jdk-headless to run the Java programs)";
    tool_works(&OK, "javac", "-version", skip)
}

#[test]
fn java_delete_of_an_open_stream_is_a_sharing_violation() {
    if !java_available() {
        return;
    }
    let Some(r) = run("java-remove-open", &[], "JavaRemoveOpen.java") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "sharing-violation");
    assert_eq!(f["operation"], "unlink");
    assert_eq!(f["path"], format!("{}/j.dat", r.dir()));
    assert_eq!(f["runtime"], "java", "the JDK launcher links libjli.so");
    assert_eq!(f["error"], "ERROR_SHARING_VIOLATION");
    let j = format!("{}/j.dat", r.dir());
    assert_eq!(
        f["java"],
        format!("java.nio.file.FileSystemException: {j}: The process cannot access the file because it is being used by another process"),
        "Files.delete: WindowsException.translateToIOException, the message's final period dropped"
    );
    let b = blockers(f);
    assert_eq!(b.len(), 1);
    assert_eq!(b[0]["pid"], f["pid"], "the JVM's own FileOutputStream");
    assert_eq!(b[0]["access"], serde_json::json!(["write"]));
    assert_eq!(b[0]["share"], serde_json::json!(["read", "write"]));
    // A class of the default package: its source file alone.
    let line = line_of("JavaRemoveOpen.java", "Files.delete");
    assert_eq!(
        js_frames(f),
        [(
            "JavaRemoveOpen.java".to_string(),
            line,
            "JavaRemoveOpen.main".to_string()
        )]
    );
}

/// Java's two file APIs as each behaves on Windows: java.io's File.delete clears the
/// read-only attribute first (no finding, file or directory) and returns false for a file
/// a stream holds; NIO's Files.delete of a read-only file is refused
/// (AccessDeniedException), and so is a FileOutputStream of one (FileNotFoundException):
/// each finding with what its API returns or throws on Windows.
#[test]
fn java_findings_follow_the_api_java_io_delete_clears_read_only() {
    if !java_available() {
        return;
    }
    let prog = "JavaApis.java";
    let Some(r) = run("java-apis", &[], prog) else {
        return;
    };
    assert_eq!(r.stdout, "true\ntrue\ntrue\n", "Linux deletes all three");
    let f = r.findings();
    let found: Vec<_> = f
        .iter()
        .map(|f| {
            (
                f["kind"].as_str().unwrap(),
                f["operation"].as_str().unwrap(),
                f["path"].as_str().unwrap(),
            )
        })
        .collect();
    let at = |name: &str| format!("{}/{name}", r.dir());
    let (held, nio, out) = (at("held"), at("nio"), at("out"));
    let mut want = vec![
        ("sharing-violation", "unlink", held.as_str()),
        ("read-only", "unlink", nio.as_str()),
    ];
    // Only root may write a read-only file on Linux; anyone else's open fails there too.
    let root = std::fs::metadata(r.dir()).is_ok_and(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0);
    if root {
        want.push(("read-only", "open", out.as_str()));
        assert_eq!(
            f[2]["java"],
            format!("java.io.FileNotFoundException: {out} (Access is denied)")
        );
        assert_eq!(f[2]["stack"][0]["line"], line_of(prog, "new FileOutputStream(readOnly"));
    }
    assert_eq!(found, want);
    assert_eq!(f[0]["java"], "false (File.delete)");
    assert_eq!(
        f[0]["windows_call"],
        "SetFileAttributesW(FILE_ATTRIBUTE_NORMAL), DeleteFileW (File.delete)"
    );
    assert_eq!(f[0]["stack"][0]["line"], line_of(prog, "held.delete()"));
    assert_eq!(f[1]["java"], format!("java.nio.file.AccessDeniedException: {nio}"));
    assert_eq!(f[1]["windows_call"], "DeleteFileW");
    assert_eq!(f[1]["stack"][0]["line"], line_of(prog, "Files.delete(readOnly"));
}

/// A Java finding names its frames (HotSpot's interpreted frames, read with the JVM's
/// own map of its structures): the program's methods innermost first, in their source
/// files under their package's path, at their lines; the JDK's own frames (Files.delete
/// and below) and the lambda's hidden class left out.
#[test]
fn java_finding_names_the_java_frames() {
    if !java_available() {
        return;
    }
    let prog = "JavaFrames.java";
    let Some(r) = run("java-frames", &[], prog) else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "sharing-violation");
    let file = "com/example/frames/JavaFrames.java".to_string();
    let at = |marker: &str, function: &str| (file.clone(), line_of(prog, marker), function.to_string());
    assert_eq!(
        js_frames(f),
        [
            at("// the call", "com.example.frames.JavaFrames.remove"),
            at("// its caller", "com.example.frames.JavaFrames.clean"),
            at("// the thread's lambda", "com.example.frames.JavaFrames.lambda$main$0"),
        ],
        "{}",
        r.stderr
    );
    let line = line_of(prog, "// the call");
    assert!(
        r.stderr
            .contains(&format!("  at {file}:{line} in com.example.frames.JavaFrames.remove\n")),
        "{}",
        r.stderr
    );
}

/// Java code that runs only where the platform is not Windows is no finding: a removal of
/// a file a stream holds under a test of `os.name`, under a constant made of
/// `File.separatorChar`, after an early return on Windows, in the `else` of a Windows
/// test (the guards read from the program's source, the launcher's file: its frames give
/// the class's package path). The same removal unguarded is the one finding, named by
/// its frames. (JUnit 5's `@DisabledOnOs` and `@EnabledOnOs` are read from source text
/// the same way; JUnit is not on this machine, so they are covered by the unit tests of
/// `javasource`.)
#[test]
fn java_code_under_a_posix_only_guard_is_no_finding() {
    if !java_available() {
        return;
    }
    let prog = "JavaPosixOnly.java";
    let Some(r) = run("java-posix-only", &[], prog) else {
        return;
    };
    assert_eq!(r.stdout, "done\n", "{}", r.stderr);
    let f = r.only_finding();
    assert_eq!(f["kind"], "sharing-violation");
    assert_eq!(f["path"], format!("{}/unguarded", r.dir()));
    let file = "com/example/posixonly/JavaPosixOnly.java".to_string();
    let at = |marker: &str, function: &str| (file.clone(), line_of(prog, marker), function.to_string());
    assert_eq!(
        js_frames(f),
        [
            at("// the removal", "com.example.posixonly.JavaPosixOnly.removeHeld"),
            at("// the finding", "com.example.posixonly.JavaPosixOnly.main"),
        ],
        "{}",
        r.stderr
    );
}

/// The same program built as Maven lays a project out (`src/main/java` compiled into
/// `target/classes`) and run by its class name from elsewhere: its source is found from
/// the class path's `target/classes`, and the guarded removals are no finding. With the
/// sources gone nothing can be read, and every removal is a finding (never dropped on a
/// guess).
#[test]
fn java_source_of_a_class_path_run_is_found_in_its_projects_sources() {
    if !java_available() {
        return;
    }
    let prog = "JavaPosixOnly.java";
    let project = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("java-project-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&project);
    let sources = project.join("src/main/java/com/example/posixonly");
    std::fs::create_dir_all(&sources).unwrap();
    std::fs::copy(programs().join(prog), sources.join(prog)).unwrap();
    let classes = project.join("target/classes");
    let javac = Command::new("javac")
        .arg("-d")
        .arg(&classes)
        .arg(sources.join(prog))
        .status()
        .unwrap();
    assert!(javac.success());
    let argv = || {
        vec![
            "java".to_string(),
            "-cp".to_string(),
            classes.to_str().unwrap().to_string(),
            "com.example.posixonly.JavaPosixOnly".to_string(),
        ]
    };
    let Some(r) = run_argv("java-class-path", &[], argv()) else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["path"], format!("{}/unguarded", r.dir()));
    assert_eq!(f["stack"][1]["line"], line_of(prog, "// the finding"));
    std::fs::remove_dir_all(project.join("src")).unwrap();
    let Some(r) = run_argv("java-class-path-no-source", &[], argv()) else {
        return;
    };
    let mut paths: Vec<&str> = r.findings().iter().map(|f| f["path"].as_str().unwrap()).collect();
    paths.sort();
    let at = |name: &str| format!("{}/{name}", r.dir());
    assert_eq!(
        paths,
        ["constant", "early-return", "else", "os-name", "unguarded"].map(at),
        "{}",
        r.stderr
    );
    let _ = std::fs::remove_dir_all(&project);
}

/// Through code the JIT compiled: after a warm-up (`-Xbatch`: compilations finish before
/// the code runs on) `clean` is compiled with `remove` and the JDK's delete path inlined
/// into it; its frames are read from the nmethod's scopes, the same as interpreted ones.
/// `-XX:+PrintCompilation` shows that `clean` was compiled (the test would otherwise
/// pass through the interpreter).
#[test]
fn java_finding_names_frames_the_jit_compiled() {
    if !java_available() {
        return;
    }
    let prog = "JavaCompiledFrames.java";
    let path = java_source(prog);
    let argv = [
        "java",
        "-Xbatch",
        "-XX:+PrintCompilation",
        "-XX:CompileCommand=quiet",
        "-XX:CompileCommand=dontinline,com.example.jit.JavaCompiledFrames::load",
        &path,
    ];
    let Some(r) = run_argv("java-compiled", &[], argv.map(String::from).to_vec()) else {
        return;
    };
    assert!(
        r.stdout.contains("com.example.jit.JavaCompiledFrames::clean ("),
        "clean was compiled: {}",
        r.stdout
    );
    assert!(
        r.stdout.contains("com.example.jit.JavaCompiledFrames::walk (") && r.stdout.contains("made not entrant"),
        "walk was compiled, then made invalid: {}",
        r.stdout
    );
    assert!(r.stdout.lines().any(|l| l == "true"), "Linux deletes it");
    let f = r.findings();
    assert_eq!(f.len(), 2, "{f:#?}");
    assert_eq!(f[0]["kind"], "sharing-violation");
    assert_eq!(f[0]["path"], format!("{}/held", r.dir()));
    assert_eq!(f[0]["java"], "false (File.delete)");
    let file = "com/example/jit/JavaCompiledFrames.java".to_string();
    let at = |marker: &str, function: &str| (file.clone(), line_of(prog, marker), function.to_string());
    assert_eq!(
        js_frames(&f[0]),
        [
            at("// the call", "com.example.jit.JavaCompiledFrames.remove"),
            at("// its caller", "com.example.jit.JavaCompiledFrames.clean"),
            at("// the finding", "com.example.jit.JavaCompiledFrames.main"),
        ],
        "{}",
        r.stderr
    );
    assert_eq!(f[1]["path"], format!("{}/bird", r.dir()));
    assert_eq!(
        js_frames(&f[1]),
        [
            at(
                "// the call that deoptimizes",
                "com.example.jit.JavaCompiledFrames.load"
            ),
            at("// the deoptimized caller", "com.example.jit.JavaCompiledFrames.walk"),
            at("// the second finding", "com.example.jit.JavaCompiledFrames.main"),
        ],
        "{}",
        r.stderr
    );
}

/// Through calls the VM makes itself (a class initializer, a first reflective call): the
/// walk goes on past the VM's call stub to the Java that called into the VM.
#[test]
fn java_finding_names_frames_across_the_vms_own_calls() {
    if !java_available() {
        return;
    }
    let prog = "JavaVmCalls.java";
    let Some(r) = run("java-vm-calls", &[], prog) else {
        return;
    };
    let f = r.findings();
    assert_eq!(f.len(), 2, "{f:#?}");
    let at = |marker: &str, function: &str| {
        (
            "JavaVmCalls.java".to_string(),
            line_of(prog, marker),
            function.to_string(),
        )
    };
    assert_eq!(f[0]["path"], format!("{}/clinit", r.dir()));
    assert_eq!(
        js_frames(&f[0]),
        [
            at("// the initializer's call", "JavaVmCalls$Holder.<clinit>"),
            at("// the VM initializes Holder", "JavaVmCalls.main"),
        ]
    );
    assert_eq!(f[1]["path"], format!("{}/reflect", r.dir()));
    assert_eq!(
        js_frames(&f[1]),
        [
            at("// the reflective call", "JavaVmCalls.test"),
            at("// invoked reflectively", "JavaVmCalls.main"),
        ]
    );
}

/// Through a runtime stub: code C1 compiled reaches a class not yet initialized through a
/// patching stub, which calls the VM, which runs the class initializer; the walk steps
/// over the stub's frame to the compiled caller. `-XX:+PrintCompilation` shows that the
/// caller was compiled before the call.
#[test]
fn java_finding_names_frames_across_a_runtime_stub() {
    if !java_available() {
        return;
    }
    let prog = "JavaStubFrames.java";
    let argv = [
        "java",
        "-Xbatch",
        "-XX:TieredStopAtLevel=1",
        "-XX:+PrintCompilation",
        &java_source(prog),
    ]
    .map(String::from)
    .to_vec();
    let Some(r) = run_argv("java-stub", &[], argv) else {
        return;
    };
    assert!(
        r.stdout.contains("JavaStubFrames::rare ("),
        "rare was compiled: {}",
        r.stdout
    );
    let f = r.only_finding();
    assert_eq!(f["path"], format!("{}/late", r.dir()));
    let at = |marker: &str, function: &str| {
        (
            "JavaStubFrames.java".to_string(),
            line_of(prog, marker),
            function.to_string(),
        )
    };
    assert_eq!(
        js_frames(f),
        [
            at("// the initializer's call", "JavaStubFrames$Late.<clinit>"),
            at("// the compiled caller", "JavaStubFrames.rare"),
            at("// the first rare call", "JavaStubFrames.main"),
        ],
        "{}",
        r.stderr
    );
}

/// The major release of the `java` on PATH (`java -version`: `openjdk version "21.0.5"`,
/// `"1.8.0_402"` before 9); 0 when it cannot be told.
fn java_major() -> u32 {
    let Ok(out) = Command::new("java").arg("-version").output() else {
        return 0;
    };
    let text = String::from_utf8_lossy(&out.stderr).into_owned();
    let version = text.split('"').nth(1).unwrap_or_default();
    let mut parts = version.split(['.', '_', '-', '+']);
    match parts.next().and_then(|p| p.parse().ok()) {
        Some(1) => parts.next().and_then(|p| p.parse().ok()).unwrap_or(0),
        Some(n) => n,
        None => 0,
    }
}

/// A virtual thread (JDK 21+) that slept was unmounted, its frames frozen into the heap;
/// woken, only its top frames are copied back onto the carrier thread's stack. The
/// finding names the frames below the sleep too, read from the continuation's stack
/// chunks, the same as the JVM's own `getStackTrace` of the thread (which the program
/// prints: its frames but the first, whose line is that of the `getStackTrace` call).
#[test]
fn java_finding_names_a_virtual_threads_frozen_frames() {
    virtual_thread_frames("java-vthread", &[]);
}

/// The same with the frames below the sleep compiled (`-Xcomp`, for the program's
/// `below` and its lambda only, none inlined): frozen compiled frames, then the JDK's
/// interpreted ones, in the chunk. `-XX:+PrintCompilation` shows that `below` was
/// compiled.
#[test]
fn java_finding_names_a_virtual_threads_frozen_compiled_frames() {
    let class = "com.example.vthread.JavaVirtualThreadFrames";
    let only = |m: &str| format!("-XX:CompileCommand=compileonly,{class}::{m}");
    let opts = [
        "-Xcomp".to_string(),
        "-XX:+PrintCompilation".into(),
        "-XX:CompileCommand=quiet".into(),
        only("below"),
        only("lambda*"),
        format!("-XX:CompileCommand=dontinline,{class}::*"),
    ];
    if let Some(stdout) = virtual_thread_frames("java-vthread-compiled", &opts) {
        assert!(
            stdout.contains("JavaVirtualThreadFrames::below ("),
            "below was compiled: {stdout}"
        );
    }
}

/// Runs JavaVirtualThreadFrames.java with the JVM's options `opts` and checks its
/// finding's frames; its output, or `None` when it was not run.
fn virtual_thread_frames(name: &str, opts: &[String]) -> Option<String> {
    if !java_available() {
        return None;
    }
    if java_major() < 21 {
        eprintln!(
            "SKIP: virtual threads need JDK 21 or later (java on PATH is {})",
            java_major()
        );
        return None;
    }
    let prog = "JavaVirtualThreadFrames.java";
    let mut argv = vec!["java".to_string()];
    argv.extend(opts.iter().cloned());
    argv.push(java_source(prog));
    let r = run_argv(name, &[], argv)?;
    let f = r.only_finding();
    assert_eq!(f["kind"], "sharing-violation");
    assert_eq!(f["path"], format!("{}/vthread.dat", r.dir()));
    let file = "com/example/vthread/JavaVirtualThreadFrames.java".to_string();
    let function = |name: &str| format!("com.example.vthread.JavaVirtualThreadFrames.{name}");
    let at = |marker: &str, name: &str| (file.clone(), line_of(prog, marker), function(name));
    let deeper = at("// further down after waking", "woken");
    let below = at("// below the sleep", "below");
    assert_eq!(
        js_frames(f),
        [
            at("// the call", "remove"),
            at("// the last caller", "woken"),
            deeper.clone(),
            deeper,
            at("// woken, mounted again", "sleeper"),
            at("// the sleeper's caller", "below"),
            below.clone(),
            below.clone(),
            below,
            at("// the virtual thread's lambda", "lambda$main$0"),
        ],
        "{}",
        r.stderr
    );
    let jvm: Vec<String> = r
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("frame "))
        .map(String::from)
        .collect();
    let ours: Vec<String> = js_frames(f)
        .iter()
        .map(|(_, line, name)| format!("{name}:{line}"))
        .collect();
    assert_eq!(jvm.len(), ours.len(), "{}", r.stdout);
    assert_eq!(jvm[1..], ours[1..], "the JVM's own getStackTrace");
    Some(r.stdout.clone())
}

/// A Java stack deeper than the walk's limit (256 frames) is named as far as the limit,
/// and the finding says that it goes on (`stack_truncated` in the JSON report, a last
/// line in the text one); a shallow one is named whole, without the mark.
#[test]
fn java_finding_past_the_frame_limit_says_the_stack_goes_on() {
    if !java_available() {
        return;
    }
    let prog = "JavaDeepStack.java";
    let Some(r) = run("java-deep", &[], prog) else {
        return;
    };
    let f = r.findings();
    assert_eq!(f.len(), 2, "{f:#?}");
    let file = "com/example/deep/JavaDeepStack.java".to_string();
    let down = "com.example.deep.JavaDeepStack.down".to_string();
    let (call, recursing) = (line_of(prog, "// the call"), line_of(prog, "// recursing"));
    assert_eq!(f[0]["path"], format!("{}/shallow", r.dir()));
    let mut shallow = vec![(file.clone(), call, down.clone())];
    shallow.extend(std::iter::repeat_n((file.clone(), recursing, down.clone()), 10));
    shallow.push((
        file.clone(),
        line_of(prog, "// the shallow call"),
        "com.example.deep.JavaDeepStack.main".into(),
    ));
    assert_eq!(js_frames(&f[0]), shallow);
    assert!(f[0].get("stack_truncated").is_none(), "{:#}", f[0]);
    assert_eq!(f[1]["path"], format!("{}/deep", r.dir()));
    let deep = js_frames(&f[1]);
    // The JDK's own frames below Files.delete count towards the limit, then are left out.
    assert!((200..256).contains(&deep.len()), "{}", deep.len());
    assert_eq!(deep[0], (file.clone(), call, down.clone()));
    assert!(deep[1..].iter().all(|d| *d == (file.clone(), recursing, down.clone())));
    assert_eq!(f[1]["stack_truncated"], true);
    // Right after the last frame named.
    let lines: Vec<&str> = r.stderr.lines().collect();
    let marked: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].ends_with("==     ... more frames, not read (the walk stops at its limit)"))
        .collect();
    assert_eq!(marked.len(), 1, "{}", r.stderr);
    let last = format!("==     from {file}:{recursing} in {down}");
    assert!(lines[marked[0] - 1].ends_with(&last), "{}", r.stderr);
}

/// `(line, function)` of each frame of finding `f`, whose frames must all be in the
/// file of test program `prog`.
fn frames_in(f: &Value, prog: &str) -> Vec<(u64, String)> {
    js_frames(f)
        .into_iter()
        .map(|(file, line, function)| {
            assert!(file.ends_with(&format!("/{prog}")), "{file}: {f:#}");
            (line, function)
        })
        .collect()
}

/// The finding on `name` of a `*_deep_stack` program's run: its frames are the recursion
/// `down` made, innermost the call, and then (when `outer` is given) those outer ones;
/// with `outer` empty the stack is cut, at `limit` frames or a few less (the language's
/// own frames under the call count towards the limit, then are left out), and says so
/// in the report and, right after its last frame, in the text.
fn assert_deep_stack(r: &Run, prog: &str, name: &str, down: &str, depth: usize, outer: &[(&str, &str)], limit: usize) {
    let f = r.finding_on(name);
    let frames = frames_in(f, prog);
    let (call, recursing) = (line_of(prog, "the call"), line_of(prog, "recursing"));
    assert_eq!(frames[0], (call, down.to_owned()), "{f:#}");
    if !outer.is_empty() {
        let mut want = vec![(call, down.to_owned())];
        want.extend(std::iter::repeat_n((recursing, down.to_owned()), depth));
        want.extend(
            outer
                .iter()
                .map(|(m, function)| (line_of(prog, m), function.to_string())),
        );
        assert_eq!(frames, want, "{f:#}");
        assert!(f.get("stack_truncated").is_none(), "{f:#}");
        return;
    }
    assert!(
        (limit - 8..=limit).contains(&frames.len()),
        "{} frames: {f:#}",
        frames.len()
    );
    assert!(frames[1..].iter().all(|d| *d == (recursing, down.to_owned())), "{f:#}");
    assert_eq!(f["stack_truncated"], true, "{f:#}");
    let lines: Vec<&str> = r.stderr.lines().collect();
    let marked: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].ends_with("==     ... more frames, not read (the walk stops at its limit)"))
        .collect();
    assert_eq!(marked.len(), 1, "{}", r.stderr);
    let last = format!("/{prog}:{recursing} in {down}");
    assert!(lines[marked[0] - 1].ends_with(&last), "{}", r.stderr);
}

/// A Python finding names up to 64 frames (the decisions read the innermost 16): a call
/// 40 deep is named down to the function and the module that made the recursion; one 100
/// deep is named as far as the limit and says that it goes on; a shallow one is named
/// whole, without the mark. The same call 40 deep under a POSIX-only branch of the
/// module, 42 frames out, is no finding; inside a `try` there, it is a finding caught
/// there.
#[test]
fn python_finding_past_the_frame_limit_says_the_stack_goes_on() {
    let prog = "py_deep_stack.py";
    let Some(r) = run("py-deep", &[], prog) else {
        return;
    };
    assert_eq!(r.findings().len(), 4, "{}", r.stderr);
    let caught = &r.finding_on("caught")["caught"];
    assert_eq!(caught["line"], line_of(prog, "# caught"), "{caught:#}");
    assert_eq!(caught["function"], "<module>");
    assert_eq!(caught["by"], "except OSError");
    for name in ["shallow", "forty", "deep"] {
        assert!(r.finding_on(name).get("caught").is_none());
    }
    let outer = |m| [("the test's call", "test_remove"), (m, "<module>")];
    assert_deep_stack(&r, prog, "shallow", "down", 5, &outer("# shallow"), 0);
    assert_deep_stack(&r, prog, "forty", "down", 40, &outer("# forty"), 0);
    assert_deep_stack(&r, prog, "deep", "down", 100, &[], 64);
}

/// The same for Node (64 frames of the chain), Go (32) and C (64 machine frames); the
/// runtime's own frames under the program's first (node's module loader, Go's
/// runtime.main, the C library's start-up) do not make a stack cut.
#[test]
fn node_go_and_c_findings_past_the_frame_limit_say_the_stack_goes_on() {
    let prog = "node_deep_stack.js";
    if let Some(r) = run("node-deep", &[], prog) {
        assert_eq!(r.findings().len(), 2, "{}", r.stderr);
        let outer = [("// the main module's call", "")];
        assert_deep_stack(&r, prog, "shallow", "down", 5, &outer, 0);
        assert_deep_stack(&r, prog, "deep", "down", 100, &[], 64);
    }
    let prog = "c_deep_stack.c";
    if let Some(r) = run("c-deep", &[], prog) {
        assert_eq!(r.findings().len(), 2, "{}", r.stderr);
        assert_deep_stack(&r, prog, "shallow", "down", 5, &[("main's call", "main")], 0);
        assert_deep_stack(&r, prog, "deep", "down", 100, &[], 64);
    }
    if !go_available() {
        return;
    }
    let prog = "go_deep_stack.go";
    if let Some(r) = run("go-deep", &[], prog) {
        assert_eq!(r.findings().len(), 2, "{}", r.stderr);
        assert_deep_stack(
            &r,
            prog,
            "shallow",
            "main.down",
            5,
            &[("// main's call", "main.main")],
            0,
        );
        assert_deep_stack(&r, prog, "deep", "main.down", 100, &[], 32);
    }
}

/// The JVM's records of its NIO opens go with the file: a new file that gets a deleted
/// one's inode number is judged by its own open (a java.io stream: no FILE_SHARE_DELETE).
#[test]
fn java_nio_record_of_a_deleted_file_is_not_a_new_files() {
    if !java_available() {
        return;
    }
    let prog = "JavaInodeReused.java";
    let Some(r) = run("java-inode-reused", &[], prog) else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "sharing-violation");
    assert_eq!(f["path"], format!("{}/held", r.dir()));
    assert_eq!(blockers(f)[0]["share"], serde_json::json!(["read", "write"]));
    assert_eq!(f["stack"][0]["line"], line_of(prog, "// refused on Windows"));
}

/// A file an NIO writer holds can be deleted on Windows (NIO shares delete), and so can a
/// DELETE_ON_CLOSE file; the same name held by a java.io stream cannot, also when an NIO
/// write of it came between (an fd is judged by the open that made it).
#[test]
fn java_nio_writers_share_delete_java_io_streams_do_not() {
    if !java_available() {
        return;
    }
    let Some(r) = run("java-nio", &[], "JavaNioShareDelete.java") else {
        return;
    };
    assert_eq!(r.stdout, "done\n");
    let f = r.findings();
    assert_eq!(f.len(), 2, "{f:#?}");
    for (f, name) in f.iter().zip(["x.dat", "q.dat"]) {
        assert_eq!(f["kind"], "sharing-violation");
        assert_eq!(f["operation"], "unlink");
        assert_eq!(f["path"], format!("{}/{name}", r.dir()));
        let b = blockers(f);
        assert_eq!(b.len(), 1, "{b:#?}");
        assert_eq!(b[0]["access"], serde_json::json!(["write"]));
        assert_eq!(
            b[0]["share"],
            serde_json::json!(["read", "write"]),
            "the FileOutputStream"
        );
    }
}

/// Every JVM unlinks its mapped `hsperfdata_<user>/<pid>` at exit on Linux; HotSpot on
/// Windows leaves that file to FILE_FLAG_DELETE_ON_CLOSE and makes no such call.
#[test]
fn java_close_then_delete_is_fine_and_the_jvm_exit_is_not_a_finding() {
    if !java_available() {
        return;
    }
    let Some(r) = run("java-close-remove", &[], "JavaCloseRemove.java") else {
        return;
    };
    r.no_findings();
    assert_eq!(r.stdout.trim(), "deleted");
    assert!(r.status.success());
}

/// rustc links with rust-lld: lld writes a temporary file and renames it over the output
/// while its own fd is still open. LLVM shares delete on every open, so this is fine.
#[test]
fn rustc_linking_with_lld_is_fine() {
    let Some(r) = run("rustc-link", &[], "sh_rustc_link.sh") else {
        return;
    };
    r.no_findings();
    assert!(r.status.success(), "{}", r.stderr);
    assert!(Path::new(r.dir()).join("prog").exists());
}

/// lld's Windows build renames a running output aside before writing the new one
/// (`lld::unlinkAsync`): relinking a program that runs is fine, unlike with link.exe.
#[test]
fn relinking_a_running_program_with_lld_is_fine() {
    let Some(r) = run("relink-running", &[], "sh_relink_running.sh") else {
        return;
    };
    r.no_findings();
    assert!(r.status.success(), "{}", r.stderr);
}

/// ... but not when another program has the old output open without sharing delete.
#[test]
fn relinking_an_output_another_program_reads_is_a_sharing_violation() {
    let Some(r) = run("relink-held", &[], "sh_relink_held.sh") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "sharing-violation");
    assert_eq!(f["operation"], "unlink");
    assert_eq!(f["path"], format!("{}/prog", r.dir()));
    assert_eq!(f["runtime"], "llvm");
    assert_eq!(f["process"], "rust-lld");
    assert!(
        f["windows_call"].as_str().unwrap().starts_with("lld unlinkAsync"),
        "{f}"
    );
    let b = blockers(f);
    assert_eq!(b.len(), 1, "lld's own fd shares delete: {b:#?}");
    assert_eq!(b[0]["process"], "python3");
    assert_eq!(b[0]["fd"], r.stdout.trim().parse::<i64>().unwrap());
    assert_eq!(b[0]["access"], serde_json::json!(["read"]));
}

/// Whether `python3` is a CPython whose frames winsan reads (3.11).
fn python_frames_readable() -> bool {
    static OK: OnceLock<bool> = OnceLock::new();
    *OK.get_or_init(|| {
        let out = Command::new(python())
            .args([
                "-c",
                "import sys, platform; print(platform.python_implementation(), sys.version_info[:2])",
            ])
            .output()
            .unwrap();
        let ok = matches!(
            String::from_utf8_lossy(&out.stdout).trim(),
            "CPython (3, 11)" | "CPython (3, 12)" | "CPython (3, 13)" | "CPython (3, 14)" | "CPython (3, 15)"
        );
        if !ok {
            eprintln!(
                "SKIP: {} is not CPython 3.11 to 3.15, whose frames winsan reads",
                python()
            );
        }
        ok
    })
}

#[test]
fn a_python_finding_names_its_frames() {
    if !python_frames_readable() {
        return;
    }
    let Some(r) = run("py-stack", &[], "py_stack.py") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "sharing-violation");
    let src = programs().join("py_stack.py");
    let src = src.to_str().unwrap();
    let frame = |line: u32, function: &str| serde_json::json!({"file": src, "line": line, "function": function});
    assert_eq!(
        f["stack"],
        serde_json::json!([frame(4, "remove_it"), frame(7, "main"), frame(8, "<module>")])
    );
    assert!(
        r.stderr.contains(&format!("   at {src}:4 in remove_it\n")),
        "{}",
        r.stderr
    );
}

#[test]
fn the_frames_are_the_calling_threads() {
    if !python_frames_readable() {
        return;
    }
    let Some(r) = run("py-stack-thread", &[], "py_thread.py") else {
        return;
    };
    let f = r.only_finding();
    let top = &f["stack"][0];
    assert!(top["file"].as_str().unwrap().ends_with("/threading.py"), "{f}");
    assert_eq!(top["function"], "run", "{f}");
}

#[test]
fn closing_a_mapped_named_temporary_file_is_fine() {
    if !python_frames_readable() {
        return;
    }
    let Some(r) = run("py-ntf-mmap", &[], "py_ntf_mmap_close.py") else {
        return;
    };
    r.no_findings();
    assert_eq!(r.stdout.trim(), "100");
}

#[test]
fn a_child_started_just_after_a_scan_is_a_holder() {
    let Some(r) = run("child-after-scan", &[], "py_child_started_after_scan.py") else {
        return;
    };
    let f = r.findings();
    assert_eq!(f.len(), 2, "{f:#?}");
    assert_eq!(f[1]["operation"], "unlink");
    assert_eq!(f[1]["path"], format!("{}/l2", r.dir()));
    let b = blockers(&f[1]);
    assert_eq!(b.len(), 1);
    assert_eq!(
        b[0]["pid"],
        r.stdout.trim().parse::<i64>().unwrap(),
        "the child's inherited fd"
    );
}

#[test]
fn multiprocessing_semaphores_are_not_files() {
    let Some(r) = run("multiprocessing", &[], "py_multiprocessing.py") else {
        return;
    };
    r.no_findings();
    assert_eq!(r.stdout.trim(), "6");
}

#[test]
fn sqlite_wal_close_is_fine_an_open_database_is_not() {
    let Some(r) = run("sqlite", &[], "py_sqlite.py") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "sharing-violation");
    assert_eq!(f["path"], format!("{}/r.db", r.dir()));
    assert!(r.stderr.contains("SQLite's Windows VFS (winOpen)"), "{}", r.stderr);
    assert_eq!(r.stdout.trim(), "100");
}

/// An rmtree of a directory whose WAL database is still open: the database, its WAL and
/// its WAL index are all in the way on Windows (SQLite's own close of the index is not).
#[test]
fn rmtree_of_an_open_wal_database() {
    if !python_frames_readable() {
        return;
    }
    let Some(r) = run("rmtree-wal", &[], "py_rmtree_open_wal_db.py") else {
        return;
    };
    let mut paths: Vec<String> = r
        .findings()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_owned())
        .collect();
    paths.sort();
    let want: Vec<String> = ["w.db", "w.db-shm", "w.db-wal"]
        .iter()
        .map(|n| format!("{}/db/{n}", r.dir()))
        .collect();
    assert_eq!(paths, want);
    assert_eq!(r.stdout.trim(), "False");
}

#[test]
fn temporary_directory_cleanup_recovers_from_read_only_files() {
    if !python_frames_readable() {
        return;
    }
    let Some(r) = run("tempdir-ro", &[], "py_tempdir_readonly.py") else {
        return;
    };
    r.no_findings();
    assert_eq!(r.stdout.trim(), "False");
}

/// Shells and the POSIX tools are judged as the MSYS2 (Cygwin) builds Git Bash runs on
/// Windows: everything they open shares everything (so does their working directory), and
/// `rm`/`mv` delete with POSIX semantics that ignore the read-only attribute and move a
/// running or mapped file to the recycle bin. The scripts that are findings as C programs
/// (the tests above with `--runtime crt`) are none under Git Bash.
#[test]
fn shell_scripts_are_judged_as_git_bash_runs_them() {
    for (name, script) in [
        ("gb-rmdir-cwd", "sh_rmdir_cwd.sh"),
        ("gb-ro", "sh_chmod_rm.sh"),
        ("gb-rm-exe", "sh_rm_running_exe.sh"),
        ("gb-rm-bg", "sh_rm_held_by_bg.sh"),
        ("gb-mv-open", "sh_mv_onto_open.sh"),
        ("gb-heredoc", "sh_heredoc.sh"),
    ] {
        let Some(r) = run(name, &[], script) else {
            return;
        };
        assert!(r.findings().is_empty(), "{script}: {:#?}", r.findings());
        assert_eq!(r.status.code(), Some(0), "{script}");
    }
}

/// What Git Bash cannot do either: `rm` of a file a Python program holds open without
/// FILE_SHARE_DELETE. Cygwin reports the sharing violation as EBUSY.
#[test]
fn shell_rm_of_a_file_python_holds_is_a_sharing_violation_as_ebusy() {
    let Some(r) = run("gb-rm-py", &[], "sh_rm_held_by_python.sh") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "sharing-violation");
    assert_eq!(f["operation"], "unlink");
    assert_eq!(f["process"], "rm");
    assert_eq!(f["runtime"], "cygwin");
    assert_eq!(f["path"], format!("{}/held.txt", r.dir()));
    assert_eq!(f["error"], "ERROR_SHARING_VIOLATION");
    assert_eq!(f["cygwin"], "EBUSY: Device or resource busy");
    let b = blockers(f);
    assert_eq!(b.len(), 1);
    assert_eq!(b[0]["pid"], stdout_pid(&r));
    assert_eq!(b[0]["process"], "python3");
    assert_eq!(b[0]["access"], serde_json::json!(["write"]));
}

/// An inherited fd keeps the share mode of the process that opened it: Python opens a
/// log without FILE_SHARE_DELETE, hands it to a Node child as stdout and closes its own
/// copy; the child's handle is Python's file object on Windows, so deleting the log is
/// still a sharing violation (Node's own opens would share delete).
#[test]
fn an_inherited_log_keeps_the_openers_share_mode() {
    let Some(r) = run("inherit-node", &[], "py_log_inherited_by_node.py") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "sharing-violation");
    assert_eq!(f["operation"], "unlink");
    assert_eq!(f["path"], format!("{}/server.log", r.dir()));
    assert_eq!(f["runtime"], "python");
    let b = blockers(f);
    assert_eq!(b.len(), 1, "{b:?}");
    assert_eq!(b[0]["pid"], stdout_pid(&r));
    assert_eq!(b[0]["process"], "node");
    assert_eq!(b[0]["fd"], 1);
    assert_eq!(b[0]["runtime"], "python");
    assert_eq!(b[0]["inherited_from"], f["pid"]);
    assert_eq!(b[0]["share"], serde_json::json!(["read", "write"]));
}

/// The other way round: a shell's `> log &` for a Python program. The handle is the
/// shell's (Git Bash shares everything), so `rm log` while the program runs is fine.
#[test]
fn a_shell_redirection_keeps_the_shells_share_mode() {
    let Some(r) = run("inherit-sh", &[], "sh_redirect_rm_log.sh") else {
        return;
    };
    assert!(r.findings().is_empty(), "{:#?}", r.findings());
    assert_eq!(r.status.code(), Some(0));
    assert_eq!(r.stdout.trim(), "removed");
}

/// `tempfile.NamedTemporaryFile` is opened with `O_TEMPORARY` on Windows (DELETE access,
/// delete-on-close): reopening its name for writing without sharing delete is a sharing
/// violation, in the program itself and in a child (python/cpython#58451). Told from
/// `mkstemp` by the Python frames of the create (`NamedTemporaryFile` with `delete`
/// true).
#[test]
fn named_temporary_file_reopened_by_name() {
    let Some(r) = run("ntf-reopen", &[], "py_ntf_reopen.py") else {
        return;
    };
    assert_eq!(r.stdout.trim(), "xy 0", "transparent");
    let f = r.findings();
    assert_eq!(f.len(), 2, "{f:#?}");
    let (own, child) = (&f[0], &f[1]);
    for x in [own, child] {
        assert_eq!(x["kind"], "sharing-violation");
        assert_eq!(x["operation"], "open");
        assert_eq!(x["error"], "ERROR_SHARING_VIOLATION");
        assert!(x["path"].as_str().unwrap().ends_with(".cfg"), "{x}");
        assert!(
            x["python"]
                .as_str()
                .unwrap()
                .starts_with("PermissionError: [Errno 13] Permission denied"),
            "{x}"
        );
        let b = blockers(x);
        assert_eq!(b.len(), 1, "{b:?}");
        assert_eq!(b[0]["pid"], own["pid"], "the NamedTemporaryFile's own handle");
        assert_eq!(b[0]["access"], serde_json::json!(["read", "write", "delete"]));
        assert_eq!(b[0]["share"], serde_json::json!(["read", "write", "delete"]));
    }
    assert_ne!(child["pid"], own["pid"]);
    assert_eq!(own["stack"][0]["line"], 7);
    // Enforced, the program's own reopen raises what it raises on Windows.
    let Some(r) = run("ntf-reopen-enforce", &["--enforce"], "py_ntf_reopen.py") else {
        return;
    };
    assert_eq!(r.status.code(), Some(1));
    assert!(
        r.stderr.contains("PermissionError: [Errno 13] Permission denied"),
        "{}",
        r.stderr
    );
    assert_eq!(r.findings().len(), 1);
}

/// The forms that work on Windows: `delete=False` (no `O_TEMPORARY`) and `mkstemp`.
#[test]
fn named_temporary_file_without_delete_reopens_fine() {
    let Some(r) = run("ntf-nodelete", &[], "py_ntf_no_delete_reopen.py") else {
        return;
    };
    r.no_findings();
    assert_eq!(r.stdout.trim(), "[]");
}

/// The CPython interpreters to check the frame reader against: the default `python3` and
/// the 3.12 and 3.13 builds of pyenv where they are installed (the machines' image has
/// them beside 3.11).
fn pythons() -> Vec<String> {
    let mut v = vec!["python3".to_owned()];
    for (dir, exe) in [("3.12", "python3.12"), ("3.13", "python3.13")] {
        let Ok(rd) = std::fs::read_dir("/root/.pyenv/versions") else {
            break;
        };
        let mut found: Vec<_> = rd
            .flatten()
            .map(|e| e.path().join("bin").join(exe))
            .filter(|p| {
                p.is_file()
                    && p.parent()
                        .and_then(|b| b.parent())
                        .is_some_and(|v| v.to_string_lossy().contains(&format!("/{dir}.")))
            })
            .collect();
        found.sort();
        if let Some(p) = found.pop() {
            v.push(p.to_string_lossy().into_owned());
        }
    }
    v
}

/// The frame reader and what depends on it, on each CPython version it knows (3.11, 3.12,
/// 3.13: each has its own structure layout): the frames of a finding, a
/// NamedTemporaryFile told from mkstemp and its `delete` argument read (and 3.12's
/// `delete_on_close`), and the close of a mapped NamedTemporaryFile recognised.
#[test]
fn python_frames_on_every_known_version() {
    let all = pythons();
    eprintln!("interpreters: {all:?}");
    for py in all {
        let prog = |p: &str| vec![py.clone(), programs().join(p).to_string_lossy().into_owned()];
        let tag = py.rsplit('/').next().unwrap().replace('.', "");
        let Some(r) = run_argv(&format!("stack-{tag}"), &[], prog("py_stack.py")) else {
            return;
        };
        let f = r.only_finding();
        let lines: Vec<(String, u64)> = f["stack"]
            .as_array()
            .unwrap_or_else(|| panic!("{py}: no stack: {f}"))
            .iter()
            .map(|fr| {
                (
                    fr["function"].as_str().unwrap().to_owned(),
                    fr["line"].as_u64().unwrap(),
                )
            })
            .collect();
        let want = [("remove_it", 4), ("main", 7), ("<module>", 8)].map(|(f, l)| (f.to_owned(), l));
        assert_eq!(lines, want, "{py}");

        let r = run_argv(&format!("ntf-{tag}"), &[], prog("py_ntf_reopen.py")).unwrap();
        assert_eq!(r.findings().len(), 2, "{py}: {:#?}", r.findings());
        assert_eq!(
            r.findings()[0]["blockers"][0]["access"],
            serde_json::json!(["read", "write", "delete"]),
            "{py}"
        );
        let r = run_argv(&format!("ntf-nodel-{tag}"), &[], prog("py_ntf_no_delete_reopen.py")).unwrap();
        assert!(r.findings().is_empty(), "{py}: {:#?}", r.findings());
        let r = run_argv(&format!("ntf-mmap-{tag}"), &[], prog("py_ntf_mmap_close.py")).unwrap();
        assert!(r.findings().is_empty(), "{py}: {:#?}", r.findings());
        let r = run_argv(&format!("ntf-doc-{tag}"), &[], prog("py_ntf_delete_on_close_false.py")).unwrap();
        assert!(r.findings().is_empty(), "{py}: {:#?}", r.findings());
        let want = if py == "python3" { "3.11" } else { "[]" };
        assert_eq!(r.stdout.trim(), want, "{py}");
    }
}

#[test]
fn os_rename_onto_an_existing_file_is_rename_target_exists() {
    if !python_frames_readable() {
        return;
    }
    let Some(r) = run("rename-exists", &[], "py_rename_onto_existing.py") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "rename-target-exists");
    assert_eq!(f["operation"], "rename");
    let (tmp, out) = (format!("{}/out.tmp", r.dir()), format!("{}/out.txt", r.dir()));
    assert_eq!(f["path"], tmp);
    assert_eq!(f["target"], out);
    assert_eq!(
        f["windows_call"],
        "MoveFileExW (os.rename: without MOVEFILE_REPLACE_EXISTING)"
    );
    assert_eq!(f["error"], "ERROR_ALREADY_EXISTS");
    assert_eq!(f["win32"], 183);
    assert_eq!(f["ntstatus"], "STATUS_OBJECT_NAME_COLLISION");
    assert_eq!(
        f["python"],
        format!(
            "FileExistsError: [WinError 183] Cannot create a file when that file already exists: '{tmp}' -> '{out}'"
        )
    );
    assert!(blockers(f).is_empty(), "nobody is in the way: the name is");
    assert_eq!(f["count"], 4, "every rename after the first");
    assert_eq!(f["stack"][0]["line"], 10);
    assert_eq!(r.status.code(), Some(66));
}

#[test]
fn path_rename_in_a_thread_is_rename_target_exists() {
    if !python_frames_readable() {
        return;
    }
    let Some(r) = run("pathlib-rename", &[], "py_pathlib_rename_thread.py") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "rename-target-exists", "{f}");
    assert_eq!(f["path"], format!("{}/a", r.dir()));
    assert_eq!(f["target"], format!("{}/b", r.dir()));
    assert_ne!(f["tid"], f["pid"], "the worker thread renamed");
    let stack: Vec<&str> = f["stack"]
        .as_array()
        .unwrap()
        .iter()
        .map(|fr| fr["function"].as_str().unwrap())
        .collect();
    assert_eq!(&stack[..2], ["rename", "worker"], "Path.rename called by worker");
}

#[test]
fn renames_that_replace_on_windows_are_fine() {
    let Some(r) = run("replace-move", &[], "py_replace_and_move.py") else {
        return;
    };
    r.no_findings();
    assert!(r.stdout.contains("linux refuses"), "{}", r.stdout);
}

/// A rename the program catches (`except FileExistsError`: remove the target, rename
/// again) is no finding; under --enforce the call still fails, so the program's Windows
/// path runs.
#[test]
fn a_caught_os_rename_is_no_finding_and_its_handler_runs_under_enforce() {
    if !python_frames_readable() {
        return;
    }
    let Some(r) = run("rename-fallback", &[], "py_rename_fallback.py") else {
        return;
    };
    r.no_findings();
    assert_eq!(r.stdout.trim(), "renamed", "Linux replaces");
    let Some(r) = run("rename-fallback-enforce", &["--enforce"], "py_rename_fallback.py") else {
        return;
    };
    r.no_findings();
    assert_eq!(r.stdout.trim(), "recovered", "the program's Windows path ran");
    assert_eq!(r.status.code(), Some(0));
}

/// A rename caught by a bare except, through a finally or a with block, or around a
/// comprehension is handled; one whose only handler is the standard library's catch-all
/// (a thread pool's work item) is not, nor one in a child multiprocessing forked.
#[test]
fn caught_renames_in_every_handler_shape_and_the_uncaught_ones() {
    if !python_frames_readable() {
        return;
    }
    let Some(r) = run("rename-caught-forms", &[], "py_rename_caught_forms.py") else {
        return;
    };
    let mut paths: Vec<String> = r
        .findings()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_owned())
        .collect();
    paths.sort();
    assert_eq!(
        paths,
        [format!("{}/forked.new", r.dir()), format!("{}/pool.new", r.dir())],
        "{}",
        r.stderr
    );
    assert!(r.findings().iter().all(|f| f["kind"] == "rename-target-exists"));
    assert_eq!(
        r.stdout.trim(),
        "['bare', 'comprehension', 'finally', 'forked', 'lock', 'pool', 'with']"
    );
}

/// `except*` clauses (exception groups) catch a rename's FileExistsError too, by their
/// classes (read from `CHECK_EG_MATCH` handlers); clauses of other classes do not.
#[test]
fn renames_caught_by_except_star() {
    if !python_frames_readable() {
        return;
    }
    let prog = "py_rename_caught_star.py";
    let Some(r) = run("rename-caught-star", &[], prog) else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "rename-target-exists");
    assert_eq!(f["path"], format!("{}/other.new", r.dir()));
    assert_eq!(f["stack"][0]["line"], line_of(prog, "# the finding"));
    assert_eq!(r.stdout.trim(), "done", "Linux replaces: no handler runs");
}

/// A tracer's instrumented bytecode is read as the code it replaced: a caught rename is
/// still caught, under coverage or a debugger.
#[test]
fn caught_renames_under_a_tracer() {
    if !python_frames_readable() {
        return;
    }
    let Some(r) = run("rename-traced", &[], "py_rename_caught_traced.py") else {
        return;
    };
    assert_eq!(r.stdout, "done\n");
    let f = r.only_finding();
    assert_eq!(f["kind"], "rename-target-exists");
    assert_eq!(f["path"], format!("{}/uncaught.new", r.dir()));
}

/// Python frames named in any script: the location names them; the source is read.
#[test]
fn python_frames_with_non_ascii_names() {
    if !python_frames_readable() {
        return;
    }
    let Some(r) = run("non-ascii", &[], "py_non_ascii_names.py") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "rename-target-exists");
    assert_eq!(f["path"], format!("{}/one.new", r.dir()));
    assert_eq!(f["stack"][0]["function"], "fé");
    assert_eq!(f["stack"][0]["file"], format!("{}/dé_дир_😀/modülé.py", r.dir()));
    assert_eq!(f["stack"][0]["line"], 3);
}

/// `os.remove` of a WAL index while its connection is open is the program's own delete
/// (SQLite's unlink of it at close is exempt, `sqlite_wal_close_is_fine_an_open_database_is_not`).
#[test]
fn removing_the_wal_index_of_an_open_database() {
    if !python_frames_readable() {
        return;
    }
    let Some(r) = run("sqlite-shm", &[], "py_sqlite_remove_shm.py") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "mapped-file");
    assert_eq!(f["path"], format!("{}/w.db-shm", r.dir()));
    assert_eq!(f["error"], "ERROR_SHARING_VIOLATION");
    assert!(
        r.stderr.contains("its WAL index, which its Windows VFS maps too"),
        "{}",
        r.stderr
    );
    assert_eq!(
        r.stdout.trim(),
        "['v.db', 'w.db']",
        "v.db's own close removed its -shm and -wal"
    );
}

#[test]
fn renaming_a_directory_onto_an_empty_one_is_rename_target_exists() {
    let Some(r) = run("rename-dir-onto-dir", &[], "node_rename_dir_onto_empty.js") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "rename-target-exists");
    assert_eq!(f["runtime"], "node");
    assert_eq!(f["path"], format!("{}/build.tmp", r.dir()));
    assert_eq!(f["target"], format!("{}/site", r.dir()));
    assert_eq!(f["error"], "ERROR_ACCESS_DENIED");
    let (from, to) = (format!("{}/build.tmp", r.dir()), format!("{}/site", r.dir()));
    assert_eq!(
        f["node"],
        format!("Error: EPERM: operation not permitted, rename '{from}' -> '{to}'")
    );
    assert_eq!(r.stdout.trim(), "index.html", "Linux replaced the empty directory");
}

#[test]
fn java_file_rename_to_onto_an_existing_file_is_rename_target_exists() {
    if !java_available() {
        return;
    }
    let Some(r) = run("java-rename-to", &[], "JavaRenameTo.java") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "rename-target-exists");
    assert_eq!(f["runtime"], "java");
    assert_eq!(f["path"], format!("{}/app.conf.new", r.dir()));
    assert_eq!(f["target"], format!("{}/app.conf", r.dir()));
    assert_eq!(f["error"], "ERROR_ALREADY_EXISTS");
    assert_eq!(f["java"], "false (File.renameTo)");
    assert_eq!(r.stdout.trim(), "true\ntrue", "Linux replaced");
}

/// Views copied into fork workers are no Windows views (spawned workers inherit none):
/// removing the file after the parent closed its view is fine when the workers' copies
/// sit at the parent's addresses; a view a worker made itself is in the way.
#[test]
fn fork_workers_copied_views_are_not_in_the_way_their_own_are() {
    let Some(r) = run("fork-pool-mapped", &[], "py_fork_pool_mapped.py") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "mapped-file");
    assert_eq!(f["path"], format!("{}/own.bin", r.dir()));
    let worker: i64 = r.stdout.lines().last().unwrap().trim().parse().unwrap();
    let b = blockers(f);
    assert!(
        b.iter().all(|b| b["pid"] == worker),
        "only the worker that mapped it: {b:#?}"
    );
    assert!(b.iter().any(|b| b["what"] == "mapping"), "{b:#?}");
}

#[test]
fn sqlite_close_with_a_fork_pool_running_is_fine() {
    let Some(r) = run("sqlite-fork-pool", &[], "py_sqlite_fork_pool.py") else {
        return;
    };
    r.no_findings();
    assert_eq!(r.stdout.lines().last().unwrap(), "['cache.db']");
}

#[test]
fn only_renames_the_program_does_not_catch_are_findings() {
    if !python_frames_readable() {
        return;
    }
    let Some(r) = run("rename-handlers", &[], "py_rename_handlers.py") else {
        return;
    };
    let mut got: Vec<(String, String)> = r
        .findings()
        .iter()
        .map(|f| {
            assert_eq!(f["kind"], "rename-target-exists");
            let frame = |i: usize| f["stack"][i]["function"].as_str().unwrap().to_owned();
            (
                f["path"].as_str().unwrap().rsplit('/').next().unwrap().to_owned(),
                frame(1),
            )
        })
        .collect();
    got.sort();
    let want = [("e", "other_classes_only"), ("g", "finally_only"), ("i", "in_a_task")]
        .map(|(p, f)| (p.to_owned(), f.to_owned()));
    assert_eq!(got, want);
}

#[test]
fn ctypes_find_library_gcc_probe_is_posix_only() {
    if !python_frames_readable() || Command::new("gcc").arg("--version").output().is_err() {
        return;
    }
    let Some(r) = run("ctypes-find-library", &[], "py_ctypes_find_library.py") else {
        return;
    };
    assert_eq!(r.stdout.trim(), "True", "the probe ran the linker");
    r.no_findings();
}

#[test]
fn a_module_skipped_on_windows_runs_nothing_below_the_skip() {
    if !python_frames_readable() {
        return;
    }
    let Some(r) = run("module-skipped", &[], "py_module_skipped.py") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "sharing-violation");
    assert_eq!(f["path"], format!("{}/above", r.dir()));
}

/// Code under a test of a capability CPython's Windows build lacks (`hasattr(os,
/// "fork")`, `not hasattr(os, "getuid")` and return, a name assigned once to
/// `hasattr(os, "fchown")`, `getattr(signal, "SIGKILL", None) is not None`,
/// `shutil.rmtree.avoids_symlink_attacks`, a test skipped without `os.geteuid`) is no
/// finding; the same code under a capability Windows has (`os.symlink`, `os.link`,
/// `os.kill`, `os.fchmod`) is one.
#[test]
fn code_under_a_capability_windows_lacks_is_no_finding() {
    if !python_frames_readable() {
        return;
    }
    let prog = "py_capability_guards.py";
    let Some(r) = run("capability-guards", &[], prog) else {
        return;
    };
    assert_eq!(r.stdout, "2 0 0\n", "both tests ran and passed");
    let mut found: Vec<(String, u64)> = r
        .findings()
        .iter()
        .map(|f| {
            let name = f["path"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();
            (name, f["stack"][1]["line"].as_u64().unwrap())
        })
        .collect();
    found.sort();
    let windows = |name: &str, call: &str| (name.to_owned(), line_of(prog, call));
    assert_eq!(
        found,
        [
            windows("fchmod", "remove_open(\"fchmod\")"),
            windows("kill", "remove_open(\"kill\")"),
            windows("link", "remove_open(\"link\")"),
            windows("symlink", "remove_open(\"symlink\")"),
            windows("symlink-flag", "remove_open(\"symlink-flag\")"),
        ],
        "{}",
        r.stderr
    );
}

#[test]
fn a_posix_only_branch_is_no_finding() {
    if !python_frames_readable() {
        return;
    }
    let Some(r) = run("posix-only-branch", &[], "py_posix_only_branch.py") else {
        return;
    };
    let f = r.only_finding();
    assert_eq!(f["kind"], "sharing-violation");
    assert_eq!(f["path"], format!("{}/plain", r.dir()));
}

/// The findings of `py_caught.py`, by the last two parts of their path, with their
/// `caught` (`Null` when absent) and count.
fn caught_by_path(r: &Run) -> Vec<(String, Value, u64)> {
    let mut out: Vec<(String, Value, u64)> = r
        .findings()
        .iter()
        .map(|f| {
            let path = f["path"].as_str().unwrap().strip_prefix(r.dir()).unwrap().to_owned();
            (path, f["caught"].clone(), f["count"].as_u64().unwrap())
        })
        .collect();
    out.sort_by(|a, b| (&a.0, a.1.is_null()).cmp(&(&b.0, b.1.is_null())));
    out
}

/// Where the program catches the PermissionError a removal of an open file raises on
/// Windows, for every finding (each still one): an `except OSError` around the call, an
/// `except PermissionError` in a caller, an outer `try` of the same frame past an inner
/// `except FileNotFoundError`, `contextlib.suppress`, `shutil.rmtree(ignore_errors=True)`
/// (at its caller's line), the caller's `except` around an `rmtree` whose default
/// handler raises again; not an `except FileNotFoundError` alone, an `except OSError`
/// whose body may raise again (read from its source), a `suppress` of another class,
/// an `rmtree` without ignore_errors, nor one with the program's own handler. Read from
/// the code's exception table and the objects of the `with` and of rmtree's frame:
/// CPython 3.11 to 3.15 (each implements rmtree's handler its own way).
#[test]
fn where_the_program_catches_a_python_finding() {
    if !python_frames_readable() {
        return;
    }
    let prog = "py_caught.py";
    let Some(r) = run("caught", &[], prog) else {
        return;
    };
    let src = programs().join(prog).to_str().unwrap().to_owned();
    let at = |marker: &str, function: &str, by: &str| serde_json::json!({"file": src, "line": line_of(prog, marker), "function": function, "by": by});
    let want: Vec<(String, Value, u64)> = vec![
        (
            "/caller".into(),
            at("# caught in the caller", "caller", "except PermissionError"),
            1,
        ),
        ("/handler/held".into(), Value::Null, 1),
        (
            "/ignored/held".into(),
            at(
                "# rmtree ignoring errors",
                "<module>",
                "shutil.rmtree(ignore_errors=True)",
            ),
            1,
        ),
        (
            "/nested".into(),
            at("# inner FileNotFoundError", "nested", "except (ValueError, os.error)"),
            1,
        ),
        ("/not-found".into(), Value::Null, 1),
        (
            "/oserror".into(),
            at("# by except OSError", "<module>", "except OSError"),
            1,
        ),
        (
            "/raised-caught/held".into(),
            at("# rmtree raising to an except", "<module>", "except OSError"),
            1,
        ),
        ("/raised/held".into(), Value::Null, 1),
        ("/reraised".into(), Value::Null, 1),
        ("/suppress-other".into(), Value::Null, 1),
        (
            "/suppressed".into(),
            at(
                "# by suppress",
                "<module>",
                "contextlib.suppress(FileNotFoundError, PermissionError)",
            ),
            1,
        ),
        (
            "/twice".into(),
            at("# caught in one caller", "twice", "except OSError"),
            2,
        ),
        ("/twice".into(), Value::Null, 1),
        ("/uncaught".into(), Value::Null, 1),
    ];
    assert_eq!(caught_by_path(&r), want, "{}", r.stderr);
    assert!(r.findings().iter().all(|f| f["kind"] == "sharing-violation"));
    assert_eq!(r.stdout.trim(), "[]", "Linux removed them all");
    // Caught or not, each is a finding: the exit status says so.
    assert_eq!(r.status.code(), Some(66));
    assert!(
        r.stderr.contains(&format!(
            "   caught: the program catches this PermissionError (except PermissionError) at {src}:{} in caller\n",
            line_of(prog, "# caught in the caller")
        )),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(
            "winsan: 14 findings (14 sharing-violation) in 1 process, 7 of them caught by the program; the program exited 0"
        ),
        "{}",
        r.stderr
    );
}

/// A finding the program catches is a GitHub `::warning` and a SARIF `warning`, the
/// others `::error`s and `error`s; `--hide-caught` leaves caught ones out of the
/// per-finding output only (the report, the summary and the exit status keep them).
#[test]
fn caught_findings_are_warnings_and_can_be_hidden() {
    if !python_frames_readable() {
        return;
    }
    let prog = "py_caught.py";
    let Some(r) = run("caught-github", &["--format", "github"], prog) else {
        return;
    };
    let lines = |level: &str| r.stderr.lines().filter(|l| l.starts_with(level)).count();
    assert_eq!((lines("::warning "), lines("::error ")), (7, 7), "{}", r.stderr);
    let src = programs().join(prog).to_str().unwrap().to_owned();
    assert!(
        r.stderr.contains(&format!(
            "::warning file={src},line={},title=winsan sharing-violation::",
            line_of(prog, "# by suppress")
        )),
        "{}",
        r.stderr
    );
    let Some(r) = run("caught-sarif", &["--format", "sarif"], prog) else {
        return;
    };
    let start = r.stderr.find('{').expect("a SARIF document on stderr");
    let end = r.stderr.rfind('}').unwrap();
    let doc: Value = serde_json::from_str(&r.stderr[start..=end]).unwrap();
    let results = doc["runs"][0]["results"].as_array().unwrap();
    let level = |l: &str| results.iter().filter(|x| x["level"] == l).count();
    assert_eq!((level("warning"), level("error")), (7, 7));
    let Some(r) = run("caught-hidden", &["--hide-caught"], prog) else {
        return;
    };
    assert_eq!(
        r.stderr.matches("winsan: sharing-violation: unlink(").count(),
        7,
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("   caught: "), "{}", r.stderr);
    assert_eq!(r.findings().len(), 14);
    assert!(r
        .stderr
        .contains("7 of them caught by the program; the program exited 0"));
    assert!(r
        .stderr
        .contains("winsan: 7 findings the program catches not shown (--hide-caught"));
    assert_eq!(r.status.code(), Some(66));
}

/// Where a Node program catches what a synchronous call throws on Windows (EBUSY: a
/// Python child holds the files without sharing delete), read from the source: a
/// `try`/`catch` around the call, one around a helper's call in its caller, one around a
/// `try`/`finally`; not a `catch` that throws again, nor a `try` around an arrow function
/// that runs later (from the event loop), nor no `try` at all. Every one stays a finding.
#[test]
fn where_a_node_program_catches_a_finding() {
    let prog = "node_caught.js";
    let Some(r) = run("node-caught", &[], prog) else {
        return;
    };
    let src = real_path(prog);
    let at = |marker: &str, function: &str, by: &str| serde_json::json!({"file": src, "line": line_of(prog, marker), "function": function, "by": by});
    let want: Vec<(String, Value, u64)> = vec![
        (
            "/caller".into(),
            at("// caught in the caller", "caller", "catch (err)"),
            1,
        ),
        ("/caught".into(), at("// caught here", "", "catch (e)"), 1),
        ("/finally".into(), at("// finally", "", "catch"), 1),
        ("/later".into(), Value::Null, 1),
        ("/rethrown".into(), Value::Null, 1),
        ("/uncaught".into(), Value::Null, 1),
    ];
    assert_eq!(caught_by_path(&r), want, "{}", r.stderr);
    assert_eq!(r.status.code(), Some(66));
    assert!(
        r.stderr
            .contains("6 findings (6 sharing-violation) in 1 process, 3 of them caught by the program"),
        "{}",
        r.stderr
    );
}
