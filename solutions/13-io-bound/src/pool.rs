//! Many downloads: a bounded pool of worker threads.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;

use crate::{Outcome, client, download};

/// Downloads every URL into `dir`, running up to `workers` downloads at once, and returns one
/// [`Outcome`] per URL, in the order of `urls`. A URL that fails is reported in its own outcome;
/// the others are downloaded all the same.
pub fn download_all(urls: &[String], dir: &Path, workers: usize) -> Vec<Outcome> {
    // One client for all: its pool keeps each worker's connection open for its next URL.
    let client = client();
    // The next URL to take: each worker takes one, downloads it, and comes back for more, so
    // that a slow URL holds up one worker, not a whole share of the list.
    let next = AtomicUsize::new(0);
    // The lectures' results queue: each worker sends (position, outcome) as it finishes.
    let (results, collected) = mpsc::channel();
    thread::scope(|s| {
        for w in 1..=workers.clamp(1, urls.len().max(1)) {
            let (client, next, results) = (&client, &next, results.clone());
            thread::Builder::new()
                .name(format!("worker-{w}"))
                .spawn_scoped(s, move || {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(url) = urls.get(i) else { break };
                        let result = download(client, url, dir);
                        let outcome = Outcome {
                            url: url.clone(),
                            result,
                        };
                        results
                            .send((i, outcome))
                            .expect("the collector outlives the workers");
                    }
                })
                .expect("start a download worker");
        }
    });
    drop(results);
    let mut outcomes: Vec<(usize, Outcome)> = collected.into_iter().collect();
    outcomes.sort_by_key(|(i, _)| *i);
    outcomes.into_iter().map(|(_, outcome)| outcome).collect()
}
