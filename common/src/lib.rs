//! What the lessons of the course share.
//!
//! - [`workloads`]: the lectures' workloads (∫x², the Maclaurin series, naive factorisation, sums of
//!   primes), exact and tested, and a deterministic CPU burner.
//! - [`timing`]: a named timer, repeated measurement, speedup and efficiency tables.
//! - [`grading`]: what checks share: deadlines, concurrency high-water marks, allocation counts,
//!   numbers printed the way people read them.
//! - [`model`]: the model checker's synchronisation types, instrumented so that a failing
//!   interleaving can be printed as the lectures' read/increment/write table.
//! - [`plot`]: speedup and timeline charts as SVG and PNG, with a bundled font.
//! - [`log`]: thread-named logging for the demos.
//! - [`screen`]: a shared fake terminal that shows torn lines and how many writers were mid-line.
#![warn(missing_docs)]

pub mod grading;
pub mod log;
pub mod model;
pub mod plot;
pub mod screen;
pub mod timing;
pub mod workloads;
