//! The same `event.rs`, compiled a second time against the model checker's synchronisation
//! types, for the check that tries every interleaving of waiters, a setter and spurious
//! wake-ups. Nothing to edit here.

/// `std::sync` as the model checker sees it, with condition variables that may wake for no
/// reason, as real ones may.
pub mod sync {
    pub use common::model::spurious::{Condvar, WaitTimeoutResult};
    pub use common::model::sync::*;
}

// The file is also a module of the library itself: that is the point.
#[allow(clippy::duplicate_mod)]
#[path = "event.rs"]
pub mod event;
