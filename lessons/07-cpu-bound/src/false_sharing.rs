//! False sharing: two threads that never touch each other's data and still slow each other down.
//!
//! Each thread increments a counter of its own. When the counters sit side by side in memory,
//! they share one cache line (64 bytes here), and a core must own the whole line to write to
//! it: the line bounces from core to core at every increment, as if the data were shared.
//! Padding each counter to a line of its own (`crossbeam::utils::CachePadded`) ends it.
//! The same holds for partial sums kept in a shared array: keep them in local variables.

use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

use crossbeam::utils::CachePadded;

/// `threads` threads each add 1 to a counter of their own `per_thread` times; the counters are
/// adjacent in one array. Returns the sum of the counters.
pub fn count_adjacent(threads: usize, per_thread: u64) -> u64 {
    let counters: Vec<AtomicU64> = (0..threads).map(|_| AtomicU64::new(0)).collect();
    count_on(&counters, |c| c, per_thread)
}

/// As [`count_adjacent`], with each counter padded to a cache line of its own.
pub fn count_padded(threads: usize, per_thread: u64) -> u64 {
    let counters: Vec<CachePadded<AtomicU64>> = (0..threads)
        .map(|_| CachePadded::new(AtomicU64::new(0)))
        .collect();
    count_on(&counters, |c| c, per_thread)
}

/// One thread per slot, each incrementing its own counter `per_thread` times.
fn count_on<S: Sync>(slots: &[S], counter: fn(&S) -> &AtomicU64, per_thread: u64) -> u64 {
    thread::scope(|s| {
        for slot in slots {
            s.spawn(move || {
                let counter = counter(slot);
                for _ in 0..per_thread {
                    counter.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    slots
        .iter()
        .map(|slot| counter(slot).load(Ordering::Relaxed))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_layouts_count_every_increment() {
        assert_eq!(count_adjacent(3, 1000), 3000);
        assert_eq!(count_padded(3, 1000), 3000);
        assert!(std::mem::size_of::<CachePadded<AtomicU64>>() >= 64);
    }
}
