// The demo of lesson 13: `cargo xtask run lesson-13 [--solution] -- downloads`.
// The solution's demo is this same file (solutions/13-io-bound/src/main.rs includes it).
//
// Every demo starts its own local server (common::server) on 127.0.0.1, unless `--url` points
// at one started by `cargo xtask serve`.

use std::collections::BTreeMap;
use std::io::{BufRead, IsTerminal, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand, ValueEnum};
use common::bench::{self, Bar, Case, Record};
use common::server::{Checksum, Config, Server};
use common::timing::seconds;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use lesson_13::{BUFFER_SIZE, client, download, download_all, file_name_of};
use tracing::info;

/// Threads for I/O: downloads from a local server with latency, one at a time and at once.
#[derive(Parser)]
struct Args {
    #[command(subcommand)]
    demo: Demo,
}

#[derive(Subcommand)]
enum Demo {
    /// The lectures' image downloads: one at a time, a thread per URL, and a bounded pool
    /// (download_all), with the server's count of requests at once.
    Downloads {
        #[arg(long, default_value_t = 5)]
        files: usize,
        /// Each file's size in bytes.
        #[arg(long, default_value_t = 256 * 1024)]
        size: u64,
        #[arg(long, default_value_t = 200)]
        latency_ms: u64,
        /// Answers at this many bytes per second each (0: unlimited), so that bars move.
        #[arg(long, default_value_t = 1024 * 1024)]
        bytes_per_s: u64,
        /// Workers of the bounded pool.
        #[arg(long, default_value_t = 4)]
        workers: usize,
    },
    /// The lectures' URL fetcher: N threads take URLs from a shared list until it is empty.
    Fetcher {
        /// Thread counts to try, one run each.
        #[arg(long, value_delimiter = ',', default_value = "1,3,6,12")]
        threads: Vec<usize>,
        #[arg(long, default_value_t = 6)]
        urls: usize,
        #[arg(long, default_value_t = 500)]
        latency_ms: u64,
        /// A server started by `cargo xtask serve` (default: one of our own).
        #[arg(long)]
        url: Option<String>,
    },
    /// The lectures' web-service edition: many clients at once, as threads, as processes, and
    /// as a pool of threads collecting results through a channel.
    WebService {
        #[arg(long, value_enum, default_value_t = Mode::All)]
        mode: Mode,
        #[arg(long, default_value_t = 100)]
        clients: usize,
        /// Threads of the pooled client.
        #[arg(long, default_value_t = 10)]
        pool: usize,
        #[arg(long, default_value_t = 100)]
        latency_ms: u64,
    },
    /// One client of `web-service --mode processes` (run by the demo itself).
    #[command(hide = true)]
    WebClient {
        #[arg(long)]
        url: String,
    },
    /// The benchmark's rows, as JSON (for `cargo xtask bench lesson-13`).
    #[command(hide = true)]
    BenchCases,
    /// One benchmark run: starts a server, downloads, prints the JSON result.
    #[command(hide = true)]
    BenchRun {
        /// Workers of download_all.
        #[arg(long, default_value_t = 1)]
        workers: usize,
        /// One at a time with `download`, without download_all.
        #[arg(long)]
        sequential: bool,
        #[arg(long, default_value_t = 16)]
        files: usize,
        #[arg(long, default_value_t = 200)]
        latency_ms: u64,
        #[arg(long, default_value_t = 16 * 1024)]
        size: u64,
        /// Add the timeline: one lane per connection, a bar per download.
        #[arg(long)]
        timeline: bool,
    },
    /// A server for another program (the bench's Python rows): prints its URL, serves until
    /// its standard input closes.
    #[command(hide = true)]
    BenchServe {
        #[arg(long, default_value_t = 16)]
        files: usize,
        #[arg(long, default_value_t = 200)]
        latency_ms: u64,
        #[arg(long, default_value_t = 16 * 1024)]
        size: u64,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Mode {
    Threads,
    Processes,
    Pooled,
    All,
}

fn main() {
    common::log::init();
    match Args::parse().demo {
        Demo::Downloads {
            files,
            size,
            latency_ms,
            bytes_per_s,
            workers,
        } => downloads(files, size, latency_ms, bytes_per_s, workers),
        Demo::Fetcher {
            threads,
            urls,
            latency_ms,
            url,
        } => fetcher(&threads, urls, latency_ms, url),
        Demo::WebService {
            mode,
            clients,
            pool,
            latency_ms,
        } => web_service(mode, clients, pool, latency_ms),
        Demo::WebClient { url } => web_client(&url),
        Demo::BenchCases => bench_cases(),
        Demo::BenchRun {
            workers,
            sequential,
            files,
            latency_ms,
            size,
            timeline,
        } => bench_run(workers, sequential, files, latency_ms, size, timeline),
        Demo::BenchServe {
            files,
            latency_ms,
            size,
        } => bench_serve(files, latency_ms, size),
    }
}

fn start_server(config: Config) -> Server {
    Server::start(config).expect("start the local server on 127.0.0.1")
}

fn download_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("lesson-13-downloads-")
        .tempdir()
        .expect("a folder for the downloads")
}

/// How many of the files in `dir` match the server's checksums.
fn count_right(server: &Server, sizes: &[(usize, u64)], dir: &Path) -> usize {
    sizes
        .iter()
        .filter(|&&(n, size)| {
            let spec = server.file_sized(n, size);
            Checksum::of_file(&dir.join(spec.name())).is_ok_and(|sum| sum == spec.checksum())
        })
        .count()
}

/// Progress bars for files growing in `dir`, one per file, drawn on stderr while `work` runs
/// (nothing is drawn when stderr is not a terminal). The bars watch the files on disk, so what
/// they show is what has really been written.
fn with_progress<T>(
    label: &str,
    dir: &Path,
    files: &[(String, u64)],
    work: impl FnOnce() -> T,
) -> T {
    let bars = MultiProgress::with_draw_target(if std::io::stderr().is_terminal() {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    });
    let style = ProgressStyle::with_template("{prefix:>24} {bar:30} {bytes:>9}/{total_bytes}")
        .expect("a valid template");
    let watched: Vec<(ProgressBar, std::path::PathBuf)> = files
        .iter()
        .map(|(name, size)| {
            let bar = bars.add(ProgressBar::new(*size).with_style(style.clone()));
            bar.set_prefix(format!("{label} {name}"));
            (bar, dir.join(name))
        })
        .collect();
    let done = AtomicBool::new(false);
    thread::scope(|s| {
        s.spawn(|| {
            while !done.load(Ordering::Relaxed) {
                for (bar, path) in &watched {
                    bar.set_position(std::fs::metadata(path).map_or(0, |m| m.len()));
                }
                thread::sleep(Duration::from_millis(30));
            }
            for (bar, path) in &watched {
                bar.set_position(std::fs::metadata(path).map_or(0, |m| m.len()));
                bar.finish();
            }
        });
        let value = work();
        done.store(true, Ordering::Relaxed);
        value
    })
}

fn downloads(files: usize, size: u64, latency_ms: u64, bytes_per_s: u64, workers: usize) {
    let server = start_server(Config {
        files,
        file_size: size,
        latency: Duration::from_millis(latency_ms),
        bytes_per_s: (bytes_per_s > 0).then_some(bytes_per_s),
        ..Config::default()
    });
    let urls = server.file_urls();
    let names: Vec<(String, u64)> = (0..files).map(|n| (server.file(n).name(), size)).collect();
    let sizes: Vec<(usize, u64)> = (0..files).map(|n| (n, size)).collect();
    info!(
        "{files} files of {size} bytes from {server}, {latency_ms} ms latency, {} per answer",
        if bytes_per_s > 0 {
            format!("{bytes_per_s} bytes/s")
        } else {
            "no bandwidth limit".into()
        }
    );
    let mut table = common::timing::SpeedupTable::new();
    let mut rows = Vec::new();
    for (label, threads) in [
        ("one at a time", 1),
        ("a thread per URL", files),
        ("download_all", workers),
    ] {
        server.reset_most();
        let dir = download_dir();
        let start = Instant::now();
        with_progress(label, dir.path(), &names, || match label {
            "one at a time" => {
                // The lectures' threadIO_seq.py: `for url in urls: download(url)`.
                let client = client();
                for url in &urls {
                    if let Err(error) = download(&client, url, dir.path()) {
                        info!("{url}: {error}");
                    }
                }
            }
            "a thread per URL" => {
                // The lectures' threadIO.py: a thread for each URL, all started, then joined.
                let client = client();
                thread::scope(|s| {
                    for url in &urls {
                        let (client, dir) = (&client, dir.path());
                        s.spawn(move || {
                            if let Err(error) = download(client, url, dir) {
                                info!("{url}: {error}");
                            }
                        });
                    }
                });
            }
            _ => {
                for outcome in download_all(&urls, dir.path(), workers) {
                    if let Err(error) = outcome.result {
                        info!("{}: {error}", outcome.url);
                    }
                }
            }
        });
        let took = start.elapsed();
        let right = count_right(&server, &sizes, dir.path());
        let most = server.stats().requests_most;
        info!(
            "{label}: {} ({right} of {files} files right, at most {most} requests at once)",
            seconds(took)
        );
        table.add(
            label,
            threads,
            common::timing::Stats::from_samples(vec![took]),
        );
        rows.push((label, right, most));
    }
    println!("{}", table.to_table());
    for (label, right, most) in rows {
        println!(
            "{label:>18}: {right}/{files} files right, the server saw at most {most} requests at once"
        );
    }
    println!(
        "The lectures' threaded version starts 4 threads for its 5 images (`range(4)`), so one \
         image is never fetched; a pool takes URLs until none is left, whatever their number."
    );
}

fn fetcher(threads: &[usize], count: usize, latency_ms: u64, url: Option<String>) {
    let own = url.is_none().then(|| {
        start_server(Config {
            files: count,
            file_size: 4 * 1024,
            latency: Duration::from_millis(latency_ms),
            ..Config::default()
        })
    });
    let base = url.unwrap_or_else(|| own.as_ref().expect("our server").base_url());
    let base = base.trim_end_matches('/');
    let hosts: Vec<String> = (0..count)
        .map(|n| format!("{base}/files/{}", common::server::file_name(n)))
        .collect();
    let client = client();
    for &n in threads {
        // The lectures' urlfetchthreaded.py: every thread pops URLs off one shared list until
        // it is empty, reads the first 1 KiB of each, and says how many it processed.
        let remaining = Mutex::new(hosts.clone());
        let start = Instant::now();
        let reports: Vec<(String, usize)> = thread::scope(|s| {
            let handles: Vec<_> = (1..=n)
                .map(|i| {
                    let (remaining, client) = (&remaining, &client);
                    thread::Builder::new()
                        .name(format!("Thread-{i}"))
                        .spawn_scoped(s, move || {
                            let mut processed = 0;
                            loop {
                                let Some(url) = remaining.lock().unwrap().pop() else {
                                    break;
                                };
                                match client.get(&url).send() {
                                    Ok(response) => {
                                        let mut first = Vec::with_capacity(BUFFER_SIZE);
                                        let _ = response
                                            .take(BUFFER_SIZE as u64)
                                            .read_to_end(&mut first);
                                    }
                                    Err(error) => info!("{url}: {error}"),
                                }
                                processed += 1;
                            }
                            (format!("Thread-{i}"), processed)
                        })
                        .expect("start a fetcher thread")
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        println!("$ fetcher --threads {n}");
        for (name, processed) in reports {
            println!("{name} processed {processed} URLs.");
        }
        println!("Elapsed time: {:.2}s", start.elapsed().as_secs_f64());
    }
}

fn web_service(mode: Mode, clients: usize, pool: usize, latency_ms: u64) {
    let server = start_server(Config {
        files: clients.max(1),
        file_size: 2 * 1024,
        latency: Duration::from_millis(latency_ms),
        ..Config::default()
    });
    let urls = server.file_urls();
    info!(
        "{clients} clients of {server}, {latency_ms} ms per request (one at a time: {:.1} s)",
        (clients as u64 * latency_ms) as f64 / 1000.0
    );
    let modes = match mode {
        Mode::All => vec![Mode::Threads, Mode::Processes, Mode::Pooled],
        one => vec![one],
    };
    for mode in modes {
        server.reset_most();
        let start = Instant::now();
        let (label, answers) = match mode {
            Mode::Threads => {
                // client-threading.py: a thread per client, each with its own connection.
                let answers = thread::scope(|s| {
                    let handles: Vec<_> = urls
                        .iter()
                        .map(|url| s.spawn(move || fetch_summary(&client(), url)))
                        .collect();
                    handles
                        .into_iter()
                        .map(|h| h.join().unwrap())
                        .collect::<Vec<_>>()
                });
                (format!("{clients} threads"), answers)
            }
            Mode::Processes => {
                // client-mp.py: a process per client. Here the demo runs itself again as a
                // `web-client`, once per URL, all at once, and reads each one's answer.
                let exe = std::env::current_exe().expect("the demo's own path");
                let children: Vec<_> = urls
                    .iter()
                    .map(|url| {
                        Command::new(&exe)
                            .args(["web-client", "--url", url])
                            .stdout(Stdio::piped())
                            .spawn()
                            .expect("start a client process")
                    })
                    .collect();
                let answers = children
                    .into_iter()
                    .map(|child| {
                        let out = child.wait_with_output().expect("wait for a client process");
                        String::from_utf8_lossy(&out.stdout).trim().to_string()
                    })
                    .collect();
                (format!("{clients} processes"), answers)
            }
            _ => {
                // client-pooled.py, with the exercise done: a pool of threads sharing one
                // client, every result sent back through one queue (a channel) and collected.
                let (results, collected) = mpsc::channel();
                let todo = Mutex::new(urls.iter().enumerate());
                let shared = client();
                thread::scope(|s| {
                    for _ in 0..pool {
                        let (todo, shared, results) = (&todo, &shared, results.clone());
                        s.spawn(move || {
                            loop {
                                let Some((i, url)) = todo.lock().unwrap().next() else {
                                    break;
                                };
                                let _ = results.send((i, fetch_summary(shared, url)));
                            }
                        });
                    }
                });
                drop(results);
                let by_position: BTreeMap<usize, String> = collected.into_iter().collect();
                (
                    format!("a pool of {pool} threads"),
                    by_position.into_values().collect(),
                )
            }
        };
        let took = start.elapsed();
        let ok = answers.iter().filter(|a| a.starts_with("200 ")).count();
        println!(
            "{label:>22}: {} — {ok} of {clients} answers, at most {} requests at once",
            seconds(took),
            server.stats().requests_most
        );
    }
}

/// `200 2048 fnv1a:…` for one GET, or the error.
fn fetch_summary(client: &reqwest::blocking::Client, url: &str) -> String {
    match client.get(url).send().and_then(|r| {
        let status = r.status().as_u16();
        r.bytes().map(|body| (status, body))
    }) {
        Ok((status, body)) => format!("{status} {} {}", body.len(), Checksum::of(&body)),
        Err(error) => format!("error {error}"),
    }
}

fn web_client(url: &str) {
    println!("{}", fetch_summary(&client(), url));
}

fn bench_cases() {
    let exe = std::env::current_exe().expect("the demo's own path");
    let exe = exe.to_string_lossy().to_string();
    let mut cases = vec![
        Case::run(
            "sequential",
            "Rust, one at a time",
            1,
            ["bench-run", "--sequential"],
        )
        .quick(["bench-run", "--sequential", "--latency-ms", "50"])
        .items(16),
    ];
    for workers in [1, 2, 4, 8] {
        let w = workers.to_string();
        let mut case = Case::run(
            format!("pool-{workers}"),
            "Rust, download_all (a bounded pool)",
            workers,
            ["bench-run", "--workers", &w],
        )
        .quick(["bench-run", "--workers", &w, "--latency-ms", "50"])
        .items(16);
        if workers == 8 {
            case = case.with_timeline();
        }
        cases.push(case);
    }
    for threads in [1, 2, 4, 8] {
        let t = threads.to_string();
        let script = "lessons/13-io-bound/python/fetch.py";
        cases.push(
            Case::python(
                format!("py-{threads}"),
                "Python, threads (urllib)",
                threads,
                [script, "--threads", &t, "--server", &exe],
            )
            .quick([
                script,
                "--threads",
                &t,
                "--server",
                &exe,
                "--latency-ms",
                "50",
            ])
            .items(16),
        );
    }
    bench::print_cases(&cases);
}

fn bench_run(
    workers: usize,
    sequential: bool,
    files: usize,
    latency_ms: u64,
    size: u64,
    timeline: bool,
) {
    let server = start_server(Config {
        files,
        file_size: size,
        latency: Duration::from_millis(latency_ms),
        ..Config::default()
    });
    let urls = server.file_urls();
    let dir = download_dir();
    let began = server.uptime();
    let start = Instant::now();
    if sequential {
        let client = client();
        for url in &urls {
            let _ = download(&client, url, dir.path());
        }
    } else {
        download_all(&urls, dir.path(), workers);
    }
    let secs = start.elapsed().as_secs_f64();
    let sizes: Vec<(usize, u64)> = (0..files).map(|n| (n, size)).collect();
    let right = count_right(&server, &sizes, dir.path());
    let mut record = Record::new(secs).result(format!(
        "{right}/{files} files right, {} at once",
        server.stats().requests_most
    ));
    if timeline {
        // The server's view: each request on the connection it came on. A worker keeps its
        // connection open for its next URL, so a lane is a worker's connection.
        let mut lanes = BTreeMap::new();
        let bars = server
            .requests()
            .iter()
            .map(|r| {
                let next = lanes.len() + 1;
                let lane = *lanes.entry(r.connection).or_insert(next);
                let name = file_name_of(&server.url(&r.target)).unwrap_or_default();
                Bar {
                    lane: format!("connection-{lane}"),
                    start_s: r.start.saturating_sub(began).as_secs_f64(),
                    end_s: r.end.saturating_sub(began).as_secs_f64(),
                    label: name,
                }
            })
            .collect();
        record = record.timeline(bars);
    }
    record.print();
}

fn bench_serve(files: usize, latency_ms: u64, size: u64) {
    let server = start_server(Config {
        files,
        file_size: size,
        latency: Duration::from_millis(latency_ms),
        ..Config::default()
    });
    println!("{server}");
    let _ = std::io::stdout().flush();
    // Serve until the program that started us closes our stdin (or dies).
    let mut stdin = std::io::stdin().lock();
    let mut line = String::new();
    while matches!(stdin.read_line(&mut line), Ok(n) if n > 0) {
        line.clear();
    }
}
