//! Grading a lesson: build its checks, run each one isolated (see [`crate::sandbox`]), and turn
//! what happened into a verdict with a message a student can act on.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::cargo::{self, Build};
use crate::course::{Course, Lesson};
use crate::limits::Limits;
use crate::sandbox::{self, Exit};

/// Where the checks print that they were skipped (see `common::grading::skip`).
const SKIP_MARKER: &str = "course-check-skipped:";

/// The verdict of one run of one check.
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    Pass,
    Fail(String),
    TimedOut(Duration),
    Skipped(String),
}

/// One run of one check.
#[derive(Debug, Clone)]
pub struct Run {
    pub status: Status,
    pub output: String,
    pub duration: Duration,
}

/// All runs of one check.
#[derive(Debug, Clone)]
pub struct CheckReport {
    pub name: String,
    pub runs: Vec<Run>,
}

impl CheckReport {
    pub fn failures(&self) -> usize {
        self.runs
            .iter()
            .filter(|r| matches!(r.status, Status::Fail(_) | Status::TimedOut(_)))
            .count()
    }

    pub fn passed(&self) -> bool {
        self.failures() == 0
    }

    pub fn skipped(&self) -> bool {
        self.runs
            .iter()
            .all(|r| matches!(r.status, Status::Skipped(_)))
    }

    /// The first run that failed, or else the first run.
    pub fn telling_run(&self) -> &Run {
        self.runs
            .iter()
            .find(|r| matches!(r.status, Status::Fail(_) | Status::TimedOut(_)))
            .unwrap_or(&self.runs[0])
    }
}

/// What grading a lesson found.
pub enum Grade {
    Checked(Vec<CheckReport>),
    DoesNotCompile,
    Interrupted(Vec<CheckReport>),
}

/// What shows the user how grading goes, check by check.
pub trait Reporter {
    fn started(&mut self, _checks: &[String], _repeat: usize) {}
    fn finished_run(&mut self, _check: &str) {}
    fn finished_check(&mut self, _report: &CheckReport) {}
}

/// No progress shown.
pub struct Silent;
impl Reporter for Silent {}

/// Builds `package` and runs every check `repeat` times.
pub fn grade(
    course: &Course,
    lesson: &Lesson,
    package: &str,
    repeat: usize,
    quiet: bool,
    reporter: &mut dyn Reporter,
) -> Result<Grade> {
    let binary = match cargo::build_checks(&course.root, lesson, package, quiet)? {
        Build::Checks(binary) => binary,
        Build::DoesNotCompile => return Ok(Grade::DoesNotCompile),
    };
    let checks = list_checks(&binary, &lesson.checks_file(&course.root))?;
    reporter.started(&checks, repeat);
    let mut reports = Vec::new();
    for name in &checks {
        let mut runs = Vec::new();
        for _ in 0..repeat.max(1) {
            let limit = lesson.time_limit(course, name);
            let run = run_check(&binary, name, limit, lesson.limits(course))?;
            runs.push(run);
            reporter.finished_run(name);
            if sandbox::INTERRUPTED.load(std::sync::atomic::Ordering::SeqCst) {
                reports.push(CheckReport {
                    name: name.clone(),
                    runs,
                });
                return Ok(Grade::Interrupted(reports));
            }
        }
        let report = CheckReport {
            name: name.clone(),
            runs,
        };
        reporter.finished_check(&report);
        reports.push(report);
    }
    Ok(Grade::Checked(reports))
}

/// The checks in a checks binary, in the order the checks file defines them (the order a
/// student reads them in), rather than libtest's alphabetical order.
pub fn list_checks(binary: &Path, checks_file: &Path) -> Result<Vec<String>> {
    let output = Command::new(binary)
        .args(["--list", "--format", "terse"])
        .output()
        .with_context(|| format!("listing the checks of {}", binary.display()))?;
    if !output.status.success() {
        bail!("{} --list failed", binary.display());
    }
    let mut names: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|l| l.strip_suffix(": test"))
        .map(str::to_string)
        .collect();
    let source = std::fs::read_to_string(checks_file).unwrap_or_default();
    names.sort_by_key(|name| source.find(&format!("fn {name}(")).unwrap_or(usize::MAX));
    Ok(names)
}

/// Runs one check once, isolated, and judges it.
pub fn run_check(binary: &Path, name: &str, limit: Duration, limits: Limits) -> Result<Run> {
    let mut command = Command::new(binary);
    command
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env("RUST_BACKTRACE", "0");
    let outcome = sandbox::run(command, limit, limits)?;
    let mut status = judge(&outcome.exit, &outcome.output, limit);
    if !outcome.leaks.is_empty() {
        let leaks = outcome.leaks.join("; ");
        status = match status {
            Status::Pass | Status::Skipped(_) => Status::Fail(format!(
                "the check passed, but it {leaks}. A finished program must clean up after itself."
            )),
            Status::Fail(message) => Status::Fail(format!("{message}\nIt also {leaks}.")),
            // Killed at its deadline while holding something that outlives a process (a
            // segment in /dev/shm): say so, as well as that it did not finish.
            Status::TimedOut(limit) => Status::Fail(format!(
                "did not finish in {} s: a deadlock, a lost wake-up, or a thread that never \
                 exits. When it was killed it {leaks}.",
                limit.as_secs()
            )),
        };
    }
    Ok(Run {
        status,
        output: outcome.output,
        duration: outcome.duration,
    })
}

