use super::*;
use std::fs;

/// A minimal client: sends `request` as it is, reads the answer until its Content-Length (or
/// the end), and returns (status, head, body). `None` when the server closed without a word.
fn exchange(addr: SocketAddr, request: &[u8]) -> Option<(u16, String, Vec<u8>)> {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(request).expect("send");
    read_answer(&mut stream)
}

fn read_answer(stream: &mut TcpStream) -> Option<(u16, String, Vec<u8>)> {
    let mut got = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(at) = got.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return None,
            Ok(n) => got.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&got[..head_end]).to_string();
    let status = head[9..12].parse().unwrap();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Length: "))
        .map_or(0, |v| v.trim().parse().unwrap());
    let mut body = got[head_end..].to_vec();
    while body.len() < length {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => body.extend_from_slice(&chunk[..n]),
        }
    }
    Some((status, head, body))
}

fn get(server: &Server, path: &str) -> Option<(u16, String, Vec<u8>)> {
    exchange(
        server.addr(),
        format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes(),
    )
}

fn threads_named(prefix: &str) -> Vec<String> {
    fs::read_dir("/proc/self/task")
        .unwrap()
        .filter_map(|t| fs::read_to_string(t.ok()?.path().join("comm")).ok())
        .map(|name| name.trim().to_string())
        .filter(|name| name.starts_with(prefix))
        .collect()
}

#[test]
fn serves_files_whose_checksums_match() {
    let server = Server::start(Config {
        files: 3,
        file_size: 100_000,
        ..Config::default()
    })
    .unwrap();
    for n in 0..3 {
        let (status, head, body) = get(&server, &format!("/files/{}", file_name(n))).unwrap();
        assert_eq!(status, 200);
        assert_eq!(Checksum::of(&body), server.file(n).checksum());
        assert!(head.contains(&server.file(n).checksum().to_string()));
    }
    let (_, _, body) = get(&server, "/files/01.bin?size=1234").unwrap();
    assert_eq!(Checksum::of(&body), server.file_sized(1, 1234).checksum());
    let (status, _, body) = get(&server, "/files/03.bin").unwrap();
    assert_eq!(status, 404, "{}", String::from_utf8_lossy(&body));
    let (status, _, body) = get(&server, "/").unwrap();
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&body).contains(&server.file(2).checksum().to_string()));
}

#[test]
fn listens_on_loopback_only() {
    let server = Server::with_defaults().unwrap();
    assert!(server.addr().ip().is_loopback());
    // The kernel's own list of listening sockets: ours is bound to 127.0.0.1, not 0.0.0.0 or ::.
    let port = format!(":{:04X}", server.addr().port());
    let mut listening = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        for line in fs::read_to_string(table)
            .unwrap_or_default()
            .lines()
            .skip(1)
        {
            let fields: Vec<&str> = line.split_whitespace().collect();
            if fields[1].ends_with(&port) && fields[3] == "0A" {
                listening.push(fields[1].to_string());
            }
        }
    }
    assert_eq!(listening, vec![format!("0100007F{port}")]);
    // And from this machine's own outward address (if it has one), nobody answers.
    let probe = std::net::UdpSocket::bind("0.0.0.0:0").unwrap();
    if probe.connect("192.0.2.1:9").is_ok()
        && let Ok(local) = probe.local_addr()
        && !local.ip().is_loopback()
        && !local.ip().is_unspecified()
    {
        let outward = SocketAddr::new(local.ip(), server.addr().port());
        assert!(TcpStream::connect_timeout(&outward, Duration::from_secs(2)).is_err());
    }
}

#[test]
fn refuses_path_traversal() {
    let server = Server::with_defaults().unwrap();
    for path in [
        "/files/../../etc/passwd",
        "/files/%2e%2e/%2E%2E/etc/passwd",
        "/files/..%2f..%2fetc/passwd",
        "/files/..\\..\\x",
        "/./files/00.bin",
    ] {
        let (status, _, body) = get(&server, path).unwrap();
        let body = String::from_utf8_lossy(&body);
        assert_eq!(status, 400, "{path}: {body}");
        assert!(body.contains("path traversal"), "{path}: {body}");
    }
    assert_eq!(server.stats().refused_traversal, 5);
}

#[test]
fn refuses_oversized_requests_and_bodies() {
    let server = Server::with_defaults().unwrap();
    let huge = format!(
        "GET /files/00.bin HTTP/1.1\r\nHost: x\r\nX-Padding: {}\r\n\r\n",
        "a".repeat(20_000)
    );
    let (status, _, body) = exchange(server.addr(), huge.as_bytes()).unwrap();
    assert_eq!(status, 431);
    assert!(String::from_utf8_lossy(&body).contains("larger than 8192 bytes"));
    let many: String = (0..100).map(|i| format!("X-{i}: y\r\n")).collect();
    let request = format!("GET / HTTP/1.1\r\n{many}\r\n");
    assert_eq!(exchange(server.addr(), request.as_bytes()).unwrap().0, 431);
    let post = b"POST /files/00.bin HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello";
    let (status, _, body) = exchange(server.addr(), post).unwrap();
    assert_eq!(status, 413);
    assert!(String::from_utf8_lossy(&body).contains("no request bodies"));
    assert_eq!(server.stats().refused_oversized, 3);
}

