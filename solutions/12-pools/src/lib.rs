//! Lesson 12: pools (the reference solution). The given parts (errors, the process pool, the
//! series' tasks) are the lesson's own files, compiled here too.
//!
//! The thread pool of the lesson's `pool.rs` is here in four files, one idea each: `pool.rs`
//! (the workers, their queue, `apply_async`, `Drop`), `handle.rs` ([`AsyncResult`]), `map.rs`
//! (`map_async`, `map`, [`MapAsync`]) and `imap.rs` (`imap`, [`Imap`]). A mutant replaces only
//! the file it breaks. The lesson's second task, [`parallel_maclaurin`], is in `maclaurin.rs`.

#[path = "../../../lessons/12-pools/src/error.rs"]
mod error;
mod handle;
mod imap;
mod maclaurin;
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
