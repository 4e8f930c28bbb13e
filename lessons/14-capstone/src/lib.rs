//! Lesson 14, the capstone: threads versus processes, measured.
//!
//! The lectures end with a race: factorise the 300 odd numbers from 9 999 999 999 999 serially,
//! with 2, 4 and 8 threads, and with 2, 4 and 8 processes, and draw the times as bars. In Python
//! the threads lose (one interpreter lock) and the processes win. In Rust there is no such lock:
//! threads and processes both scale, and what is left to learn is what each costs and how the
//! work is shared out.
//!
//! What is computed for each number is a [`Problem`] (in `work.rs`, which you do not need to
//! change): its prime factors, or (the lectures' assignment) the sum of the primes below it.
//! Your work is in this file:
//!
//! 1. [`threaded`]: solve every number on `workers` threads.
//! 2. [`in_processes`]: solve every number in `workers` child processes ([`WorkerProcess`]).
//!
//! Both return the answers in the order of the numbers, as [`serial`] does. And the work is
//! uneven: a number with only small factors is done in microseconds, a prime near 10¹³ takes a
//! million and a half divisions. A thread that is handed its share before it starts (the
//! lectures' chunks) may finish early and sit idle while another still has a pile to go.

mod work;

use std::thread;

pub use common::process::{ProcessError, Program};
pub use work::{
    Answer, Gate, Probe, Problem, Record, WORKER, WorkerProcess, child_main, hardest_first,
    monotonic_ns, read_records, serial,
};

/// Solves `problem` for every number on `workers` threads (at least one), and returns the
/// answers in the order of `numbers`: the answer for `numbers[i]` at index `i`.
pub fn threaded(problem: &Problem, numbers: &[u64], workers: usize) -> Vec<Answer> {
    // The lectures' way: each thread is given its chunk of the list before it starts.
    // TODO: the chunks lose numbers (try 300 numbers on 7 threads), and a thread whose chunk
    // happens to be easy sits idle while another still has hard numbers waiting. Let each
    // thread take the next number as soon as it is free, until none is left.
    let workers = workers.max(1);
    let chunk = numbers.len() / workers;
    thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|i| {
                let mine = &numbers[chunk * i..chunk * (i + 1)];
                s.spawn(move || mine.iter().map(|&n| problem.solve(n)).collect::<Vec<_>>())
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a worker thread panicked"))
            .collect()
    })
}

/// Solves `problem` for every number in `workers` child processes of this one (at least one),
/// started from `program` ([`WorkerProcess::start`]), and returns the answers in the order of
/// `numbers`. Every child has exited and been reaped when this returns.
pub fn in_processes(
    _program: &Program,
    problem: &Problem,
    numbers: &[u64],
    workers: usize,
) -> Result<Vec<Answer>, ProcessError> {
    // TODO: these workers are threads of this process. Solve the numbers in `workers` worker
    // processes instead, each taking the next number as soon as it is free, and stop every
    // worker at the end.
    Ok(threaded(problem, numbers, workers))
}
