//! Lesson 14's solution with one bug: a process version whose workers are threads of the parent. `cargo xtask verify` proves that
//! the checks catch it. Only `in_processes` differs from the solution.

#[path = "../../../lessons/14-capstone/src/work.rs"]
mod work;

#[path = "../../../solutions/14-capstone/src/hand_out.rs"]
pub mod hand_out;
#[path = "../../../solutions/14-capstone/src/parallel.rs"]
pub mod parallel;

pub use common::process::{ProcessError, Program};
pub use parallel::threaded;
pub use work::{
    Answer, Gate, Probe, Problem, Record, WORKER, WorkerProcess, child_main, hardest_first,
    monotonic_ns, read_records, serial,
};

/// The bug: the "processes" are threads of this process; `program` is never started.
pub fn in_processes(
    program: &Program,
    problem: &Problem,
    numbers: &[u64],
    workers: usize,
) -> Result<Vec<Answer>, ProcessError> {
    let _ = program;
    Ok(threaded(problem, numbers, workers))
}
