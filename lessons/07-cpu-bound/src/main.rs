// The demo of lesson 07: `cargo xtask run lesson-07 --solution -- --threads 1,2,4,8 --gil`.
// The solution's demo is this same file (solutions/07-cpu-bound/src/main.rs includes it).
//
// It prints the lectures' timing tables for the integral of x² and the Maclaurin series: with
// free threads (this lesson's `sum_parts`), with `--gil` also under one global lock, and
// rayon's time. `false-sharing` and `terms` show the two other lessons of the page. The hidden
// `bench-cases` and `bench-run` subcommands are what `cargo xtask bench lesson-07` runs.

use std::time::Instant;

use clap::{Parser, Subcommand, ValueEnum};
use common::bench::{self, Case, Record};
use common::grading::thousands;
use common::timing::{SpeedupTable, Stats, seconds};
use common::workloads::{self, square};
use lesson_07::timeline::Recorder;
use lesson_07::{
    LECTURE_STEPS, LECTURE_TERMS, MACLAURIN_X, Term, false_sharing, gil, rayon_way, sum_parts,
};

/// Threads on a CPU-bound problem: the lectures' integral and Maclaurin tables, in Rust.
#[derive(Parser)]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
    /// The thread counts to time (the lectures: 1, 2, 4, 6, 8).
    #[arg(long, value_delimiter = ',', default_value = "1,2,4,8")]
    threads: Vec<usize>,
    /// Also time every thread count with the work done under one global lock (the GIL).
    #[arg(long)]
    gil: bool,
    /// Which work to time.
    #[arg(long, value_enum, default_value_t = What::Both)]
    what: What,
    /// Steps of the integral (the lectures: N = 10⁸).
    #[arg(long, default_value_t = LECTURE_STEPS)]
    steps: u64,
    /// Terms of the Maclaurin series (the lectures: 12 800 000).
    #[arg(long, default_value_t = LECTURE_TERMS)]
    terms: u64,
    /// How each Maclaurin term is computed (powf is what CPython's x**k does).
    #[arg(long, value_enum, default_value_t = Term::Powf)]
    term: Term,
    /// Under `--gil`: how many steps a thread computes before it offers the lock to the others.
    #[arg(long, default_value_t = gil::SWITCH_INTERVAL)]
    switch_interval: u64,
    /// Time every row this many times and show the median.
    #[arg(long, default_value_t = 1)]
    runs: usize,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum What {
    Integral,
    Maclaurin,
    Both,
}

#[derive(Subcommand)]
enum Command {
    /// Counters side by side on one cache line against counters padded to a line each.
    FalseSharing {
        #[arg(long, default_value_t = 2)]
        threads: usize,
        /// Increments per thread.
        #[arg(long, default_value_t = 50_000_000)]
        increments: u64,
    },
    /// The three ways to compute a Maclaurin term (powf, powi, a running product), serially.
    Terms {
        #[arg(long, default_value_t = LECTURE_TERMS)]
        terms: u64,
    },
    /// The rows `cargo xtask bench` measures, as JSON.
    #[command(hide = true)]
    BenchCases,
    /// One measured run of one row, for `cargo xtask bench`.
    #[command(hide = true)]
    BenchRun(BenchRun),
}

