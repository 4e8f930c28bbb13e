//! # Lesson 13: threads for I/O
//!
//! A download spends most of its time waiting: for the connection, for the far server to
//! answer, for the next piece of the body. A thread that waits uses no CPU, so while one
//! download waits, others can run — on one core as well as on many. In Python this is the case
//! where threads help in spite of the GIL, because a thread waiting for I/O releases it; in Rust
//! there is no GIL at all, and the same holds for the same reason: waiting is not working.
//!
//! The reference solution: [`download`] streams each body to its file and reports an error page
//! as [`DownloadError::Status`]; [`download_all`] runs a pool of `workers` threads that take
//! the URLs one at a time from a shared counter and send their outcomes back through a channel
//! (the lectures' results queue).

pub mod download;
#[path = "../../../lessons/13-io-bound/src/outcome.rs"]
mod outcome;
pub mod pool;

pub use download::{BUFFER_SIZE, download};
pub use outcome::{Download, DownloadError, Outcome, client, file_name_of};
pub use pool::download_all;
