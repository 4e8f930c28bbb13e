//! A local HTTP file server: the offline stand-in for the lectures' image downloads, URL fetcher
//! and web service.
//!
//! [`Server::start`] listens on **127.0.0.1 only**, on an ephemeral port (there is no way to ask
//! for another interface), and serves:
//!
//! | path | answer |
//! | --- | --- |
//! | `/` | a plain-text index: every file with its size and checksum |
//! | `/files/NN.bin` | file `NN` (below [`Config::files`]), [`Config::file_size`] bytes from a seeded generator ([`FileSpec`]) |
//! | `/status/CODE` | that status (404, 500, …) with a one-line body |
//! | `/drop` | nothing: the connection is closed without an answer |
//!
//! Every request waits [`Config::latency`] before it is answered (the network and the far
//! server, as the lectures' downloads feel them) and its body is sent at
//! [`Config::bytes_per_s`]. Query parameters change one request: `?latency_ms=N`,
//! `?bytes_per_s=N`, `?size=N` (the file's length), `?drop_after=N` (close the connection after
//! N body bytes: a broken transfer), `?pause_at=N` (stop after N body bytes until
//! [`Server::resume`]: lets a check look at a half-finished download).
//!
//! The server counts what a check needs as evidence ([`Server::stats`]): connections open now
//! and at most, and requests in progress now and at most. A request is in progress from the
//! moment its header has been read until just before the last byte of its answer is sent: a
//! client that waits for whole answers can never be counted twice, so "at most `k` at once" is
//! exact, not a matter of timing. [`Config::hold`] makes requests wait for company, so that "at
//! least `k` at once" is certain too.
//!
//! It refuses, with a clear status and message: a path that climbs out of the served tree
//! (`/files/../x`, percent-encoded or not: 400), a request header over
//! [`Config::max_request_bytes`] (431), a request with a body (413), a header that does not
//! arrive whole within [`Config::header_deadline`] (408: a slow-loris client would otherwise hold
//! a thread forever), and connections beyond [`Config::max_connections`] (503).
//!
//! Dropping the [`Server`] stops it: every connection is shut, every thread is joined, the port
//! is released.
//!
//! Why not tiny_http (the field notes' choice)? It accepts connections on a thread of its own and
//! hands out only parsed requests: there is no socket to put a header deadline on, to count, or
//! to drop mid-answer, no limit on the header's size, and its connection threads outlive the
//! server. So the connections are ours (std's `TcpListener`, a thread each, `TCP_NODELAY` so
//! that answers over 1 KiB are not held back ~40 ms by Nagle's algorithm and delayed ACKs) and
//! the parsing is `httparse`'s, the parser under hyper.

mod content;

pub use content::{Checksum, FileSpec, file_name};

use std::collections::HashMap;
use std::fmt;
use std::io::{self, ErrorKind, Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, SocketAddrV4, TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// How a [`Server`] behaves. `Config::default()` then change what you need.
#[derive(Debug, Clone)]
pub struct Config {
    /// The port on 127.0.0.1; 0 (the default) lets the system pick a free one.
    pub port: u16,
    /// How many files `/files/NN.bin` there are (default 16).
    pub files: usize,
    /// Each file's length in bytes (default 64 KiB; `?size=N` overrides it per request).
    pub file_size: u64,
    /// The generator's seed: the same seed gives the same files (default 2024).
    pub seed: u64,
    /// How long every request waits before it is answered (default none).
    pub latency: Duration,
    /// How fast a body is sent, in bytes per second (default: as fast as the socket takes it).
    pub bytes_per_s: Option<u64>,
    /// Requests wait for company before they are answered (see [`Hold`]; default none).
    pub hold: Option<Hold>,
    /// The longest a request header may take to arrive, from the connection's start (or, on a
    /// kept-alive connection, from its first byte); a slower client gets 408 (default 5 s).
    pub header_deadline: Duration,
    /// How long a kept-alive connection may sit idle between requests before it is closed
    /// (default 5 s).
    pub idle_timeout: Duration,
    /// The largest request header accepted, in bytes; a larger one gets 431 (default 8 KiB).
    pub max_request_bytes: usize,
    /// The most connections open at once; more are answered 503 and closed (default 512).
    pub max_connections: usize,
    /// How long a response stopped by `?pause_at` waits for [`Server::resume`] (default 10 s).
    pub pause_timeout: Duration,
    /// Print a line on stderr for every request (for `cargo xtask serve`; default off).
    pub echo: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            port: 0,
            files: 16,
            file_size: 64 * 1024,
            seed: 2024,
            latency: Duration::ZERO,
            bytes_per_s: None,
            hold: None,
            header_deadline: Duration::from_secs(5),
            idle_timeout: Duration::from_secs(5),
            max_request_bytes: 8 * 1024,
            max_connections: 512,
            pause_timeout: Duration::from_secs(10),
            echo: false,
        }
    }
}

