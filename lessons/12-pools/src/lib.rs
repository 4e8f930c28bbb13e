//! Lesson 12: pools.
//!
//! Starting a thread or a process for every small task costs more than the task. A *pool*
//! starts its workers once and hands them one task after another: Python's
//! `multiprocessing.Pool(processes=4)` (worker processes) and `multiprocessing.pool.ThreadPool`
//! (worker threads), with `apply_async(f, args).get(timeout)`, `map`, `map_async` and `imap`.
//!
//! Your work:
//!
//! 1. [`ThreadPool`] in `pool.rs`: `n` worker threads fed by one crossbeam channel;
//!    `apply_async` returns a handle whose `get_timeout` gives up in time with a typed error;
//!    `map` keeps the order of its items whatever order the tasks finish in; `imap` is lazy; a
//!    panicking task is an error for its handle while the pool goes on with all its workers;
//!    dropping the pool finishes the queued work and joins the workers.
//! 2. [`parallel_maclaurin`] below: Parallel Python's example, the series cut into 64 tasks,
//!    run on a [`ProcessPool`] (`process_pool.rs`, given) of worker processes.

mod error;
mod pool;
pub mod process_pool;
mod tasks;

pub use common::process::{ProcessError, Program};
pub use error::{GetTimeoutError, TaskError, panic_message};
pub use pool::{AsyncResult, Imap, MapAsync, ThreadPool};
pub use process_pool::{Done, Job, ProcessPool, child_main};
pub use tasks::{LECTURE_TASKS, LECTURE_TERMS, MACLAURIN_X, Summed, maclaurin_jobs, task_terms};

/// The sum of the first `terms` terms of the Maclaurin series of 1/(1-x), cut into `tasks`
/// tasks ([`maclaurin_jobs`]) that run on the worker processes of `pool`; their sums added up
/// in task order.
pub fn parallel_maclaurin(
    pool: &ProcessPool,
    x: f64,
    terms: u64,
    tasks: usize,
) -> Result<Summed, ProcessError> {
    // TODO: every task runs here, in this process, one after another, while the pool's workers
    // sit idle. Hand the jobs to the pool instead (it answers in task order) and add up its
    // answers.
    let _ = pool;
    let answers: Vec<Done> = maclaurin_jobs(x, terms, tasks)
        .into_iter()
        .map(Done::here)
        .collect();
    Ok(Summed {
        sum: answers.iter().map(|d| d.value).sum(),
        pids: answers.iter().map(|d| d.pid).collect(),
    })
}
