//! Lesson 14's solution with one bug: answers gathered in the order the workers finish, not the order of the numbers. `cargo xtask verify` proves that the checks
//! catch it.
//!
//! Threads and processes share the numbers out the same way: a counter says which number is
//! next, and each worker, as soon as it is free, takes the next one. A thread solves it itself;
//! a thread that drives a worker process sends it over and waits for the answer. Only the
//! worker differs.

#[path = "../../../lessons/14-capstone/src/work.rs"]
mod work;

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;

pub use common::process::{ProcessError, Program};
pub use work::{
    Answer, Gate, Probe, Problem, Record, WORKER, WorkerProcess, child_main, monotonic_ns,
    read_records, serial,
};

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

/// What one worker did: the answers it found, each with the index of its number.
type Share = Vec<(usize, Answer)>;

/// Runs one thread per worker; each, as soon as it is free, takes the next number and solves it
/// with `solve`. Returns the answers in the order of `numbers` and the workers, or the first
/// error.
fn hand_out<W: Send, E: Send>(
    workers: Vec<W>,
    numbers: &[u64],
    solve: impl Fn(&mut W, u64) -> Result<Answer, E> + Sync,
) -> Result<(Vec<Answer>, Vec<W>), E> {
    let next = AtomicUsize::new(0);
    let (next, solve) = (&next, &solve);
    // The bug: each answer goes on a channel as soon as it is found (the lectures' processes put
    // theirs on a queue), and the answers are read back in the order they arrived.
    let (finished, arrivals) = mpsc::channel();
    let finished = &finished;
    let work = move |mut worker: W| {
        let mut share = Share::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(&n) = numbers.get(i) else {
                return (worker, Ok(share));
            };
            match solve(&mut worker, n) {
                Ok(answer) => {
                    finished.send(answer.clone()).expect("the parent is there");
                    share.push((i, answer));
                }
                Err(e) => {
                    // No number is left for the others either: let them stop.
                    next.store(numbers.len(), Ordering::Relaxed);
                    return (worker, Err(e));
                }
            }
        }
    };
    let done: Vec<(W, Result<Share, E>)> = thread::scope(|s| {
        let threads: Vec<_> = workers
            .into_iter()
            .map(|worker| s.spawn(move || work(worker)))
            .collect();
        threads
            .into_iter()
            .map(|t| t.join().expect("a worker thread panicked"))
            .collect()
    });
    let mut workers = Vec::new();
    for (worker, share) in done {
        workers.push(worker);
        share?;
    }
    let answers = arrivals.try_iter().collect();
    Ok((answers, workers))
}
