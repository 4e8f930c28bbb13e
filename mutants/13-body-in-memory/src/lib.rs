//! Lesson 13's solution with one bug: a body read fully into memory before it is written. `cargo xtask verify` proves that the checks
//! catch it.

pub mod download;
#[path = "../../../lessons/13-io-bound/src/outcome.rs"]
mod outcome;
#[path = "../../../solutions/13-io-bound/src/pool.rs"]
pub mod pool;

pub use download::{BUFFER_SIZE, download};
pub use outcome::{Download, DownloadError, Outcome, client, file_name_of};
pub use pool::download_all;
