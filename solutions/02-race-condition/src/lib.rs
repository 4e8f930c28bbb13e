//! # Lesson 02: race conditions — shared data and lost updates
//!
//! Two threads that each run `x += 1` can lose updates: each reads `x`, adds one, and writes
//! it back, and when both read before either writes, one increment vanishes. The lectures show
//! it with a global `x` and with a bank account charged by two parties at once.
//!
//! Rust refuses the lectures' version outright: a thread may not mutate a variable that another
//! thread can also reach, unless a type makes that safe.
//!
//! ```compile_fail
//! let mut x = 0;
//! std::thread::scope(|s| {
//!     s.spawn(|| x += 1); // error[E0499]: cannot borrow `x` as mutable more than once at a time
//!     s.spawn(|| x += 1);
//! });
//! ```
//!
//! But safe code can still race: an atomic read followed by an atomic write is two steps, and
//! so are "check the balance" and "take the money", even when each step holds a lock. Your task
//! is to fix two such races (see README.md):
//!
//! 1. [`Counter::increment`] loses updates;
//! 2. [`Account::deposit`] loses deposits and [`Account::withdraw`] overdraws.

pub mod account;
pub mod counter;
#[path = "../../../lessons/02-race-condition/src/error.rs"]
mod error;
#[doc(hidden)]
pub mod model;
mod sync;

pub use account::{Account, transfer};
pub use counter::Counter;
pub use error::InsufficientFunds;
