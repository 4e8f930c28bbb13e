//! Lesson 04's solution with one bug: transfers lock the accounts in the order of their owners'
//! names. Names are not unique: two accounts of one owner compare equal, the tie falls back to
//! "from first", and opposite transfers cross again. `cargo xtask verify` proves that the lesson's
//! checks catch it.

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

#[path = "../../../solutions/04-deadlock/src/philosophers.rs"]
pub mod philosophers;
mod transfer;

pub use bank::{Account, Bank};
pub use philosophers::dine;
pub use table::{Fork, Table};
