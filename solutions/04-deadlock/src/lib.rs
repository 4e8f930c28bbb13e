//! # Lesson 04: deadlock, livelock and starvation
//!
//! Locks bring their own troubles. A **deadlock**: two or more threads wait for each other in a
//! cycle, each holding a lock the next one needs, and none of them ever goes on (the lectures'
//! trains at a crossing, each waiting for the other to go first). A **livelock**: the threads
//! are busy, politely stepping aside for each other, and still none gets anywhere (two people
//! in a corridor). **Starvation**: one thread never gets the lock, because others always take
//! it first.
//!
//! Rust's compiler rules out data races, not deadlocks: the code below compiles, and hangs.
//!
//! Two tasks (see README.md):
//!
//! 1. [`Bank::transfer`] (in `transfer.rs`): opposite transfers between two accounts must never
//!    deadlock;
//! 2. [`dine`] (in `philosophers.rs`): five philosophers, each eating 1 000 times, must never
//!    deadlock.

#[doc(hidden)]
pub mod model;
// One copy of what the student does not edit, shared with the starter.
#[path = "../../../lessons/04-deadlock/src/bank.rs"]
pub mod bank;
#[path = "../../../lessons/04-deadlock/src/pause.rs"]
pub mod pause;
#[path = "../../../lessons/04-deadlock/src/sync.rs"]
mod sync;
#[path = "../../../lessons/04-deadlock/src/table.rs"]
pub mod table;

pub mod philosophers;
mod transfer;

pub use bank::{Account, Bank};
pub use philosophers::dine;
pub use table::{Fork, Table};
