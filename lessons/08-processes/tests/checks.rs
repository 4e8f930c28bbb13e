// The checks of lesson 08, run by `cargo xtask check lesson-08`.
//
// Each check starts this package's own binary (`common::package_binary!()`: inside a test,
// `current_exe()` is the test binary, whose `main` is libtest's) and judges by evidence that
// does not depend on timing: pids and parent pids reported by the children, what `/proc` says
// about a pid once the parent is done with it, exit codes. A check cleans up what it finds (a
// runaway, a zombie) before it fails, so that it leaves nothing behind.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use common::process::{Program, proc_info};
use lesson_08::{ITEMS, Job, Outcome, Report, pop_in_workers, run_job, start_workers};

const WORKERS: usize = 4;

fn program() -> Program {
    common::package_binary!()
}

fn me() -> u32 {
    std::process::id()
}

/// Waits for our child `pid` without blocking long, so that a check can clean up a zombie or a
/// runaway that the code under test left behind. Returns what it was.
fn clean_up(pid: u32) -> Option<&'static str> {
    let info = proc_info(pid).filter(|p| p.parent == me())?;
    let what = if info.is_zombie() {
        "a zombie: it ended (or was killed) but was never waited for"
    } else {
        // SAFETY: kill sends a signal to our own child; no memory is touched.
        unsafe { libc::kill(pid as i32, libc::SIGKILL) };
        "still running: nothing killed it or waited for it"
    };
    let mut status = 0;
    // SAFETY: waitpid writes only to `status`; `pid` is our child.
    unsafe { libc::waitpid(pid as i32, &mut status, 0) };
    Some(what)
}

fn reports() -> Vec<Report> {
    let reports = start_workers(&program(), WORKERS).expect("start_workers failed");
    if reports.iter().any(|r| r.pid == me()) {
        panic!(
            "a worker reported pid {}, which is this process's own pid: it ran on a thread of \
             this process, not in a child process. A thread shares our pid and our memory; a \
             process has its own.",
            me()
        );
    }
    reports
}

#[test]
fn workers_are_n_processes_whose_parent_is_us() {
    let reports = reports();
    assert!(
        reports.len() == WORKERS,
        "asked for {WORKERS} workers, got {} reports",
        reports.len()
    );
    let pids: BTreeSet<u32> = reports.iter().map(|r| r.pid).collect();
    assert!(
        pids.len() == WORKERS,
        "{WORKERS} workers reported only {} distinct pids ({pids:?}): each worker must run in a \
         process of its own",
        pids.len()
    );
    for r in &reports {
        assert!(
            r.parent == me(),
            "worker {} (pid {}) has parent {}, not this process ({}): a worker must be our own \
             child, started by us (the lectures' father and sons)",
            r.index,
            r.pid,
            r.parent,
            me()
        );
    }
    let indices: BTreeSet<usize> = reports.iter().map(|r| r.index).collect();
    assert!(
        indices == (0..WORKERS).collect::<BTreeSet<_>>(),
        "each worker gets its own index, 0..{WORKERS}"
    );
}

#[test]
fn finished_workers_are_reaped_not_zombies() {
    let reports = reports();
    let mut left = Vec::new();
    for r in &reports {
        if let Some(what) = clean_up(r.pid) {
            left.push(format!("worker {} (pid {}) is {what}", r.index, r.pid));
        }
    }
    assert!(
        left.is_empty(),
        "start_workers returned, but {}. A child that has exited stays in the process table as \
         a zombie, holding its exit status, until its parent waits for it: wait for every child.",
        left.join("; ")
    );
}

#[test]
fn each_child_pops_its_own_copy_of_items() {
    let items = ITEMS.lock().unwrap().len();
    let popped = pop_in_workers(&program(), 3).expect("pop_in_workers failed");
    assert!(
        popped.len() == 3,
        "asked for 3 workers, got {} answers",
        popped.len()
    );
    for p in &popped {
        assert!(
            p.pid != me(),
            "a worker popped in this process (pid {}): on a thread, all workers share one ITEMS. \
             Run each in a process of its own",
            me()
        );
    }
    let counts: Vec<usize> = popped.iter().map(|p| p.items).collect();
    assert!(
        counts.iter().all(|&n| n == items),
        "the workers popped {counts:?} items: each process has its own copy of ITEMS and pops \
         all {items} of them (the lectures: 'Process-1 processed 6 items', and so did 2 and 3)"
    );
}

#[test]
fn the_parents_items_are_unchanged() {
    let before = ITEMS.lock().unwrap().clone();
    pop_in_workers(&program(), 3).expect("pop_in_workers failed");
    let after = ITEMS.lock().unwrap().clone();
    assert!(
        after == before,
        "after the workers popped, our ITEMS is {after:?}, not {before:?}: the workers changed \
         the parent's list, so they shared its memory (threads). Processes do not share memory: \
         what a child pops is gone from its copy only"
    );
}

#[test]
fn a_runaway_child_is_killed_and_reaped_at_the_deadline() {
    let deadline = Duration::from_millis(300);
    let start = Instant::now();
    let finished = run_job(&program(), Job::Runaway, deadline).expect("run_job failed");
    let took = start.elapsed();
    let left = clean_up(finished.pid);
    assert!(
        finished.outcome == Outcome::KilledAtDeadline,
        "a child that never ends on its own ended as {:?}",
        finished.outcome
    );
    assert!(
        took >= deadline,
        "run_job gave up after {took:?}, before the deadline of {deadline:?}"
    );
    if let Some(what) = left {
        panic!(
            "run_job said it killed the runaway (pid {}), but when it returned the child was \
             {what}. `Child::kill` sends SIGKILL; `Child::wait` then reaps the dead child. \
             Dropping a `std::process::Child` does neither.",
            finished.pid
        );
    }
}

#[test]
fn exit_codes_and_signals_propagate() {
    let cases = [
        (Job::Exit(0), Outcome::Exited(0), "exit(0)"),
        (Job::Exit(3), Outcome::Exited(3), "exit(3)"),
        (Job::Exit(42), Outcome::Exited(42), "exit(42)"),
        (
            Job::Panic,
            Outcome::Exited(101),
            "a panic (Rust exits with 101)",
        ),
        (
            Job::Abort,
            Outcome::Signalled(libc::SIGABRT),
            "abort() (SIGABRT, no exit code)",
        ),
        (
            Job::Sleep(20),
            Outcome::Exited(0),
            "a short sleep, well within the deadline",
        ),
    ];
    for (job, expected, what) in cases {
        let finished = run_job(&program(), job, Duration::from_secs(20)).expect("run_job failed");
        clean_up(finished.pid);
        assert!(
            finished.outcome == expected,
            "a child that ends with {what} was reported as {:?}, not {expected:?}: the parent \
             must pass on the child's own exit code, or the signal that ended it",
            finished.outcome
        );
    }
}
