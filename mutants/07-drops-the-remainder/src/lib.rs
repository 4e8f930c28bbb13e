//! Lesson 07's solution with one bug: it cuts 0..n into k chunks of n / k steps each, so when k
//! does not divide n the last n % k steps belong to no thread and are never computed.
//! `cargo xtask verify` proves the checks catch it.

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
    // The bug: n / k steps each, and the n % k steps left over go nowhere.
    let size = n / k;
    i * size..(i + 1) * size
}
