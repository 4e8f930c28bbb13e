//! Lesson 13's solution with one bug: a pool whose workers all stop at the first failed URL. `cargo xtask verify` proves that the checks
//! catch it.

#[path = "../../../solutions/13-io-bound/src/download.rs"]
pub mod download;
#[path = "../../../lessons/13-io-bound/src/outcome.rs"]
mod outcome;
pub mod pool;

pub use download::{BUFFER_SIZE, download};
pub use outcome::{Download, DownloadError, Outcome, client, file_name_of};
pub use pool::download_all;
