// The demo of lesson 15: `cargo xtask run lesson-15 --solution -- factorize --ranks 4`.
// The solution's demo is this same file (solutions/15-beyond-one-machine/src/main.rs includes it).
//
// One program, many ranks. Started by hand outside a job (`cargo xtask run`), the demo starts
// itself again under `mpirun -n RANKS` (with the flags this machine needs) and waits; started
// by `mpirun` (`mpirun -n 4 target/grade/lesson-15-solution factorize`), it is one rank of the
// job and does its part.

use std::cell::RefCell;
use std::ffi::OsString;
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use clap::{Parser, Subcommand, ValueEnum};
use common::bench::{self, Bar, Case, Record};
use common::mpirun::{self, Job};
use common::workloads::{factorize_naive, lecture_factor_numbers};
use lesson_15::mpi::collective::SystemOperation;
use lesson_15::mpi::datatype::{Partition, PartitionMut};
use lesson_15::mpi::topology::SimpleCommunicator;
use lesson_15::mpi::traits::*;
use lesson_15::mpi::{Count, Rank};

/// Beyond one machine: the capstone's factorisation spread over MPI ranks.
#[derive(Parser)]
struct Args {
    /// Ranks to start when run outside an MPI job (inside one, `mpirun -n` decides).
    #[arg(long, global = true, default_value_t = 4)]
    ranks: usize,
    /// A hostfile for mpirun: the machines (and slots) the ranks may run on.
    #[arg(long, global = true)]
    hostfile: Option<PathBuf>,
    #[command(subcommand)]
    demo: Demo,
}

