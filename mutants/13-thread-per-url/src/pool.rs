//! Many downloads, with the bug: a thread for every URL, all at once.

use std::path::Path;
use std::thread;

use crate::{Outcome, client, download};

/// Downloads every URL into `dir` — but starts a thread per URL, ignoring `workers`.
pub fn download_all(urls: &[String], dir: &Path, workers: usize) -> Vec<Outcome> {
    let _ = workers; // the bug: the limit is never applied
    let client = client();
    thread::scope(|s| {
        let handles: Vec<_> = urls
            .iter()
            .map(|url| {
                let client = &client;
                s.spawn(move || Outcome {
                    url: url.clone(),
                    result: download(client, url, dir),
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}
