// The demo of lesson 12: `cargo xtask run lesson-12 [--solution] -- all`.
// The solution's demo is this same file (solutions/12-pools/src/main.rs includes it).

use std::process::ExitCode;
use std::thread;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand, ValueEnum};
use common::bench::{self, Case, Record};
use common::grading::cores;
use common::process::Program;
use common::timing::seconds;
use lesson_12::{
    Done, GetTimeoutError, Job, LECTURE_TASKS, LECTURE_TERMS, MACLAURIN_X, ProcessPool, ThreadPool,
    maclaurin_jobs, parallel_maclaurin, task_terms,
};

/// Pools: Python's Pool and ThreadPool in Rust: apply_async with a timeout, map, imap, the
/// lectures' cubes and sleeps, a panicking task, Parallel Python's 64 tasks, rayon.
#[derive(Parser)]
struct Args {
    #[command(subcommand)]
    demo: Demo,
}

#[derive(Subcommand)]
enum Demo {
    /// Every demo below, in order (the sleeps scaled to 100 ms so that it stays short).
    All,
    /// The lectures' first pool: f(x) = x*x with apply_async(...).get(timeout), map, imap with
    /// next(timeout), and apply_async(sleep 10).get(timeout=1), which times out.
    Basics {
        /// How long the long task sleeps (the lectures: 10 s).
        #[arg(long, default_value_t = 10_000)]
        long_ms: u64,
        /// How long `get_timeout` waits for it (the lectures: 1 s).
        #[arg(long, default_value_t = 1_000)]
        timeout_ms: u64,
    },
    /// The lectures' cube(x) for x in 1..6 on Pool(processes=4): which process did which cube.
    Cubes {
        #[arg(long, default_value_t = 4)]
        workers: usize,
    },
    /// The lectures' nine one-second sleeps on four workers: three rounds, not nine seconds.
    Sleeps {
        #[arg(long, default_value_t = 9)]
        tasks: u64,
        #[arg(long, default_value_t = 4)]
        workers: usize,
        #[arg(long, default_value_t = 1_000)]
        sleep_ms: u64,
    },
    /// A task that panics: its handle gets the error, the pool keeps all its workers.
    Panic {
        #[arg(long, default_value_t = 4)]
        workers: usize,
    },
    /// Parallel Python's example: the Maclaurin series in 64 tasks over the detected CPUs, on
    /// the thread pool, the process pool and rayon's pool.
    Parallel {
        /// Workers (default: the CPUs detected, as Parallel Python does).
        #[arg(long)]
        workers: Option<usize>,
        #[arg(long, default_value_t = LECTURE_TASKS)]
        tasks: usize,
        #[arg(long, default_value_t = LECTURE_TERMS)]
        terms: u64,
    },
    /// For `cargo xtask bench lesson-12`: the rows to measure, as JSON.
    #[command(hide = true)]
    BenchCases,
    /// For `cargo xtask bench lesson-12`: one measured run, as a JSON line.
    #[command(hide = true)]
    BenchRun {
        #[arg(long, value_enum)]
        pool: PoolKind,
        #[arg(long, default_value_t = 1)]
        workers: usize,
        #[arg(long, default_value_t = LECTURE_TASKS)]
        tasks: usize,
        #[arg(long, default_value_t = LECTURE_TERMS)]
        terms: u64,
        /// Also report one timeline bar per task.
        #[arg(long)]
        timeline: bool,
    },
}

#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum PoolKind {
    /// The lesson's ThreadPool.
    Threads,
    /// The lesson's ProcessPool.
    Processes,
    /// rayon's ThreadPool, with `par_iter`.
    Rayon,
}

