// The demo of lesson 01: `cargo xtask run lesson-01 [--solution] -- --workers 4`.
// The solution's demo is this same file (solutions/01-threads/src/main.rs includes it).

use std::thread;
use std::time::{Duration, Instant};

use clap::Parser;
use lesson_01::{Report, chunked_sum, run_named};
use tracing::info;

/// Threads: start named workers, join them in order, sum a borrowed slice in chunks.
#[derive(Parser)]
struct Args {
    /// How many named workers to start.
    #[arg(long, default_value_t = 4)]
    workers: usize,
    /// How many numbers to sum the squares of (1..=size).
    #[arg(long, default_value_t = 10_000_003)]
    size: u64,
    /// How many chunks (scoped threads) to split the sum into.
    #[arg(long, default_value_t = 4)]
    chunks: usize,
    /// Leave a detached thread running when main ends: it is cut off mid-work, like a Python daemon thread.
    #[arg(long)]
    daemon: bool,
}

fn main() {
    common::log::init();
    let args = Args::parse();
    let me = Report::here();
    info!(
        "main runs in process {} on OS thread {}",
        me.pid, me.os_thread
    );

    // Like the lectures' "hello from thread": the log lines come in a different order each
    // run, but join hands the results back in worker order.
    let reports = run_named(args.workers, |i| {
        let report = Report::here();
        info!(
            "hello from worker {i}: OS thread {}, process {}",
            report.os_thread, report.pid
        );
        thread::sleep(Duration::from_millis(10 * (i as u64 % 3)));
        report
    });
    for (i, r) in reports.iter().enumerate() {
        info!(
            "result {i} came from thread {:?} (OS thread {})",
            r.name.as_deref().unwrap_or("<unnamed>"),
            r.os_thread
        );
    }

    let data: Vec<u64> = (1..=args.size).collect();
    let start = Instant::now();
    let serial: u64 = data
        .iter()
        .map(|x| x.wrapping_mul(*x))
        .fold(0, u64::wrapping_add);
    let serial_time = start.elapsed();
    let start = Instant::now();
    let chunked = chunked_sum(&data, args.chunks, |&x| x.wrapping_mul(x));
    let chunked_time = start.elapsed();
    info!(
        "sum of squares of 1..={}: serial {serial} in {serial_time:.2?}, {} chunks {chunked} in {chunked_time:.2?} ({})",
        args.size,
        args.chunks,
        if serial == chunked {
            "equal"
        } else {
            "DIFFERENT: see the checks"
        }
    );

    if args.daemon {
        // A thread nobody joins. When main returns, the process exits and the thread is
        // stopped wherever it is: no destructors, no cleanup.
        thread::Builder::new()
            .name("daemon".into())
            .spawn(|| {
                for beat in 1.. {
                    info!("daemon heartbeat {beat}");
                    thread::sleep(Duration::from_millis(40));
                }
            })
            .expect("start the daemon thread");
        thread::sleep(Duration::from_millis(130));
        info!("main returns now; the daemon thread is cut off");
    }
}
