//! Lesson 03's solution with one bug: its writer takes the screen's lock for each piece of a
//! line separately, so another writer may get the screen between a line's name and its rest.
//! It usually does not (the releasing thread tends to take the lock straight back), which is
//! why the checks look at how the lock was held, not only at the lines. `cargo xtask verify`
//! proves that they catch it.

#[doc(hidden)]
pub mod model;
#[path = "../../../solutions/03-locks/src/semaphore.rs"]
pub mod semaphore;
mod sync;
pub mod writers;

pub use common::screen::Screen;
pub use semaphore::{Permit, Semaphore};
pub use writers::{greeting, write_greetings, write_greetings_two_at_a_time};
