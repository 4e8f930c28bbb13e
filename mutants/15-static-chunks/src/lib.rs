//! # Lesson 15: beyond one machine — the capstone's factorisation over MPI ranks
//!
//! When one machine is not enough, scientific computing reaches for MPI, the Message Passing
//! Interface. An MPI job is a set of processes, its *ranks*, all running the same program
//! (`mpirun -n 4 ./program`); each knows its number (`world.rank()`) and how many there are
//! (`world.size()`), and they share nothing but the messages they send each other. Whether the
//! four ranks run on one machine or on four is a matter of `mpirun`'s hostfile, not of the
//! program: this is the lectures' Parallel Python "spreading the load onto another machine", for
//! real, through rsmpi (the `mpi` crate) on Open MPI.
//!
//! The capstone's work is uneven: among the lectures' 300 numbers a few are primes whose trial
//! division takes thousands of times longer than the rest. Split in advance into equal chunks,
//! one rank gets the primes and the others sit idle; so here rank 0 is a *master* that hands out
//! one number at a time to whichever *worker* asks for more, and gathers the answers.
//!
//! Two tasks (see README.md):
//!
//! 1. [`distribute`]: the master/worker protocol, results gathered at rank 0 in input order;
//! 2. [`init`]: initialise MPI once, with a panic hook that ends the whole job (`MPI_Abort`),
//!    not just the rank that panicked.

use mpi::environment::Universe;
use mpi::point_to_point::{Destination, Source};
use mpi::topology::{Communicator, SimpleCommunicator};

pub use mpi;

/// Rank 0's rank: the master, who hands out the work and gathers the answers.
pub const MASTER: i32 = 0;

/// Message tags. A worker's reply (its answer to the last task, empty the first time) is tagged
/// [`RESULT`]; the master answers with a task tagged [`WORK`] or, when the work has run out,
/// an empty message tagged [`STOP`].
pub const RESULT: i32 = 1;
/// A task: `[index, number]`.
pub const WORK: i32 = 2;
/// No more work: the worker returns.
pub const STOP: i32 = 3;

/// The exit code of a job ended by a panic (what `mpirun` reports).
pub const PANIC_EXIT: i32 = 70;

/// Initialises MPI for this process and makes a panic in any rank end the whole job.
///
/// MPI can be initialised once per process: call this first in `main` and keep the
/// [`Universe`] alive until the end (dropping it calls `MPI_Finalize`).
///
/// Why the hook: a panic unwinds one process only. The other ranks go on waiting for its
/// messages, forever, and `mpirun` waits for them — the job hangs. After printing the panic as
/// usual, the hook calls `MPI_Abort`, which tells `mpirun` to kill every rank of the job.
pub fn init() -> Universe {
    let universe = mpi::initialize().expect("MPI is initialised once per process");
    let print_panic = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        print_panic(info);
        let world = SimpleCommunicator::world();
        eprintln!(
            "rank {} of {} panicked: aborting the whole job",
            world.rank(),
            world.size()
        );
        world.abort(PANIC_EXIT)
    }));
    universe
}

/// Factorises `numbers` over the ranks of `world` with [`common::workloads::factorize_naive`];
/// see [`distribute`].
pub fn factorize_on_ranks(
    world: &SimpleCommunicator,
    numbers: &[u64],
) -> Option<Vec<(u64, Vec<u64>)>> {
    distribute(world, numbers, common::workloads::factorize_naive)
}

/// Applies `work` to every number, spread over the ranks of `world`, and gathers
/// `(number, work(number))` at rank 0 in the order of `numbers`. Every rank calls it with the
/// same `numbers` (one program, many ranks); rank 0 gets `Some(results)`, the others `None`.
///
/// With one rank, rank 0 does the work itself. With more, rank 0 is the master: it does no work
/// of its own but hands out one number at a time to whichever worker asks, so that a worker
/// stuck on a slow number holds up nothing else; each worker asks, works, and asks again with
/// its answer, until the master tells it to stop.
pub fn distribute(
    world: &SimpleCommunicator,
    numbers: &[u64],
    work: impl Fn(u64) -> Vec<u64>,
) -> Option<Vec<(u64, Vec<u64>)>> {
    if world.size() == 1 {
        return Some(numbers.iter().map(|&n| (n, work(n))).collect());
    }
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
