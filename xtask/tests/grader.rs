//! The grader's own tests: the real `xtask` binary grading a tiny fixture course
//! (tests/fixtures/course, copied to a temporary folder that `COURSE_ROOT` points at). They prove
//! what students rely on: a deadlocked check is killed at its time limit with everything it
//! started; a check that leaves a process, a /dev/shm file or a temporary file behind fails and
//! the leftover is removed; unknown lessons and compile errors are explained; verdicts, messages,
//! exit codes, repeats, skips and progress are right; a check that starts children without end
//! or allocates without bound is stopped at its limit, with and without cgroups.
//!
//! The fixture is copied once per test process and each lesson is built the first time a test
//! checks it. Grader runs take turns (see [`xtask`]): they share the fixture's progress file, and
//! a grader's sweeps of /dev/shm look at the whole machine.

use std::fs::{self, File};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::Value;
use tempfile::TempDir;

/// Long enough for a cold build of a fixture lesson on a loaded machine; a grader that takes
/// longer is hung, and the test says so instead of hanging too.
const GRADER_DEADLINE: Duration = Duration::from_secs(240);

/// lesson-03's `time_limit` in the fixture's course.toml.
const DEADLOCK_LIMIT_MS: u128 = 2_000;

struct Fixture {
    dir: TempDir,
    /// Digits unique to this test process. The fixture's checks read them from
    /// `GRADER_FIXTURE_MARKER` and put them in what they leave behind (sleep's argument, the
    /// /dev/shm file's name), so that the tests look for exactly that and not another run's.
    marker: String,
}

static FIXTURE: OnceLock<Fixture> = OnceLock::new();

fn fixture() -> &'static Fixture {
    FIXTURE.get_or_init(|| {
        let dir = copy_of_the_fixture();
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        // A static is never dropped, so the TempDir alone would leave the folder (with its
        // target dir) behind: remove it when the test process exits.
        extern "C" fn remove_fixture() {
            if let Some(fixture) = FIXTURE.get() {
                let _ = fs::remove_dir_all(fixture.dir.path());
            }
        }
        // SAFETY: atexit only records the address of a function that takes no arguments.
        unsafe {
            libc::atexit(remove_fixture);
        }
        Fixture {
            dir,
            marker: format!("{}{nanos:09}", std::process::id()),
        }
    })
}

fn root() -> &'static Path {
    fixture().dir.path()
}

fn marker() -> &'static str {
    &fixture().marker
}

/// A fresh copy of tests/fixtures/course in a temporary folder (not built).
fn copy_of_the_fixture() -> TempDir {
    fn copy(from: &Path, to: &Path) {
        fs::create_dir_all(to).unwrap();
        for entry in fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy(&entry.path(), &target);
            } else {
                fs::copy(entry.path(), &target).unwrap();
            }
        }
    }
    let dir = tempfile::Builder::new()
        .prefix("course-fixture-")
        .tempdir()
        .unwrap();
    copy(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/course"),
        dir.path(),
    );
    dir
}

/// What one run of the grader did.
#[derive(Debug)]
struct Graded {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    /// When the grader process had exited.
    finished: SystemTime,
}

impl Graded {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

/// One check's record in a `--json` report.
fn check<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .and_then(|checks| checks.iter().find(|c| c["name"] == name))
        .unwrap_or_else(|| panic!("no check {name} in {report:#}"))
}

fn text<'a>(check: &'a Value, field: &str) -> &'a str {
    check[field]
        .as_str()
        .unwrap_or_else(|| panic!("no string {field} in {check:#}"))
}

/// Serialises grader runs: the fixture's progress file is read, changed and written by each,
/// and each counts any /dev/shm entry that appears while its check runs as that check's.
static GRADER: Mutex<()> = Mutex::new(());

/// Runs `xtask ARGS` on the course at `root` and waits for it.
fn xtask(root: &Path, args: &[&str]) -> Graded {
    xtask_while(root, args, |_| ()).0
}

