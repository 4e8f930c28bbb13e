// The checks of lesson 13, run by `cargo xtask check lesson-13`, each in its own process.
// The solution runs this same file (solutions/13-io-bound/tests/checks.rs includes it).
//
// Every check starts its own local server (common::server) in the check's process. The server
// counts the requests it is serving at once, from the moment a request's header has arrived
// until just before the last byte of its answer leaves: a client that waits for whole answers
// cannot be counted twice, so "never more than k at once" is exact. Where a check needs "k at
// once" to be certain, the server holds each request until k are in (`Hold`), with a patience
// after which it answers anyway.

use std::net::{Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

use common::grading::with_deadline;
use common::server::{Checksum, Config, FileSpec, Hold, Server};
use lesson_13::{DownloadError, Outcome, download_all};

const LIMIT: Duration = Duration::from_secs(8);

/// The size of the files: no multiple of the 1 KiB buffer, so that a download that writes
/// whole buffers always writes too much.
const SIZE: u64 = 20_000;

fn serve(config: Config) -> Server {
    Server::start(config).expect("start the local server")
}

/// Runs `download_all(urls, dir, workers)` with a deadline; returns the outcomes, the folder
/// and how long it took.
fn run(urls: &[String], workers: usize, what: &str) -> (Vec<Outcome>, tempfile::TempDir, Duration) {
    let dir = tempfile::tempdir().expect("a download folder");
    let (urls, path) = (urls.to_vec(), dir.path().to_path_buf());
    let what = format!(
        "download_all of {} URLs on {workers} workers ({what})",
        urls.len()
    );
    let (outcomes, took) = with_deadline(LIMIT, &what, move || {
        let start = Instant::now();
        let outcomes = download_all(&urls, &path, workers);
        (outcomes, start.elapsed())
    });
    (outcomes, dir, took)
}

/// Fails unless there is one outcome per URL, in order.
fn assert_in_order(outcomes: &[Outcome], urls: &[String]) {
    assert!(
        outcomes.len() == urls.len(),
        "download_all returned {} outcomes for {} URLs: every URL needs its own outcome, \
         failed or not",
        outcomes.len(),
        urls.len()
    );
    for (i, (outcome, url)) in outcomes.iter().zip(urls).enumerate() {
        assert!(
            outcome.url == *url,
            "outcome {i} is for {} but URL {i} is {url}: return the outcomes in the order of the \
             URLs (workers finish in any order; put each result back in its place)",
            outcome.url
        );
    }
}

/// Fails unless `outcome` is a finished download in `dir` whose file matches `spec`.
fn assert_downloaded(outcome: &Outcome, spec: &FileSpec, dir: &Path) {
    let download = match &outcome.result {
        Ok(download) => download,
        Err(error) => panic!("{} failed: {error}", outcome.url),
    };
    let expected_path: PathBuf = dir.join(spec.name());
    assert!(
        download.path == expected_path,
        "{} was saved as {}, expected {}",
        outcome.url,
        download.path.display(),
        expected_path.display()
    );
    let on_disk = Checksum::of_file(&download.path)
        .unwrap_or_else(|e| panic!("{} is not readable: {e}", download.path.display()));
    let expected = spec.checksum();
    assert!(
        on_disk == expected,
        "{} arrived wrong: the file has {} bytes (checksum {on_disk}), the server sent {} \
         (checksum {expected}){}",
        outcome.url,
        on_disk.len(),
        expected.len(),
        if on_disk.len() > expected.len() {
            ": more bytes than arrived were written. A read fills only part of the buffer; \
             write just that part"
        } else {
            ""
        }
    );
    assert!(
        download.bytes == expected.len(),
        "{}: the outcome says {} bytes, the file has {}",
        outcome.url,
        download.bytes,
        expected.len()
    );
}

/// Fails unless every outcome is its URL's file, downloaded whole.
fn assert_all_downloaded(server: &Server, outcomes: &[Outcome], urls: &[String], dir: &Path) {
    assert_in_order(outcomes, urls);
    for (n, outcome) in outcomes.iter().enumerate() {
        assert_downloaded(outcome, &server.file(n), dir);
    }
}

/// A port on 127.0.0.1 where nothing listens: connecting to it is refused.
fn refused_port() -> u16 {
    loop {
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        // The listener is gone; make sure nobody took the port meanwhile.
        if std::net::TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err() {
            return port;
        }
    }
}

#[test]
fn every_file_arrives_with_the_right_checksum() {
    let server = serve(Config {
        files: 12,
        ..Config::default()
    });
    // Sizes that are no multiple of the 1 KiB buffer, from 5 000 to 41 663 bytes.
    let specs: Vec<FileSpec> = (0..12)
        .map(|n| server.file_sized(n, 5_000 + 3_333 * n as u64))
        .collect();
    let urls: Vec<String> = specs
        .iter()
        .map(|s| format!("{}?size={}", server.file_url(s.n), s.size))
        .collect();
    let (outcomes, dir, _) = run(&urls, 4, "12 files");
    assert_in_order(&outcomes, &urls);
    for (outcome, spec) in outcomes.iter().zip(&specs) {
        assert_downloaded(outcome, spec, dir.path());
    }
}

#[test]
fn eight_workers_take_under_40_percent_of_the_sequential_time() {
    let latency = Duration::from_millis(200);
    let server = serve(Config {
        files: 16,
        file_size: SIZE,
        latency,
        ..Config::default()
    });
    let urls = server.file_urls();
    let (outcomes, dir, took) = run(&urls, 8, "200 ms latency each");
    // One at a time, 16 requests that each wait 200 ms take at least 3.2 s.
    let sequential = latency * urls.len() as u32;
    let ratio = took.as_secs_f64() / sequential.as_secs_f64();
    assert!(
        ratio < 0.4,
        "16 downloads that each wait 200 ms for the server took {:.2} s on 8 workers: {:.0} % of \
         the {:.1} s they take one at a time (expected under 40 %; 8 at once need about 0.4 s). \
         The server saw at most {} requests at once: the downloads waited for each other \
         instead of waiting together.",
        took.as_secs_f64(),
        ratio * 100.0,
        sequential.as_secs_f64(),
        server.stats().requests_most
    );
    assert_all_downloaded(&server, &outcomes, &urls, dir.path());
}

#[test]
fn errors_are_reported_per_url() {
    let server = serve(Config {
        files: 8,
        file_size: SIZE,
        latency: Duration::from_millis(50),
        ..Config::default()
    });
    let refused = format!("http://127.0.0.1:{}/files/refused.bin", refused_port());
    // The failures come first: a pool that gives up at the first one leaves the files undone.
    let mut urls = vec![
        server.url("/status/404"),
        refused.clone(),
        server.url("/status/500"),
        server.url("/drop"),
    ];
    urls.extend(server.file_urls());
    let (outcomes, dir, _) = run(
        &urls,
        3,
        "a 404, a refused connection, a 500, a dropped connection, then 8 files",
    );
    assert_in_order(&outcomes, &urls);
    match &outcomes[0].result {
        Err(DownloadError::Status(404)) => {}
        other => panic!(
            "{} answered 404 Not Found; its outcome should be Err(DownloadError::Status(404)), \
             got {other:?}. An error page is an answer, not the file.",
            urls[0]
        ),
    }
    match &outcomes[1].result {
        Err(DownloadError::Status(_)) | Ok(_) => panic!(
            "nothing listens at {refused}, yet its outcome is {:?}: a refused connection is \
             an error of its own (DownloadError::Request)",
            outcomes[1].result
        ),
        Err(_) => {}
    }
    match &outcomes[2].result {
        Err(DownloadError::Status(500)) => {}
        other => panic!(
            "{} answered 500 Internal Server Error; its outcome should be \
             Err(DownloadError::Status(500)), got {other:?}",
            urls[2]
        ),
    }
    assert!(
        outcomes[3].result.is_err(),
        "{} closes the connection without an answer, yet its outcome is {:?}",
        urls[3],
        outcomes[3].result
    );
    for (n, outcome) in outcomes[4..].iter().enumerate() {
        if let Err(error) = &outcome.result {
            panic!(
                "{} failed ({error}) although the server had it: a failure of one URL \
                 must not stop the others (the first failures were URLs 0 to 3)",
                outcome.url
            );
        }
        assert_downloaded(outcome, &server.file(n), dir.path());
    }
}

#[test]
fn never_more_than_workers_requests_at_once() {
    // Each request waits for a fifth (up to 400 ms): with 4 workers the fifth never comes, and
    // a client that runs more than 4 at once is certain to be seen doing it.
    let workers = 4;
    let server = serve(Config {
        files: 8,
        file_size: SIZE,
        hold: Some(Hold {
            company: workers + 1,
            patience: Duration::from_millis(400),
        }),
        ..Config::default()
    });
    let urls = server.file_urls();
    let (outcomes, dir, _) = run(&urls, workers, "at most 4 at once");
    let most = server.stats().requests_most;
    assert!(
        most <= workers,
        "download_all(…, workers = {workers}) had {most} requests in progress at once (the server \
         counts them): {} downloads were running side by side. A thread per URL ignores the \
         limit; start `workers` threads and let each take URL after URL.",
        most
    );
    assert_all_downloaded(&server, &outcomes, &urls, dir.path());
}

#[test]
fn really_runs_workers_downloads_at_once() {
    // Each request waits until 4 are in progress (up to 500 ms): 4 workers that really run
    // together are answered at once; fewer wait out the patience every time.
    let workers = 4;
    let server = serve(Config {
        files: 8,
        file_size: SIZE,
        hold: Some(Hold {
            company: workers,
            patience: Duration::from_millis(500),
        }),
        ..Config::default()
    });
    let urls = server.file_urls();
    let (outcomes, dir, _) = run(&urls, workers, "4 at once");
    let most = server.stats().requests_most;
    assert!(
        most >= workers,
        "download_all(…, workers = {workers}) never had more than {most} request(s) in progress \
         at once (the server counts them): the downloads ran one after another. While one \
         download waits for the network, the others should be waiting too."
    );
    assert_all_downloaded(&server, &outcomes, &urls, dir.path());
}

#[test]
fn bodies_are_streamed_to_disk() {
    // A 4 MiB file whose answer stops after 2 MiB until the check lets it go on: a download that
    // writes each piece as it arrives has about 2 MiB on disk by then.
    let (size, half) = ((4 << 20) + 777, 2 << 20);
    let server = serve(Config {
        files: 1,
        ..Config::default()
    });
    let url = format!("{}?size={size}&pause_at={half}", server.file_url(0));
    let spec = server.file_sized(0, size);
    let dir = tempfile::tempdir().expect("a download folder");
    let file = dir.path().join(spec.name());
    let (urls, path) = (vec![url.clone()], dir.path().to_path_buf());
    let download = thread::spawn(move || download_all(&urls, &path, 1));
    let start = Instant::now();
    while server.paused() == 0 {
        assert!(
            start.elapsed() < Duration::from_secs(5) && !download.is_finished(),
            "the download of {url} never reached the server's pause at 2 MiB"
        );
        thread::sleep(Duration::from_millis(5));
    }
    // The server has sent the first half and waits. Give the client time to write it.
    let mut on_disk = 0;
    let start = Instant::now();
    while on_disk < half / 2 && start.elapsed() < Duration::from_millis(1500) {
        thread::sleep(Duration::from_millis(10));
        on_disk = std::fs::metadata(&file).map_or(0, |m| m.len());
    }
    server.resume();
    let outcomes = with_deadline(LIMIT, "download_all of one 4 MiB file", move || {
        download.join().expect("download_all panicked")
    });
    assert!(
        on_disk >= half / 2,
        "while the server held back the second half of a 4 MiB file, after sending the first \
         2 MiB, {} held {on_disk} bytes: the body is kept in memory until it is complete. Write \
         each piece to the file as it arrives, so that a large file never has to fit in memory.",
        file.display()
    );
    assert_in_order(&outcomes, &[url]);
    assert_downloaded(&outcomes[0], &spec, dir.path());
}