/// A rendezvous for checks: each request waits until `company` requests are in progress at
/// once (itself included), or until `patience` has passed, whichever comes first.
///
/// With `company = k`, a client that really runs k downloads at once is answered at once and
/// the server sees k together on every run; a client that runs fewer waits `patience` per
/// request and is seen running fewer. With `company = k + 1`, a client that runs more than k at
/// once is certain to be seen doing it: its requests wait for each other instead of finishing
/// before the next one arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hold {
    /// How many requests in progress at once release the waiting ones.
    pub company: usize,
    /// The longest a request waits for that company.
    pub patience: Duration,
}

/// What the server has seen so far: the evidence checks rely on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Connections open now.
    pub connections_open: usize,
    /// The most connections that were ever open at once.
    pub connections_most: usize,
    /// Connections accepted in all.
    pub connections_total: usize,
    /// Requests in progress now (header read, answer not yet complete).
    pub requests_in_progress: usize,
    /// The most requests that were ever in progress at once.
    pub requests_most: usize,
    /// Requests whose header was read, in all.
    pub requests_total: usize,
    /// Requests refused for a path that climbs out of the served tree.
    pub refused_traversal: usize,
    /// Requests refused for an oversized header or a body.
    pub refused_oversized: usize,
    /// Connections closed because their header did not arrive in time (slow clients).
    pub refused_slow: usize,
    /// Connections refused because too many were open.
    pub refused_busy: usize,
}

/// One request as the server saw it, with times from the server's start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRecord {
    /// The connection it came on (numbered from 1 in order of arrival).
    pub connection: u64,
    /// The request's path and query.
    pub target: String,
    /// The status answered (0 when the connection was dropped instead).
    pub status: u16,
    /// Body bytes sent.
    pub bytes: u64,
    /// When its header had been read.
    pub start: Duration,
    /// When its answer was complete (or the connection dropped).
    pub end: Duration,
}

