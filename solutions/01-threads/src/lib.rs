//! # Lesson 01: threads — starting and joining tasks
//!
//! The lectures start a thread with `Thread(target=func).start()`, wait for it with `join()`,
//! and show that every thread sees the same `os.getpid()`. In Rust, `std::thread::spawn` starts
//! a thread and returns a `JoinHandle`; `join()` waits for it *and hands back the value its
//! closure returned*, so results need no shared list or queue.
//!
//! Two tasks (see README.md):
//!
//! 1. [`run_named`]: start `n` named workers, then join them, collecting their results in order.
//! 2. [`chunked_sum`]: split a borrowed slice into `k` chunks and sum each on its own scoped thread.

use std::ops::Range;
use std::sync::Arc;
use std::thread;

#[path = "../../../lessons/01-threads/src/report.rs"]
mod report;

pub use report::{Report, worker_name};

/// Runs `job(i)` for every `i` in `0..n`, each on its own thread named [`worker_name`]`(i)`,
/// all of them running at the same time, and returns their results in worker order.
///
/// `job` is shared by all the threads, and they may outlive this function's borrows, hence
/// `Send + Sync + 'static`: put it in an `Arc` and give each thread a clone.
pub fn run_named<T, F>(n: usize, job: F) -> Vec<T>
where
    T: Send + 'static,
    F: Fn(usize) -> T + Send + Sync + 'static,
{
    let job = Arc::new(job);
    // Start them all first: joining each thread right after spawning it would run the jobs
    // one at a time.
    let handles: Vec<_> = (0..n)
        .map(|i| {
            let job = Arc::clone(&job);
            thread::Builder::new()
                .name(worker_name(i))
                .spawn(move || job(i))
                .expect("the OS refused to start a thread")
        })
        .collect();
    // Joining in spawn order gives the results in worker order, whatever order they finish in.
    handles
        .into_iter()
        .map(|h| {
            h.join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
        .collect()
}

/// Splits `data` into `k` chunks whose lengths differ by at most one, maps and sums each chunk
/// on its own scoped thread, and adds up the chunks' sums. With fewer than `k` items, one
/// thread per item.
///
/// # Panics
///
/// If `k` is 0.
pub fn chunked_sum<T, F>(data: &[T], k: usize, f: F) -> u64
where
    T: Sync,
    F: Fn(&T) -> u64 + Sync,
{
    assert!(k > 0, "cannot split work into 0 chunks");
    let f = &f;
    // Scoped threads may borrow `data` and `f`: the scope joins them all before it returns,
    // so the borrows cannot outlive the data.
    thread::scope(|s| {
        let handles: Vec<_> = chunk_ranges(data.len(), k.min(data.len()))
            .map(|range| {
                let chunk = &data[range];
                s.spawn(move || chunk.iter().map(f).sum::<u64>())
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .sum()
    })
}

/// `k` ranges that cover `0..len` in order, the first `len % k` of them one item longer.
pub fn chunk_ranges(len: usize, k: usize) -> impl Iterator<Item = Range<usize>> {
    let (base, longer) = (
        len.checked_div(k).unwrap_or(0),
        len.checked_rem(k).unwrap_or(0),
    );
    (0..k).map(move |i| {
        let start = i * base + i.min(longer);
        start..start + base + usize::from(i < longer)
    })
}

/// The sum of the squares of `data`, computed in `k` chunks by [`chunked_sum`].
pub fn sum_of_squares(data: &[u64], k: usize) -> u64 {
    chunked_sum(data, k, |&x| x * x)
}
