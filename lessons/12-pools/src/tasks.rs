//! Parallel Python's example: the Maclaurin series cut into tasks (you do not need to change
//! this file).

use std::ops::Range;

use crate::process_pool::Job;

/// The x of the lesson's series: close enough to 1 that the 12 800 000 terms all matter (and
/// never pass through subnormal numbers, which are slow: see the course's field notes).
pub const MACLAURIN_X: f64 = 0.999_999_9;

/// The lectures' size: 12 800 000 terms.
pub const LECTURE_TERMS: u64 = 12_800_000;

/// Parallel Python's decomposition: 64 tasks.
pub const LECTURE_TASKS: usize = 64;

/// The terms of task `i` of `tasks`: `terms` cut into `tasks` ranges whose sizes differ by at
/// most one, the longer ones first.
pub fn task_terms(terms: u64, tasks: usize, i: usize) -> Range<u64> {
    let (tasks, i) = (tasks as u64, i as u64);
    let (size, extra) = (terms / tasks, terms % tasks);
    let start = i * size + i.min(extra);
    start..start + size + u64::from(i < extra)
}

/// The jobs of the series in `tasks` pieces.
pub fn maclaurin_jobs(x: f64, terms: u64, tasks: usize) -> Vec<Job> {
    (0..tasks)
        .map(|i| {
            let Range { start, end } = task_terms(terms, tasks, i);
            Job::Maclaurin { x, start, end }
        })
        .collect()
}

/// The series' sum, and which process computed each task.
#[derive(Debug, Clone, PartialEq)]
pub struct Summed {
    /// The sum of the first `terms` terms.
    pub sum: f64,
    /// The pid of the process that ran each task, in task order.
    pub pids: Vec<u32>,
}