/// The running server; dropping it stops it and joins all its threads.
#[derive(Debug)]
pub struct Server {
    /// Numbers the server's threads (`srv3.acc`, `srv3.c12`), so that tests can find them.
    #[cfg_attr(not(test), allow(dead_code))]
    number: u64,
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

impl Server {
    /// Starts a server on 127.0.0.1 with `config`.
    pub fn start(config: Config) -> io::Result<Server> {
        let listener = TcpListener::bind(SocketAddrV4::new(Ipv4Addr::LOCALHOST, config.port))?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                settings: Settings {
                    latency: config.latency,
                    bytes_per_s: config.bytes_per_s,
                    hold: config.hold,
                },
                ..State::default()
            }),
            changed: Condvar::new(),
            config,
            started: Instant::now(),
            next_connection: AtomicU64::new(1),
            sockets: Mutex::new(HashMap::new()),
            workers: Mutex::new(Vec::new()),
        });
        let number = SERVERS.fetch_add(1, Ordering::SeqCst);
        let inside = Arc::clone(&shared);
        let accept = thread::Builder::new()
            .name(format!("srv{number}.acc"))
            .spawn(move || accept_loop(listener, inside, number))?;
        Ok(Server {
            number,
            addr,
            shared,
            accept: Some(accept),
        })
    }

    /// Starts a server with the default [`Config`] (16 files of 64 KiB, no latency).
    pub fn with_defaults() -> io::Result<Server> {
        Server::start(Config::default())
    }

    /// The address it listens on (always 127.0.0.1).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The full URL of `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url())
    }

    /// The URL of file `n`: `http://127.0.0.1:PORT/files/NN.bin`.
    pub fn file_url(&self, n: usize) -> String {
        self.url(&format!("/files/{}", file_name(n)))
    }

    /// The URLs of all the files, in order.
    pub fn file_urls(&self) -> Vec<String> {
        (0..self.shared.config.files)
            .map(|n| self.file_url(n))
            .collect()
    }

    /// File `n` as served by default (its size and checksum).
    pub fn file(&self, n: usize) -> FileSpec {
        FileSpec::new(self.shared.config.seed, n, self.shared.config.file_size)
    }

    /// File `n` as served with `?size=size`.
    pub fn file_sized(&self, n: usize, size: u64) -> FileSpec {
        FileSpec::new(self.shared.config.seed, n, size)
    }

    /// The configuration it was started with (settings changed since are in the setters).
    pub fn config(&self) -> &Config {
        &self.shared.config
    }

    /// Changes the latency of requests from now on.
    pub fn set_latency(&self, latency: Duration) {
        self.shared.lock().settings.latency = latency;
    }

    /// Changes the bandwidth of answers from now on (`None`: unlimited).
    pub fn set_bytes_per_s(&self, bytes_per_s: Option<u64>) {
        self.shared.lock().settings.bytes_per_s = bytes_per_s;
    }

    /// Makes requests from now on wait for company (see [`Hold`]; `None`: no waiting).
    pub fn set_hold(&self, hold: Option<Hold>) {
        self.shared.lock().settings.hold = hold;
    }

    /// Lets every answer stopped at `?pause_at` go on.
    pub fn resume(&self) {
        self.shared.lock().resumes += 1;
        self.shared.changed.notify_all();
    }

    /// How many answers are stopped at `?pause_at` now.
    pub fn paused(&self) -> usize {
        self.shared.lock().paused
    }

    /// What the server has counted so far.
    pub fn stats(&self) -> Stats {
        self.shared.lock().stats
    }

    /// Forgets the high-water marks (connections and requests at most), so that the next
    /// measurement starts from what is open now.
    pub fn reset_most(&self) {
        let mut state = self.shared.lock();
        state.stats.connections_most = state.stats.connections_open;
        state.stats.requests_most = state.stats.requests_in_progress;
    }

    /// Every request so far, in the order they were completed.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.shared.lock().log.clone()
    }

    /// Time since the server started (the clock of [`RequestRecord`]).
    pub fn uptime(&self) -> Duration {
        self.shared.started.elapsed()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shared.lock().stopping = true;
        self.shared.changed.notify_all();
        // Wake the accept loop with a connection of our own; it sees `stopping` and returns.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
        // Shut every open connection: a thread blocked reading or writing wakes with an error.
        for socket in self.shared.sockets.lock().unwrap().values() {
            let _ = socket.shutdown(Shutdown::Both);
        }
        let workers = std::mem::take(&mut *self.shared.workers.lock().unwrap());
        for worker in workers {
            let _ = worker.join();
        }
    }
}

impl fmt::Display for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.base_url())
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct Settings {
    latency: Duration,
    bytes_per_s: Option<u64>,
    hold: Option<Hold>,
}

#[derive(Debug, Default)]
struct State {
    settings: Settings,
    stats: Stats,
    log: Vec<RequestRecord>,
    stopping: bool,
    /// Bumped each time an arriving request brings the company a [`Hold`] asks for.
    gatherings: u64,
    resumes: u64,
    paused: usize,
}

#[derive(Debug)]
struct Shared {
    config: Config,
    state: Mutex<State>,
    /// Notified on every change a waiting request may care about (company, resume, stop).
    changed: Condvar,
    started: Instant,
    next_connection: AtomicU64,
    /// A handle on every open connection, to shut them all when the server stops.
    sockets: Mutex<HashMap<u64, TcpStream>>,
    workers: Mutex<Vec<JoinHandle<()>>>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Sleeps `d` unless the server stops first; false if it is stopping.
    fn sleep(&self, d: Duration) -> bool {
        let state = self.lock();
        let (state, _) = self
            .changed
            .wait_timeout_while(state, d, |s| !s.stopping)
            .unwrap_or_else(|e| e.into_inner());
        !state.stopping
    }

