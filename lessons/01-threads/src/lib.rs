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
    // TODO: run each job on a thread of its own, named `worker_name(i)` (see
    // `thread::Builder`). Start every thread before joining any, then join them in worker order
    // and return their results. Today everything runs on the caller's thread, one job at a time.
    (0..n).map(job).collect()
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
    // The lectures' chunking: `N_chunk = int(N / thread_count)`.
    let chunk = data.len() / k;
    // TODO: run every chunk on a scoped thread of its own (`thread::scope`), borrowing `data`:
    // no `Arc`, no copy. And make the chunks cover all of `data`: when `k` does not divide its
    // length, the lectures' chunking drops the last `len % k` items.
    (0..k)
        .map(|i| data[i * chunk..(i + 1) * chunk].iter().map(&f).sum::<u64>())
        .sum()
}

/// The sum of the squares of `data`, computed in `k` chunks by [`chunked_sum`].
pub fn sum_of_squares(data: &[u64], k: usize) -> u64 {
    chunked_sum(data, k, |&x| x * x)
}
