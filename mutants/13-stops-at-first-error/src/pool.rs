//! Many downloads, with the bug: the first failure stops every worker.

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;

use crate::{DownloadError, Outcome, client, download};

/// Downloads every URL into `dir` on `workers` threads — but gives up on the remaining URLs as
/// soon as one fails ("something is wrong, stop"), reporting them as not downloaded.
pub fn download_all(urls: &[String], dir: &Path, workers: usize) -> Vec<Outcome> {
    let client = client();
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let slots: Mutex<Vec<Option<Outcome>>> = Mutex::new(urls.iter().map(|_| None).collect());
    thread::scope(|s| {
        for _ in 0..workers.clamp(1, urls.len().max(1)) {
            s.spawn(|| {
                // The bug: a worker stops taking URLs once any download has failed.
                while !failed.load(Ordering::SeqCst) {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(url) = urls.get(i) else { break };
                    let result = download(&client, url, dir);
                    if result.is_err() {
                        failed.store(true, Ordering::SeqCst);
                    }
                    slots.lock().unwrap()[i] = Some(Outcome {
                        url: url.clone(),
                        result,
                    });
                }
            });
        }
    });
    let slots = slots.into_inner().unwrap();
    urls.iter()
        .zip(slots)
        .map(|(url, slot)| {
            slot.unwrap_or_else(|| Outcome {
                url: url.clone(),
                result: Err(DownloadError::BadUrl(format!(
                    "{url} (skipped after a failure)"
                ))),
            })
        })
        .collect()
}