    fn stopping(&self) -> bool {
        self.lock().stopping
    }
}

/// Servers started so far in this process.
static SERVERS: AtomicU64 = AtomicU64::new(1);

fn accept_loop(listener: TcpListener, shared: Arc<Shared>, number: u64) {
    for stream in listener.incoming() {
        if shared.stopping() {
            return;
        }
        let Ok(stream) = stream else { continue };
        let _ = stream.set_nodelay(true);
        let id = shared.next_connection.fetch_add(1, Ordering::SeqCst);
        {
            let mut state = shared.lock();
            if state.stats.connections_open >= shared.config.max_connections {
                state.stats.refused_busy += 1;
                drop(state);
                let mut stream = stream;
                let _ = answer(
                    &mut stream,
                    503,
                    "refused: too many connections are open at once\n",
                    true,
                );
                continue;
            }
            state.stats.connections_open += 1;
            state.stats.connections_total += 1;
            state.stats.connections_most = state
                .stats
                .connections_most
                .max(state.stats.connections_open);
        }
        if let Ok(handle) = stream.try_clone() {
            shared.sockets.lock().unwrap().insert(id, handle);
        }
        let inside = Arc::clone(&shared);
        let spawned = thread::Builder::new()
            .name(format!("srv{number}.c{id}"))
            .spawn(move || {
                serve_connection(stream, id, &inside);
                inside.sockets.lock().unwrap().remove(&id);
                inside.lock().stats.connections_open -= 1;
            });
        let mut workers = shared.workers.lock().unwrap();
        workers.retain(|w| !w.is_finished());
        match spawned {
            Ok(handle) => workers.push(handle),
            Err(_) => {
                shared.sockets.lock().unwrap().remove(&id);
                shared.lock().stats.connections_open -= 1;
            }
        }
    }
}

/// Why a connection stops being served.
enum Close {
    /// The client went away or the server is stopping: nothing more to say.
    Quietly,
    /// Answer this status and message, then close.
    With(u16, String),
}

/// Reads one request header, whole, within the deadlines; `Ok(None)` when the client closed a
/// kept-alive connection (or left it idle too long) between requests.
fn read_head(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    config: &Config,
    first: bool,
    accepted: Instant,
) -> Result<Option<usize>, Close> {
    let mut deadline = first.then(|| accepted + config.header_deadline);
    let mut chunk = [0u8; 2048];
    loop {
        if !buf.is_empty() {
            deadline.get_or_insert_with(|| Instant::now() + config.header_deadline);
            let mut headers = [httparse::EMPTY_HEADER; 64];
            let mut request = httparse::Request::new(&mut headers);
            match request.parse(buf) {
                Ok(httparse::Status::Complete(len)) if len <= config.max_request_bytes => {
                    return Ok(Some(len));
                }
                Ok(httparse::Status::Complete(_)) | Ok(httparse::Status::Partial)
                    if buf.len() > config.max_request_bytes =>
                {
                    return Err(oversized(config));
                }
                Ok(_) => {}
                Err(httparse::Error::TooManyHeaders) => return Err(oversized(config)),
                Err(e) => {
                    return Err(Close::With(
                        400,
                        format!("refused: a malformed request ({e})\n"),
                    ));
                }
            }
        }
        let wait = match deadline {
            Some(deadline) => match deadline.checked_duration_since(Instant::now()) {
                Some(left) if !left.is_zero() => left,
                _ => return Err(slow(config)),
            },
            None => config.idle_timeout,
        };
        let _ = stream.set_read_timeout(Some(wait));
        match stream.read(&mut chunk) {
            Ok(0) => return Ok(None),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                if deadline.is_some() {
                    return Err(slow(config));
                }
                return Ok(None); // idle between requests: close quietly
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => return Err(Close::Quietly),
        }
    }
}

fn oversized(config: &Config) -> Close {
    Close::With(
        431,
        format!(
            "refused: the request header is larger than {} bytes\n",
            config.max_request_bytes
        ),
    )
}