/// `xtask ARGS` on the course at `root`, its output piped, ready to spawn.
fn xtask_command(root: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command
        .args(args)
        .current_dir(root)
        .env("COURSE_ROOT", root)
        // The fixture's own target dir, whatever the environment says.
        .env("CARGO_TARGET_DIR", root.join("target"))
        .env("GRADER_FIXTURE_MARKER", marker())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// Runs `xtask ARGS` on the course at `root`, calls `during` while it runs, and waits for it.
fn xtask_while<T>(root: &Path, args: &[&str], during: impl FnOnce(&mut Child) -> T) -> (Graded, T) {
    let _turn = GRADER.lock().unwrap_or_else(PoisonError::into_inner);
    let mut child = xtask_command(root, args).spawn().expect("starting xtask");
    let drain = |mut pipe: Box<dyn Read + Send>| {
        thread::spawn(move || {
            let mut text = String::new();
            pipe.read_to_string(&mut text)
                .expect("reading the grader's output");
            text
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let result = during(&mut child);
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > GRADER_DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "`xtask {}` did not finish in {GRADER_DEADLINE:?}",
                args.join(" ")
            );
        }
        thread::sleep(Duration::from_millis(5));
    };
    let finished = SystemTime::now();
    let graded = Graded {
        code: status.code(),
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
        finished,
    };
    (graded, result)
}

/// Every process on the machine that has `arg` among its arguments.
fn processes_with_argument(arg: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in fs::read_dir("/proc").unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.parse::<u32>().is_err() {
            continue;
        }
        // A zombie, or a process that ended meanwhile, has no arguments left to read.
        let Ok(cmdline) = fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let args: Vec<String> = cmdline
            .split(|&b| b == 0)
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        if args.iter().any(|a| a == arg) {
            found.push(format!("pid {name}: {}", args.join(" ")));
        }
    }
    found
}

fn assert_no_process_with_argument(arg: &str) {
    let left = processes_with_argument(arg);
    assert!(
        left.is_empty(),
        "processes the check started are still running: {left:?}"
    );
}

// ---- lesson-03: a check that deadlocks -------------------------------------------------------

struct Deadlock {
    graded: Graded,
    /// Whether the /dev/shm file this test process created (and held open) while the check ran
    /// was still there after the grader finished; None if the check could not be caught running.
    foreign_segment_survived: Option<bool>,
}

/// `xtask check lesson-03 --json`, run once and shared by the tests that look at it. While the
/// check runs, this test process creates a /dev/shm file of its own and holds it open: the
/// grader must leave it alone.
fn deadlock() -> &'static Deadlock {
    static RUN: OnceLock<Deadlock> = OnceLock::new();
    RUN.get_or_init(|| {
        let sleeper = format!("313.25{}", marker());
        let foreign = PathBuf::from(format!("/dev/shm/course-foreign-{}", marker()));
        let (graded, held) = xtask_while(root(), &["check", "lesson-03", "--json"], |grader| {
            // The check's `sleep` child shows that the check runs (the build comes first).
            let start = Instant::now();
            while processes_with_argument(&sleeper).is_empty() {
                if grader.try_wait().unwrap().is_some() || start.elapsed() > GRADER_DEADLINE {
                    return None;
                }
                thread::sleep(Duration::from_millis(20));
            }
            let file = File::create(&foreign).expect("creating a file in /dev/shm");
            // Only if the check still ran afterwards did the grader's sweep come after it.
            let in_time = !processes_with_argument(&sleeper).is_empty();
            Some((file, in_time))
        });
        let survived = foreign.exists();
        let _ = fs::remove_file(&foreign);
        let foreign_segment_survived =
            held.and_then(|(_file, in_time)| in_time.then_some(survived));
        Deadlock {
            graded,
            foreign_segment_survived,
        }
    })
}

