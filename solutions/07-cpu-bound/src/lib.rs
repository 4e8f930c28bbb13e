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
//! what the starter did. Here, the solution: [`sum_parts`] gives each thread a chunk of its own
//! and adds the partial sums at the end.
//!
//! Everything here is built on [`sum_parts`]: the work is a sum over the steps `0..n`, and
//! `part(range)` computes the sum over any range of steps. [`integrate`] and [`maclaurin`] (in
//! the lesson's `src/work.rs`) only say what one part is.
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
#[path = "../../../lessons/07-cpu-bound/src/work.rs"]
mod work;

pub use common::workloads::square;
pub use work::{
    LECTURE_STEPS, LECTURE_TERMS, MACLAURIN_X, Term, integrate, maclaurin, maclaurin_with,
};

/// The sum of `part` over the steps `0..n`, computed on `threads` threads (at least one).
///
/// `part(range)` is the sum over the steps in `range`; a range may be any part of `0..n`, and
/// the sums of ranges that cover `0..n` exactly once add up to the whole. With one thread this
/// is simply `part(0..n)`.
pub fn sum_parts(n: u64, threads: usize, part: impl Fn(Range<u64>) -> f64 + Sync) -> f64 {
    let threads = threads.max(1) as u64;
    let part = &part;
    thread::scope(|s| {
        // Start every thread first, each on its own chunk with a sum of its own: nothing is
        // shared but `part`, which is only read.
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                let steps = chunk(n, threads, t);
                thread::Builder::new()
                    .name(format!("worker-{}", t + 1))
                    .spawn_scoped(s, move || part(steps))
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
            .sum()
    })
}

/// Chunk `i` of `0..n` cut into `k` chunks as even as can be: the first `n % k` chunks get one
/// step more, so that every step belongs to exactly one chunk.
pub fn chunk(n: u64, k: u64, i: u64) -> Range<u64> {
    let (size, extra) = (n / k, n % k);
    let start = i * size + i.min(extra);
    start..start + size + u64::from(i < extra)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_cover_every_step_once() {
        for (n, k) in [(0, 3), (1, 1), (3, 5), (10, 3), (1001, 8)] {
            let chunks: Vec<_> = (0..k).map(|i| chunk(n, k, i)).collect();
            assert_eq!(chunks[0].start, 0);
            assert_eq!(chunks[k as usize - 1].end, n);
            assert!(chunks.windows(2).all(|w| w[0].end == w[1].start));
            let sizes: Vec<_> = chunks.iter().map(|c| c.end - c.start).collect();
            assert!(sizes.iter().max().unwrap() - sizes.iter().min().unwrap() <= 1);
        }
    }
}
