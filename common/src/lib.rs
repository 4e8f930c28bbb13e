//! What the lessons of the course share.
//!
//! - [`workloads`]: the lectures' workloads (∫x², the Maclaurin series, naive factorisation, sums of
//!   primes), exact and tested, and a deterministic CPU burner.
//! - [`timing`]: a named timer, repeated measurement, speedup and efficiency tables.
//! - [`grading`]: what checks share: deadlines, concurrency high-water marks, allocation counts,
//!   numbers printed the way people read them.
//! - [`reference`]: reference values for the capstone, computed independently and kept as data.
//! - [`model`]: the model checker's synchronisation types, instrumented so that a failing
//!   interleaving can be printed as the lectures' read/increment/write table.
//! - [`mpirun`]: starting an MPI job with Open MPI's `mpirun` (lesson 15), ending it at a deadline,
//!   and finding what it left behind; no MPI library needed.
//! - [`log`]: thread-named logging for the demos.
//! - [`screen`]: a shared fake terminal that shows torn lines and how many writers were mid-line.
#![warn(missing_docs)]

pub mod grading;
pub mod log;
pub mod model;
pub mod mpirun;
pub mod reference;
pub mod screen;
pub mod timing;
pub mod workloads;
