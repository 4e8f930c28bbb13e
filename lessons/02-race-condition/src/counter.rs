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
        // TODO: this is the lectures' race: read the value, add one, write it back, three steps
        // that another thread can come between. Make the increment one indivisible step.
        let current = self.value.load(Ordering::Relaxed);
        // `black_box` keeps the optimiser from fusing the read and the write into a single
        // instruction, which would make the race rarer on this machine without fixing it.
        let next = std::hint::black_box(current) + 1;
        self.value.store(next, Ordering::Relaxed);
    }

    /// The count so far.
    pub fn get(&self) -> u64 {
        self.value.load(Ordering::Relaxed)
    }
}
