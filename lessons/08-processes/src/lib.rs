//! Lesson 08: processes.
//!
//! A thread shares everything with the threads beside it; a process shares nothing. Rust has no
//! `multiprocessing` module: a child process is a program started with `std::process::Command`,
//! here this very binary started again in a *role* (see `common::process`). What each child does
//! lives in `children.rs` (you do not need to change it); this file is the parent's side, and
//! your work:
//!
//! 1. [`start_workers`]: the lectures' father and sons: `n` workers, each in its own process,
//!    report their pid and their parent's pid.
//! 2. [`pop_in_workers`]: the lectures' `ITEMS`: each worker pops every item of the global list.
//!    In processes, each pops *its own copy*, and the parent's list is left as it was.
//! 3. [`run_job`]: run a child with a deadline: tell how it ended (its exit code, or the signal
//!    that killed it), and kill a runaway at the deadline, without leaving a zombie.

mod children;

use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

pub use children::{
    Finished, HELLO, ITEMS, JOB, Job, Outcome, POPPER, Popped, Report, SON, WORKER, child_main,
    pop_all,
};
pub use common::process::{ProcessError, Program};

/// Starts `n` workers (role [`WORKER`], each given its index as its argument) and returns their
/// [`Report`]s, in any order. Each worker must run in a process of its own, a child of this one,
/// and every child must have been waited for (reaped) when this returns.
pub fn start_workers(_program: &Program, n: usize) -> Result<Vec<Report>, ProcessError> {
    // TODO: these workers are threads: they all report this process's pid. Start each one as a
    // child process of `program` instead, in the role WORKER, and collect the report each sends
    // to its parent over ipc-channel (see `Spawn::spawn_connected`). Then wait for every child.
    let workers: Vec<_> = (0..n)
        .map(|i| thread::spawn(move || Report::here(i)))
        .collect();
    Ok(workers
        .into_iter()
        .map(|w| w.join().expect("a worker panicked"))
        .collect())
}

/// Starts `n` workers that each pop every item of [`ITEMS`] (role [`POPPER`]) and returns what
/// each says it popped. The lectures' point: each process pops its own copy (every worker pops
/// all six items), and this process's `ITEMS` is unchanged afterwards.
pub fn pop_in_workers(_program: &Program, n: usize) -> Result<Vec<Popped>, ProcessError> {
    // TODO: threads share the one global list, so between them they pop six items and leave
    // ours empty. Run each worker in a child process (role POPPER) instead, and collect what it
    // reports.
    let workers: Vec<_> = (0..n)
        .map(|_| {
            thread::spawn(|| Popped {
                pid: std::process::id(),
                items: pop_all(&ITEMS),
            })
        })
        .collect();
    Ok(workers
        .into_iter()
        .map(|w| w.join().expect("a worker panicked"))
        .collect())
}

/// Runs `job` in a child process (role [`JOB`], `job.to_arg()` as its argument) and waits for
/// it at most `deadline`. Says how the child ended; a child still running at the deadline is
/// killed, and is gone (reaped, not a zombie) when this returns.
pub fn run_job(program: &Program, job: Job, deadline: Duration) -> Result<Finished, ProcessError> {
    let mut child = Command::new(program.path())
        .env(common::process::ROLE_ENV, JOB)
        .arg(job.to_arg())
        .spawn()?;
    let pid = child.id();
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            // TODO: a parent needs more than "it worked or it did not": say which exit code the
            // child gave, or which signal ended it (`ExitStatus::code`, `ExitStatusExt::signal`).
            let outcome = if status.success() {
                Outcome::Exited(0)
            } else {
                Outcome::Exited(1)
            };
            return Ok(Finished { pid, outcome });
        }
        if start.elapsed() >= deadline {
            // TODO: the child is still running, and dropping a `std::process::Child` does not
            // stop it. Kill it, and reap it, before saying so.
            return Ok(Finished {
                pid,
                outcome: Outcome::KilledAtDeadline,
            });
        }
        thread::sleep(Duration::from_millis(1));
    }
}
