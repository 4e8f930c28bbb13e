//! Lesson 07's solution with one bug: every thread computes its own chunk with no lock, but
//! adds each step into one shared total (an atomic f64, updated with compare-and-swap), so the
//! cores pass that total's cache line back and forth at every step and two threads are no faster
//! than one. `cargo xtask verify` proves the checks catch it.

use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

// The demo's material is complete in the lesson: one copy of it.
#[path = "../../../lessons/07-cpu-bound/src/false_sharing.rs"]
pub mod false_sharing;
#[path = "../../../lessons/07-cpu-bound/src/gil.rs"]
pub mod gil;
#[path = "../../../lessons/07-cpu-bound/src/rayon_way.rs"]
pub mod rayon_way;
#[path = "../../../lessons/07-cpu-bound/src/timeline.rs"]
pub mod timeline;

pub use common::workloads::square;

/// The lectures' number of integration steps: N = 10⁸.
pub const LECTURE_STEPS: u64 = 100_000_000;

/// The lectures' number of Maclaurin terms: 12 800 000.
pub const LECTURE_TERMS: u64 = 12_800_000;

/// The x of the Maclaurin series used throughout: 1 + ½ + ¼ + … = 2.
pub const MACLAURIN_X: f64 = 0.5;

/// The sum of `part` over the steps `0..n`, computed on `threads` threads (at least one).
///
/// `part(range)` is the sum over the steps in `range`; a range may be any part of `0..n`, and
/// the sums of ranges that cover `0..n` exactly once add up to the whole. With one thread this
/// is simply `part(0..n)`.
pub fn sum_parts(n: u64, threads: usize, part: impl Fn(Range<u64>) -> f64 + Sync) -> f64 {
    let threads = threads.max(1) as u64;
    let part = &part;
    let total = &AtomicU64::new(0.0f64.to_bits());
    thread::scope(|s| {
        // Start every thread first, each on its own chunk with a sum of its own: nothing is
        // shared but `part`, which is only read.
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                let steps = chunk(n, threads, t);
                thread::Builder::new()
                    .name(format!("worker-{}", t + 1))
                    .spawn_scoped(s, move || {
                        // The bug: every step goes into the one shared total.
                        for i in steps {
                            let step = part(i..i + 1);
                            let _ =
                                total.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |bits| {
                                    Some((f64::from_bits(bits) + step).to_bits())
                                });
                        }
                        0.0
                    })
                    .expect("start a worker thread")
            })
            .collect();
        // Then add the partial sums, once each, in chunk order (so that the result does not
        // depend on which thread finished first).
        workers
            .into_iter()
            .map(|w| {
                w.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .sum::<f64>()
            + f64::from_bits(total.load(Ordering::Relaxed))
    })
}

/// Chunk `i` of `0..n` cut into `k` chunks as even as can be: the first `n % k` chunks get one
/// step more, so that every step belongs to exactly one chunk.
pub fn chunk(n: u64, k: u64, i: u64) -> Range<u64> {
    let (size, extra) = (n / k, n % k);
    let start = i * size + i.min(extra);
    start..start + size + u64::from(i < extra)
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