fn slow(config: &Config) -> Close {
    Close::With(
        408,
        format!(
            "refused: the request header did not arrive within {:.1} s \
             (a client this slow would hold a connection forever)\n",
            config.header_deadline.as_secs_f64()
        ),
    )
}

/// What a parsed request asks for.
struct Request {
    target: String,
    path: String,
    query: HashMap<String, String>,
    keep_alive: bool,
}

fn parse(head: &[u8], config: &Config) -> Result<Request, (u16, String)> {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut request = httparse::Request::new(&mut headers);
    request
        .parse(head)
        .map_err(|e| (400, format!("refused: a malformed request ({e})\n")))?;
    let method = request.method.unwrap_or("");
    let target = request.path.unwrap_or("").to_string();
    let version = request.version.unwrap_or(1);
    let header = |name: &str| {
        request
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| String::from_utf8_lossy(h.value).trim().to_ascii_lowercase())
    };
    let connection = header("connection");
    let keep_alive = match version {
        0 => connection.as_deref() == Some("keep-alive"),
        _ => !connection.is_some_and(|c| c.contains("close")),
    };
    let has_body = header("transfer-encoding").is_some()
        || header("content-length").is_some_and(|len| len != "0");
    if has_body {
        return Err((
            413,
            format!(
                "refused: this server takes no request bodies (at most {} bytes of header)\n",
                config.max_request_bytes
            ),
        ));
    }
    if method != "GET" {
        return Err((405, format!("refused: only GET is served, not {method}\n")));
    }
    let (raw_path, raw_query) = target.split_once('?').unwrap_or((&target, ""));
    let path = percent_decode(raw_path).ok_or_else(|| {
        (
            400,
            format!("refused: the path {raw_path} is not valid UTF-8\n"),
        )
    })?;
    if !path.starts_with('/')
        || path.contains('\\')
        || path.contains('\0')
        || path
            .split('/')
            .any(|segment| segment == ".." || segment == ".")
    {
        return Err((
            400,
            format!("refused: path traversal: {raw_path} climbs out of the served tree\n"),
        ));
    }
    let query = raw_query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (k.to_string(), v.to_string())
        })
        .collect();
    Ok(Request {
        target,
        path,
        query,
        keep_alive,
    })
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn serve_connection(mut stream: TcpStream, id: u64, shared: &Shared) {
    let accepted = Instant::now();
    let config = &shared.config;
    let mut buf = Vec::new();
    let mut first = true;
    loop {
        let len = match read_head(&mut stream, &mut buf, config, first, accepted) {
            Ok(Some(len)) => len,
            Ok(None) | Err(Close::Quietly) => return,
            Err(Close::With(status, message)) => {
                return refuse(&mut stream, id, shared, status, &message);
            }
        };
        first = false;
        let head: Vec<u8> = buf.drain(..len).collect();
        let request = match parse(&head, config) {
            Ok(request) => request,
            Err((status, message)) => return refuse(&mut stream, id, shared, status, &message),
        };
        let keep_going = respond(&mut stream, id, &request, shared);
        if !keep_going || !request.keep_alive || shared.stopping() {
            return;
        }
    }
}

/// Counts a refused request by its reason, answers it, and closes the connection.
fn refuse(stream: &mut TcpStream, id: u64, shared: &Shared, status: u16, message: &str) {
    {
        let stats = &mut shared.lock().stats;
        match status {
            400 if message.contains("traversal") => stats.refused_traversal += 1,
            408 => stats.refused_slow += 1,
            413 | 431 => stats.refused_oversized += 1,
            _ => {}
        }
    }
    echo(
        &shared.config,
        &format!("connection {id}: {status} {}", message.trim()),
    );
    let _ = answer(stream, status, message, true);
}

/// Counts a request in progress from its creation until `finish` (or drop).
struct InProgress<'a> {
    shared: &'a Shared,
    start: Duration,
    done: bool,
}

impl<'a> InProgress<'a> {
    fn enter(shared: &'a Shared) -> Self {
        let mut state = shared.lock();
        let stats = &mut state.stats;
        stats.requests_in_progress += 1;
        stats.requests_total += 1;
        stats.requests_most = stats.requests_most.max(stats.requests_in_progress);
        if let Some(hold) = state.settings.hold
            && state.stats.requests_in_progress >= hold.company
        {
            state.gatherings += 1;
        }
        drop(state);
        shared.changed.notify_all();
        InProgress {
            shared,
            start: shared.started.elapsed(),
            done: false,
        }
    }

