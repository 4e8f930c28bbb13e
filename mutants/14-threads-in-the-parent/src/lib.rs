//! Lesson 14's solution with one bug: a process version whose workers are threads of the parent. `cargo xtask verify` proves that the checks
//! catch it.
//!
//! Threads and processes share the numbers out the same way: a counter says which number is
//! next, and each worker, as soon as it is free, takes the next one. A thread solves it itself;
//! a thread that drives a worker process sends it over and waits for the answer. Only the
//! worker differs.

#[path = "../../../lessons/14-capstone/src/work.rs"]
mod work;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

pub use common::process::{ProcessError, Program};
pub use work::{
    Answer, Gate, Probe, Problem, Record, WORKER, WorkerProcess, child_main, monotonic_ns,
    read_records, serial,
};

/// Solves `problem` for every number on `workers` threads (at least one), and returns the
/// answers in the order of `numbers`: the answer for `numbers[i]` at index `i`.
pub fn threaded(problem: &Problem, numbers: &[u64], workers: usize) -> Vec<Answer> {
    let workers = (0..workers.max(1)).map(|_| ()).collect();
    hand_out(workers, numbers, |(), n| {
        Ok::<_, std::convert::Infallible>(problem.solve(n))
    })
    .unwrap_or_else(|never| match never {})
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
    // The bug: the "processes" are threads of this process; `program` is never started.
    let _ = program;
    let answers = threaded(problem, numbers, workers);
    Ok(answers)
}

/// Runs one thread per worker; each takes the next number as soon as it is free and solves it
/// with `solve`. Returns the answers in the order of `numbers`, or the first error.
fn hand_out<W: Send, E: Send>(
    workers: Vec<W>,
    numbers: &[u64],
    solve: impl Fn(&mut W, u64) -> Result<Answer, E> + Sync,
) -> Result<Vec<Answer>, E> {
    hand_out_keeping(workers, numbers, solve).map(|(answers, _)| answers)
}

/// [`hand_out`], giving the workers back at the end.
fn hand_out_keeping<W: Send, E: Send>(
    workers: Vec<W>,
    numbers: &[u64],
    solve: impl Fn(&mut W, u64) -> Result<Answer, E> + Sync,
) -> Result<(Vec<Answer>, Vec<W>), E> {
    let next = AtomicUsize::new(0);
    let (next, solve) = (&next, &solve);
    let done: Vec<(W, Result<Vec<(usize, Answer)>, E>)> = thread::scope(|s| {
        let threads: Vec<_> = workers
            .into_iter()
            .map(|mut worker| {
                s.spawn(move || {
                    let mut mine = Vec::new();
                    let result = loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(&n) = numbers.get(i) else {
                            break Ok(mine);
                        };
                        match solve(&mut worker, n) {
                            Ok(answer) => mine.push((i, answer)),
                            Err(e) => {
                                // Let the other workers stop too: no number is left for them.
                                next.store(numbers.len(), Ordering::Relaxed);
                                break Err(e);
                            }
                        }
                    };
                    (worker, result)
                })
            })
            .collect();
        threads
            .into_iter()
            .map(|t| t.join().expect("a worker thread panicked"))
            .collect()
    });
    let mut answers: Vec<Option<Answer>> = vec![None; numbers.len()];
    let mut workers = Vec::new();
    for (worker, result) in done {
        workers.push(worker);
        for (i, answer) in result? {
            answers[i] = Some(answer);
        }
    }
    let answers = answers
        .into_iter()
        .map(|a| a.expect("every number was handed out once"))
        .collect();
    Ok((answers, workers))
}
