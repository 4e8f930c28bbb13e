//! A counter that many threads increment at once: the lectures' `x += 1`.

use super::sync::atomic::{AtomicU64, Ordering};

/// A counter shared by threads (through `&Counter`, an `Arc<Counter>`, or a scope).
#[derive(Debug, Default)]
pub struct Counter {
    value: AtomicU64,
}

impl Counter {
    /// A counter at zero.
    pub fn new() -> Self {
        Counter {
            value: AtomicU64::new(0),
        }
    }

    /// Adds one. Every call must count, whatever other threads do meanwhile.
    pub fn increment(&self) {
        // One indivisible read-add-write: no other thread can come between its steps.
        // Relaxed is enough: the count orders nothing else, and a join (or any other
        // synchronisation) makes the final value visible to whoever reads it.
        self.value.fetch_add(1, Ordering::Relaxed);
    }

    /// The count so far.
    pub fn get(&self) -> u64 {
        self.value.load(Ordering::Relaxed)
    }
}
