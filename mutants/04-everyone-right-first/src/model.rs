//! The mutant's `philosophers.rs` and the solution's `bank.rs`, compiled a second time against the
//! model checker's synchronisation types (see lessons/04-deadlock/src/model.rs).

mod sync {
    pub use common::model::sync::*;

    pub fn pause() {}

    #[allow(dead_code)]
    pub fn back_off(_attempt: u32) {}
}

#[allow(clippy::duplicate_mod)]
#[path = "../../../solutions/04-deadlock/src/bank.rs"]
pub mod bank;
#[allow(clippy::duplicate_mod)]
#[path = "philosophers.rs"]
pub mod philosophers;
