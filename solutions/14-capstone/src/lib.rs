//! Lesson 14, the capstone (the reference solution). The work and the workers are the lesson's
//! own `work.rs`, compiled here too.
//!
//! Threads and processes share the numbers out the same way ([`hand_out`]): a counter says
//! which number is next, and each worker, as soon as it is free, takes the next one. A thread
//! solves it itself; a thread that drives a worker process sends it over and waits for the
//! answer. Only the worker differs ([`parallel`]).

#[path = "../../../lessons/14-capstone/src/work.rs"]
mod work;

pub mod hand_out;
pub mod parallel;

pub use common::process::{ProcessError, Program};
pub use parallel::{in_processes, threaded};
pub use work::{
    Answer, Gate, Probe, Problem, Record, WORKER, WorkerProcess, child_main, hardest_first,
    monotonic_ns, read_records, serial,
};
