//! The GIL, reproduced: threads that may run Python code only while they hold one global lock.
//!
//! CPython lets a thread run for a while (in Python 2, 100 "ticks" of bytecode; since 3.2,
//! 5 ms) and then makes it offer the interpreter lock to the others. Here a thread holds the
//! lock for `switch_interval` steps at a time. The work is shared out as evenly as in a free
//! version, and yet only one thread computes at any moment: the demo's and the benchmark's
//! `--gil` rows are no faster with more threads, as in the lectures' Maclaurin table.

use std::ops::Range;
use std::sync::Mutex;
use std::thread;

/// Python 2's check interval: the interpreter offered the lock to other threads every 100 ticks.
pub const SWITCH_INTERVAL: u64 = 100;

/// The sum of `part` over `0..n` on `threads` threads (at least one) that compute only while
/// they hold one global lock, `switch_interval` steps (at least one) at a time.
///
/// The steps are dealt out in slices of `switch_interval`: thread t takes slices t, t + threads,
/// t + 2·threads, … Each slice is one turn with the lock.
pub fn sum_parts_holding_the_gil(
    n: u64,
    threads: usize,
    switch_interval: u64,
    part: impl Fn(Range<u64>) -> f64 + Sync,
) -> f64 {
    let threads = threads.max(1) as u64;
    let interval = switch_interval.max(1);
    let slices = n.div_ceil(interval);
    let interpreter = Mutex::new(());
    let part = &part;
    let interpreter = &interpreter;
    thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || {
                    let mut sum = 0.0;
                    for slice in (t..slices).step_by(threads as usize) {
                        let start = slice * interval;
                        let _turn = interpreter.lock().unwrap();
                        sum += part(start..(start + interval).min(n));
                    }
                    sum
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).sum()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_step_is_counted_once_whatever_the_interval() {
        for (n, threads, interval) in [(0, 3, 100), (1, 1, 1), (1001, 4, 100), (999, 3, 7)] {
            let steps = sum_parts_holding_the_gil(n, threads, interval, |r| r.count() as f64);
            assert_eq!(
                steps, n as f64,
                "n = {n}, {threads} threads, interval {interval}"
            );
        }
    }
}
