// The demo of lesson 14: `cargo xtask run lesson-14 [--solution] -- table`.
// The solution's demo is this same file (solutions/14-capstone/src/main.rs includes it).

use std::process::ExitCode;
use std::thread;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand, ValueEnum};
use common::bench::{self, Bar, Case};
use common::reference;
use common::timing::{SpeedupTable, Stats, seconds};
use common::workloads::{lecture_factor_numbers, lecture_prime_limits};
use lesson_14::{
    Answer, Probe, Problem, Program, Record, hardest_first, in_processes, monotonic_ns,
    read_records, serial, threaded,
};

/// Threads versus processes, measured: the lectures' factorisation benchmark and the
/// sum-of-primes assignment.
#[derive(Parser)]
struct Args {
    #[command(subcommand)]
    demo: Demo,
}

#[derive(Subcommand)]
enum Demo {
    /// The lectures' benchmark: the 300 odd numbers from 9 999 999 999 999, serially, with
    /// threads and with processes; their table and bar chart.
    Table {
        /// Worker counts, each tried with threads and with processes.
        #[arg(long, value_delimiter = ',', default_value = "2,4,8")]
        workers: Vec<usize>,
        /// Runs of each row (the table shows the median, min and max).
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// Only the first N numbers.
        #[arg(long, default_value_t = 300)]
        count: usize,
    },
    /// The assignment: for each n in range(100 000, 2 500 000, 100 000), the sum of the primes
    /// below n; serially, with processes and with threads.
    Primes {
        #[arg(long, default_value_t = 2)]
        workers: usize,
        /// Only the first N limits.
        #[arg(long, default_value_t = 24)]
        count: usize,
    },
    /// Who solved which number, and when: one lane per worker, the lectures' fixed chunks
    /// against your threads.
    Lanes {
        #[arg(long, default_value_t = 4)]
        workers: usize,
        /// The hardest numbers first: fixed chunks then put nearly all the work in the first.
        #[arg(long)]
        hardest_first: bool,
    },
    /// The benchmark's rows, as JSON (for `cargo xtask bench lesson-14`).
    #[command(hide = true)]
    BenchCases,
    /// One benchmark run: prints the JSON result.
    #[command(hide = true)]
    BenchRun {
        #[arg(long, value_enum, default_value_t = What::Factorize)]
        what: What,
        #[arg(long, value_enum, default_value_t = Mode::Serial)]
        mode: Mode,
        #[arg(long, default_value_t = 1)]
        workers: usize,
        /// Only the first N numbers (or limits).
        #[arg(long)]
        count: Option<usize>,
        /// Add the timeline: your threads and the lectures' fixed chunks, one lane per worker.
        #[arg(long)]
        timeline: bool,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum What {
    Factorize,
    Primes,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Mode {
    Serial,
    Threads,
    Processes,
    /// The lectures' threads: each given a fixed chunk before it starts.
    Chunks,
}

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

fn main() -> ExitCode {
    // The `__main__` guard: a worker process does its work and returns here.
    if let Some(code) = lesson_14::child_main() {
        return code;
    }
    let program = Program::current().expect("the path of this binary");
    let result = match Args::parse().demo {
        Demo::Table {
            workers,
            runs,
            count,
        } => table(&program, &workers, runs, count),
        Demo::Primes { workers, count } => primes(&program, workers, count),
        Demo::Lanes {
            workers,
            hardest_first,
        } => lanes(workers, hardest_first),
        Demo::BenchCases => {
            bench::print_cases(&bench_cases());
            Ok(())
        }
        Demo::BenchRun {
            what,
            mode,
            workers,
            count,
            timeline,
        } => bench_run(&program, what, mode, workers, count, timeline),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Solves `numbers` one way; the answers in the order of the numbers.
fn run(
    program: &Program,
    problem: &Problem,
    numbers: &[u64],
    mode: Mode,
    workers: usize,
) -> Result<Vec<Answer>> {
    Ok(match mode {
        Mode::Serial => serial(problem, numbers),
        Mode::Threads => threaded(problem, numbers, workers),
        Mode::Processes => in_processes(program, problem, numbers, workers)?,
        Mode::Chunks => fixed_chunks(problem, numbers, workers),
    })
}

/// The lectures' threaded factoriser: `ceil(len / workers)` numbers per thread, decided before
/// the threads start. Right, but a thread whose chunk is easy finishes early and waits.
fn fixed_chunks(problem: &Problem, numbers: &[u64], workers: usize) -> Vec<Answer> {
    let chunk = numbers.len().div_ceil(workers.max(1)).max(1);
    thread::scope(|s| {
        let handles: Vec<_> = numbers
            .chunks(chunk)
            .map(|mine| s.spawn(move || serial(problem, mine)))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a worker thread panicked"))
            .collect()
    })
}

/// The reference for the first `count` numbers of the lectures' benchmark or assignment.
fn reference_for(what: What, count: usize) -> (Problem, Vec<u64>, Vec<Answer>) {
    let (numbers, answers): (Vec<u64>, Vec<Answer>) = match what {
        What::Factorize => reference::factorizations()
            .into_iter()
            .map(|(n, f)| (n, Answer::Factors(f)))
            .take(count)
            .unzip(),
        What::Primes => reference::prime_sums()
            .into_iter()
            .map(|(n, s)| (n, Answer::Sum(s)))
            .take(count)
            .unzip(),
    };
    let problem = match what {
        What::Factorize => Problem::Factorize,
        What::Primes => Problem::SumPrimesBelow,
    };
    (problem, numbers, answers)
}

/// "300/300 right", or how many are wrong.
fn verdict(got: &[Answer], expected: &[Answer]) -> String {
    let right = got.iter().zip(expected).filter(|(a, b)| a == b).count();
    format!("{right}/{} right", expected.len())
}

fn table(program: &Program, workers: &[usize], runs: usize, count: usize) -> Result {
    let numbers: Vec<u64> = lecture_factor_numbers().into_iter().take(count).collect();
    let (problem, _, expected) = reference_for(What::Factorize, count);
    println!(
        "Factorising the {} odd numbers from {} by trial division ({} cores here).",
        numbers.len(),
        numbers[0],
        common::grading::cores()
    );
    println!("Running benchmark...");
    let mut rows = vec![("serial".to_string(), Mode::Serial, 1)];
    for &w in workers {
        rows.push((format!("threaded {w}"), Mode::Threads, w));
        rows.push((format!("mp {w}"), Mode::Processes, w));
    }
    let mut table = SpeedupTable::new();
    let mut bars = Vec::new();
    for (label, mode, w) in rows {
        let mut samples = Vec::new();
        let mut answers = Vec::new();
        for _ in 0..runs.max(1) {
            let start = Instant::now();
            answers = run(program, &problem, &numbers, mode, w)?;
            samples.push(start.elapsed());
        }
        let stats = Stats::from_samples(samples);
        // The lectures' Timer prints "[name] Elapsed: seconds".
        println!(
            "[{label}] Elapsed: {:.6}   ({})",
            stats.median.as_secs_f64(),
            verdict(&answers, &expected)
        );
        bars.push((label.clone(), stats.median));
        table.add(label, w, stats);
    }
    println!("\n{table}");
    println!("\nSerial, threads, processes comparison (elapsed time, median)");
    bar_chart(&bars);
    println!(
        "\nThe chart as SVG and PNG, with the timeline: cargo xtask bench lesson-14 \
         (under target/course/lesson-14/)."
    );
    Ok(())
}

/// The lectures' horizontal bar chart, in text.
fn bar_chart(bars: &[(String, Duration)]) {
    let longest = bars.iter().map(|(_, d)| *d).max().unwrap_or_default();
    let width = bars.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
    for (label, d) in bars {
        let cells = (50.0 * d.as_secs_f64() / longest.as_secs_f64().max(1e-9)).round() as usize;
        println!(
            "{label:>width$} │{:<50} {}",
            "█".repeat(cells.max(1)),
            seconds(*d)
        );
    }
}

fn primes(program: &Program, workers: usize, count: usize) -> Result {
    let (problem, limits, expected) = reference_for(What::Primes, count);
    println!(
        "For each n in range(100 000, 2 500 000, 100 000) ({} limits), the sum of the primes \
         below n, by trial division.",
        limits.len()
    );
    let mut table = SpeedupTable::new();
    let mut last = Vec::new();
    for (label, mode) in [
        ("serial", Mode::Serial),
        ("processes", Mode::Processes),
        ("threads", Mode::Threads),
    ] {
        let w = if mode == Mode::Serial { 1 } else { workers };
        let start = Instant::now();
        last = run(program, &problem, &limits, mode, w)?;
        let took = start.elapsed();
        println!(
            "{label:>9} ({w} workers): {}  {}",
            seconds(took),
            verdict(&last, &expected)
        );
        table.add(label, w, Stats::from_samples(vec![took]));
    }
    println!("\n{table}\n");
    let pairs: Vec<String> = limits
        .iter()
        .zip(&last)
        .map(|(n, a)| match a {
            Answer::Sum(s) => format!("[{n}, {s}]"),
            Answer::Factors(f) => format!("[{n}, {f:?}]"),
        })
        .collect();
    println!("[{}]", pairs.join(",\n "));
    Ok(())
}

/// A probe's records as lanes: one per worker (process and thread), in order of first start.
fn lanes_of(records: &[Record]) -> Vec<(String, Vec<&Record>)> {
    let mut sorted: Vec<&Record> = records.iter().collect();
    sorted.sort_by_key(|r| r.start_ns);
    let mut lanes: Vec<((u32, i64), Vec<&Record>)> = Vec::new();
    for r in sorted {
        match lanes.iter_mut().find(|(k, _)| *k == (r.pid, r.thread)) {
            Some((_, lane)) => lane.push(r),
            None => lanes.push(((r.pid, r.thread), vec![r])),
        }
    }
    lanes
        .into_iter()
        .enumerate()
        .map(|(i, (_, lane))| (format!("worker {}", i + 1), lane))
        .collect()
}

/// Runs the lectures' numbers under a probe; returns the records and when the run started.
fn probed(mode: Mode, workers: usize, numbers: &[u64]) -> Result<(Vec<Record>, u64, Duration)> {
    let log = tempfile::Builder::new()
        .prefix("lesson-14-timeline-")
        .tempdir()?;
    let problem = Problem::Probed(Probe::new(Problem::Factorize, log.path()));
    let program = Program::current()?;
    let start_ns = monotonic_ns();
    let start = Instant::now();
    run(&program, &problem, numbers, mode, workers)?;
    Ok((read_records(log.path()), start_ns, start.elapsed()))
}

fn lanes(workers: usize, hardest: bool) -> Result {
    let numbers = if hardest {
        hardest_first()
    } else {
        lecture_factor_numbers()
    };
    for (title, mode) in [
        ("the lectures' fixed chunks", Mode::Chunks),
        ("threaded (your code)", Mode::Threads),
        ("in_processes (your code)", Mode::Processes),
    ] {
        let (records, start_ns, took) = probed(mode, workers, &numbers)?;
        println!(
            "\n{title}, {workers} workers: {} (█ a number being factorised, · idle)",
            seconds(took)
        );
        let span = took.as_nanos().max(1) as f64;
        for (name, lane) in lanes_of(&records) {
            let mut row = vec!['·'; 60];
            for r in &lane {
                let from = (60.0 * (r.start_ns.saturating_sub(start_ns)) as f64 / span) as usize;
                let to = (60.0 * (r.end_ns.saturating_sub(start_ns)) as f64 / span).ceil() as usize;
                for cell in row.iter_mut().take(to.min(60)).skip(from.min(59)) {
                    *cell = '█';
                }
            }
            let row: String = row.into_iter().collect();
            println!("  {name:>9} │{row}│ {} numbers", lane.len());
        }
    }
    Ok(())
}

fn bench_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    let args = |what: &str, mode: &str, w: usize| -> Vec<String> {
        let w = w.to_string();
        ["bench-run", "--what", what, "--mode", mode, "--workers", &w]
            .map(String::from)
            .to_vec()
    };
    let quick = |args: &[String], count: &str| [args, &["--count".into(), count.into()]].concat();
    let mut factorize = |id: String, variant: &str, workers: usize, mode: &str| {
        let run = args("factorize", mode, workers);
        let mut case = Case::run(&id, variant, workers, &run)
            .quick(quick(&run, "60"))
            .items(300)
            .quick_items(60);
        if id == "t4" {
            case = case.with_timeline();
        }
        cases.push(case);
    };
    factorize("serial".into(), "Rust, threads", 1, "serial");
    for w in [2, 4, 8] {
        factorize(format!("t{w}"), "Rust, threads", w, "threads");
    }
    for w in [1, 2, 4, 8] {
        factorize(format!("p{w}"), "Rust, processes", w, "processes");
    }
    for w in [1, 2, 4, 8] {
        let variant = "Rust, threads, the lectures' fixed chunks";
        factorize(format!("chunks{w}"), variant, w, "chunks");
    }
    // Python: the lectures' program, serial at one worker in the threads' series, one process
    // with the whole list at one worker in the processes' series.
    let script = "lessons/14-capstone/python/factorize.py";
    for (series, mode) in [("threads", "threads"), ("processes", "processes")] {
        for w in [1, 2, 4, 8] {
            let (id, mode) = match (series, w) {
                ("threads", 1) => ("py-serial".to_string(), "serial"),
                _ => (format!("py-{}{w}", &series[..1]), mode),
            };
            let w_arg = w.to_string();
            let python = [script, "--mode", mode, "--workers", &w_arg];
            cases.push(
                Case::python(id, format!("Python, {series}"), w, python)
                    .quick([&python[..], &["--count", "60"]].concat())
                    .items(300)
                    .quick_items(60),
            );
        }
    }
    // The assignment: Rust on the whole range, Python on its smaller default range.
    let rows = [
        ("serial", "threads", "serial", 1),
        ("t2", "threads", "threads", 2),
        ("p1", "processes", "processes", 1),
        ("p2", "processes", "processes", 2),
    ];
    let script = "lessons/14-capstone/python/sum_primes.py";
    for (id, series, mode, w) in rows {
        let run = args("primes", mode, w);
        cases.push(
            Case::run(
                format!("sp-{id}"),
                format!("Rust, sum of primes, {series}"),
                w,
                &run,
            )
            .quick(quick(&run, "8"))
            .items(24)
            .quick_items(8),
        );
        let w_arg = w.to_string();
        let python = [script, "--mode", mode, "--workers", &w_arg];
        cases.push(
            Case::python(
                format!("py-sp-{id}"),
                format!("Python, sum of primes (range ÷ 10), {series}"),
                w,
                python,
            )
            .quick([&python[..], &["--count", "8"]].concat())
            .items(24)
            .quick_items(8),
        );
    }
    cases
}

fn bench_run(
    program: &Program,
    what: What,
    mode: Mode,
    workers: usize,
    count: Option<usize>,
    timeline: bool,
) -> Result {
    let all = match what {
        What::Factorize => 300,
        What::Primes => lecture_prime_limits().len(),
    };
    let (problem, numbers, expected) = reference_for(what, count.unwrap_or(all));
    let start = Instant::now();
    let answers = run(program, &problem, &numbers, mode, workers)?;
    let secs = start.elapsed().as_secs_f64();
    let mut record = bench::Record::new(secs).result(verdict(&answers, &expected));
    if timeline {
        // This run's lanes, then the same work in the lectures' fixed chunks, lane by lane
        // below: each from the start of its own run.
        let mut bars = Vec::new();
        for (prefix, mode) in [(mode_name(mode), mode), ("fixed chunks", Mode::Chunks)] {
            let (records, start_ns, _) = probed(mode, workers, &numbers)?;
            for (name, lane) in lanes_of(&records) {
                for r in lane {
                    bars.push(Bar {
                        lane: format!("{prefix}, {name}"),
                        start_s: r.start_ns.saturating_sub(start_ns) as f64 / 1e9,
                        end_s: r.end_ns.saturating_sub(start_ns) as f64 / 1e9,
                        label: r.number.to_string(),
                    });
                }
            }
        }
        record = record.timeline(bars);
    }
    record.print();
    Ok(())
}

fn mode_name(mode: Mode) -> &'static str {
    match mode {
        Mode::Serial => "serial",
        Mode::Threads => "threads",
        Mode::Processes => "processes",
        Mode::Chunks => "fixed chunks",
    }
}
