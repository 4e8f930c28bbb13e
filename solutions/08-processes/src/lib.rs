//! Lesson 08: processes (the reference solution). The children's side is the lesson's own
//! `children.rs`, compiled here too.

#[path = "../../../lessons/08-processes/src/children.rs"]
mod children;

use std::time::Duration;

pub use children::{
    HELLO, ITEMS, JOB, Job, POPPER, Popped, Report, SON, WORKER, child_main, pop_all,
};
use common::process::Ended;
pub use common::process::{ProcessError, Program};

/// How long a child may take to start and connect before it counts as failed: generous, since
/// a loaded machine can take a while to start a process; a dead child is noticed at once anyway.
const CONNECT_DEADLINE: Duration = Duration::from_secs(20);

/// How a child run by [`run_job`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// It exited with this code (0 is success; a Rust panic in `main` gives 101).
    Exited(i32),
    /// A signal killed it (6 is SIGABRT, 9 is SIGKILL), before the deadline.
    Signalled(i32),
    /// It was still running at the deadline, so the parent killed it (and reaped it).
    KilledAtDeadline,
}

/// What [`run_job`] returns: which process ran the job, and how it ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Finished {
    /// The child's pid.
    pub pid: u32,
    /// How it ended.
    pub outcome: Outcome,
}

/// Starts `n` workers (role [`WORKER`], each given its index as its argument) and returns their
/// [`Report`]s, in any order. Each worker runs in a process of its own, a child of this one,
/// and every child has been waited for (reaped) when this returns.
pub fn start_workers(program: &Program, n: usize) -> Result<Vec<Report>, ProcessError> {
    // Start them all, then wait for them all: the father and his sons, as the lectures do it.
    let mut children = Vec::with_capacity(n);
    let mut reports = Vec::with_capacity(n);
    for i in 0..n {
        let (child, _more, report) = program
            .role(WORKER)
            .arg(i.to_string())
            .spawn_connected::<Report>(CONNECT_DEADLINE)?;
        children.push(child);
        reports.push(report);
    }
    for mut child in children {
        // A worker that has sent its report exits; `wait` reaps it (no zombie left).
        child.wait()?;
    }
    Ok(reports)
}

/// Starts `n` workers that each pop every item of [`ITEMS`] (role [`POPPER`]) and returns what
/// each says it popped. Each process pops its own copy; this process's `ITEMS` is unchanged.
pub fn pop_in_workers(program: &Program, n: usize) -> Result<Vec<Popped>, ProcessError> {
    let mut children = Vec::with_capacity(n);
    let mut popped = Vec::with_capacity(n);
    for _ in 0..n {
        let (child, _more, answer) = program
            .role(POPPER)
            .spawn_connected::<Popped>(CONNECT_DEADLINE)?;
        children.push(child);
        popped.push(answer);
    }
    for mut child in children {
        child.wait()?;
    }
    Ok(popped)
}

/// Runs `job` in a child process (role [`JOB`], `job.to_arg()` as its argument) and waits for
/// it at most `deadline`. Says how the child ended; a child still running at the deadline is
/// killed, and is gone (reaped, not a zombie) when this returns.
pub fn run_job(program: &Program, job: Job, deadline: Duration) -> Result<Finished, ProcessError> {
    // The guard kills and reaps the child if we return early (an error, a panic).
    let mut child = program.role(JOB).arg(job.to_arg()).spawn()?;
    let pid = child.id();
    let outcome = match child.wait_timeout(deadline)? {
        Some(Ended::Exited(code)) => Outcome::Exited(code),
        Some(Ended::Signalled(signal)) => Outcome::Signalled(signal),
        None => {
            child.kill_and_reap()?;
            Outcome::KilledAtDeadline
        }
    };
    Ok(Finished { pid, outcome })
}
