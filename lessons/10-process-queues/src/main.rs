// The demo of lesson 10: `cargo xtask run lesson-10 [--solution] -- all`.
// The solution's demo is this same file (solutions/10-process-queues/src/main.rs includes it).
// The hidden `bench-cases` and `bench-run` subcommands are what `cargo xtask bench lesson-10` runs.

use std::process::ExitCode;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand, ValueEnum};
use common::bench::{self, Case, Record};
use common::grading::thousands;
use common::process::Program;
use lesson_10::{Cost, Item, QueueRun, four_processes, run_queue, start_source};

/// Process queues: the lectures' FourProcesses, their three workers sharing one queue, and a
/// work queue of thousands of items handed out on request.
#[derive(Parser)]
struct Args {
    #[command(subcommand)]
    demo: Demo,
}

#[derive(Subcommand)]
enum Demo {
    /// Every demo below, in order.
    All,
    /// The lectures' FourProcesses: each puts (pos, "Hello Gianluca"); we sort what arrives.
    FourProcesses {
        #[arg(long, default_value_t = 4)]
        processes: usize,
    },
    /// The lectures' three workers and the items 1 to 6: how many did each process?
    Workers {
        #[arg(long, default_value_t = 3)]
        workers: usize,
        #[arg(long, default_value_t = 6)]
        items: u64,
    },
    /// Many items on a few workers: exactly once, and how the work spread.
    Queue {
        #[arg(long, default_value_t = 4)]
        workers: usize,
        #[arg(long, default_value_t = 10_000)]
        items: u64,
    },
    /// The bench's rows (JSON), for `cargo xtask bench`.
    #[command(hide = true)]
    BenchCases,
    /// One bench measurement (JSON on the last line), for `cargo xtask bench`.
    #[command(hide = true)]
    BenchRun {
        #[arg(long, value_enum)]
        what: BenchWhat,
        /// Messages (or items) in the run.
        #[arg(long, default_value_t = 100_000)]
        messages: u64,
        /// Results to a message (`messages`), or workers (`work-queue`).
        #[arg(long, default_value_t = 1)]
        batch: usize,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum BenchWhat {
    /// A child sends results to the parent, `batch` to a message.
    Messages,
    /// The work queue: items handed out on request to `batch` workers.
    WorkQueue,
}

fn main() -> ExitCode {
    // The `__main__` guard: a child does its role and returns here, before any parent code.
    if let Some(code) = lesson_10::child_main() {
        return code;
    }
    let program = Program::current().expect("the path of this binary");
    let result = match Args::parse().demo {
        Demo::All => four(&program, 4)
            .and_then(|()| workers(&program, 3, 6))
            .and_then(|()| queue(&program, 4, 10_000)),
        Demo::FourProcesses { processes } => four(&program, processes),
        Demo::Workers { workers: n, items } => workers(&program, n, items),
        Demo::Queue { workers, items } => queue(&program, workers, items),
        Demo::BenchCases => {
            bench::print_cases(&bench_cases());
            Ok(())
        }
        Demo::BenchRun {
            what,
            messages,
            batch,
        } => bench_run(&program, what, messages, batch),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

fn title(text: &str) {
    println!("\n== {text} ==");
}

/// Runs the queue, giving up after `limit` (on the untouched starter the workers are never told
/// to stop, and a demo must not hang; when this program ends, their channels close and they go).
fn run_patiently(
    program: &Program,
    items: Vec<Item>,
    workers: usize,
    limit: Duration,
) -> Result<Option<(QueueRun, Duration)>> {
    let (tx, rx) = mpsc::channel();
    let program = program.clone();
    thread::spawn(move || {
        let start = Instant::now();
        let run = run_queue(&program, items, workers);
        let _ = tx.send(run.map(|r| (r, start.elapsed())));
    });
    match rx.recv_timeout(limit) {
        Ok(run) => Ok(Some(run?)),
        Err(_) => {
            println!(
                "run_queue did not return within {} s: the workers wait for an answer when the \
                 work has run out (tell them to stop)",
                limit.as_secs()
            );
            Ok(None)
        }
    }
}

fn spin_items(n: u64) -> Vec<Item> {
    (0..n)
        .map(|pos| Item {
            pos,
            cost: Cost::Spin((pos % 7) * 2_000),
        })
        .collect()
}

fn four(program: &Program, n: usize) -> Result {
    title("FourProcesses: every process puts (pos, msg) on one results channel");
    let (results, arrived) = four_processes(program, n, "Gianluca")?;
    println!("they arrived in the order {arrived:?} (whoever finished first)");
    println!("sorted by position: {results:?}");
    Ok(())
}

fn workers(program: &Program, n: usize, items: u64) -> Result {
    title("The lectures' workers: one queue of items, each worker takes until there are none");
    let Some((run, _)) = run_patiently(program, spin_items(items), n, Duration::from_secs(5))?
    else {
        return Ok(());
    };
    let mut reports = run.reports.clone();
    reports.sort_by_key(|r| r.worker);
    for r in reports {
        println!(
            "  Process-{} (pid {}) processed {} items.",
            r.worker + 1,
            r.pid,
            r.taken
        );
    }
    println!(
        "#ITEMS done: {} of {items}, each by one worker; who took how many depends on who was \
         free when",
        run.results.len()
    );
    Ok(())
}

fn queue(program: &Program, n: usize, items: u64) -> Result {
    title("A work queue between processes: handed out on request");
    let Some((run, took)) = run_patiently(program, spin_items(items), n, Duration::from_secs(10))?
    else {
        return Ok(());
    };
    let mut seen = vec![0u32; items as usize];
    for d in &run.results {
        if let Some(count) = seen.get_mut(d.pos as usize) {
            *count += 1;
        }
    }
    let once = seen.iter().filter(|&&c| c == 1).count();
    let sorted = run.results.windows(2).all(|w| w[0].pos < w[1].pos);
    println!(
        "{} items on {n} workers in {:.1} ms: {} done exactly once, results {}",
        thousands(items),
        took.as_secs_f64() * 1e3,
        thousands(once as u64),
        if sorted {
            "sorted by position"
        } else {
            "NOT sorted"
        }
    );
    let mut reports = run.reports.clone();
    reports.sort_by_key(|r| r.worker);
    for r in reports {
        println!(
            "  worker {} (pid {}) took {}",
            r.worker,
            r.pid,
            thousands(r.taken)
        );
    }
    Ok(())
}

// ---- what `cargo xtask bench lesson-10` runs ----

/// Messages per run (full, quick), and the batch size of the batched rows.
const MESSAGES: (u64, u64) = (200_000, 20_000);
const BATCH: usize = 1_000;
/// Items per run of the work queue (full, quick).
const QUEUE_ITEMS: (u64, u64) = (20_000, 2_000);

fn bench_cases() -> Vec<Case> {
    let run = |what: &str, n: u64, batch: usize| {
        vec![
            "bench-run".to_string(),
            "--what".into(),
            what.into(),
            "--messages".into(),
            n.to_string(),
            "--batch".into(),
            batch.to_string(),
        ]
    };
    let python = |n: u64, batch: usize| {
        vec![
            "lessons/10-process-queues/python/queue_bench.py".to_string(),
            "--messages".into(),
            n.to_string(),
            "--batch".into(),
            batch.to_string(),
        ]
    };
    let (full, quick) = MESSAGES;
    let mut cases = Vec::new();
    for (batch, label) in [(1, "one at a time"), (BATCH, "batched by 1000")] {
        cases.push(
            Case::run(
                format!("rust-b{batch}"),
                format!("Rust ipc-channel, {label}"),
                1,
                run("messages", full, batch),
            )
            .quick(run("messages", quick, batch))
            .items(full)
            .quick_items(quick),
        );
        cases.push(
            Case::python(
                format!("py-b{batch}"),
                format!("Python Queue, {label}"),
                1,
                python(full, batch),
            )
            .quick(python(quick, batch))
            .items(full)
            .quick_items(quick),
        );
    }
    let (full, quick) = QUEUE_ITEMS;
    for workers in [1, 2, 4] {
        cases.push(
            Case::run(
                format!("queue-w{workers}"),
                "Rust work queue, one item a request",
                workers,
                run("work-queue", full, workers),
            )
            .quick(run("work-queue", quick, workers))
            .items(full)
            .quick_items(quick),
        );
    }
    cases
}

fn bench_run(program: &Program, what: BenchWhat, messages: u64, batch: usize) -> Result {
    let (seconds, result) = match what {
        BenchWhat::Messages => {
            let (mut child, go, arrivals) = start_source(program, messages, batch.max(1))?;
            let start = Instant::now();
            go.send(())?;
            let mut got = 0u64;
            let mut sum = 0u64;
            while got < messages {
                for (pos, _msg) in arrivals.recv()? {
                    got += 1;
                    sum = sum.wrapping_add(pos);
                }
            }
            let seconds = start.elapsed().as_secs_f64();
            child.wait()?;
            let expected = messages * messages.saturating_sub(1) / 2;
            if sum != expected {
                return Err(format!("positions summed to {sum}, not {expected}").into());
            }
            (
                seconds,
                format!(
                    "{} results, {:.0} k/s",
                    thousands(got),
                    got as f64 / seconds / 1e3
                ),
            )
        }
        BenchWhat::WorkQueue => {
            let items = (0..messages)
                .map(|pos| Item {
                    pos,
                    cost: Cost::Spin(0),
                })
                .collect();
            let start = Instant::now();
            let run = run_queue(program, items, batch.max(1))?;
            let seconds = start.elapsed().as_secs_f64();
            (
                seconds,
                format!(
                    "{} items, {:.0} k/s (process start-up included)",
                    thousands(run.results.len() as u64),
                    run.results.len() as f64 / seconds / 1e3
                ),
            )
        }
    };
    Record::new(seconds).result(result).print();
    Ok(())
}