#[test]
fn a_deadlocked_check_is_killed_at_its_time_limit_with_the_process_it_started() {
    let Deadlock { graded, .. } = deadlock();
    assert_eq!(graded.code, Some(1), "{graded:?}");
    let report = graded.json();
    let deadlocked = check(&report, "transfers_deadlock");
    assert_eq!(deadlocked["status"], "timeout", "{deadlocked:#}");
    assert!(
        text(deadlocked, "message").starts_with("did not finish in 2 s"),
        "{deadlocked:#}"
    );
    let duration = deadlocked["duration_ms"].as_u64().unwrap() as u128;
    assert!(
        (DEADLOCK_LIMIT_MS..=DEADLOCK_LIMIT_MS + 2_000).contains(&duration),
        "the check ran {duration} ms under a {DEADLOCK_LIMIT_MS} ms limit"
    );

    // The check printed when it started; from then to the grader's exit is at most limit + 2 s.
    let output = text(deadlocked, "output");
    let started: u128 = output
        .split("check started at ms ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|ms| ms.parse().ok())
        .unwrap_or_else(|| panic!("no start time in the check's output: {output:?}"));
    let finished = graded
        .finished
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis();
    let took = finished.saturating_sub(started);
    assert!(
        took <= DEADLOCK_LIMIT_MS + 2_000,
        "the grader returned {took} ms after the check started, under a {DEADLOCK_LIMIT_MS} ms limit"
    );

    assert_no_process_with_argument(&format!("313.25{}", marker()));
}

#[test]
fn shared_memory_that_another_program_holds_is_left_alone() {
    match deadlock().foreign_segment_survived {
        Some(survived) => assert!(
            survived,
            "the grader removed a /dev/shm file that another process created and held open while the check ran"
        ),
        None => {
            eprintln!("the check was not caught running (a very loaded machine?): nothing to test")
        }
    }
}

// ---- lesson-02: checks that pass but leave things behind -------------------------------------

/// `xtask check lesson-02 --json`, run once and shared by the tests that look at it.
fn leaks() -> &'static Value {
    static RUN: OnceLock<Value> = OnceLock::new();
    RUN.get_or_init(|| {
        let graded = xtask(root(), &["check", "lesson-02", "--json"]);
        assert_eq!(graded.code, Some(1), "{graded:?}");
        graded.json()
    })
}

#[test]
fn a_child_left_running_after_a_pass_fails_the_check_and_is_killed() {
    let forgot = check(leaks(), "forgets_a_child");
    assert_eq!(forgot["status"], "fail", "{forgot:#}");
    let message = text(forgot, "message");
    assert!(
        message.contains("the check passed, but it left 1 process running"),
        "{message}"
    );
    assert!(message.contains("sleep (pid "), "{message}");
    assert_no_process_with_argument(&format!("314.25{}", marker()));
}

#[test]
fn a_child_that_left_the_process_group_or_the_session_is_found_and_killed_too() {
    for (name, arg) in [
        ("forgets_a_child_in_its_own_process_group", "314.5"),
        ("forgets_a_child_in_its_own_session", "314.75"),
    ] {
        let forgot = check(leaks(), name);
        assert_eq!(forgot["status"], "fail", "{forgot:#}");
        let message = text(forgot, "message");
        assert!(message.contains("left 1 process running"), "{message}");
        assert_no_process_with_argument(&format!("{arg}{}", marker()));
    }
}

#[test]
fn shared_memory_left_behind_fails_the_check_and_is_removed() {
    let name = format!("course-fixture-{}", marker());
    let leaked = check(leaks(), "leaves_shared_memory");
    assert_eq!(leaked["status"], "fail", "{leaked:#}");
    let message = text(leaked, "message");
    assert!(
        message.contains("left shared memory in /dev/shm"),
        "{message}"
    );
    assert!(message.contains(&name), "{message}");
    assert!(
        !Path::new("/dev/shm").join(&name).exists(),
        "/dev/shm/{name} is still there"
    );
}

