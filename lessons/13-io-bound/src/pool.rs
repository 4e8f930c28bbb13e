//! Many downloads: the lectures' loop over the URLs.

use std::path::Path;

use crate::{Outcome, client, download};

/// Downloads every URL into `dir`, running up to `workers` downloads at once, and returns one
/// [`Outcome`] per URL, in the order of `urls`. A URL that fails is reported in its own outcome;
/// the others are downloaded all the same.
pub fn download_all(urls: &[String], dir: &Path, workers: usize) -> Vec<Outcome> {
    let client = client();
    // TODO: while one download waits for the network, others can run: keep `workers` of them
    // going at once (never more), and report each failure in its own outcome instead of
    // stopping the program.
    let _ = workers;
    urls.iter()
        .map(|url| {
            let download = download(&client, url, dir).expect("download failed");
            Outcome {
                url: url.clone(),
                result: Ok(download),
            }
        })
        .collect()
}