fn main() -> ExitCode {
    // The `__main__` guard: a pool worker serves its parent and returns here.
    if let Some(code) = lesson_12::child_main() {
        return code;
    }
    let program = Program::current().expect("the path of this binary");
    let result = match Args::parse().demo {
        Demo::All => basics(200, 50)
            .and_then(|()| cubes(&program, 4))
            .and_then(|()| sleeps(&program, 9, 4, 100))
            .and_then(|()| panic_demo(4))
            .and_then(|()| parallel(&program, cores(), LECTURE_TASKS, LECTURE_TERMS)),
        Demo::Basics {
            long_ms,
            timeout_ms,
        } => basics(long_ms, timeout_ms),
        Demo::Cubes { workers } => cubes(&program, workers),
        Demo::Sleeps {
            tasks,
            workers,
            sleep_ms,
        } => sleeps(&program, tasks, workers, sleep_ms),
        Demo::Panic { workers } => panic_demo(workers),
        Demo::Parallel {
            workers,
            tasks,
            terms,
        } => parallel(&program, workers.unwrap_or_else(cores), tasks, terms),
        Demo::BenchCases => {
            bench::print_cases(&bench_cases());
            Ok(())
        }
        Demo::BenchRun {
            pool,
            workers,
            tasks,
            terms,
            timeline,
        } => bench_run(&program, pool, workers, tasks, terms, timeline),
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

fn square(x: u64) -> u64 {
    x * x
}

fn basics(long_ms: u64, timeout_ms: u64) -> Result {
    title("ThreadPool(4): apply_async, map, imap, and a get that times out");
    let pool = ThreadPool::new(4);
    let timeout = Duration::from_millis(timeout_ms);
    let result = pool.apply_async(|| square(10));
    println!(
        "apply_async(f, 10).get_timeout({timeout:?}) → {:?}",
        result.get_timeout(timeout)
    );
    println!("map(f, 0..10) → {:?}", pool.map(square, 0..10)?);
    let mut it = pool.imap(square, 0..10);
    println!("imap(f, 0..10): next() → {:?}", it.next());
    println!("                next() → {:?}", it.next());
    println!(
        "                next_timeout({timeout:?}) → {:?}",
        it.next_timeout(timeout)
    );
    drop(it);
    let long = Duration::from_millis(long_ms);
    let start = Instant::now();
    let sleeper = pool.apply_async(move || thread::sleep(long));
    match sleeper.get_timeout(timeout) {
        Err(GetTimeoutError::Timeout(t)) => println!(
            "apply_async(sleep {long:?}).get_timeout({t:?}) → Timeout after {} (the task sleeps on)",
            seconds(start.elapsed())
        ),
        other => println!(
            "apply_async(sleep {long:?}).get_timeout({timeout:?}) → {other:?} after {}: it \
             waited for the task",
            seconds(start.elapsed())
        ),
    }
    println!("dropping the pool waits for the sleeping task to finish...");
    drop(pool);
    println!("...done after {}", seconds(start.elapsed()));
    Ok(())
}

fn cubes(program: &Program, workers: usize) -> Result {
    title(&format!("Pool(processes={workers}).map(cube, range(1, 7))"));
    println!("the parent is process {}", std::process::id());
    let pool = ProcessPool::new(program, workers)?;
    let jobs: Vec<Job> = (1..=6).map(Job::Cube).collect();
    let answers = pool.map(&jobs)?;
    for Done { pid, parent, .. } in &answers {
        println!("  {pid} {parent}");
    }
    // The answers travel as f64; the cubes are whole numbers.
    let values: Vec<u64> = answers.iter().map(|d| d.value as u64).collect();
    println!("{values:?}   (worker processes: {:?})", pool.pids());
    drop(pool);
    let threads = ThreadPool::new(workers);
    println!(
        "ThreadPool({workers}).map_async(cube, 1..=6).get() → {:?}",
        threads.map_async(|x: u64| x * x * x, 1..=6).get()?
    );
    Ok(())
}

fn sleeps(program: &Program, tasks: u64, workers: usize, sleep_ms: u64) -> Result {
    let rounds = tasks.div_ceil(workers as u64);
    title(&format!(
        "{tasks} sleeps of {sleep_ms} ms on {workers} workers: {rounds} rounds, not {tasks}"
    ));
    let pool = ThreadPool::new(workers);
    let start = Instant::now();
    let t0 = start;
    pool.map(
        move |x| {
            let name = thread::current().name().unwrap_or("?").to_string();
            println!(
                "  task {x} on {name} at {:>6.3} s",
                t0.elapsed().as_secs_f64()
            );
            thread::sleep(Duration::from_millis(sleep_ms));
        },
        1..=tasks,
    )?;
    println!("ThreadPool: elapsed time {}", seconds(start.elapsed()));
    drop(pool);
    let pool = ProcessPool::new(program, workers)?;
    let start = Instant::now();
    let answers = pool.map(&vec![Job::Sleep(sleep_ms); tasks as usize])?;
    let mut pids: Vec<u32> = answers.iter().map(|d| d.pid).collect();
    pids.sort_unstable();
    pids.dedup();
    println!(
        "ProcessPool: elapsed time {} ({} processes did the {tasks} sleeps)",
        seconds(start.elapsed()),
        pids.len()
    );
    Ok(())
}

fn panic_demo(workers: usize) -> Result {
    title("A task that panics");
    // One line per panic, instead of the default message (and a backtrace, when asked for).
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|info| {
        let name = thread::current().name().unwrap_or("?").to_string();
        let message = lesson_12::panic_message(info.payload());
        println!("  (thread '{name}' panicked: {message})");
    }));
    let result = panicking_tasks(workers);
    std::panic::set_hook(default_hook);
    result
}

