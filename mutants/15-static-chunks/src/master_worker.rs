//! The master/worker protocol of lesson 15's solution, broken: rank 0 deals the numbers out in
//! equal chunks in advance instead of handing them out one at a time on request.

use mpi::point_to_point::{Destination, Source};
use mpi::topology::{Communicator, SimpleCommunicator};

use crate::job::{MASTER, RESULT};

/// Rank 0 runs the master and gets the results; every other rank runs a worker and gets `None`.
pub fn run(
    world: &SimpleCommunicator,
    numbers: &[u64],
    work: impl Fn(u64) -> Vec<u64>,
) -> Option<Vec<(u64, Vec<u64>)>> {
    if world.rank() == MASTER {
        Some(master(world, numbers))
    } else {
        worker(world, numbers, work);
        None
    }
}

/// Rank 0: gather each worker's chunk of answers.
///
/// THE BUG: the numbers are dealt out in advance, in equal chunks, one per worker. A worker whose
/// chunk holds the slow numbers works on while the others, done with theirs, sit idle.
fn master(world: &SimpleCommunicator, numbers: &[u64]) -> Vec<(u64, Vec<u64>)> {
    let mut results: Vec<Option<Vec<u64>>> = vec![None; numbers.len()];
    for _ in 1..world.size() {
        for _ in 0..numbers.len() {
            let (reply, _) = world.any_process().receive_vec_with_tag::<u64>(RESULT);
            if reply.is_empty() {
                break;
            }
            results[reply[0] as usize] = Some(reply[1..].to_vec());
        }
    }
    numbers
        .iter()
        .zip(results)
        .map(|(&n, factors)| (n, factors.expect("every chunk came back")))
        .collect()
}

/// Ranks 1…: factorise chunk `rank - 1` of `numbers`, send each answer, then an empty message.
fn worker(world: &SimpleCommunicator, numbers: &[u64], work: impl Fn(u64) -> Vec<u64>) {
    let workers = (world.size() - 1) as usize;
    let me = (world.rank() - 1) as usize;
    let per = numbers.len().div_ceil(workers);
    let master = world.process_at_rank(MASTER);
    let chunk = numbers.iter().enumerate().skip(me * per).take(per);
    for (index, &number) in chunk {
        let reply: Vec<u64> = std::iter::once(index as u64).chain(work(number)).collect();
        master.send_with_tag(&reply[..], RESULT);
    }
    master.send_with_tag(&[] as &[u64], RESULT);
}
