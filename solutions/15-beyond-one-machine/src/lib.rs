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

mod job;
mod master_worker;

pub use job::{MASTER, PANIC_EXIT, RESULT, STOP, WORK, distribute, factorize_on_ranks, init};
pub use mpi;
