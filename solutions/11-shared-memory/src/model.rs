//! The same `lock.rs` and `balance.rs`, compiled a second time against the model checker's
//! synchronisation types (see the lesson's `model.rs`).

#[path = "../../../lessons/11-shared-memory/src/model_sync.rs"]
mod sync;

#[allow(clippy::duplicate_mod)]
#[path = "balance.rs"]
pub mod balance;
#[allow(clippy::duplicate_mod)]
#[path = "../../../lessons/11-shared-memory/src/lock.rs"]
pub mod lock;
