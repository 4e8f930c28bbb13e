//! One download, with the bug: the whole body is read into memory, then written.

use std::fs;
use std::path::Path;

use reqwest::blocking::Client;

use crate::{Download, DownloadError, file_name_of};

/// The lectures' buffer size (unused here: that is the bug).
pub const BUFFER_SIZE: usize = 1024;

/// Downloads `url` into `dir` — holding the whole body in memory before writing the file.
pub fn download(client: &Client, url: &str, dir: &Path) -> Result<Download, DownloadError> {
    let response = client.get(url).send()?;
    let status = response.status();
    if !status.is_success() {
        return Err(DownloadError::Status(status.as_u16()));
    }
    let path = dir.join(file_name_of(url)?);
    let body = response.bytes()?; // the bug: all of it, in memory, before the first write
    fs::write(&path, &body)?;
    Ok(Download {
        path,
        bytes: body.len() as u64,
    })
}
