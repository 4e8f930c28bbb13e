//! Lesson 12's solution with one bug (a mutant): a `drop` that stops the workers at once, throwing
//! away the tasks still queued. `cargo xtask verify` proves that the lesson's checks catch it. Only
//! `pool.rs` differs from the solution; every other file is the solution's or the lesson's own.

#[path = "../../../lessons/12-pools/src/error.rs"]
mod error;
#[path = "../../../solutions/12-pools/src/handle.rs"]
mod handle;
#[path = "../../../solutions/12-pools/src/imap.rs"]
mod imap;
#[path = "../../../solutions/12-pools/src/maclaurin.rs"]
mod maclaurin;
#[path = "../../../solutions/12-pools/src/map.rs"]
mod map;
mod pool;
#[path = "../../../lessons/12-pools/src/process_pool.rs"]
pub mod process_pool;
#[path = "../../../lessons/12-pools/src/tasks.rs"]
mod tasks;

pub use common::process::{ProcessError, Program};
pub use error::{GetTimeoutError, TaskError, panic_message};
pub use handle::AsyncResult;
pub use imap::Imap;
pub use maclaurin::parallel_maclaurin;
pub use map::MapAsync;
pub use pool::ThreadPool;
pub use process_pool::{Done, Job, ProcessPool, child_main};
pub use tasks::{LECTURE_TASKS, LECTURE_TERMS, MACLAURIN_X, Summed, maclaurin_jobs, task_terms};
