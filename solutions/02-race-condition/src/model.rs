//! The same `counter.rs` and `account.rs`, compiled a second time against the model checker's
//! synchronisation types, for the checks that try every interleaving of two threads.
//! Nothing to edit here.

mod sync {
    pub use common::model::sync::*;
}

// Each file is also a module of the library itself: that is the point.
#[allow(clippy::duplicate_mod)]
#[path = "account.rs"]
pub mod account;
#[allow(clippy::duplicate_mod)]
#[path = "counter.rs"]
pub mod counter;
