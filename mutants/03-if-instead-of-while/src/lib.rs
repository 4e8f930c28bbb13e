//! Lesson 03's solution with one bug: its semaphore waits with `if` where it must wait with
//! `while`, so a thread that wakes up takes a permit whether or not one is free, and a
//! semaphore of k admits k + 1. `cargo xtask verify` proves that the lesson's checks catch it.

#[doc(hidden)]
pub mod model;
pub mod semaphore;
mod sync;
#[path = "../../../solutions/03-locks/src/writers.rs"]
pub mod writers;

pub use common::screen::Screen;
pub use semaphore::{Permit, Semaphore};
pub use writers::{greeting, write_greetings, write_greetings_two_at_a_time};
