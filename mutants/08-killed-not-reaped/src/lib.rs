//! Lesson 08's solution with a runaway killed but never reaped (a mutant). The children's side is the lesson's own
//! `children.rs`, compiled here too.

#[path = "../../../lessons/08-processes/src/children.rs"]
mod children;

use std::time::Duration;

pub use children::{
    Finished, HELLO, ITEMS, JOB, Job, Outcome, POPPER, Popped, Report, SON, WORKER, child_main,
    pop_all,
};
use common::process::{Ended, Spawn};
pub use common::process::{ProcessError, Program};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// How long a child may take to start and connect before it counts as failed: generous, since
/// a loaded machine can take a while to start a process; a dead child is noticed at once anyway.
const CONNECT_DEADLINE: Duration = Duration::from_secs(20);

/// Starts `n` workers (role [`WORKER`], each given its index as its argument) and returns their
/// [`Report`]s, in any order. Each worker runs in a process of its own, a child of this one,
/// and every child has been waited for (reaped) when this returns.
pub fn start_workers(program: &Program, n: usize) -> Result<Vec<Report>, ProcessError> {
    gather((0..n).map(|i| program.role(WORKER).arg(i.to_string())))
}

/// Starts `n` workers that each pop every item of [`ITEMS`] (role [`POPPER`]) and returns what
/// each says it popped. Each process pops its own copy; this process's `ITEMS` is unchanged.
pub fn pop_in_workers(program: &Program, n: usize) -> Result<Vec<Popped>, ProcessError> {
    gather((0..n).map(|_| program.role(POPPER)))
}

/// Starts every child, collects the message each sends first, then waits for them all: the
/// father and his sons, as the lectures do it. A child that has sent its message exits; `wait`
/// reaps it, so no zombie is left.
fn gather<T>(children: impl Iterator<Item = Spawn>) -> Result<Vec<T>, ProcessError>
where
    T: Serialize + DeserializeOwned + Send + 'static,
{
    let mut started = Vec::new();
    let mut messages = Vec::new();
    for spawn in children {
        let (child, _more, first) = spawn.spawn_connected::<T>(CONNECT_DEADLINE)?;
        started.push(child);
        messages.push(first);
    }
    for mut child in started {
        child.wait()?;
    }
    Ok(messages)
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
            // THE BUG: killed, but never waited for: the dead child stays a zombie.
            child.into_inner().kill()?;
            Outcome::KilledAtDeadline
        }
    };
    Ok(Finished { pid, outcome })
}
