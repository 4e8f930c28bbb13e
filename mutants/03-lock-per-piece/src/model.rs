//! The solution's `semaphore.rs`, compiled against the model checker's types (as in the lesson).

mod sync {
    pub use common::model::sync::*;
}

#[allow(clippy::duplicate_mod)]
#[path = "../../../solutions/03-locks/src/semaphore.rs"]
pub mod semaphore;
