//! The lesson's `bank.rs` and `table.rs` with the solution's `transfer.rs` and `philosophers.rs`,
//! compiled a second time against the model checker's types (see lessons/04-deadlock/src/model.rs).

mod sync {
    pub use common::model::sync::*;

    /// The checker tries every order of the threads' steps: no need to wait for company.
    pub fn pause() {}

    /// A failed `try_lock` already lets the other threads run.
    #[allow(dead_code)] // for a fix that retries with `try_lock`
    pub fn back_off(_attempt: u32) {}
}

// The files are also modules of the library itself: that is the point.
#[allow(clippy::duplicate_mod)]
#[path = "../../../lessons/04-deadlock/src/bank.rs"]
pub mod bank;
#[allow(clippy::duplicate_mod)]
#[path = "philosophers.rs"]
pub mod philosophers;
#[allow(clippy::duplicate_mod)]
#[path = "../../../lessons/04-deadlock/src/table.rs"]
pub mod table;
#[allow(clippy::duplicate_mod)]
#[path = "transfer.rs"]
mod transfer;