#[derive(Subcommand)]
enum Demo {
    /// Factorise the lectures' numbers over the ranks; print where each rank ran and what it did.
    Factorize {
        /// How many of the lectures' 300 numbers (from 9 999 999 999 999, odd).
        #[arg(long, default_value_t = 300)]
        count: usize,
        /// `master-worker`: rank 0 hands out one number at a time (lesson_15::distribute);
        /// `scatter`: equal chunks dealt out in advance with MPI_Scatterv, sums with MPI_Reduce.
        #[arg(long, value_enum, default_value_t = Schedule::MasterWorker)]
        schedule: Schedule,
    },
    /// Rank R panics mid-job: with the abort hook of lesson_15::init the whole job ends at once.
    Panic {
        #[arg(long, default_value_t = 1)]
        rank: i32,
    },
    /// The rows `cargo xtask bench lesson-15` measures (JSON).
    #[command(hide = true)]
    BenchCases,
    /// One benchmark run: starts an MPI job of `--ranks` ranks, prints rank 0's measurement.
    #[command(hide = true)]
    BenchRun {
        #[arg(long, value_enum, default_value_t = Schedule::MasterWorker)]
        schedule: Schedule,
        #[arg(long, default_value_t = 300)]
        count: usize,
        /// Also list one bar per number (lane: the rank that factorised it).
        #[arg(long)]
        timeline: bool,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Schedule {
    MasterWorker,
    Scatter,
}

impl Schedule {
    fn flag(self) -> &'static str {
        match self {
            Schedule::MasterWorker => "master-worker",
            Schedule::Scatter => "scatter",
        }
    }
}

fn main() {
    let args = Args::parse();
    if let Demo::BenchCases = args.demo {
        bench_cases();
        return;
    }
    if mpirun::rank_from_env().is_none() {
        // Not a rank of a job yet: start the job, each rank being this program again.
        std::process::exit(launch(&args));
    }
    let universe = lesson_15::init();
    let world = universe.world();
    match args.demo {
        Demo::Factorize { count, schedule } => {
            let numbers: Vec<u64> = lecture_factor_numbers().into_iter().take(count).collect();
            report_placement(&world);
            let run = factorize(&world, &numbers, schedule);
            if let Some(run) = run {
                print_run(&world, &numbers, &run, schedule);
            }
        }
        Demo::Panic { rank } => {
            report_placement(&world);
            world.barrier();
            if world.rank() == rank {
                std::thread::sleep(Duration::from_millis(200));
                panic!("rank {rank} panics on purpose");
            }
            let started = Instant::now();
            // Every other rank waits for rank `rank` here, which never comes: only the abort
            // hook ends the job.
            world.barrier();
            println!(
                "rank {}: the barrier completed after {:.1} s",
                world.rank(),
                started.elapsed().as_secs_f64()
            );
        }
        Demo::BenchRun {
            schedule,
            count,
            timeline,
        } => {
            let numbers: Vec<u64> = lecture_factor_numbers().into_iter().take(count).collect();
            if let Some(run) = factorize(&world, &numbers, schedule) {
                print_bench_record(&run, timeline);
            }
        }
        Demo::BenchCases => unreachable!("handled above"),
    }
}

/// Starts this program again under `mpirun` with the same arguments; returns its exit code.
fn launch(args: &Args) -> i32 {
    let program = std::env::current_exe().expect("the demo knows its own path");
    let mut job = Job::new(args.ranks, program);
    job.args = std::env::args_os().skip(1).collect::<Vec<OsString>>();
    job.hostfile = args.hostfile.clone();
    job.deadline = Duration::from_secs(600);
    let bench = matches!(args.demo, Demo::BenchRun { .. });
    job.show_output = !bench;
    if !bench {
        let shown: Vec<String> = job
            .command()
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        println!("$ mpirun {}", shown.join(" "));
    }
    let outcome = match job.run() {
        Ok(outcome) => outcome,
        Err(error) => {
            eprintln!(
                "could not start mpirun ({error}): is Open MPI installed? `cargo xtask setup mpi`"
            );
            return 1;
        }
    };
    for leftover in &outcome.leftovers {
        eprintln!("left behind: {leftover}");
    }
    if bench {
        // The bench runner reads the last line: rank 0's record.
        match outcome
            .output
            .lines()
            .rev()
            .find(|l| l.starts_with('{') && l.contains("\"seconds\":"))
        {
            Some(record) => println!("{record}"),
            None => {
                eprintln!("{}", outcome.output);
                return 1;
            }
        }
    }
    match outcome.status {
        Some(status) => status.code().unwrap_or(1),
        None => {
            eprintln!("the job did not finish within {} s", job.deadline.as_secs());
            1
        }
    }
}

/// What one rank did, and the whole run as rank 0 saw it.
struct Run {
    results: Vec<(u64, Vec<u64>)>,
    seconds: f64,
    /// Per rank: numbers factorised and seconds spent factorising.
    per_rank: Vec<(u64, f64)>,
    /// Per number factorised: (rank, start s, end s, number), from the start of the work.
    bars: Vec<(Rank, f64, f64, u64)>,
}

thread_local! {
    /// This rank's bars: (start ns since the epoch, end ns, number).
    static BARS: RefCell<Vec<[u64; 3]>> = const { RefCell::new(Vec::new()) };
}

fn now_ns() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

/// `factorize_naive`, noting when this rank started and ended each number.
fn timed_factorize(n: u64) -> Vec<u64> {
    let start = now_ns();
    let factors = factorize_naive(n);
    BARS.with(|b| b.borrow_mut().push([start, now_ns(), n]));
    factors
}

/// Factorises `numbers` with `schedule` on every rank; rank 0 gets the run.
fn factorize(world: &SimpleCommunicator, numbers: &[u64], schedule: Schedule) -> Option<Run> {
    let root = world.process_at_rank(0);
    world.barrier();
    let mut start_ns = now_ns();
    root.broadcast_into(&mut start_ns);
    let started = Instant::now();
    let results = match schedule {
        Schedule::MasterWorker => lesson_15::distribute(world, numbers, timed_factorize),
        Schedule::Scatter => scatter_gather(world, numbers),
    };
    let seconds = started.elapsed().as_secs_f64();

    // Each rank's bars go to rank 0 (a gather of lists of different lengths, by hand).
    let mine: Vec<u64> = BARS.with(|b| b.borrow().iter().flatten().copied().collect());
    if world.rank() != 0 {
        root.send(&mine[..]);
        return None;
    }
    let mut bars = Vec::new();
    let mut per_rank = vec![(0, 0.0); world.size() as usize];
    let seconds_of = |ns: u64| ns.saturating_sub(start_ns) as f64 / 1e9;
    let mut add = |rank: Rank, flat: &[u64]| {
        for bar in flat.chunks(3) {
            let (s, e) = (seconds_of(bar[0]), seconds_of(bar[1]));
            bars.push((rank, s, e, bar[2]));
            per_rank[rank as usize].0 += 1;
            per_rank[rank as usize].1 += e - s;
        }
    };
    add(0, &mine);
    for rank in 1..world.size() {
        let (flat, _) = world.process_at_rank(rank).receive_vec::<u64>();
        add(rank, &flat);
    }
    Some(Run {
        results: results.expect("rank 0 gathers the results"),
        seconds,
        per_rank,
        bars,
    })
}

/// The static alternative, with MPI's collectives: rank 0 scatters equal chunks of the numbers
/// (`MPI_Scatterv`), every rank — rank 0 too — factorises its chunk, the factor counts come back
/// with a gather (`MPI_Gatherv`) and the factors themselves, flattened, with another; a reduce
/// (`MPI_Reduce`, sum) counts the prime factors found on all ranks.
fn scatter_gather(world: &SimpleCommunicator, numbers: &[u64]) -> Option<Vec<(u64, Vec<u64>)>> {
    let size = world.size() as usize;
    let root = world.process_at_rank(0);
    // Chunk i of k: len/k numbers, one more for the first len%k chunks.
    let counts: Vec<Count> = (0..size)
        .map(|i| (numbers.len() / size + usize::from(i < numbers.len() % size)) as Count)
        .collect();
    let displs = offsets(&counts);
    let mut chunk = vec![0u64; counts[world.rank() as usize] as usize];
    if world.rank() == 0 {
        root.scatter_varcount_into_root(
            &Partition::new(numbers, &counts[..], &displs[..]),
            &mut chunk[..],
        );
    } else {
        root.scatter_varcount_into(&mut chunk[..]);
    }
    let factors: Vec<Vec<u64>> = chunk.iter().map(|&n| timed_factorize(n)).collect();

    let lengths: Vec<Count> = factors.iter().map(|f| f.len() as Count).collect();
    let flat: Vec<u64> = factors.concat();
    let mine = flat.len() as u64;
    if world.rank() != 0 {
        root.reduce_into(&mine, SystemOperation::sum());
        root.gather_varcount_into(&lengths[..]);
        root.gather_into(&(flat.len() as Count));
        root.gather_varcount_into(&flat[..]);
        return None;
    }
    let mut total = 0u64;
    root.reduce_into_root(&mine, &mut total, SystemOperation::sum());
    let mut all_lengths = vec![0 as Count; numbers.len()];
    root.gather_varcount_into_root(
        &lengths[..],
        &mut PartitionMut::new(&mut all_lengths[..], &counts[..], &displs[..]),
    );
    let mut flat_counts = vec![0 as Count; size];
    root.gather_into_root(&(flat.len() as Count), &mut flat_counts[..]);
    let mut all = vec![0u64; total as usize];
    let flat_displs = offsets(&flat_counts);
    root.gather_varcount_into_root(
        &flat[..],
        &mut PartitionMut::new(&mut all[..], &flat_counts[..], &flat_displs[..]),
    );
    let mut rest = &all[..];
    Some(
        numbers
            .iter()
            .zip(all_lengths)
            .map(|(&n, len)| {
                let (these, tail) = rest.split_at(len as usize);
                rest = tail;
                (n, these.to_vec())
            })
            .collect(),
    )
}

fn offsets(counts: &[Count]) -> Vec<Count> {
    counts
        .iter()
        .scan(0, |acc, &c| {
            let at = *acc;
            *acc += c;
            Some(at)
        })
        .collect()
}

/// Where each rank runs (host name, pid), gathered at rank 0 and printed there: on a cluster,
/// the proof that the ranks really are on different machines.
fn report_placement(world: &SimpleCommunicator) {
    const WIDTH: usize = 64;
    let mut mine = [0u8; WIDTH + 8];
    let host = lesson_15::mpi::environment::processor_name().unwrap_or_else(|_| "?".into());
    let bytes = host.as_bytes();
    mine[..bytes.len().min(WIDTH)].copy_from_slice(&bytes[..bytes.len().min(WIDTH)]);
    mine[WIDTH..].copy_from_slice(&u64::from(std::process::id()).to_le_bytes());
    let root = world.process_at_rank(0);
    if world.rank() != 0 {
        root.gather_into(&mine[..]);
        return;
    }
    let mut all = vec![0u8; (WIDTH + 8) * world.size() as usize];
    root.gather_into_root(&mine[..], &mut all[..]);
    for (rank, record) in all.chunks(WIDTH + 8).enumerate() {
        let host = String::from_utf8_lossy(&record[..WIDTH])
            .trim_end_matches('\0')
            .to_string();
        let pid = u64::from_le_bytes(record[WIDTH..].try_into().expect("8 bytes"));
        println!("rank {rank} of {} runs on {host}, pid {pid}", world.size());
    }
}

fn print_run(world: &SimpleCommunicator, numbers: &[u64], run: &Run, schedule: Schedule) {
    println!(
        "\n{} numbers factorised on {} rank(s) ({}) in {:.3} s",
        numbers.len(),
        world.size(),
        schedule.flag(),
        run.seconds
    );
    println!("rank  numbers  busy (s)  idle (s)");
    for (rank, (count, busy)) in run.per_rank.iter().enumerate() {
        let idle = if rank == 0 && schedule == Schedule::MasterWorker && world.size() > 1 {
            "(master)".to_string()
        } else {
            format!("{:.3}", (run.seconds - busy).max(0.0))
        };
        println!("{rank:>4}  {count:>7}  {busy:>8.3}  {idle:>8}");
    }
    let slowest = run
        .bars
        .iter()
        .max_by(|a, b| (a.2 - a.1).total_cmp(&(b.2 - b.1)));
    if let Some((rank, s, e, n)) = slowest {
        println!(
            "the slowest number, {n}, took {:.3} s on rank {rank}",
            e - s
        );
    }
    println!("{}", verdict(&run.results));
}

fn verdict(results: &[(u64, Vec<u64>)]) -> String {
    let reference = common::reference::factorizations();
    let wrong = results
        .iter()
        .filter(|(n, factors)| {
            reference
                .iter()
                .find(|(m, _)| m == n)
                .is_some_and(|(_, r)| r != factors)
        })
        .count();
    let factors: usize = results.iter().map(|(_, f)| f.len()).sum();
    if wrong == 0 {
        format!(
            "{} numbers, {factors} prime factors, all equal to the reference",
            results.len()
        )
    } else {
        format!("{wrong} of {} numbers WRONG", results.len())
    }
}

/// The benchmark protocol's record: the work's time, a result to show, and the bars.
fn print_bench_record(run: &Run, timeline: bool) {
    let mut record = Record::new(run.seconds).result(verdict(&run.results));
    if timeline {
        record = record.timeline(
            run.bars
                .iter()
                .map(|&(rank, start_s, end_s, n)| Bar {
                    lane: format!("rank-{rank}"),
                    start_s,
                    end_s,
                    label: n.to_string(),
                })
                .collect(),
        );
    }
    record.print();
}

/// The rows of `cargo xtask bench lesson-15`: the lectures' 300 numbers on 1, 2 and 4 ranks,
/// handed out by a master and dealt out in advance, beside the capstone's threads and processes
/// on the same numbers (rows that lesson 14's solution demo runs).
fn bench_cases() {
    let mut cases = Vec::new();
    for (id, variant, mode, workers) in [
        ("serial", "Rust threads (lesson 14)", "serial", 1),
        ("t2", "Rust threads (lesson 14)", "threads", 2),
        ("t4", "Rust threads (lesson 14)", "threads", 4),
        ("p1", "Rust processes (lesson 14)", "processes", 1),
        ("p2", "Rust processes (lesson 14)", "processes", 2),
        ("p4", "Rust processes (lesson 14)", "processes", 4),
    ] {
        let w = workers.to_string();
        let run = [
            "bench-run",
            "--what",
            "factorize",
            "--mode",
            mode,
            "--workers",
            &w,
        ];
        let quick = [&run[..], &["--count", "60"]].concat();
        cases.push(
            Case::run(format!("capstone-{id}"), variant, workers, run)
                .quick(quick)
                .items(300)
                .quick_items(60)
                .by_lesson("lesson-14"),
        );
    }
    for schedule in [Schedule::MasterWorker, Schedule::Scatter] {
        for ranks in [1, 2, 4] {
            let variant = match schedule {
                Schedule::MasterWorker => "MPI ranks, master hands out work",
                Schedule::Scatter => "MPI ranks, equal chunks (scatter)",
            };
            let r = ranks.to_string();
            let run = ["bench-run", "--ranks", &r, "--schedule", schedule.flag()];
            let quick = [&run[..], &["--count", "60"]].concat();
            let mut case = Case::run(format!("{}-{ranks}", schedule.flag()), variant, ranks, run)
                .quick(quick)
                .items(300)
                .quick_items(60);
            if schedule == Schedule::MasterWorker && ranks == 4 {
                case = case.with_timeline();
            }
            cases.push(case);
        }
    }
    bench::print_cases(&cases);
}