#[test]
fn temporary_files_left_behind_fail_the_check() {
    let leaked = check(leaks(), "leaves_a_temporary_file");
    assert_eq!(leaked["status"], "fail", "{leaked:#}");
    let message = text(leaked, "message");
    assert!(message.contains("left temporary files"), "{message}");
    assert!(
        message.contains(&format!("leftover-{}.txt", marker())),
        "{message}"
    );
}

// ---- wrong lesson names, compile errors ------------------------------------------------------

#[test]
fn an_unknown_lesson_is_a_usage_error_that_lists_the_lessons() {
    for (query, closest) in [("lesson-99", None), ("dedlock", Some("lesson-03"))] {
        let graded = xtask(root(), &["check", query]);
        assert_eq!(graded.code, Some(2), "{graded:?}");
        let stderr = &graded.stderr;
        assert!(
            stderr.contains(&format!("there is no lesson {query:?}")),
            "{stderr}"
        );
        assert!(stderr.contains("The lessons are:"), "{stderr}");
        for lesson in [
            "lesson-01  basics",
            "lesson-02  leaks",
            "lesson-03  deadlock",
            "lesson-04  broken",
        ] {
            assert!(stderr.contains(lesson), "{lesson} is not listed:\n{stderr}");
        }
        if let Some(closest) = closest {
            assert!(
                stderr.contains(&format!("Did you mean {closest}?")),
                "{stderr}"
            );
        }
    }
}

#[test]
fn a_starter_that_does_not_compile_says_so() {
    let graded = xtask(root(), &["check", "lesson-04"]);
    assert_eq!(graded.code, Some(1), "{graded:?}");
    assert!(
        graded.stderr.contains("lesson-04 does not compile yet"),
        "{}",
        graded.stderr
    );
    assert!(
        graded.stderr.contains("mismatched types"),
        "cargo's error is not shown:\n{}",
        graded.stderr
    );

    let graded = xtask(root(), &["check", "lesson-04", "--json"]);
    assert_eq!(graded.code, Some(1), "{graded:?}");
    let report = graded.json();
    assert_eq!(report["compiled"], false, "{report:#}");
    assert_eq!(report["passed"], false, "{report:#}");
    assert_eq!(
        report["checks"].as_array().map(Vec::len),
        Some(0),
        "{report:#}"
    );
}

// ---- lesson-01: verdicts, messages, exit codes, repeats, skips, progress ----------------------

/// `xtask check lesson-01 --json`, of the starter or the solution, run once each and shared.
fn basics(solution: bool) -> &'static Graded {
    static STARTER: OnceLock<Graded> = OnceLock::new();
    static SOLUTION: OnceLock<Graded> = OnceLock::new();
    if solution {
        SOLUTION.get_or_init(|| xtask(root(), &["check", "lesson-01", "--solution", "--json"]))
    } else {
        STARTER.get_or_init(|| xtask(root(), &["check", "lesson-01", "--json"]))
    }
}

#[test]
fn a_passing_and_a_failing_check_get_their_verdicts_messages_and_exit_codes() {
    let starter = basics(false);
    assert_eq!(starter.code, Some(1), "{starter:?}");
    let report = starter.json();
    assert_eq!(report["lesson"], "lesson-01");
    assert_eq!(report["variant"], "starter");
    assert_eq!(report["compiled"], true);
    assert_eq!(report["passed"], false);

    let passes = check(&report, "passes");
    assert_eq!(passes["status"], "pass", "{passes:#}");
    assert_eq!(passes["message"], "", "{passes:#}");
    assert_eq!(passes["failures"], 0, "{passes:#}");

    let fails = check(&report, "fails_with_a_message");
    assert_eq!(fails["status"], "fail", "{fails:#}");
    // assert!(cond, "msg") fails with just "msg": no "assertion failed", no location, no note.
    assert_eq!(
        fails["message"], "expected the answer 42, got 41",
        "{fails:#}"
    );
    assert_eq!(fails["runs"], 1, "{fails:#}");
    assert_eq!(fails["failures"], 1, "{fails:#}");

    let solution = basics(true);
    assert_eq!(solution.code, Some(0), "{solution:?}");
    let report = solution.json();
    assert_eq!(report["variant"], "solution");
    assert_eq!(report["passed"], true, "{report:#}");
    assert_eq!(
        check(&report, "fails_with_a_message")["status"],
        "pass",
        "{report:#}"
    );
}

