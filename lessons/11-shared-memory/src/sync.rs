//! Where this lesson's code gets its synchronisation types: the standard library's.
//!
//! The checks also compile `lock.rs` and `balance.rs` against a model checker's types of the
//! same names (see `model.rs`), so import them from here, not from `std::sync` directly.

pub use std::sync::*;

/// What a spinning waiter does on its `tries`-th failed try: spin on the CPU for a while (the
/// holder is likely to let go within nanoseconds), then give the CPU away, so that a holder that
/// was preempted gets to run.
pub fn spin_wait(tries: u32) {
    if tries < 100 {
        std::hint::spin_loop();
    } else {
        std::thread::yield_now();
    }
}
