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
//! `part(range)` computes the sum over any range of steps. [`integrate`] and [`maclaurin`] only
//! say what one part is.
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

pub use common::workloads::square;

/// The lectures' number of integration steps: N = 10⁸.
pub const LECTURE_STEPS: u64 = 100_000_000;

/// The lectures' number of Maclaurin terms: 12 800 000.
pub const LECTURE_TERMS: u64 = 12_800_000;

/// The x of the Maclaurin series used throughout: 1 + ½ + ¼ + … = 2.
pub const MACLAURIN_X: f64 = 0.5;

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

/// ∫ f(x) dx on `[a, b]` as the left Riemann sum with `n` steps (the lectures' `integrate`),
/// computed on `threads` threads: step `i` adds `f(a + i·dx)·dx`, with `dx = (b − a)/n`.
pub fn integrate(f: impl Fn(f64) -> f64 + Sync, a: f64, b: f64, n: u64, threads: usize) -> f64 {
    if n == 0 {
        return 0.0;
    }
    let dx = (b - a) / n as f64;
    sum_parts(n, threads, |steps| {
        common::workloads::riemann_steps(&f, a, dx, steps)
    })
}

/// The first `terms` terms of the Maclaurin series 1/(1−x) = 1 + x + x² + …, on `threads`
/// threads, each term computed as `x.powf(k)` (what Python's `x**k` does: see [`Term`]).
pub fn maclaurin(x: f64, terms: u64, threads: usize) -> f64 {
    maclaurin_with(Term::Powf, x, terms, threads)
}

/// [`maclaurin`], with each term computed the way `term` says.
pub fn maclaurin_with(term: Term, x: f64, terms: u64, threads: usize) -> f64 {
    sum_parts(terms, threads, |k| term.sum(x, k))
}

/// How a Maclaurin term xᵏ is computed. The three give the same sum, at very different speeds,
/// and a comparison between languages must say which one it times.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Term {
    /// `x.powf(k)`: C's `pow` for every term, the same work as CPython's `x**k`.
    #[default]
    Powf,
    /// `x.powi(k)`: repeated squaring for every term. For large k the squares of 0.5 pass
    /// through subnormal numbers, whose arithmetic is slow: slower than CPython here.
    Powi,
    /// A running product: `term *= x` after each term, one multiplication per term. A range
    /// starting at k begins with `x.powf(k)`.
    Product,
}

impl Term {
    /// The sum of xᵏ for k in `terms`, each term computed this way.
    pub fn sum(self, x: f64, terms: Range<u64>) -> f64 {
        match self {
            Term::Powf => terms.map(|k| x.powf(k as f64)).sum(),
            Term::Powi => terms.map(|k| x.powi(k.min(i32::MAX as u64) as i32)).sum(),
            Term::Product => {
                let mut term = x.powf(terms.start as f64);
                let mut sum = 0.0;
                for _ in terms {
                    sum += term;
                    term *= x;
                }
                sum
            }
        }
    }
}