#[test]
fn a_skipped_check_is_reported_as_skipped_and_does_not_fail_the_lesson() {
    let report = basics(false).json();
    let skipped = check(&report, "skipped_on_one_core");
    assert_eq!(skipped["status"], "skip", "{skipped:#}");
    assert_eq!(skipped["message"], "one core", "{skipped:#}");
    assert_eq!(skipped["failures"], 0, "{skipped:#}");

    // The solution passes everything else: the skip alone must not fail it.
    let solution = basics(true);
    assert_eq!(solution.code, Some(0), "{solution:?}");
    let report = solution.json();
    assert_eq!(
        check(&report, "skipped_on_one_core")["status"],
        "skip",
        "{report:#}"
    );
    assert_eq!(report["passed"], true, "{report:#}");
}

#[test]
fn repeat_runs_every_check_n_times_and_counts_the_failures() {
    let graded = xtask(root(), &["check", "lesson-01", "--repeat", "3", "--json"]);
    assert_eq!(graded.code, Some(1), "{graded:?}");
    let report = graded.json();
    for c in report["checks"].as_array().unwrap() {
        assert_eq!(c["runs"], 3, "{c:#}");
    }
    let passes = check(&report, "passes");
    assert_eq!(passes["status"], "pass", "{passes:#}");
    assert_eq!(passes["failures"], 0, "{passes:#}");
    assert_eq!(passes["message"], "passed in 3 of 3 runs", "{passes:#}");
    let fails = check(&report, "fails_with_a_message");
    assert_eq!(fails["status"], "fail", "{fails:#}");
    assert_eq!(fails["failures"], 3, "{fails:#}");
    assert_eq!(
        fails["message"], "failed in 3 of 3 runs: expected the answer 42, got 41",
        "{fails:#}"
    );
}

#[test]
fn the_text_report_is_plain_when_piped() {
    let graded = xtask(root(), &["check", "lesson-01"]);
    assert_eq!(graded.code, Some(1), "{graded:?}");
    let lines: Vec<&str> = graded.stdout.lines().map(str::trim_end).collect();
    let has = |prefix: &str| lines.iter().any(|l| l.starts_with(prefix));
    assert!(has("  PASS passes  "), "{}", graded.stdout);
    assert!(has("  FAIL fails with a message  "), "{}", graded.stdout);
    assert!(
        lines.contains(&"      expected the answer 42, got 41"),
        "{}",
        graded.stdout
    );
    assert!(has("  SKIP skipped on one core  "), "{}", graded.stdout);
    assert!(
        lines.contains(&"2 of 3 checks of lesson-01 pass."),
        "{}",
        graded.stdout
    );
    // The hint for the failing check, not the lesson's first hint.
    assert!(
        lines.contains(&"Hint for fails_with_a_message: The answer is 42."),
        "{}",
        graded.stdout
    );
    assert!(
        !graded.stdout.contains('\u{1b}'),
        "colour codes in piped output:\n{}",
        graded.stdout
    );
}

