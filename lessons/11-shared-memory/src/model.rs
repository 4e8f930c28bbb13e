//! The same `lock.rs` and `balance.rs`, compiled a second time against the model checker's
//! synchronisation types: two threads stand in for the two processes, and the checks try every
//! interleaving of their steps. Nothing to edit here.

#[path = "model_sync.rs"]
mod sync;

// Each file is also a module of the library itself: that is the point.
#[allow(clippy::duplicate_mod)]
#[path = "balance.rs"]
pub mod balance;
#[allow(clippy::duplicate_mod)]
#[path = "lock.rs"]
pub mod lock;