    /// Waits for the company the server's [`Hold`] asks for (if any), then the latency.
    fn wait_before_answering(&self, latency: Duration, hold: Option<Hold>) -> bool {
        if let Some(hold) = hold {
            let state = self.shared.lock();
            let arrived = state.gatherings;
            let company = |s: &mut State| {
                s.gatherings == arrived && s.stats.requests_in_progress < hold.company
            };
            let (state, _) = self
                .shared
                .changed
                .wait_timeout_while(state, hold.patience, |s| company(s) && !s.stopping)
                .unwrap_or_else(|e| e.into_inner());
            if state.stopping {
                return false;
            }
        }
        latency.is_zero() || self.shared.sleep(latency)
    }

    /// The answer is about to be complete: stop counting it.
    fn finish(&mut self) {
        if !self.done {
            self.done = true;
            self.shared.lock().stats.requests_in_progress -= 1;
            self.shared.changed.notify_all();
        }
    }
}

impl Drop for InProgress<'_> {
    fn drop(&mut self) {
        self.finish();
    }
}

fn query_u64(request: &Request, key: &str) -> Option<u64> {
    request.query.get(key).and_then(|v| v.parse().ok())
}

/// Answers one request; false if the connection must close.
fn respond(stream: &mut TcpStream, id: u64, request: &Request, shared: &Shared) -> bool {
    let config = &shared.config;
    let mut progress = InProgress::enter(shared);
    let settings = shared.lock().settings;
    let latency = query_u64(request, "latency_ms")
        .map(Duration::from_millis)
        .unwrap_or(settings.latency);
    if !progress.wait_before_answering(latency, settings.hold) {
        return false;
    }
    let record = |status: u16, bytes: u64, start: Duration| {
        let end = shared.started.elapsed();
        echo(
            config,
            &format!(
                "connection {id}: GET {} → {} ({} bytes, {:.3} s)",
                request.target,
                if status == 0 {
                    "dropped".to_string()
                } else {
                    status.to_string()
                },
                bytes,
                (end - start).as_secs_f64()
            ),
        );
        shared.lock().log.push(RequestRecord {
            connection: id,
            target: request.target.clone(),
            status,
            bytes,
            start,
            end,
        });
    };
    let start = progress.start;
    let path = request.path.as_str();
    let simple = |status: u16, message: String| (status, message);
    let file = path
        .strip_prefix("/files/")
        .and_then(|name| name.strip_suffix(".bin"))
        .and_then(|n| n.parse::<usize>().ok())
        .filter(|_| path.len() > "/files/.bin".len());
    let (status, message) = match (path, file) {
        (_, Some(n)) if n < config.files => {
            let size = query_u64(request, "size").unwrap_or(config.file_size);
            let spec = FileSpec::new(config.seed, n, size);
            let rate = query_u64(request, "bytes_per_s").or(settings.bytes_per_s);
            let (sent, whole) = send_file(stream, &spec, request, rate, &mut progress, shared);
            record(if whole { 200 } else { 0 }, sent, start);
            return whole;
        }
        (_, Some(_)) => simple(
            404,
            format!(
                "no such file: {path} (there are {} files, 00 to {:02})\n",
                config.files,
                config.files.saturating_sub(1)
            ),
        ),
        ("/", _) => (200, index(config)),
        ("/drop", _) => {
            progress.finish();
            let _ = stream.shutdown(Shutdown::Both);
            record(0, 0, start);
            return false;
        }
        (p, _) if p.starts_with("/status/") => match p["/status/".len()..].parse::<u16>() {
            Ok(code) if (200..600).contains(&code) => {
                simple(code, format!("status {code}, as asked\n"))
            }
            _ => simple(
                400,
                format!("refused: {p} names no status between 200 and 599\n"),
            ),
        },
        _ => simple(404, format!("no such file: {path}\n")),
    };
    progress.finish();
    let ok = answer(stream, status, &message, !request.keep_alive).is_ok();
    record(status, message.len() as u64, start);
    ok
}