fn judge(exit: &Exit, output: &str, limit: Duration) -> Status {
    match exit {
        Exit::TimedOut => Status::TimedOut(limit),
        Exit::Interrupted => Status::Fail("interrupted (Ctrl-C)".into()),
        Exit::Exceeded(breach) => Status::Fail(breach.message()),
        Exit::Finished(status) => {
            if let Some(signal) = sandbox::signal_of(status) {
                return Status::Fail(format!(
                    "the check crashed with signal {signal} ({})",
                    sandbox::signal_name(signal)
                ));
            }
            if let Some(reason) = skip_reason(output) {
                return Status::Skipped(reason);
            }
            if status.success() {
                if output.contains("test result: ok. 1 passed") {
                    Status::Pass
                } else {
                    Status::Fail("the check did not run (is its name right?)".into())
                }
            } else {
                Status::Fail(panic_message(output).unwrap_or_else(|| {
                    format!("the check failed with {status}; its output is below")
                }))
            }
        }
    }
}

fn skip_reason(output: &str) -> Option<String> {
    output
        .lines()
        // With --nocapture, libtest prints "test NAME ... " and then the check's own output on
        // the same line, so the marker a check prints first follows that prefix.
        .map(|l| match l.split_once(" ... ") {
            Some((test, rest)) if test.starts_with("test ") => rest,
            _ => l,
        })
        .find_map(|l| l.strip_prefix(SKIP_MARKER))
        .map(|r| r.trim().to_string())
}

/// The message of the first panic in libtest's output: the lines after
/// `thread '…' panicked at file:line:col:` up to the backtrace note.
pub fn panic_message(output: &str) -> Option<String> {
    let mut lines = output.lines();
    lines.find(|l| l.starts_with("thread '") && l.contains("panicked at"))?;
    let ends_message = |l: &&str| {
        l.starts_with("note: run with `RUST_BACKTRACE")
            || l.starts_with("stack backtrace:")
            || (l.starts_with("thread '") && l.contains("panicked at"))
            || (l.starts_with("test ") && l.ends_with("... FAILED"))
    };
    let message: Vec<&str> = lines.take_while(|l| !ends_message(l)).collect();
    let message = message.join("\n").trim_end().to_string();
    (!message.is_empty()).then_some(message)
}

/// What the runs of a check add up to, in one line (without the message).
pub fn summary(report: &CheckReport) -> String {
    let runs = report.runs.len();
    let failures = report.failures();
    match &report.telling_run().status {
        Status::TimedOut(limit) if runs == 1 => format!(
            "did not finish in {} s: a deadlock, a lost wake-up, or a thread that never exits",
            limit.as_secs()
        ),
        Status::Skipped(reason) => format!("skipped: {reason}"),
        _ if runs == 1 => String::new(),
        _ if failures == 0 => format!("passed in {runs} of {runs} runs"),
        Status::TimedOut(limit) => format!(
            "failed in {failures} of {runs} runs; the first did not finish in {} s",
            limit.as_secs()
        ),
        _ => format!("failed in {failures} of {runs} runs"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAILED: &str = "\nrunning 1 test\nthread 'counts' (4242) panicked at lessons/02/tests/checks.rs:12:5:\nlost updates: 613 452 counted\nsecond line\nnote: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\ntest counts ... FAILED\n\nfailures:\n\nfailures:\n    counts\n\ntest result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 5 filtered out\n";

    #[test]
    fn the_panic_message_is_what_the_check_said() {
        assert_eq!(
            panic_message(FAILED).unwrap(),
            "lost updates: 613 452 counted\nsecond line"
        );
        assert_eq!(panic_message("test x ... ok\n"), None);
    }

    #[test]
    fn the_first_panic_wins() {
        let output = "thread 'worker' panicked at src/lib.rs:3:9:\nnot yet implemented\nthread 'main' panicked at tests/checks.rs:9:1:\ncalled `Result::unwrap()` on an `Err` value\n";
        assert_eq!(panic_message(output).unwrap(), "not yet implemented");
    }

    #[test]
    fn a_zero_exit_without_a_passed_test_is_not_a_pass() {
        let status = std::process::ExitStatus::default();
        let ok = "running 1 test\ntest x ... ok\n\ntest result: ok. 1 passed; 0 failed\n";
        assert_eq!(
            judge(&Exit::Finished(status), ok, Duration::from_secs(1)),
            Status::Pass
        );
        let none = "running 0 tests\n\ntest result: ok. 0 passed; 0 failed\n";
        assert!(matches!(
            judge(&Exit::Finished(status), none, Duration::from_secs(1)),
            Status::Fail(_)
        ));
        // What libtest really prints with --nocapture: the check's output follows "... ".
        let skipped = "\nrunning 1 test\ntest speedup ... course-check-skipped: one core\nok\n\ntest result: ok. 1 passed\n";
        assert_eq!(
            judge(&Exit::Finished(status), skipped, Duration::from_secs(1)),
            Status::Skipped("one core".into())
        );
        let later = "test speedup ... measuring\ncourse-check-skipped: one core\nok\n";
        assert_eq!(
            judge(&Exit::Finished(status), later, Duration::from_secs(1)),
            Status::Skipped("one core".into())
        );
    }
}
