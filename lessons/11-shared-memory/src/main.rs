// The demo of lesson 11: `cargo xtask run lesson-11 [--solution] -- all`.
// The solution's demo is this same file (solutions/11-shared-memory/src/main.rs includes it).

use std::process::ExitCode;
use std::sync::atomic::{AtomicI64, AtomicU32, Ordering};
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand, ValueEnum};
use common::bench::{self, Case, Record};
use common::process::{self, Program};
use ipc_channel::ipc::IpcSender;
use lesson_11::{
    CONNECT_DEADLINE, Error, Fix, Manager, START_BALANCE, SharedArray, SharedValue, StartLine,
    TRANSACTIONS, perform_transactions, run_clients, squares_in_child,
};

/// Shared memory between processes: Value and Array, the two-process balance race and its two
/// fixes, a manager process that owns a list.
#[derive(Parser)]
struct Args {
    #[command(subcommand)]
    demo: Demo,
}

#[derive(Subcommand)]
enum Demo {
    /// Every demo below, in order.
    All,
    /// Value and Array: a child squares the numbers into shared memory; we read them.
    ValueArray {
        #[arg(long, value_delimiter = ',', default_value = "1,2,3,4")]
        numbers: Vec<i64>,
    },
    /// The balance race: two processes withdraw and deposit 1, `times` times each, on 100.
    Balance {
        #[arg(long, default_value_t = 10)]
        rounds: usize,
        #[arg(long, default_value_t = TRANSACTIONS)]
        times: u32,
    },
    /// The manager: the lectures' list [1, 2, 3, 4] plus 5, then clients appending at once.
    Manager {
        #[arg(long, default_value_t = 4)]
        clients: usize,
        #[arg(long, default_value_t = 250)]
        items: usize,
    },
    /// The rows `cargo xtask bench lesson-11` measures, as JSON.
    #[command(hide = true)]
    BenchCases,
    /// One bench case, once; prints a JSON object as its last line.
    #[command(hide = true)]
    BenchRun {
        #[arg(long, value_enum)]
        what: BenchWhat,
        #[arg(long, default_value_t = 1_000_000)]
        items: usize,
        #[arg(long)]
        timeline: bool,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum BenchWhat {
    /// A child writes `items` squares into a SharedArray; we sum them.
    Shm,
    /// A child sends `items` numbers over ipc-channel, one message each; we sum them.
    Messages,
    /// The same in messages of 10 000 numbers.
    Batched,
}

/// The demo's own child roles, for the bench.
const BENCH_SHM: &str = "bench-shm";
const BENCH_MESSAGES: &str = "bench-messages";
const BATCH: usize = 10_000;

fn main() -> ExitCode {
    // The `__main__` guard: a child does its role and returns here, before any parent code.
    if let Some(code) = lesson_11::child_main() {
        return code;
    }
    if let Some(role) = process::role() {
        return match bench_child(&role) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("child in role {role:?}: {e}");
                ExitCode::from(2)
            }
        };
    }
    let program = Program::current().expect("the path of this binary");
    let result = match Args::parse().demo {
        Demo::All => value_array(&program, &[1, 2, 3, 4])
            .and_then(|()| balance(&program, 10, TRANSACTIONS))
            .and_then(|()| manager(&program, 4, 250)),
        Demo::ValueArray { numbers } => value_array(&program, &numbers),
        Demo::Balance { rounds, times } => balance(&program, rounds, times),
        Demo::Manager { clients, items } => manager(&program, clients, items),
        Demo::BenchCases => bench_cases(),
        Demo::BenchRun { what, items, .. } => bench_run(&program, what, items),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn title(text: &str) {
    println!("\n== {text} ==");
}

fn value_array(program: &Program, numbers: &[i64]) -> Result<(), Error> {
    title("Value and Array: a child squares the numbers, the parent reads them");
    let squares = squares_in_child(program, numbers)?;
    println!(
        "Result (in the main program): {:?}, sum of squares {}",
        squares.squares, squares.sum
    );
    let expected: Vec<i64> = numbers.iter().map(|n| n * n).collect();
    if squares.squares == expected {
        println!("the parent sees what the child wrote: the memory is shared");
    } else {
        println!(
            "the parent sees {:?}, not {expected:?}: the child wrote to memory of its own",
            squares.squares
        );
    }
    Ok(())
}

fn balance(program: &Program, rounds: usize, times: u32) -> Result<(), Error> {
    for (fix, what) in [
        (Fix::Atomic, "one atomic (AtomicBalance)"),
        (Fix::Lock, "behind an inter-process lock (LockedBalance)"),
    ] {
        title(&format!(
            "The balance race, {what}: withdraw and deposit 1, {times} times each, on {START_BALANCE}"
        ));
        let mut wrong = 0;
        for _ in 0..rounds {
            let balance = perform_transactions(program, fix, times)?;
            println!("Final balance = {balance}");
            wrong += usize::from(balance != START_BALANCE);
        }
        println!(
            "{wrong} of {rounds} rounds ended ≠ {START_BALANCE}{}",
            if wrong > 0 {
                ": a read-modify-write that the other process came between lost updates"
            } else {
                ""
            }
        );
    }
    Ok(())
}

fn manager(program: &Program, clients: usize, items: usize) -> Result<(), Error> {
    title("A manager process owns the list; other processes ask it");
    let initial = [1, 2, 3, 4];
    println!("Old sum is: {}", initial.iter().sum::<i64>());
    let manager = Manager::start(program, &initial)?;
    run_clients(program, &manager, &[vec![5]])?;
    {
        let client = manager.client();
        println!(
            "a client process appended 5; the manager (process {}) holds {:?}, new sum is: {}",
            manager.pid(),
            client.list()?,
            client.sum()?
        );
    }
    // Every client must have hung up (ours was dropped above) for the manager to end.
    manager.shutdown(Duration::from_secs(5))?;

    println!("\n{clients} client processes append {items} numbers each, at once:");
    let manager = Manager::start(program, &initial)?;
    let jobs: Vec<Vec<i64>> = (0..clients)
        .map(|c| (0..items).map(|i| (c * items + i) as i64 + 10).collect())
        .collect();
    let start = Instant::now();
    run_clients(program, &manager, &jobs)?;
    let took = start.elapsed();
    let expected: i64 = initial.iter().sum::<i64>() + jobs.iter().flatten().sum::<i64>();
    {
        let client = manager.client();
        let list = client.list()?;
        println!(
            "the list has {} numbers (expected {}), sum {} (expected {expected}), in {:.1} ms{}",
            list.len(),
            initial.len() + clients * items,
            client.sum()?,
            took.as_secs_f64() * 1e3,
            if list.len() == initial.len() + clients * items {
                ""
            } else {
                ": appends were lost, each overwritten by a client that fetched the list before it"
            }
        );
    }
    manager.shutdown(Duration::from_secs(5))?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The bench: `cargo xtask bench lesson-11` (the protocol is common::bench)
// ---------------------------------------------------------------------------------------------

fn bench_cases() -> Result<(), Error> {
    let run = |what: &str, items: u64| {
        let items = items.to_string();
        ["bench-run", "--what", what, "--items", &items].map(String::from)
    };
    let python = |how: &str, items: u64| {
        let items = items.to_string();
        let script = "lessons/11-shared-memory/python/shared.py";
        [script, "--how", how, "--items", &items].map(String::from)
    };
    // (id, variant, what the demo or script is told, items; a quick run does a tenth of them)
    let rust = [
        ("shm", "hand-off: Rust, shared memory", "shm", 1_000_000),
        (
            "batched",
            "hand-off: Rust, ipc-channel batches of 10 000",
            "batched",
            1_000_000,
        ),
        (
            "messages",
            "hand-off: Rust, ipc-channel one message each",
            "messages",
            100_000,
        ),
    ];
    let python_rows = [
        (
            "py-array",
            "hand-off: Python, Array with its Lock",
            "array",
            1_000_000,
        ),
        ("py-queue", "hand-off: Python, Queue", "queue", 100_000),
    ];
    let mut cases = Vec::new();
    for (id, variant, what, items) in rust {
        cases.push(
            Case::run(id, variant, 1, run(what, items))
                .quick(run(what, items / 10))
                .items(items)
                .quick_items(items / 10),
        );
    }
    for (id, variant, how, items) in python_rows {
        cases.push(
            Case::python(id, variant, 1, python(how, items))
                .quick(python(how, items / 10))
                .items(items)
                .quick_items(items / 10),
        );
    }
    bench::print_cases(&cases);
    Ok(())
}

/// The segment of the shared-memory hand-off: a start line, and a flag the child raises when
/// it has written everything. The numbers themselves are in a `SharedArray` beside it.
#[repr(C)]
#[derive(Default)]
struct HandOff {
    start: StartLine,
    done: AtomicU32,
}

// Safety: #[repr(C)], an AtomicU32 (in StartLine) and an AtomicU32: all zeros is a valid value,
// no pointers, every change atomic.
unsafe impl lesson_11::InSegment for HandOff {}

fn bench_run(program: &Program, what: BenchWhat, items: usize) -> Result<(), Error> {
    let (seconds, result) = match what {
        BenchWhat::Shm => {
            let hand_off = SharedValue::<HandOff>::create("bench")?;
            let numbers = SharedArray::<AtomicI64>::create("bench-array", items)?;
            let mut child = program
                .role(BENCH_SHM)
                .args([hand_off.name(), numbers.name(), &items.to_string()])
                .spawn()?;
            // The clock starts when both are at the start line: process start-up is not timed.
            hand_off.start.arrive_and_wait(2, CONNECT_DEADLINE)?;
            let start = Instant::now();
            // Acquire: once we see `done`, we see every number the child wrote before it.
            while hand_off.done.load(Ordering::Acquire) == 0 {
                std::hint::spin_loop();
            }
            let sum: i64 = numbers.iter().map(|n| n.load(Ordering::Relaxed)).sum();
            let seconds = start.elapsed().as_secs_f64();
            lesson_11::expect_success(BENCH_SHM, child.wait()?)?;
            (seconds, sum)
        }
        BenchWhat::Messages | BenchWhat::Batched => {
            let batch = if what == BenchWhat::Batched { BATCH } else { 1 };
            let (mut child, numbers, go) = program
                .role(BENCH_MESSAGES)
                .args([items.to_string(), batch.to_string()])
                .spawn_connected::<Batch>(CONNECT_DEADLINE)?;
            let Batch::Ready(go) = go else {
                return Err("the child sent numbers before it was told to".into());
            };
            let start = Instant::now();
            go.send(())?;
            let (mut sum, mut got) = (0i64, 0);
            while got < items {
                match numbers
                    .recv()
                    .map_err(|e| format!("the child hung up: {e:?}"))?
                {
                    Batch::Numbers(batch) => {
                        got += batch.len();
                        sum += batch.iter().sum::<i64>();
                    }
                    Batch::Ready(_) => return Err("the child said Ready twice".into()),
                }
            }
            let seconds = start.elapsed().as_secs_f64();
            lesson_11::expect_success(BENCH_MESSAGES, child.wait()?)?;
            (seconds, sum)
        }
    };
    Record::new(seconds).result(result).print();
    Ok(())
}

/// What the messages child sends: where to say "go", then the numbers.
#[derive(serde::Serialize, serde::Deserialize)]
enum Batch {
    Ready(IpcSender<()>),
    Numbers(Vec<i64>),
}

fn bench_child(role: &str) -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match role {
        BENCH_SHM => {
            let [hand_off, numbers, items] = &args[..] else {
                return Err("expected: segment array items".into());
            };
            let hand_off = SharedValue::<HandOff>::open(hand_off)?;
            let numbers = SharedArray::<AtomicI64>::open(numbers, items.parse()?)?;
            hand_off.start.arrive_and_wait(2, CONNECT_DEADLINE)?;
            for (i, slot) in numbers.iter().enumerate() {
                slot.store((i * i) as i64, Ordering::Relaxed);
            }
            // Release: every number written above is seen by whoever sees `done`.
            hand_off.done.store(1, Ordering::Release);
            Ok(())
        }
        BENCH_MESSAGES => {
            let [items, batch] = &args[..] else {
                return Err("expected: items batch".into());
            };
            let (items, batch): (usize, usize) = (items.parse()?, batch.parse()?);
            let parent = process::connect_to_parent::<Batch>()?;
            let (go, wait) = ipc_channel::ipc::channel()?;
            parent.send(Batch::Ready(go))?;
            wait.recv().map_err(|e| format!("no go: {e:?}"))?;
            let numbers: Vec<i64> = (0..items).map(|i| (i * i) as i64).collect();
            for chunk in numbers.chunks(batch) {
                parent.send(Batch::Numbers(chunk.to_vec()))?;
            }
            Ok(())
        }
        other => Err(format!("unknown role {other:?}").into()),
    }
}