fn panicking_tasks(workers: usize) -> Result {
    let pool = ThreadPool::new(workers);
    let bad = pool.apply_async(|| -> u32 { panic!("task 3 divided by zero") });
    println!("apply_async(panics).get() → {:?}", bad.get());
    println!(
        "map(x → 100 / (x - 3), 0..6) → {:?}",
        pool.map(|x: i32| 100 / (x - 3), 0..6)
    );
    let names = pool.map(
        |_| {
            thread::sleep(Duration::from_millis(50));
            thread::current().name().unwrap_or("?").to_string()
        },
        0..workers,
    )?;
    println!("afterwards, {workers} tasks ran on: {names:?}");
    Ok(())
}

fn parallel(program: &Program, workers: usize, tasks: usize, terms: u64) -> Result {
    title(&format!(
        "Parallel Python's example: {} terms in {tasks} tasks on {workers} workers (the CPUs \
         detected: {})",
        common::grading::thousands(terms as i128),
        cores()
    ));
    let x = MACLAURIN_X;
    let (serial, took) = common::timing::time(|| common::workloads::maclaurin(x, 0..terms));
    println!(
        "serially, in this thread:  {serial:.6}  in {}",
        seconds(took)
    );
    let exact = (1.0 - x.powf(terms as f64)) / (1.0 - x);
    println!("the closed form:           {exact:.6}");
    for kind in [PoolKind::Threads, PoolKind::Processes, PoolKind::Rayon] {
        let run = run_pool(program, kind, workers, tasks, terms)?;
        println!(
            "{:<26} {:.6}  in {}{}",
            format!("{}:", variant(kind)),
            run.sum,
            seconds(run.elapsed),
            if kind == PoolKind::Processes {
                format!("  (in processes {:?})", run.lanes)
            } else {
                String::new()
            }
        );
    }
    Ok(())
}

/// One bar of a timeline: which worker ran a task, and when.
struct Bar {
    lane: String,
    start: Duration,
    end: Duration,
    task: usize,
}

/// A measured run of the series on one kind of pool (the pool started before the clock).
struct Run {
    sum: f64,
    elapsed: Duration,
    bars: Vec<Bar>,
    lanes: Vec<String>,
}

fn run_pool(
    program: &Program,
    kind: PoolKind,
    workers: usize,
    tasks: usize,
    terms: u64,
) -> Result<Run> {
    let x = MACLAURIN_X;
    let timed = move |t0: Instant, i: usize| {
        let start = t0.elapsed();
        let value = common::workloads::maclaurin(x, task_terms(terms, tasks, i));
        let lane = thread::current().name().unwrap_or("?").to_string();
        (
            value,
            Bar {
                lane,
                start,
                end: t0.elapsed(),
                task: i,
            },
        )
    };
    let (sums, bars, lanes, elapsed) = match kind {
        PoolKind::Threads => {
            let pool = ThreadPool::new(workers);
            let t0 = Instant::now();
            let done = pool.map(move |i| timed(t0, i), 0..tasks)?;
            let elapsed = t0.elapsed();
            let (sums, bars): (Vec<f64>, Vec<Bar>) = done.into_iter().unzip();
            (sums, bars, Vec::new(), elapsed)
        }
        PoolKind::Rayon => {
            use rayon::prelude::*;
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(workers)
                .thread_name(|i| format!("rayon-{i}"))
                .build()?;
            let t0 = Instant::now();
            let done: Vec<(f64, Bar)> =
                pool.install(|| (0..tasks).into_par_iter().map(|i| timed(t0, i)).collect());
            let elapsed = t0.elapsed();
            let (sums, bars): (Vec<f64>, Vec<Bar>) = done.into_iter().unzip();
            (sums, bars, Vec::new(), elapsed)
        }
        PoolKind::Processes => {
            let pool = ProcessPool::new(program, workers)?;
            let t0 = Instant::now();
            let summed = parallel_maclaurin(&pool, x, terms, tasks)?;
            let elapsed = t0.elapsed();
            let mut pids = summed.pids.clone();
            pids.sort_unstable();
            pids.dedup();
            let lanes = pids.iter().map(|p| p.to_string()).collect();
            (vec![summed.sum], Vec::new(), lanes, elapsed)
        }
    };
    Ok(Run {
        sum: sums.iter().sum(),
        elapsed,
        bars,
        lanes,
    })
}