#[test]
fn list_shows_each_lessons_status_from_the_progress_file() {
    // A course nobody has checked yet.
    let fresh = copy_of_the_fixture();
    let graded = xtask(fresh.path(), &["list"]);
    assert_eq!(graded.code, Some(0), "{graded:?}");
    let rows: Vec<&str> = graded
        .stdout
        .lines()
        .filter(|l| l.contains("lesson-0"))
        .collect();
    assert_eq!(
        rows.iter().filter(|r| r.contains("not started")).count(),
        5,
        "{}",
        graded.stdout
    );
    assert!(
        graded.stdout.contains("Next: cargo xtask check lesson-01"),
        "{}",
        graded.stdout
    );
    assert!(!fresh.path().join(".course-progress.json").exists());

    // After a check, its result is kept and shown. (Other tests check lesson-01's starter too,
    // always with this result; the solution's results are not the student's progress.)
    let checked = xtask(root(), &["check", "lesson-01"]);
    assert_eq!(checked.code, Some(1), "{checked:?}");
    let progress =
        fs::read_to_string(root().join(".course-progress.json")).expect("no progress file");
    let progress: Value = serde_json::from_str(&progress).unwrap();
    let lesson = &progress["lessons"]["lesson-01"];
    assert_eq!(lesson["passed"], 2, "{progress:#}");
    assert_eq!(lesson["total"], 3, "{progress:#}");

    let graded = xtask(root(), &["list"]);
    assert_eq!(graded.code, Some(0), "{graded:?}");
    let row = graded
        .stdout
        .lines()
        .find(|l| l.contains("lesson-01"))
        .unwrap_or_default();
    assert!(row.contains("failing 1 of 3"), "{}", graded.stdout);
    assert!(
        graded.stdout.contains("Next: cargo xtask check lesson-01"),
        "{}",
        graded.stdout
    );
}

// ---- watch and reset --------------------------------------------------------------------------

/// Waits up to `limit` for a line of `lines` that contains `text`, and returns it.
fn wait_for_line(lines: &std::sync::mpsc::Receiver<String>, text: &str, limit: Duration) -> String {
    let start = Instant::now();
    while let Some(left) = limit.checked_sub(start.elapsed()) {
        match lines.recv_timeout(left) {
            Ok(line) if line.contains(text) => return line,
            Ok(_) => {}
            Err(_) => break,
        }
    }
    panic!("no line containing {text:?} within {limit:?}");
}

#[test]
fn watch_checks_again_on_save_moves_on_when_a_lesson_passes_and_stops_on_ctrl_c() {
    // A copy of its own: this test edits the starter.
    let own = copy_of_the_fixture();
    let root = own.path();
    let _turn = GRADER.lock().unwrap_or_else(PoisonError::into_inner);
    let mut watcher = xtask_command(root, &["watch", "lesson-01"])
        .stderr(Stdio::null())
        .spawn()
        .expect("starting xtask watch");
    let (tx, lines) = std::sync::mpsc::channel();
    let stdout = watcher.stdout.take().unwrap();
    thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            let _ = tx.send(line);
        }
    });

    let result = std::panic::catch_unwind(|| {
        wait_for_line(&lines, "Watching lessons/01-basics", GRADER_DEADLINE);
        // The student fixes the starter and saves.
        let lib = root.join("lessons/01-basics/src/lib.rs");
        fs::write(&lib, "pub fn answer() -> u32 {\n    42\n}\n").unwrap();
        wait_for_line(&lines, "All 3 checks of lesson-01 pass", GRADER_DEADLINE);
        wait_for_line(&lines, "On to lesson-02", Duration::from_secs(5));
        wait_for_line(&lines, "Watching lessons/02-leaks", GRADER_DEADLINE);
    });
    // SAFETY: sending a signal touches no memory of ours.
    unsafe {
        libc::kill(watcher.id() as i32, libc::SIGINT);
    }
    let start = Instant::now();
    let status = loop {
        if let Some(status) = watcher.try_wait().unwrap() {
            break Some(status);
        }
        if start.elapsed() > Duration::from_secs(10) {
            let _ = watcher.kill();
            let _ = watcher.wait();
            break None;
        }
        thread::sleep(Duration::from_millis(10));
    };
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
    let status = status.expect("watch did not stop within 10 s of Ctrl-C");
    assert_eq!(
        status.code(),
        Some(130),
        "watch should exit like a program stopped by Ctrl-C"
    );
}

