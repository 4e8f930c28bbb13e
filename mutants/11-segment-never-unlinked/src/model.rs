//! The same `lock.rs` and `balance.rs`, compiled a second time against the model checker's
//! synchronisation types (see the lesson's `model.rs`).

mod sync {
    pub use common::model::sync::*;

    /// Under the model checker a waiter yields at once: the checker then runs another thread.
    pub fn spin_wait(_tries: u32) {
        common::model::yield_now();
    }
}

#[allow(clippy::duplicate_mod)]
#[path = "balance.rs"]
pub mod balance;
#[allow(clippy::duplicate_mod)]
#[path = "../../../lessons/11-shared-memory/src/lock.rs"]
pub mod lock;
