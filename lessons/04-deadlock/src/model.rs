//! The same `bank.rs`, `transfer.rs`, `table.rs` and `philosophers.rs`, compiled a second time
//! against the model checker's synchronisation types, for the checks that try thousands of
//! interleavings of their threads. Nothing to edit here.

#[path = "model_sync.rs"]
mod sync;

// The files are also modules of the library itself: that is the point.
#[allow(clippy::duplicate_mod)]
#[path = "bank.rs"]
pub mod bank;
#[allow(clippy::duplicate_mod)]
#[path = "philosophers.rs"]
pub mod philosophers;
#[allow(clippy::duplicate_mod)]
#[path = "table.rs"]
pub mod table;
#[allow(clippy::duplicate_mod)]
#[path = "transfer.rs"]
mod transfer;