#[derive(clap::Args)]
struct BenchRun {
    #[arg(long, value_enum)]
    what: Work,
    #[arg(long, value_enum)]
    mode: Mode,
    #[arg(long, default_value_t = 1)]
    threads: usize,
    /// Steps, terms, or increments per thread.
    #[arg(long)]
    size: u64,
    #[arg(long, value_enum, default_value_t = Term::Powf)]
    term: Term,
    /// Also record which thread computed which part, when.
    #[arg(long)]
    timeline: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Work {
    Integral,
    Maclaurin,
    Counters,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Mode {
    /// One plain loop, no threads.
    Serial,
    /// `sum_parts` on free threads.
    Threads,
    /// Threads under one global lock.
    Gil,
    /// rayon on a pool of `threads` threads.
    Rayon,
    /// Counters side by side.
    Adjacent,
    /// Counters on cache lines of their own.
    Padded,
}

fn main() {
    let args = Args::parse();
    match args.command {
        None => tables(&args),
        Some(Command::FalseSharing {
            threads,
            increments,
        }) => false_sharing_demo(threads, increments),
        Some(Command::Terms { terms }) => terms_demo(terms),
        Some(Command::BenchCases) => bench::print_cases(&bench_cases()),
        Some(Command::BenchRun(run)) => bench_run(&run).print(),
    }
}

/// Runs `f` `runs` times (at least once): its statistics and its last result.
fn timed<T>(runs: usize, mut f: impl FnMut() -> T) -> (Stats, T) {
    let mut samples = Vec::new();
    let mut last = None;
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        last = Some(std::hint::black_box(f()));
        samples.push(start.elapsed());
    }
    (
        Stats::from_samples(samples),
        last.expect("ran at least once"),
    )
}

fn plural_threads(k: usize) -> String {
    if k == 1 {
        "1 thread ".into()
    } else {
        format!("{k} threads")
    }
}

/// One of the lectures' tables: "2 threads 6.195 secs for 12800000 iterations", then the
/// speedup table of the same rows.
fn table(
    title: &str,
    args: &Args,
    units: &str,
    size: u64,
    compute: impl Fn(usize) -> f64,
) -> SpeedupTable {
    println!("\n{title}");
    let mut table = SpeedupTable::new();
    for &k in &args.threads {
        let (stats, value) = timed(args.runs, || compute(k));
        println!(
            "  {}  {:.3} secs for {size} {units}   (= {value:.9})",
            plural_threads(k),
            stats.median.as_secs_f64(),
        );
        table.add(plural_threads(k).trim_end(), k, stats);
    }
    println!("{table}");
    table
}

fn tables(args: &Args) {
    let cores = common::grading::cores();
    println!("This machine has {cores} cores.");
    if matches!(args.what, What::Integral | What::Both) {
        let n = args.steps;
        println!(
            "\n∫₀¹⁰ x² dx as a left Riemann sum of N = {} steps (the exact value is 333.333…)",
            thousands(n)
        );
        let (serial, value) = timed(args.runs, || workloads::integrate(square, 0.0, 10.0, n));
        println!(
            "a plain serial loop: {} (= {value:.9})",
            seconds(serial.median)
        );
        table(
            "Threads, on this lesson's sum_parts:",
            args,
            "steps",
            n,
            |k| lesson_07::integrate(square, 0.0, 10.0, n, k),
        );
        if args.gil {
            let dx = 10.0 / n as f64;
            table(
                &format!(
                    "Threads under one global lock, offered to the others every {} steps (the GIL):",
                    args.switch_interval
                ),
                args,
                "steps",
                n,
                |k| {
                    gil::sum_parts_holding_the_gil(n, k, args.switch_interval, |r| {
                        workloads::riemann_steps(square, 0.0, dx, r)
                    })
                },
            );
        }
        let (stats, value) = timed(args.runs, || rayon_way::integrate(square, 0.0, 10.0, n));
        println!(
            "rayon on its pool of {} threads (Parallel Python's way): {} (= {value:.9})",
            rayon::current_num_threads(),
            seconds(stats.median)
        );
    }
    if matches!(args.what, What::Maclaurin | What::Both) {
        let (x, terms, term) = (MACLAURIN_X, args.terms, args.term);
        println!(
            "\nThe Maclaurin series 1/(1−x) = 1 + x + x² + … at x = {x}, {} terms, each term \
             computed by {} (try --term powi and --term product)",
            thousands(terms),
            match term {
                Term::Powf => "x.powf(k), as CPython's x**k",
                Term::Powi => "x.powi(k), repeated squaring",
                Term::Product => "a running product, term *= x",
            }
        );
        table(
            "Threads, on this lesson's sum_parts:",
            args,
            "iterations",
            terms,
            |k| lesson_07::maclaurin_with(term, x, terms, k),
        );
        if args.gil {
            table(
                &format!(
                    "Threads under one global lock, offered to the others every {} terms (the GIL):",
                    args.switch_interval
                ),
                args,
                "iterations",
                terms,
                |k| {
                    gil::sum_parts_holding_the_gil(terms, k, args.switch_interval, |r| {
                        term.sum(x, r)
                    })
                },
            );
        }
        let (stats, value) = timed(args.runs, || rayon_way::maclaurin(term, x, terms, 64));
        println!(
            "rayon, 64 tasks on its pool of {} threads (Parallel Python's example): {} (= {value:.12})",
            rayon::current_num_threads(),
            seconds(stats.median)
        );
    }
    if !args.gil {
        println!("\nAdd --gil to see the same work under one global lock.");
    }
}

fn false_sharing_demo(threads: usize, increments: u64) {
    println!(
        "{threads} threads, each adding 1 to a counter of its own {} times:",
        thousands(increments)
    );
    let mut table = SpeedupTable::new();
    for (label, count) in [
        (
            "side by side (one cache line)",
            false_sharing::count_adjacent as fn(usize, u64) -> u64,
        ),
        ("padded (CachePadded)", false_sharing::count_padded),
    ] {
        let (stats, total) = timed(3, || count(threads, increments));
        println!(
            "  {label:30} {} for {} increments",
            seconds(stats.median),
            thousands(total)
        );
        table.add(label, 1, stats);
    }
    println!("{table}");
    println!(
        "The threads share no counter, yet side by side they fight over one cache line: \
         false sharing."
    );
}

fn terms_demo(terms: u64) {
    let x = MACLAURIN_X;
    println!(
        "The Maclaurin series at x = {x}, {} terms, serially, three ways:",
        thousands(terms)
    );
    for (term, how) in [
        (Term::Powf, "x.powf(k): C's pow, as CPython's x**k"),
        (
            Term::Powi,
            "x.powi(k): repeated squaring, through subnormals",
        ),
        (Term::Product, "term *= x: one multiplication a term"),
    ] {
        let (stats, value) = timed(1, || term.sum(x, 0..terms));
        println!("  {how:50} {} (= {value:.12})", seconds(stats.median));
    }
}

// ---- what `cargo xtask bench lesson-07` runs ----

/// The bench's sizes: (integral steps, Maclaurin terms, increments per thread), full and quick.
const BENCH_SIZES: (u64, u64, u64) = (20_000_000, LECTURE_TERMS, 20_000_000);
const QUICK_SIZES: (u64, u64, u64) = (4_000_000, 2_000_000, 4_000_000);

fn bench_cases() -> Vec<Case> {
    let cores = common::grading::cores();
    let mut cases = Vec::new();
    // `items` counts the work of one run (steps, terms, increments); `quick_items` that of a
    // quick run.
    let mut add = |id: String,
                   variant: &str,
                   workers: usize,
                   runs: (Vec<String>, Vec<String>),
                   items: (u64, u64)| {
        cases.push(
            Case::run(id, variant, workers, runs.0)
                .quick(runs.1)
                .items(items.0)
                .quick_items(items.1),
        );
    };
    let run = |what: &str, mode: &str, k: usize, size: u64, term: &str| -> Vec<String> {
        [
            "bench-run",
            "--what",
            what,
            "--mode",
            mode,
            "--threads",
            &k.to_string(),
            "--size",
            &size.to_string(),
            "--term",
            term,
        ]
        .map(String::from)
        .to_vec()
    };
    let (full, quick) = (BENCH_SIZES, QUICK_SIZES);
    let both = |what: &str, mode: &str, k: usize, pick: fn((u64, u64, u64)) -> u64, term: &str| {
        (
            run(what, mode, k, pick(full), term),
            run(what, mode, k, pick(quick), term),
        )
    };
    let steps = |s: (u64, u64, u64)| s.0;
    let terms = |s: (u64, u64, u64)| s.1;
    let increments = |s: (u64, u64, u64)| s.2;

    let runs = both("integral", "serial", 1, steps, "powf");
    add(
        "integral-serial".into(),
        "∫x², Rust, serial loop",
        1,
        runs,
        (full.0, quick.0),
    );
    for k in [1, 2, 4, 8] {
        let runs = both("integral", "threads", k, steps, "powf");
        add(
            format!("integral-t{k}"),
            "∫x², Rust threads",
            k,
            runs,
            (full.0, quick.0),
        );
    }
    for k in [1, 2, 4, 8] {
        let runs = both("integral", "gil", k, steps, "powf");
        add(
            format!("integral-gil-{k}"),
            "∫x², Rust threads + GIL",
            k,
            runs,
            (full.0, quick.0),
        );
    }
    let mut pools = vec![1];
    if cores > 1 {
        pools.push(cores);
    }
    for &k in &pools {
        let runs = both("integral", "rayon", k, steps, "powf");
        add(
            format!("integral-rayon-{k}"),
            "∫x², rayon",
            k,
            runs,
            (full.0, quick.0),
        );
    }
    for k in [1, 2, 4, 8] {
        let runs = both("maclaurin", "threads", k, terms, "powf");
        add(
            format!("maclaurin-t{k}"),
            "Maclaurin, Rust threads (powf)",
            k,
            runs,
            (full.1, quick.1),
        );
    }
    for (term, variant) in [
        ("powi", "Maclaurin, Rust serial (powi)"),
        ("product", "Maclaurin, Rust serial (running product)"),
    ] {
        let runs = both("maclaurin", "serial", 1, terms, term);
        add(
            format!("maclaurin-{term}"),
            variant,
            1,
            runs,
            (full.1, quick.1),
        );
    }
    for (mode, variant) in [
        ("adjacent", "counters side by side"),
        ("padded", "counters, CachePadded"),
    ] {
        for k in [1, 2] {
            let runs = both("counters", mode, k, increments, "powf");
            add(
                format!("counters-{mode}-{k}"),
                variant,
                k,
                runs,
                (full.2 * k as u64, quick.2 * k as u64),
            );
        }
    }
    // The 2-thread row's timeline: two lanes, one bar per chunk.
    if let Some(row) = cases
        .iter_mut()
        .find(|c| c.id.as_deref() == Some("integral-t2"))
    {
        row.timeline = true;
    }

    // Python's rows: the same work, with threads (under the GIL) and with processes.
    let python = |script: &str, mode: &str, k: usize, size: u64| -> Vec<String> {
        vec![
            format!("lessons/07-cpu-bound/python/{script}"),
            "--mode".into(),
            mode.into(),
            "--workers".into(),
            k.to_string(),
            "--size".into(),
            size.to_string(),
        ]
    };
    for (script, label, id, full_size, quick_size) in [
        ("integrate.py", "∫x²", "integral", full.0, quick.0),
        ("maclaurin.py", "Maclaurin", "maclaurin", full.1, quick.1),
    ] {
        for (mode, kind) in [("threads", "threads"), ("processes", "processes")] {
            for k in [1, 2, 4] {
                cases.push(
                    Case::python(
                        format!("py-{id}-{mode}-{k}"),
                        format!("{label}, Python {kind}"),
                        k,
                        python(script, mode, k, full_size),
                    )
                    .quick(python(script, mode, k, quick_size))
                    .items(full_size)
                    .quick_items(quick_size),
                );
            }
        }
    }
    cases
}

fn bench_run(run: &BenchRun) -> Record {
    let (k, size, term) = (run.threads.max(1), run.size, run.term);
    let recorder = Recorder::new();
    let start = Instant::now();
    let result: String = match (run.what, run.mode) {
        (Work::Integral, mode) => {
            let dx = 10.0 / size.max(1) as f64;
            let part = |r: std::ops::Range<u64>| workloads::riemann_steps(square, 0.0, dx, r);
            let value = match mode {
                Mode::Serial => workloads::integrate(square, 0.0, 10.0, size),
                Mode::Threads if run.timeline => sum_parts(size, k, |r| {
                    let label = format!("steps {}..{}", thousands(r.start), thousands(r.end));
                    recorder.record(label, || part(r))
                }),
                Mode::Threads => lesson_07::integrate(square, 0.0, 10.0, size, k),
                Mode::Gil => gil::sum_parts_holding_the_gil(size, k, gil::SWITCH_INTERVAL, part),
                Mode::Rayon => {
                    rayon_way::with_threads(k, || rayon_way::integrate(square, 0.0, 10.0, size))
                }
                Mode::Adjacent | Mode::Padded => panic!("counters are not an integral"),
            };
            format!("{value:.9}")
        }
        (Work::Maclaurin, mode) => {
            let x = MACLAURIN_X;
            let value = match mode {
                Mode::Serial => term.sum(x, 0..size),
                Mode::Threads if run.timeline => sum_parts(size, k, |r| {
                    let label = format!("terms {}..{}", thousands(r.start), thousands(r.end));
                    recorder.record(label, || term.sum(x, r))
                }),
                Mode::Threads => lesson_07::maclaurin_with(term, x, size, k),
                Mode::Gil => gil::sum_parts_holding_the_gil(size, k, gil::SWITCH_INTERVAL, |r| {
                    term.sum(x, r)
                }),
                Mode::Rayon => {
                    rayon_way::with_threads(k, || rayon_way::maclaurin(term, x, size, 64))
                }
                Mode::Adjacent | Mode::Padded => panic!("counters are not a series"),
            };
            format!("{value:.12}")
        }
        (Work::Counters, Mode::Padded) => false_sharing::count_padded(k, size).to_string(),
        (Work::Counters, _) => false_sharing::count_adjacent(k, size).to_string(),
    };
    let seconds = start.elapsed().as_secs_f64();
    let record = Record::new(seconds).result(result);
    if run.timeline {
        record.timeline(recorder.bars())
    } else {
        record
    }
}
