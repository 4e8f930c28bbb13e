//! # Lesson 13: threads for I/O
//!
//! A download spends most of its time waiting: for the connection, for the far server to
//! answer, for the next piece of the body. A thread that waits uses no CPU, so while one
//! download waits, others can run — on one core as well as on many. In Python this is the case
//! where threads help in spite of the GIL, because a thread waiting for I/O releases it; in Rust
//! there is no GIL at all, and the same holds for the same reason: waiting is not working.
//!
//! The lectures download five images one after the other, then with a thread each, and fetch six
//! URLs with 1, 3, 6 and 12 threads. Here the URLs point at the course's local server
//! ([`common::server`]), which answers after a latency you choose and counts how many requests
//! it serves at once. Your task (see README.md):
//!
//! 1. [`download`] streams a body to its file in 1 KiB pieces, but the files come out wrong, and
//!    an error page is saved as if it were the file;
//! 2. [`download_all`] downloads one URL after the other and stops the whole program at the first
//!    failure: make it run `workers` downloads at once, and report failures per URL.

pub mod download;
mod outcome;
pub mod pool;

pub use download::{BUFFER_SIZE, download};
pub use outcome::{Download, DownloadError, Outcome, client, file_name_of};
pub use pool::download_all;