#[test]
fn refuses_slow_loris_clients() {
    let server = Server::start(Config {
        header_deadline: Duration::from_millis(300),
        ..Config::default()
    })
    .unwrap();
    let started = Instant::now();
    let mut stream = TcpStream::connect(server.addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    // A byte every 50 ms: each read succeeds, but the header is never done in time.
    let dribble = {
        let mut stream = stream.try_clone().unwrap();
        thread::spawn(move || {
            for byte in b"GET /files/00.bin HTTP/1.1\r\nHost: slow\r\nX-Slow: "
                .iter()
                .cycle()
            {
                if stream.write_all(&[*byte]).is_err() {
                    break;
                }
                thread::sleep(Duration::from_millis(50));
            }
        })
    };
    let (status, _, body) = read_answer(&mut stream).expect("an answer, not silence");
    assert_eq!(status, 408);
    assert!(String::from_utf8_lossy(&body).contains("did not arrive within 0.3 s"));
    assert!(started.elapsed() < Duration::from_secs(5));
    drop(stream);
    dribble.join().unwrap();
    assert_eq!(server.stats().refused_slow, 1);
    // A client that connects and says nothing is refused the same way.
    let mut silent = TcpStream::connect(server.addr()).unwrap();
    silent
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    assert_eq!(read_answer(&mut silent).unwrap().0, 408);
}

#[test]
fn injects_errors() {
    let server = Server::with_defaults().unwrap();
    assert_eq!(get(&server, "/status/404").unwrap().0, 404);
    assert_eq!(get(&server, "/status/500").unwrap().0, 500);
    assert!(
        get(&server, "/drop").is_none(),
        "/drop closes without an answer"
    );
    let (status, head, body) = get(&server, "/files/00.bin?drop_after=1000").unwrap();
    assert_eq!(status, 200);
    assert!(head.contains("Content-Length: 65536"));
    assert_eq!(body.len(), 1000, "the transfer breaks after 1000 bytes");
}

#[test]
fn latency_and_bandwidth_slow_each_request() {
    let server = Server::start(Config {
        latency: Duration::from_millis(150),
        ..Config::default()
    })
    .unwrap();
    let start = Instant::now();
    get(&server, "/files/00.bin").unwrap();
    assert!(start.elapsed() >= Duration::from_millis(150));
    let start = Instant::now();
    get(
        &server,
        "/files/00.bin?latency_ms=0&bytes_per_s=200000&size=100000",
    )
    .unwrap();
    let took = start.elapsed();
    assert!(
        took >= Duration::from_millis(450),
        "100 kB at 200 kB/s took {took:?}"
    );
}

#[test]
fn counts_connections_and_requests_at_once() {
    let server = Server::start(Config {
        hold: Some(Hold {
            company: 3,
            patience: Duration::from_secs(10),
        }),
        ..Config::default()
    })
    .unwrap();
    // Three requests held until all three are in: certain to be seen together.
    thread::scope(|s| {
        for n in 0..3 {
            let server = &server;
            s.spawn(move || assert_eq!(get(server, &format!("/files/0{n}.bin")).unwrap().0, 200));
        }
    });
    let stats = server.stats();
    assert_eq!((stats.requests_most, stats.requests_total), (3, 3));
    assert_eq!((stats.connections_most, stats.connections_total), (3, 3));
    assert_eq!(stats.requests_in_progress, 0);
    // One kept-alive connection, two requests one after the other: never two at once.
    server.set_hold(None);
    server.reset_most();
    let mut stream = TcpStream::connect(server.addr()).unwrap();
    for _ in 0..2 {
        stream
            .write_all(b"GET /files/00.bin HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        assert_eq!(read_answer(&mut stream).unwrap().0, 200);
    }
    let stats = server.stats();
    assert_eq!((stats.requests_most, stats.requests_total), (1, 5));
    assert_eq!(stats.connections_total, 4);
    // The log is written just after the answer: wait for it.
    let start = Instant::now();
    while server.requests().len() < 5 && start.elapsed() < Duration::from_secs(5) {
        thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(server.requests().len(), 5);
}

#[test]
fn pauses_at_a_byte_until_resumed() {
    let server = Server::with_defaults().unwrap();
    let addr = server.addr();
    let client = thread::spawn(move || {
        exchange(
            addr,
            b"GET /files/00.bin?pause_at=5000 HTTP/1.1\r\nConnection: close\r\n\r\n",
        )
    });
    let start = Instant::now();
    while server.paused() == 0 {
        assert!(start.elapsed() < Duration::from_secs(5), "never paused");
        thread::sleep(Duration::from_millis(5));
    }
    server.resume();
    let (status, _, body) = client.join().unwrap().unwrap();
    assert_eq!((status, body.len()), (200, 65536));
}

#[test]
fn dropping_the_server_leaves_no_thread_or_port() {
    let server = Server::start(Config {
        latency: Duration::from_secs(30),
        ..Config::default()
    })
    .unwrap();
    let prefix = format!("srv{}.", server.number);
    let addr = server.addr();
    // A request stuck in a long latency, and an idle connection.
    let stuck = thread::spawn(move || exchange(addr, b"GET /files/00.bin HTTP/1.1\r\n\r\n"));
    let _idle = TcpStream::connect(addr).unwrap();
    while server.stats().requests_in_progress == 0 {
        thread::sleep(Duration::from_millis(5));
    }
    assert!(threads_named(&prefix).len() >= 3);
    let start = Instant::now();
    drop(server);
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "stopping took {:?}",
        start.elapsed()
    );
    assert_eq!(threads_named(&prefix), Vec::<String>::new());
    assert!(stuck.join().unwrap().is_none());
    assert!(TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_err());
    TcpListener::bind(addr).expect("the port is free again");
}
