//! Lesson 04's solution with one bug: transfers lock the accounts in the order of their owners'
//! names. Names are not unique: two accounts of one owner compare equal, the tie falls back to
//! "from first", and opposite transfers cross again. `cargo xtask verify` proves that the lesson's
//! checks catch it.

#[doc(hidden)]
pub mod model;
#[path = "../../../lessons/04-deadlock/src/pause.rs"]
pub mod pause;
#[path = "../../../lessons/04-deadlock/src/sync.rs"]
mod sync;

pub mod bank;
#[path = "../../../solutions/04-deadlock/src/philosophers.rs"]
pub mod philosophers;

pub use bank::{Account, Bank};
pub use philosophers::{Fork, Table, dine};
