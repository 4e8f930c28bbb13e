//! The master/worker protocol of lesson 15's solution, broken: the master stops once every
//! number is answered, without telling its last worker to stop.

use mpi::point_to_point::{Destination, Source};
use mpi::topology::{Communicator, SimpleCommunicator};

use crate::job::{MASTER, RESULT, STOP, WORK};

/// Rank 0 runs the master and gets the results; every other rank runs a worker and gets `None`.
pub fn run(
    world: &SimpleCommunicator,
    numbers: &[u64],
    work: impl Fn(u64) -> Vec<u64>,
) -> Option<Vec<(u64, Vec<u64>)>> {
    if world.rank() == MASTER {
        Some(master(world, numbers))
    } else {
        worker(world, work);
        None
    }
}

/// Rank 0: answer each worker's request with the next number, or with a stop when none is left;
/// keep going until every worker has been told to stop.
fn master(world: &SimpleCommunicator, numbers: &[u64]) -> Vec<(u64, Vec<u64>)> {
    let mut results: Vec<Option<Vec<u64>>> = vec![None; numbers.len()];
    let mut next = 0;
    // THE BUG: the master stops once every number is answered, and tells only the workers it
    // hears from meanwhile to stop. The last worker to send an answer is never told: it waits
    // for its next message forever, and so does the job.
    let mut answered = 0;
    let mut working = world.size() - 1;
    while answered < numbers.len() && working > 0 {
        let (reply, status) = world.any_process().receive_vec_with_tag::<u64>(RESULT);
        if let Some((&index, factors)) = reply.split_first() {
            results[index as usize] = Some(factors.to_vec());
            answered += 1;
            if answered == numbers.len() {
                break;
            }
        }
        let worker = world.process_at_rank(status.source_rank());
        if next < numbers.len() {
            worker.send_with_tag(&[next as u64, numbers[next]][..], WORK);
            next += 1;
        } else {
            worker.send_with_tag(&[] as &[u64], STOP);
            working -= 1;
        }
    }
    numbers
        .iter()
        .zip(results)
        .map(|(&n, factors)| {
            (
                n,
                factors.expect("every task was answered before its worker stopped"),
            )
        })
        .collect()
}

/// Ranks 1…: ask for work (with the answer to the last task), do it, ask again; stop when told.
fn worker(world: &SimpleCommunicator, work: impl Fn(u64) -> Vec<u64>) {
    let master = world.process_at_rank(MASTER);
    let mut reply: Vec<u64> = Vec::new();
    loop {
        master.send_with_tag(&reply[..], RESULT);
        let (task, status) = master.receive_vec::<u64>();
        if status.tag() == STOP {
            return;
        }
        let (index, number) = (task[0], task[1]);
        reply = std::iter::once(index).chain(work(number)).collect();
    }
}
