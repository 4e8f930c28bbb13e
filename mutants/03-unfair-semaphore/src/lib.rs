//! Lesson 03's solution with one bug: a textbook semaphore (a count, `wait_while`, `notify_one`)
//! that is right about k but not fair: a thread that gives its permit back and asks again at once
//! takes it straight back while another waits in line. `cargo xtask verify` proves the checks catch it.

#[doc(hidden)]
pub mod model;
pub mod semaphore;
mod sync;
#[path = "../../../solutions/03-locks/src/writers.rs"]
pub mod writers;

pub use common::screen::Screen;
pub use semaphore::{Permit, Semaphore};
pub use writers::{greeting, write_greetings, write_greetings_two_at_a_time};