#[test]
fn reset_asks_first_then_restores_the_starter_and_removes_added_files() {
    let own = copy_of_the_fixture();
    let root = own.path();
    let git = |args: &[&str]| {
        let status = Command::new("git")
            .args([
                "-c",
                "user.name=course",
                "-c",
                "user.email=course@example.invalid",
            ])
            .args(args)
            .current_dir(root)
            .stdout(Stdio::null())
            .status()
            .expect("running git");
        assert!(status.success(), "git {args:?} failed");
    };
    git(&["init", "--quiet"]);
    git(&["add", "."]);
    git(&["commit", "--quiet", "-m", "the course"]);
    let lib = root.join("lessons/01-basics/src/lib.rs");
    let original = fs::read_to_string(&lib).unwrap();
    fs::write(&lib, "pub fn answer() -> u32 {\n    42\n}\n").unwrap();
    let added = root.join("lessons/01-basics/src/notes.rs");
    fs::write(&added, "// my notes\n").unwrap();

    // Not a terminal and no --yes: it lists what would be lost and changes nothing.
    let asked = xtask(root, &["reset", "lesson-01"]);
    assert_eq!(asked.code, Some(2), "{asked:?}");
    assert!(
        asked.stdout.contains("lessons/01-basics/src/lib.rs"),
        "{asked:?}"
    );
    assert!(asked.stderr.contains("--yes"), "{asked:?}");
    assert_ne!(fs::read_to_string(&lib).unwrap(), original);

    let reset = xtask(root, &["reset", "basics", "--yes"]);
    assert_eq!(reset.code, Some(0), "{reset:?}");
    assert_eq!(fs::read_to_string(&lib).unwrap(), original);
    assert!(!added.exists(), "the file the student added is still there");

    let again = xtask(root, &["reset", "lesson-01", "--yes"]);
    assert_eq!(again.code, Some(0), "{again:?}");
    assert!(again.stdout.contains("nothing to reset"), "{again:?}");
}

#[test]
fn two_copies_sharing_a_target_dir_each_grade_their_own_files() {
    // One built runner, two clones of the course, one CARGO_TARGET_DIR: the set-up in which a
    // root compiled into the runner graded the other clone's lesson without a word.
    let (a, b) = (copy_of_the_fixture(), copy_of_the_fixture());
    let shared_target = tempfile::Builder::new()
        .prefix("course-target-")
        .tempdir()
        .unwrap();
    fs::write(
        b.path().join("lessons/01-basics/src/lib.rs"),
        "pub fn answer() -> u32 {\n    42\n}\n",
    )
    .unwrap();
    let grade = |root: &Path, how: &str| {
        let mut command = xtask_command(root, &["check", "lesson-01", "--json"]);
        command
            .env_remove("COURSE_ROOT")
            .env("CARGO_TARGET_DIR", shared_target.path());
        match how {
            // Started from a folder inside the course, as a student does.
            "from inside" => {
                command
                    .env_remove("CARGO_MANIFEST_DIR")
                    .current_dir(root.join("lessons/01-basics"));
            }
            // As `cargo xtask` starts it: cargo names the manifest folder of the xtask it ran.
            _ => {
                command
                    .env("CARGO_MANIFEST_DIR", root.join("xtask"))
                    .current_dir(std::env::temp_dir());
            }
        }
        let _turn = GRADER.lock().unwrap_or_else(PoisonError::into_inner);
        let output = command.output().expect("starting xtask");
        let stdout = String::from_utf8_lossy(&output.stdout).to_string();
        let report: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{stdout}\nstderr:\n{}",
                String::from_utf8_lossy(&output.stderr)
            )
        });
        check(&report, "fails_with_a_message")["status"].clone()
    };
    for how in ["from inside", "as cargo runs it"] {
        assert_eq!(
            grade(a.path(), how),
            "fail",
            "copy A (the starter, 41) graded {how}"
        );
        assert_eq!(
            grade(b.path(), how),
            "pass",
            "copy B (fixed, 42) graded {how}"
        );
    }
}

