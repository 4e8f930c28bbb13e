//! `cargo xtask serve [--port 0] [--latency-ms N] [--files N] [--size BYTES]`: lesson 13's local
//! HTTP server, standalone, for a class: it prints its address and URLs, logs every request,
//! and stops on Ctrl-C.

use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result};
use common::server::{Config, Server};

use crate::sandbox::INTERRUPTED;

/// What `serve` was asked for.
pub struct Options {
    pub port: u16,
    pub latency_ms: u64,
    pub files: usize,
    pub size: u64,
    pub bytes_per_s: Option<u64>,
}

pub fn serve(options: Options) -> Result<ExitCode> {
    let server = Server::start(Config {
        port: options.port,
        files: options.files,
        file_size: options.size,
        latency: Duration::from_millis(options.latency_ms),
        bytes_per_s: options.bytes_per_s,
        echo: true,
        ..Config::default()
    })
    .with_context(|| format!("starting the server on 127.0.0.1:{}", options.port))?;
    println!(
        "Serving on {} (127.0.0.1 only: nobody else on the network can reach it)",
        server
    );
    println!(
        "{} files of {} bytes, {} ms latency per request{}",
        options.files,
        options.size,
        options.latency_ms,
        options
            .bytes_per_s
            .map_or(String::new(), |b| format!(", {b} bytes/s per answer"))
    );
    println!();
    println!(
        "  {}/                 the index: every file with its checksum",
        server
    );
    for url in server.file_urls().iter().take(3) {
        println!("  {url}");
    }
    if options.files > 3 {
        println!("  … up to {}", server.file_url(options.files - 1));
    }
    println!("  {}/status/404       an error (any status)", server);
    println!(
        "  {}/drop             a connection closed without an answer",
        server
    );
    println!("  ?latency_ms=N  ?bytes_per_s=N  ?size=N  ?drop_after=N   change one request");
    println!();
    println!(
        "Try: cargo xtask run lesson-13 --solution -- fetcher --url {}",
        server
    );
    println!("Ctrl-C stops it.");
    while !INTERRUPTED.load(Ordering::SeqCst) {
        thread::sleep(Duration::from_millis(100));
    }
    let stats = server.stats();
    drop(server);
    println!(
        "\nStopped after {} requests on {} connections (at most {} requests and {} connections at once).",
        stats.requests_total, stats.connections_total, stats.requests_most, stats.connections_most
    );
    Ok(ExitCode::SUCCESS)
}
