//! # Lesson 05: condition variables, events, barriers and timers
//!
//! A lock keeps threads out of each other's way; a *condition* lets a thread sleep until
//! another one has changed something. The lectures' consumer takes the lock and, `while not
//! item_available(): condition.wait()`, sleeps with the lock released until a producer
//! `notify()`s. In Rust the lock is a `Mutex<T>` that owns the state and the condition is a
//! `Condvar` that works with its guard: `condvar.wait(guard)` unlocks, sleeps, and locks again.
//!
//! Three tasks (see README.md):
//!
//! 1. [`Event`]: the lectures' `threading.Event` (set, clear, is_set, wait, wait with a
//!    timeout), built from a `Mutex` and a `Condvar`;
//! 2. [`Timer`]: an action that runs after a delay unless cancelled, and a cancel that
//!    returns at once;
//! 3. [`run_program`]: the lectures' L1–L5 calculation with one thread per line, each line
//!    waiting only for its inputs.
//!
//! Given, to read: [`program`] (the five lines and the memory that records who read what) and
//! [`sched`] (the lectures' `sched` module in Rust).

pub mod dataflow;
pub mod event;
#[doc(hidden)]
pub mod model;
#[path = "../../../lessons/05-conditions-events/src/program.rs"]
pub mod program;
#[path = "../../../lessons/05-conditions-events/src/sched.rs"]
pub mod sched;
mod sync;
pub mod timer;

pub use dataflow::run_program;
pub use event::Event;
pub use program::{Line, Memory, Moment, PROGRAM, Record};
pub use sched::Scheduler;
pub use timer::Timer;
