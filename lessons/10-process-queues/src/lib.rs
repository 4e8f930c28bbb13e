//! Lesson 10: process queues.
//!
//! Python's `multiprocessing.Queue` is one queue that many processes put into and many take
//! from; under the hood it is a pipe and a lock. `ipc-channel` gives the two halves separately,
//! and they are not alike: a sender can be cloned, so many processes can send on one channel
//! (the lectures' FourProcesses, [`four_processes`] in `plumbing.rs`, done for you), but a
//! receiver cannot be cloned or shared: a channel has exactly one reader. So there is no queue
//! that several workers take from. What stands in for it is a *dispatcher* in the parent that
//! owns the work, and hands it out one item at a time to whichever worker asks.
//!
//! Your work: [`run_queue`], the dispatcher. The workers are written (`plumbing.rs`,
//! [`worker_main`]): each asks (`FromWorker::Ready`), gets a `Work::Item` on its own channel,
//! sends back `FromWorker::Done`, and asks again, until it gets `Work::Stop` (or its channel is
//! closed); then it sends `FromWorker::Finished` with how many items it took, and exits.

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
    // One channel for everything the workers say: each worker gets a clone of its sender.
    let (to_dispatcher, from_workers) = ipc::channel::<FromWorker>()?;
    let mut children = Vec::new();
    let mut work = Vec::new();
    for worker in 0..workers {
        // A channel of its own for each worker's work: a receiver cannot be shared.
        let (give, take) = ipc::channel::<Work>()?;
        children.push(start_worker(program, worker, take, to_dispatcher.clone())?);
        work.push(give);
    }
    // Ours is the last sender that is not in a worker.
    drop(to_dispatcher);

    // TODO: a process cannot take from another's queue, so each worker gets its own copy of
    // the items here. That does each item once per worker. Keep ONE queue of the work, and
    // hand its items out to whichever worker asks.
    let mut queues: Vec<VecDeque<Item>> = (0..workers)
        .map(|_| items.iter().cloned().collect())
        .collect();
    let mut results = Vec::new();
    let mut reports = Vec::new();
    while reports.len() < workers {
        match from_workers.recv()? {
            FromWorker::Ready { worker } => {
                if let Some(item) = queues[worker].pop_front() {
                    work[worker].send(Work::Item(item))?;
                }
                // TODO: and when there is nothing left, the worker waits for an answer that
                // never comes, and we wait for its report. Tell it to stop (a sentinel), or
                // close its channel.
            }
            FromWorker::Done(done) => results.push(done),
            FromWorker::Finished(report) => reports.push(report),
        }
    }
    for child in &mut children {
        child.wait()?;
    }
    // TODO: the results come in the order the workers finished them; put them in order of
    // position.
    Ok(QueueRun { results, reports })
}
