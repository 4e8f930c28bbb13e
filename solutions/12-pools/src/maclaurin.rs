//! The lesson's second task (the reference solution): [`parallel_maclaurin`], the series' tasks
//! run on the worker processes of a [`ProcessPool`]. The starter has it in its `lib.rs`.

use common::process::ProcessError;

use crate::process_pool::ProcessPool;
use crate::tasks::{Summed, maclaurin_jobs};

/// The sum of the first `terms` terms of the Maclaurin series of 1/(1-x), cut into `tasks`
/// tasks ([`maclaurin_jobs`]) that run on the worker processes of `pool`; their sums added up
/// in task order.
pub fn parallel_maclaurin(
    pool: &ProcessPool,
    x: f64,
    terms: u64,
    tasks: usize,
) -> Result<Summed, ProcessError> {
    let answers = pool.map(&maclaurin_jobs(x, terms, tasks))?;
    Ok(Summed {
        sum: answers.iter().map(|d| d.value).sum(),
        pids: answers.iter().map(|d| d.pid).collect(),
    })
}
