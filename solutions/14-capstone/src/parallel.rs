//! `threaded` and `in_processes`: the same hand-out, with threads or with worker processes.

use std::convert::Infallible;

use crate::hand_out::hand_out;
use crate::{Answer, Problem, ProcessError, Program, WorkerProcess};

/// Solves `problem` for every number on `workers` threads (at least one), and returns the
/// answers in the order of `numbers`: the answer for `numbers[i]` at index `i`.
pub fn threaded(problem: &Problem, numbers: &[u64], workers: usize) -> Vec<Answer> {
    // A thread needs nothing of its own to solve a number: its "worker" is `()`.
    let workers = vec![(); workers.max(1)];
    match hand_out(workers, numbers, |(), n| {
        Ok::<_, Infallible>(problem.solve(n))
    }) {
        Ok((answers, _)) => answers,
        Err(never) => match never {},
    }
}

/// Solves `problem` for every number in `workers` child processes of this one (at least one),
/// started from `program` ([`WorkerProcess::start`]), and returns the answers in the order of
/// `numbers`. Every child has exited and been reaped when this returns.
pub fn in_processes(
    program: &Program,
    problem: &Problem,
    numbers: &[u64],
    workers: usize,
) -> Result<Vec<Answer>, ProcessError> {
    let processes = (0..workers.max(1))
        .map(|_| WorkerProcess::start(program))
        .collect::<Result<Vec<_>, _>>()?;
    // Each thread drives its own worker process. On an error the processes are dropped, and so
    // killed and reaped by their guards.
    let (answers, processes) = hand_out(processes, numbers, |worker, n| worker.solve(problem, n))?;
    for worker in processes {
        worker.stop()?;
    }
    Ok(answers)
}
