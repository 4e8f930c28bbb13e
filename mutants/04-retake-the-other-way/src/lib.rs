//! Lesson 04's solution with one bug: a transfer that finds the second account busy lets go of the
//! first, then waits for the second and takes the first again. That still holds one lock while
//! waiting for another, in an order the other transfer does not share. `cargo xtask verify` proves
//! that the lesson's checks catch it.

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
