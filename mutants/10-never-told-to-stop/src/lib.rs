//! Lesson 10's solution with workers never told to stop (a mutant). The plumbing is the lesson's own
//! `plumbing.rs`, compiled here too.

#[path = "../../../lessons/10-process-queues/src/plumbing.rs"]
mod plumbing;

use std::collections::VecDeque;

use common::process::Program;
use ipc_channel::ipc;

pub use plumbing::{
    CONNECT_DEADLINE, Cost, Done, FromWorker, HELLO, Item, MEET_PATIENCE, QueueError, QueueRun,
    SOURCE, WORKER, Work, WorkerArgs, WorkerReport, child_main, four_processes, start_source,
    start_worker, value_of, worker_main,
};

/// Runs `items` on `workers` worker processes: every item done exactly once, by whichever
/// worker asked for it; returns the results sorted by position and every worker's report.
/// Every worker has stopped on its own, and has been waited for, when this returns.
pub fn run_queue(
    program: &Program,
    items: Vec<Item>,
    workers: usize,
) -> Result<QueueRun, QueueError> {
    let (to_dispatcher, from_workers) = ipc::channel::<FromWorker>()?;
    let mut children = Vec::new();
    let mut work = Vec::new();
    for worker in 0..workers {
        let (give, take) = ipc::channel::<Work>()?;
        children.push(start_worker(program, worker, take, to_dispatcher.clone())?);
        work.push(give);
    }
    drop(to_dispatcher);

    // The one queue, in the parent: an item leaves it once, to the one worker that asked.
    let mut queue: VecDeque<Item> = items.into();
    let mut results = Vec::with_capacity(queue.len());
    let mut reports = Vec::with_capacity(workers);
    while reports.len() < workers {
        match from_workers.recv()? {
            FromWorker::Ready { worker } => {
                // THE BUG: when nothing is left, the worker gets no answer at all (and its
                // channel stays open): it waits for ever, and we wait for its report.
                if let Some(item) = queue.pop_front() {
                    work[worker].send(Work::Item(item))?;
                }
            }
            FromWorker::Done(done) => results.push(done),
            FromWorker::Finished(report) => reports.push(report),
        }
    }
    // Every worker has reported, so each is exiting: reap them all.
    for child in &mut children {
        child.wait()?;
    }
    results.sort_by_key(|done| done.pos);
    Ok(QueueRun { results, reports })
}
