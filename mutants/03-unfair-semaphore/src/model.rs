//! The same `semaphore.rs`, compiled a second time against the model checker's
//! synchronisation types, for the check that tries every interleaving of three threads.
//! Nothing to edit here.

mod sync {
    pub use common::model::sync::*;
}

// The file is also a module of the library itself: that is the point.
#[allow(clippy::duplicate_mod)]
#[path = "semaphore.rs"]
pub mod semaphore;