fn variant(kind: PoolKind) -> &'static str {
    match kind {
        PoolKind::Threads => "Rust ThreadPool (ours)",
        PoolKind::Processes => "Rust ProcessPool (ours)",
        PoolKind::Rayon => "Rust rayon pool",
    }
}

fn arg(kind: PoolKind) -> &'static str {
    match kind {
        PoolKind::Threads => "threads",
        PoolKind::Processes => "processes",
        PoolKind::Rayon => "rayon",
    }
}

/// The terms of a `bench --quick` run.
const QUICK_TERMS: u64 = 1_600_000;

/// The rows of `cargo xtask bench lesson-12`: the 64 tasks of the series on our thread pool
/// (1, 2, 4, 8 workers), our process pool, rayon, and CPython's multiprocessing.Pool and
/// ThreadPool. The timeline is our thread pool's with 4 workers: 64 bars on 4 lanes.
fn bench_cases() -> Vec<Case> {
    let tasks = LECTURE_TASKS.to_string();
    let items = LECTURE_TASKS as u64;
    let mut cases = Vec::new();
    for (kind, counts) in [
        (PoolKind::Threads, &[1, 2, 4, 8][..]),
        (PoolKind::Processes, &[1, 2, 4][..]),
        (PoolKind::Rayon, &[1, 2, 4][..]),
    ] {
        for &workers in counts {
            let run = |terms: u64| {
                let (w, terms) = (workers.to_string(), terms.to_string());
                [
                    "bench-run",
                    "--pool",
                    arg(kind),
                    "--workers",
                    &w,
                    "--tasks",
                    &tasks,
                    "--terms",
                    &terms,
                ]
                .map(String::from)
            };
            let mut case = Case::run(
                format!("{}-{workers}", arg(kind)),
                variant(kind),
                workers,
                run(LECTURE_TERMS),
            )
            .quick(run(QUICK_TERMS))
            .items(items);
            if kind == PoolKind::Threads && workers == 4 {
                case = case.with_timeline();
            }
            cases.push(case);
        }
    }
    for (pool, name) in [
        ("processes", "Python multiprocessing.Pool"),
        ("threads", "Python ThreadPool"),
    ] {
        for workers in [1, 2, 4] {
            let script = |terms: u64| {
                let (w, terms) = (workers.to_string(), terms.to_string());
                let path = "lessons/12-pools/python/pools.py";
                [
                    path,
                    "--pool",
                    pool,
                    "--workers",
                    &w,
                    "--tasks",
                    &tasks,
                    "--terms",
                    &terms,
                ]
                .map(String::from)
            };
            cases.push(
                Case::python(
                    format!("py-{pool}-{workers}"),
                    name,
                    workers,
                    script(LECTURE_TERMS),
                )
                .quick(script(QUICK_TERMS))
                .items(items),
            );
        }
    }
    cases
}

fn bench_run(
    program: &Program,
    kind: PoolKind,
    workers: usize,
    tasks: usize,
    terms: u64,
    timeline: bool,
) -> Result {
    let run = run_pool(program, kind, workers, tasks, terms)?;
    let serial: f64 = maclaurin_jobs(MACLAURIN_X, terms, tasks)
        .into_iter()
        .map(Job::run)
        .sum();
    let result = if (run.sum - serial).abs() <= 1e-9 * serial.abs() {
        format!("{:.4}", run.sum)
    } else {
        format!("WRONG: {:.4}, not {serial:.4}", run.sum)
    };
    let mut record = Record::new(run.elapsed.as_secs_f64()).result(result);
    if timeline {
        record = record.timeline(
            run.bars
                .iter()
                .map(|b| bench::Bar {
                    lane: b.lane.clone(),
                    start_s: b.start.as_secs_f64(),
                    end_s: b.end.as_secs_f64(),
                    label: format!("task {}", b.task),
                })
                .collect(),
        );
    }
    record.print();
    Ok(())
}
