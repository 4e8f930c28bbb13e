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
//! one rank gets the primes and the others sit idle; so here rank 0 is to be a *master* that
//! hands out one number at a time to whichever *worker* asks for more, and gathers the answers.
//!
//! Two tasks (see README.md):
//!
//! 1. [`distribute`]: the master/worker protocol, results gathered at rank 0 in input order;
//! 2. [`init`]: initialise MPI once, with a panic hook that ends the whole job (`MPI_Abort`),
//!    not just the rank that panicked.

use mpi::environment::Universe;
use mpi::topology::{Communicator, SimpleCommunicator};

pub use mpi;

/// Rank 0's rank: the master, who hands out the work and gathers the answers.
pub const MASTER: i32 = 0;

/// Message tags, for the protocol you write. A worker's reply (its answer to the last task,
/// empty the first time) is tagged [`RESULT`]; the master answers with a task tagged [`WORK`]
/// or, when the work has run out, an empty message tagged [`STOP`].
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
pub fn init() -> Universe {
    // TODO: a panic unwinds this process only; the other ranks go on waiting for its messages
    // and the job hangs. Make a panic in any rank end the whole job (print it as usual first).
    mpi::initialize().expect("MPI is initialised once per process")
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
    // The capstone's serial loop, run by rank 0 alone: right answers, but the other ranks
    // started, waited and did nothing.
    // TODO: with more than one rank, make rank 0 the master and the other ranks its workers.
    if world.rank() == MASTER {
        Some(numbers.iter().map(|&n| (n, work(n))).collect())
    } else {
        None
    }
}
