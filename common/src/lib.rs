//! What the lessons of the course share.
//!
//! - [`workloads`]: the lectures' workloads (∫x², the Maclaurin series, naive factorisation, sums of
//!   primes), exact and tested, and a deterministic CPU burner.
//! - [`timing`]: a named timer, repeated measurement, speedup and efficiency tables.
//! - [`bench`]: the rows a demo offers `cargo xtask bench`, and the record of one run.
//! - [`grading`]: what checks share: deadlines, concurrency high-water marks, allocation counts,
//!   numbers printed the way people read them.
//! - [`reference`]: reference values for the capstone, computed independently and kept as data.
//! - [`model`]: the model checker's synchronisation types, instrumented so that a failing
//!   interleaving can be printed as the lectures' read/increment/write table.
//! - [`process`]: the same binary started again in a named role (the `__main__` guard), children
//!   killed and reaped by their guard, an `ipc-channel` handshake with a deadline, process groups,
//!   `/proc`. Why the course does without `procspawn` is written there.
//! - [`plot`]: speedup and timeline charts as SVG and PNG, with a bundled font.
//! - [`mpirun`]: starting an MPI job with Open MPI's `mpirun` (lesson 15), ending it at a deadline,
//!   and finding what it left behind; no MPI library needed.
//! - [`handoff`]: a child handed its arguments, channels included (`Process(args=(conn,))`).
//! - [`log`]: thread-named logging for the demos.
//! - [`screen`]: a shared fake terminal that shows torn lines and how many writers were mid-line.
//! - [`thread_stats`]: a thread's CPU time and sleeps, and whether it is blocked now.
//! - [`server`]: a local HTTP file server on 127.0.0.1 with latency, bandwidth, injected errors,
//!   checksummed files and counters of connections at once (lesson 13, `cargo xtask serve`).
#![warn(missing_docs)]

pub mod bench;
pub mod grading;
pub mod handoff;
pub mod log;
pub mod model;
pub mod mpirun;
pub mod plot;
pub mod process;
pub mod reference;
pub mod screen;
pub mod server;
pub mod thread_stats;
pub mod timing;
pub mod workloads;
