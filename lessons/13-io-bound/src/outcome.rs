//! What a download gives back: the file, or the reason it failed. (One copy, shared by the
//! starter and the solution.)

use std::io;
use std::path::PathBuf;

use reqwest::blocking::Client;

/// What happened to one URL of [`download_all`](crate::download_all).
#[derive(Debug)]
pub struct Outcome {
    /// The URL, as it was given.
    pub url: String,
    /// The file it was saved to, or why it was not.
    pub result: Result<Download, DownloadError>,
}

/// A finished download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Download {
    /// Where the body was written: the download folder, then the URL's last path segment.
    pub path: PathBuf,
    /// How many bytes were written.
    pub bytes: u64,
}

/// Why one URL could not be downloaded. Each is reported for its own URL; the others go on.
#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    /// The server answered, but not with the file: 404 Not Found, 500 Internal Server Error, …
    #[error("the server answered {0}")]
    Status(u16),
    /// No answer: the connection was refused, dropped, or timed out.
    #[error("no answer: {0}")]
    Request(#[from] reqwest::Error),
    /// The body stopped before the length the server announced.
    #[error("the body stopped after {received} of {expected} bytes")]
    Incomplete {
        /// The length the server announced.
        expected: u64,
        /// The bytes that arrived.
        received: u64,
    },
    /// Reading the body or writing the file failed.
    #[error("{0}")]
    Io(#[from] io::Error),
    /// The URL does not end with a file name.
    #[error("{0} does not end with a file name")]
    BadUrl(String),
}

/// The name a URL's file is saved under: its last path segment (the lectures'
/// `url.split("/")[-1]`, without the query).
pub fn file_name_of(url: &str) -> Result<String, DownloadError> {
    reqwest::Url::parse(url)
        .ok()
        .and_then(|u| u.path_segments()?.next_back().map(str::to_string))
        .filter(|name| !name.is_empty())
        .ok_or_else(|| DownloadError::BadUrl(url.to_string()))
}

/// A client for the course's local server: `reqwest`'s blocking client, which keeps finished
/// connections open for the next request (a pool of connections, shared by every thread that
/// holds a clone or a reference). It ignores `HTTP_PROXY` settings: the server is on this
/// machine.
pub fn client() -> Client {
    Client::builder()
        .no_proxy()
        .build()
        .expect("a plain-HTTP client needs nothing that can fail to load")
}
