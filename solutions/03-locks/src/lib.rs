//! # Lesson 03: locks — mutual exclusion, try-lock, re-entrant locks, semaphores
//!
//! A lock lets one thread at a time into a critical section. The lectures `acquire()` and
//! `release()` a `threading.Lock`, or better, use `with lock:` so that the lock is released
//! whatever happens. In Rust the lock owns the data it protects (`Mutex<T>`), `lock()` returns
//! a guard, and dropping the guard releases the lock: RAII is `with`. A semaphore is a lock
//! with a count: up to `k` threads may hold it at once.
//!
//! Three tasks (see README.md):
//!
//! 1. [`write_greetings`]: make every line the writers print whole;
//! 2. [`Semaphore`]: build one from a `Mutex` and a `Condvar`;
//! 3. [`write_greetings_two_at_a_time`]: let at most two writers at the screen at once.

#[doc(hidden)]
pub mod model;
pub mod semaphore;
mod sync;
pub mod writers;

pub use common::screen::Screen;
pub use semaphore::{Permit, Semaphore};
pub use writers::{greeting, write_greetings, write_greetings_two_at_a_time};
