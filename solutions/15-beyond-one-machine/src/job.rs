//! What every rank runs: MPI initialised with a panic hook that ends the whole job, and the
//! work spread over the ranks ([`distribute`]); the protocol between master and workers is in
//! `master_worker.rs`.

use mpi::environment::Universe;
use mpi::topology::{Communicator, SimpleCommunicator};

use crate::master_worker;

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
    master_worker::run(world, numbers, work)
}
