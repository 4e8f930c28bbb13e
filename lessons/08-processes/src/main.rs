// The demo of lesson 08: `cargo xtask run lesson-08 [--solution] -- all`.
// The solution's demo is this same file (solutions/08-processes/src/main.rs includes it). The
// hidden `bench-cases` and `bench-run` subcommands are what `cargo xtask bench lesson-08` runs.

use std::process::{Command, ExitCode, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand, ValueEnum};
use common::bench::{self, Case, Record};
use common::process::{self, Program};
use common::timing::{measure, seconds};
use lesson_08::{HELLO, ITEMS, JOB, Job, SON, pop_in_workers, run_job, start_workers};

/// Processes: HelloWorld, the father and his sons, private memory, deadlines, exit codes,
/// zombies, and what a process costs against a thread.
#[derive(Parser)]
struct Args {
    #[command(subcommand)]
    demo: Demo,
}

#[derive(Subcommand)]
enum Demo {
    /// Every demo below, in order.
    All {
        #[arg(long, default_value_t = 4)]
        workers: usize,
    },
    /// The lectures' HelloWorld: a child process prints "Hello World".
    Hello,
    /// The father and his sons: pids and parent pids, then `n` workers.
    Tree {
        #[arg(long, default_value_t = 4)]
        workers: usize,
    },
    /// The global ITEMS: three workers each pop their own copy; ours is untouched.
    Items,
    /// A runaway killed at a deadline, and how children end: exit codes and signals.
    Deadline,
    /// A zombie in /proc, and its reaping.
    Zombie,
    /// The start-up cost of a process against a thread, measured.
    Cost {
        #[arg(long, default_value_t = 50)]
        runs: usize,
    },
    /// The bench's rows (JSON), for `cargo xtask bench`.
    #[command(hide = true)]
    BenchCases,
    /// One bench measurement (JSON on the last line), for `cargo xtask bench`.
    #[command(hide = true)]
    BenchRun {
        #[arg(long, value_enum)]
        what: BenchWhat,
        /// How many to start and wait for, one after the other.
        #[arg(long, default_value_t = 100)]
        count: u32,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum BenchWhat {
    /// A child process (this binary in a role that exits at once): spawn, then wait.
    Process,
    /// A thread that returns at once: spawn, then join.
    Thread,
}

fn main() -> ExitCode {
    // The `__main__` guard: a child does its role and returns here, before any parent code.
    if let Some(code) = lesson_08::child_main() {
        return code;
    }
    let program = Program::current().expect("the path of this binary");
    let result = match Args::parse().demo {
        Demo::All { workers } => hello(&program)
            .and_then(|()| tree(&program, workers))
            .and_then(|()| items(&program))
            .and_then(|()| deadline(&program))
            .and_then(|()| zombie(&program))
            .and_then(|()| cost(&program, 50)),
        Demo::Hello => hello(&program),
        Demo::Tree { workers } => tree(&program, workers),
        Demo::Items => items(&program),
        Demo::Deadline => deadline(&program),
        Demo::Zombie => zombie(&program),
        Demo::Cost { runs } => cost(&program, runs),
        Demo::BenchCases => {
            bench::print_cases(&bench_cases());
            Ok(())
        }
        Demo::BenchRun { what, count } => bench_run(&program, what, count),
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

fn hello(program: &Program) -> Result {
    title("HelloWorld: a child process runs the function");
    let mut child = program.role(HELLO).arg("World").spawn()?;
    println!("the child ({}) {}", child.id(), child.wait()?);
    Ok(())
}

fn tree(program: &Program, workers: usize) -> Result {
    title("The father and his sons");
    println!("I am the main process with ID {}", std::process::id());
    println!("-----> function zero");
    println!(
        "I am still the main process with ID {}, my father is ID {} (the shell, or cargo)",
        std::process::id(),
        process::parent_id()
    );
    program.role(SON).spawn()?.wait()?;
    println!("\n{workers} workers, each in its own process:");
    let mut reports = start_workers(program, workers)?;
    reports.sort_by_key(|r| r.index);
    for r in reports {
        println!("  worker {}: pid {}, father {}", r.index, r.pid, r.parent);
    }
    Ok(())
}

fn items(program: &Program) -> Result {
    title("Processes do not share memory: the global ITEMS");
    println!("ITEMS before: {:?}", ITEMS.lock().unwrap());
    for p in pop_in_workers(program, 3)? {
        println!(
            "  the worker in process {} processed {} items",
            p.pid, p.items
        );
    }
    println!(
        "ITEMS after all workers finished: {:?}",
        ITEMS.lock().unwrap()
    );
    Ok(())
}

fn deadline(program: &Program) -> Result {
    title("A runaway, killed at its deadline; how children end");
    let jobs = [
        (Job::Exit(0), "exits with 0"),
        (Job::Exit(3), "exits with 3"),
        (Job::Panic, "panics"),
        (Job::Abort, "aborts"),
        (Job::Runaway, "never ends"),
    ];
    for (job, what) in jobs {
        let start = Instant::now();
        let finished = run_job(program, job, Duration::from_millis(500))?;
        let took = start.elapsed();
        let left = process::proc_info(finished.pid).filter(|p| p.parent == std::process::id());
        let state = match &left {
            None => "gone from /proc",
            Some(p) if p.is_zombie() => "STILL IN /proc, a zombie: the demo reaps it now",
            Some(_) => "STILL RUNNING: the demo kills and reaps it now",
        };
        if left.is_some() {
            // SAFETY: kill and waitpid act on our own child; waitpid writes only to `status`.
            unsafe {
                libc::kill(finished.pid as i32, libc::SIGKILL);
                let mut status = 0;
                libc::waitpid(finished.pid as i32, &mut status, 0);
            }
        }
        println!(
            "  a child that {what:<10} → {:?} after {} (pid {} {state})",
            finished.outcome,
            seconds(took),
            finished.pid,
        );
    }
    Ok(())
}

fn zombie(program: &Program) -> Result {
    title("A zombie: dead, but not yet waited for");
    // A raw `std::process::Child`, so that nothing reaps it behind our back.
    let mut child = Command::new(program.path())
        .env(process::ROLE_ENV, JOB)
        .arg(Job::Exit(7).to_arg())
        .stdout(Stdio::null())
        .spawn()?;
    let pid = child.id();
    let start = Instant::now();
    while !process::proc_info(pid).is_some_and(|p| p.is_zombie()) {
        if start.elapsed() > Duration::from_secs(10) {
            return Err("the child did not exit".into());
        }
        thread::sleep(Duration::from_millis(1));
    }
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let state = status
        .lines()
        .find(|l| l.starts_with("State:"))
        .unwrap_or("?");
    println!("the child {pid} has exited; /proc/{pid}/status says  {state}");
    println!("it keeps its pid and its exit status until we wait for it...");
    let status = child.wait()?;
    println!(
        "wait() → {status}; now /proc/{pid} {}",
        if process::proc_info(pid).is_none() {
            "is gone: reaped"
        } else {
            "is still there"
        }
    );
    Ok(())
}

fn cost(program: &Program, runs: usize) -> Result {
    title("What a process costs to start, against a thread");
    let process = measure(runs, || {
        let mut child = program
            .role(JOB)
            .arg(Job::Exit(0).to_arg())
            .spawn()
            .unwrap();
        child.wait().unwrap();
    });
    let thread = measure(runs, || thread::spawn(|| ()).join().unwrap());
    let micros = |d: Duration| format!("{:>8.1} µs", d.as_secs_f64() * 1e6);
    println!(
        "spawn + wait for a process: median {}   (min {})",
        micros(process.median),
        micros(process.min)
    );
    println!(
        "spawn + join of a thread:   median {}   (min {})",
        micros(thread.median),
        micros(thread.min)
    );
    println!(
        "a process costs about {:.0}× a thread, over {runs} runs each",
        process.median.as_secs_f64() / thread.median.as_secs_f64().max(1e-9)
    );
    Ok(())
}

// ---- what `cargo xtask bench lesson-08` runs ----

/// How many processes (full, quick) and threads (full, quick) a run starts and waits for.
const PROCESSES: (u32, u32) = (200, 20);
const THREADS: (u32, u32) = (5_000, 500);

fn bench_cases() -> Vec<Case> {
    let run = |what: &str, n: u32| {
        vec![
            "bench-run".to_string(),
            "--what".into(),
            what.into(),
            "--count".into(),
            n.to_string(),
        ]
    };
    let python = |method: &str, n: u32| {
        vec![
            "lessons/08-processes/python/spawn_bench.py".to_string(),
            "--method".into(),
            method.into(),
            "--count".into(),
            n.to_string(),
        ]
    };
    let (processes, quick_processes) = PROCESSES;
    let (threads, quick_threads) = THREADS;
    let mut cases = vec![
        Case::run(
            "rust-process",
            "Rust process spawn + wait",
            1,
            run("process", processes),
        )
        .quick(run("process", quick_processes))
        .items(processes.into())
        .quick_items(quick_processes.into()),
        Case::run(
            "rust-thread",
            "Rust thread spawn + join",
            1,
            run("thread", threads),
        )
        .quick(run("thread", quick_threads))
        .items(threads.into())
        .quick_items(quick_threads.into()),
    ];
    // Python's spawn starts a fresh interpreter for each child: fewer of them.
    for (method, n, quick) in [("fork", processes, quick_processes), ("spawn", 20, 4)] {
        cases.push(
            Case::python(
                format!("py-{method}"),
                format!("Python Process ({method}) start + join"),
                1,
                python(method, n),
            )
            .quick(python(method, quick))
            .items(n.into())
            .quick_items(quick.into()),
        );
    }
    cases
}

fn bench_run(program: &Program, what: BenchWhat, count: u32) -> Result {
    let start = Instant::now();
    match what {
        BenchWhat::Process => {
            for _ in 0..count {
                program
                    .role(JOB)
                    .arg(Job::Exit(0).to_arg())
                    .spawn()?
                    .wait()?;
            }
        }
        BenchWhat::Thread => {
            for _ in 0..count {
                thread::spawn(|| ())
                    .join()
                    .map_err(|_| "a thread panicked")?;
            }
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    let each = seconds / f64::from(count.max(1));
    let result = if each >= 1e-3 {
        format!("{:.2} ms each", each * 1e3)
    } else {
        format!("{:.1} µs each", each * 1e6)
    };
    Record::new(seconds).result(result).print();
    Ok(())
}