/// Streams a file's body; returns the bytes sent and whether the answer is whole.
fn send_file(
    stream: &mut TcpStream,
    spec: &FileSpec,
    request: &Request,
    rate: Option<u64>,
    progress: &mut InProgress<'_>,
    shared: &Shared,
) -> (u64, bool) {
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\n\
         X-Checksum: {}\r\n{}\r\n",
        spec.size,
        spec.checksum(),
        if request.keep_alive {
            ""
        } else {
            "Connection: close\r\n"
        }
    );
    if spec.size == 0 {
        progress.finish();
    }
    if stream.write_all(head.as_bytes()).is_err() {
        return (0, false);
    }
    let drop_after = query_u64(request, "drop_after");
    let mut pause_at = query_u64(request, "pause_at");
    // Pieces of at most 16 KiB; with a bandwidth limit, about 20 pieces a second.
    let piece = rate.map_or(16 * 1024, |r| (r / 20).clamp(1024, 16 * 1024)) as usize;
    let mut buf = vec![0u8; piece];
    let body_start = Instant::now();
    let mut sent = 0u64;
    while sent < spec.size {
        let mut n = (spec.size - sent).min(piece as u64);
        for limit in [drop_after, pause_at].into_iter().flatten() {
            if limit > sent {
                n = n.min(limit - sent);
            }
        }
        if drop_after.is_some_and(|d| sent >= d) {
            let _ = stream.shutdown(Shutdown::Both);
            return (sent, false);
        }
        if pause_at.is_some_and(|p| sent >= p) {
            pause_at = None;
            if !wait_for_resume(shared) {
                return (sent, false);
            }
        }
        let n = n as usize;
        spec.fill(sent, &mut buf[..n]);
        if sent + n as u64 == spec.size {
            progress.finish(); // the last piece: the client may have it all from now on
        }
        if stream.write_all(&buf[..n]).is_err() {
            return (sent, false);
        }
        sent += n as u64;
        if let Some(rate) = rate.filter(|&r| r > 0) {
            let due = Duration::from_secs_f64(sent as f64 / rate as f64);
            if let Some(wait) = due.checked_sub(body_start.elapsed())
                && !shared.sleep(wait)
            {
                return (sent, false);
            }
        }
    }
    (sent, true)
}

fn wait_for_resume(shared: &Shared) -> bool {
    let mut state = shared.lock();
    let resumes = state.resumes;
    state.paused += 1;
    let (mut state, _) = shared
        .changed
        .wait_timeout_while(state, shared.config.pause_timeout, |s| {
            s.resumes == resumes && !s.stopping
        })
        .unwrap_or_else(|e| e.into_inner());
    state.paused -= 1;
    !state.stopping
}

fn index(config: &Config) -> String {
    let mut out = format!(
        "{} files of {} bytes (seed {}); GET /files/NN.bin, /status/CODE, /drop\n",
        config.files, config.file_size, config.seed
    );
    for n in 0..config.files {
        let spec = FileSpec::new(config.seed, n, config.file_size);
        out.push_str(&format!("/files/{} {}\n", spec.name(), spec.checksum()));
    }
    out
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// Writes a short plain-text answer.
fn answer(stream: &mut TcpStream, status: u16, message: &str, close: bool) -> io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\n{}\r\n",
        reason(status),
        message.len(),
        if close { "Connection: close\r\n" } else { "" }
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(message.as_bytes())?;
    stream.flush()?;
    if close {
        // Say we are done, then let the client read the answer before the socket goes.
        let _ = stream.shutdown(Shutdown::Write);
        let until = Instant::now() + Duration::from_millis(300);
        let mut sink = [0u8; 1024];
        while let Some(left) = until.checked_duration_since(Instant::now()) {
            let _ = stream.set_read_timeout(Some(left.max(Duration::from_millis(1))));
            if !matches!(stream.read(&mut sink), Ok(n) if n > 0) {
                break;
            }
        }
    }
    Ok(())
}

fn echo(config: &Config, line: &str) {
    if config.echo {
        eprintln!("{line}");
    }
}

#[cfg(test)]
mod tests;
