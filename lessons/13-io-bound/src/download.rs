//! One download: the lectures' `download(url)`, streamed to a file in 1 KiB pieces.

use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;

use reqwest::blocking::Client;

use crate::{Download, DownloadError, file_name_of};

/// The lectures' `buffer_size`: the body is read and written in pieces of this size.
pub const BUFFER_SIZE: usize = 1024;

/// Downloads `url` into `dir`, under the URL's last path segment, streaming the body to the
/// file piece by piece (never holding the whole body in memory).
pub fn download(client: &Client, url: &str, dir: &Path) -> Result<Download, DownloadError> {
    let mut response = client.get(url).send()?;
    // TODO: a 404 or a 500 is an answer too, not a file: report it as
    // `DownloadError::Status` before anything is written.
    let path = dir.join(file_name_of(url)?);
    let mut file = File::create(&path)?;
    let mut buf = [0u8; BUFFER_SIZE];
    let mut bytes = 0;
    loop {
        let n = response.read(&mut buf)?;
        if n == 0 {
            break;
        }
        // TODO: the file must hold exactly the bytes that arrived.
        file.write_all(&buf)?;
        bytes += n as u64;
    }
    Ok(Download { path, bytes })
}
