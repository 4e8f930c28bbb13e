//! The mutant's `transfer.rs` with the rest of the solution, compiled a second time against the
//! model checker's types (see lessons/04-deadlock/src/model.rs).

#[path = "../../../lessons/04-deadlock/src/model_sync.rs"]
mod sync;

// The files are also modules of the library itself: that is the point.
#[allow(clippy::duplicate_mod)]
#[path = "../../../lessons/04-deadlock/src/bank.rs"]
pub mod bank;
#[allow(clippy::duplicate_mod)]
#[path = "../../../solutions/04-deadlock/src/philosophers.rs"]
pub mod philosophers;
#[allow(clippy::duplicate_mod)]
#[path = "../../../lessons/04-deadlock/src/table.rs"]
pub mod table;
#[allow(clippy::duplicate_mod)]
#[path = "transfer.rs"]
mod transfer;
