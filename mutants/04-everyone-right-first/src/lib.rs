//! Lesson 04's solution with one bug: every philosopher picks up the right fork first instead of
//! the left. The cycle around the table just turns the other way. `cargo xtask verify` proves that
//! the lesson's checks catch it.

#[path = "../../../lessons/04-deadlock/src/bank.rs"]
pub mod bank;
#[doc(hidden)]
pub mod model;
#[path = "../../../lessons/04-deadlock/src/pause.rs"]
pub mod pause;
#[path = "../../../lessons/04-deadlock/src/sync.rs"]
mod sync;
#[path = "../../../lessons/04-deadlock/src/table.rs"]
pub mod table;

pub mod philosophers;
#[path = "../../../solutions/04-deadlock/src/transfer.rs"]
mod transfer;

pub use bank::{Account, Bank};
pub use philosophers::dine;
pub use table::{Fork, Table};
