//! Lesson 11: shared memory and managers.
//!
//! Processes do not share memory (lesson 08). When they must share data, there are two ways, and
//! this lesson does both:
//!
//! 1. **Shared memory**: a segment that both processes map (`segment.rs`: `SharedValue` and
//!    `SharedArray`, Python's `multiprocessing.Value` and `Array`). Fast, and all the races of
//!    threads come back, between processes now. Your work: `squares.rs` (the lectures' squares and
//!    their sum), then the bank balance in `balance.rs`, fixed once with atomics and once with an
//!    inter-process lock.
//! 2. **A manager process** that owns the data and answers requests over `ipc-channel`
//!    (Python's `multiprocessing.Manager`): slower, and as safe as its requests are whole. Your
//!    work: `manager.rs`.
//!
//! The other files are done: `segment.rs` and `lock.rs` (read them for the `unsafe` and its
//! reasons), `bank.rs` and `plumbing.rs` (the processes of each task), `children.rs` (which
//! function each child process runs).

pub mod balance;
pub mod bank;
mod children;
pub mod lock;
pub mod manager;
pub mod model;
pub mod plumbing;
pub mod segment;
pub mod squares;
mod sync;

include!("exports.rs");