#[test]
fn hint_gives_the_hints_one_at_a_time_in_order() {
    let own = copy_of_the_fixture();
    let root = own.path();
    let first = xtask(root, &["hint", "lesson-01"]);
    assert!(
        first.stdout.contains("Hint 1 of 2") && first.stdout.contains("Arithmetic works."),
        "{first:?}"
    );
    let second = xtask(root, &["hint", "lesson-01"]);
    assert!(
        second
            .stdout
            .contains("Hint 2 of 2 for lesson-01 (for fails_with_a_message)")
            && second.stdout.contains("The answer is 42.")
            && !second.stdout.contains("Arithmetic"),
        "{second:?}"
    );
    let all = xtask(root, &["hint", "lesson-01", "--all"]);
    assert!(
        all.stdout.contains("Arithmetic works.") && all.stdout.contains("The answer is 42."),
        "{all:?}"
    );
}

// ---- lesson-05: checks that run away (processes without end, memory without bound) -----------

/// `xtask check lesson-05 --json`, with the grader's cgroups (where the machine has them) or with
/// its fallback only (a watchdog and rlimits: `COURSE_GRADER_NO_CGROUPS`), each run once and
/// shared; and the grader's pid, to look for cgroups it might have left.
fn runaway(fallback: bool) -> &'static (Value, u32) {
    static RUNS: [OnceLock<(Value, u32)>; 2] = [const { OnceLock::new() }; 2];
    RUNS[usize::from(fallback)].get_or_init(|| {
        let mut command = xtask_command(root(), &["check", "lesson-05", "--json"]);
        if fallback {
            command.env("COURSE_GRADER_NO_CGROUPS", "1");
        }
        let _turn = GRADER.lock().unwrap_or_else(PoisonError::into_inner);
        // lesson-05's time limit (30 s) bounds how long this can take once it is built.
        let child = command.spawn().expect("starting xtask");
        let pid = child.id();
        let output = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_eq!(
            output.status.code(),
            Some(1),
            "{stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        (serde_json::from_str(&stdout).unwrap(), pid)
    })
}

/// Folders under /sys/fs/cgroup whose name starts with `prefix` (at most 4 levels down).
fn cgroups_named(prefix: &str) -> Vec<PathBuf> {
    fn walk(dir: &Path, prefix: &str, depth: usize, found: &mut Vec<PathBuf>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            if !entry.file_type().is_ok_and(|t| t.is_dir()) {
                continue;
            }
            if entry.file_name().to_string_lossy().starts_with(prefix) {
                found.push(entry.path());
            } else if depth > 0 {
                walk(&entry.path(), prefix, depth - 1, found);
            }
        }
    }
    let mut found = Vec::new();
    walk(Path::new("/sys/fs/cgroup"), prefix, 4, &mut found);
    found
}

fn assert_stopped_early(check: &Value, expected: &str) {
    assert_eq!(check["status"], "fail", "{check:#}");
    let message = text(check, "message");
    assert!(message.contains(expected), "{message}");
    // Stopped at the limit, not at lesson-05's 30 s time limit (nor by the check's hard cap).
    let took = check["duration_ms"].as_u64().unwrap();
    assert!(took < 15_000, "stopped only after {took} ms: {check:#}");
}

#[test]
fn a_check_that_starts_children_without_end_is_stopped_at_the_process_limit() {
    for fallback in [false, true] {
        let (report, grader) = runaway(fallback);
        assert_stopped_early(
            check(report, "starts_children_without_end"),
            "started more than 24 processes: a child that starts children without end",
        );
        assert_no_process_with_argument(&format!("bomb{}", marker()));
        let left = cgroups_named(&format!("course-grader-{grader}-"));
        assert!(left.is_empty(), "the grader left its cgroups: {left:?}");
    }
}

#[test]
fn a_check_that_allocates_without_bound_is_stopped_at_the_memory_limit() {
    for fallback in [false, true] {
        let (report, _) = runaway(fallback);
        assert_stopped_early(
            check(report, "allocates_without_bound"),
            "used more than 128 MiB",
        );
    }
}
