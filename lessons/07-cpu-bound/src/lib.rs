//! # Lesson 07: threads on a CPU-bound problem (the GIL lesson)
//!
//! The lectures integrate y = x² from 0 to 10 with N = 10⁸ steps, split the steps over
//! threads, and collect the partial results through a queue. Then they time the Maclaurin
//! series of 1/(1−x) over 12 800 000 terms with 1, 2, 4, 6 and 8 threads, and the threads are
//! *slower* than one thread: CPython's Global Interpreter Lock lets one thread at a time run
//! Python code. Processes, Jython and Parallel Python (one interpreter per core) do scale.
//!
//! Rust has no interpreter lock: threads run at the same time on as many cores as there are.
//! But one lock that every step of the work must take is a GIL of our own making, and that is
//! what this starter does: [`sum_parts`] is correct, and no faster on 8 cores than on one.
//!
//! Everything here is built on [`sum_parts`]: the work is a sum over the steps `0..n`, and
//! `part(range)` computes the sum over any range of steps. [`integrate`] and [`maclaurin`] (in
//! `src/work.rs`) only say what one part is.
//!
//! Two tasks (see README.md):
//!
//! 1. make [`sum_parts`] parallel: each thread sums its own range of steps privately, and the
//!    partial sums are added once, at the end;
//! 2. make the thread count tunable: use `threads` threads, as many as the caller asks for
//!    ("there is an optimal number of threads for each problem in each environment, so make it
//!    tunable").
//!
//! The rest of the crate is the demo's material, complete: [`gil`] (the GIL, reproduced),
//! [`rayon_way`] (rayon, Rust's Parallel Python), [`false_sharing`] (two counters on one cache
//! line) and [`timeline`] (who computed which part, when).

use std::ops::Range;
use std::sync::Mutex;
use std::thread;

pub mod false_sharing;
pub mod gil;
pub mod rayon_way;
pub mod timeline;
mod work;

pub use common::workloads::square;
pub use work::{
    LECTURE_STEPS, LECTURE_TERMS, MACLAURIN_X, Term, integrate, maclaurin, maclaurin_with,
};

/// How many threads the starter uses, whatever the caller asks for (the lectures hard-code
/// `thread_count = 8` in the same way).
const THREAD_COUNT: usize = 8;

/// The sum of `part` over the steps `0..n`, computed on `threads` threads.
///
/// `part(range)` is the sum over the steps in `range`; a range may be any part of `0..n`, and
/// the sums of ranges that cover `0..n` exactly once add up to the whole. With one thread this
/// is simply `part(0..n)`.
pub fn sum_parts(n: u64, _threads: usize, part: impl Fn(Range<u64>) -> f64 + Sync) -> f64 {
    // TODO(task 1): this is a GIL of our own making. Every thread takes the one lock for every
    // step, so only one thread computes at any moment, and the others wait in line. Let each
    // thread compute the sum of its own range of steps privately, with no lock at all, and add
    // the partial sums once, when the threads are done. Mind the steps left over when the
    // thread count does not divide n.
    //
    // TODO(task 2): the thread count is fixed at THREAD_COUNT; use as many threads as the
    // caller asks for in `_threads` (and rename it `threads`).
    let total = Mutex::new(0.0);
    thread::scope(|s| {
        for t in 0..THREAD_COUNT as u64 {
            let (total, part) = (&total, &part);
            s.spawn(move || {
                // Thread t takes the steps t, t + THREAD_COUNT, t + 2·THREAD_COUNT, …
                for i in (t..n).step_by(THREAD_COUNT) {
                    let mut total = total.lock().unwrap();
                    *total += part(i..i + 1);
                }
            });
        }
    });
    total.into_inner().unwrap()
}
