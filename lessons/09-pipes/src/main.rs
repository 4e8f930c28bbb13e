// The demo of lesson 09: `cargo xtask run lesson-09 [--solution] -- all`.
// The solution's demo is this same file (solutions/09-pipes/src/main.rs includes it). The hidden
// `bench-cases` and `bench-run` subcommands are what `cargo xtask bench lesson-09` runs.

use std::process::ExitCode;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand, ValueEnum};
use common::bench::{self, Case, Record};
use common::handoff::spawn_with;
use common::process::Program;
use lesson_09::{
    Answer, Ask, CONNECT_DEADLINE, Connection, ECHO, MASTER_WORDS, RECEIVER, SENDER, SINK, pipe,
    shout, start_child, start_echo,
};

/// Pipes: an OS pipe through a child's stdin and stdout, the lectures' sender and receiver, the
/// master and its worker over a typed duplex connection, and a peer that dies.
#[derive(Parser)]
struct Args {
    #[command(subcommand)]
    demo: Demo,
}

#[derive(Subcommand)]
enum Demo {
    /// Every demo below, in order.
    All,
    /// An OS pipe: lines through a child's stdin, upper-cased back through its stdout.
    OsPipe {
        /// How many lines to send (thousands fill the 64 KiB pipe buffers many times over).
        #[arg(long, default_value_t = 3)]
        lines: usize,
    },
    /// The lectures' sender and receiver: two children joined by a pipe, "hello," … "END".
    SenderReceiver {
        /// Pause between two words, in milliseconds (the lectures wait a second).
        #[arg(long, default_value_t = 300)]
        pause_ms: u64,
    },
    /// The lectures' master and worker: "Is", "this", "on?", then End; the worker answers.
    MasterWorker,
    /// A peer killed mid-conversation: recv says so instead of waiting for ever.
    DeadPeer,
    /// The bench's rows (JSON), for `cargo xtask bench`.
    #[command(hide = true)]
    BenchCases,
    /// One bench measurement (JSON on the last line), for `cargo xtask bench`.
    #[command(hide = true)]
    BenchRun {
        #[arg(long, value_enum)]
        what: BenchWhat,
        #[arg(long, default_value_t = 100_000)]
        messages: u64,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum BenchWhat {
    /// Messages one way, parent to child, then one answer.
    OneWay,
    /// A message and its answer, one after the other.
    RoundTrip,
}

fn main() -> ExitCode {
    // The `__main__` guard: a child does its role and returns here, before any parent code.
    if let Some(code) = lesson_09::child_main() {
        return code;
    }
    let program = Program::current().expect("the path of this binary");
    let result = match Args::parse().demo {
        Demo::All => os_pipe(&program, 3)
            .and_then(|()| sender_receiver(&program, 300))
            .and_then(|()| master_worker(&program))
            .and_then(|()| dead_peer(&program)),
        Demo::OsPipe { lines } => os_pipe(&program, lines),
        Demo::SenderReceiver { pause_ms } => sender_receiver(&program, pause_ms),
        Demo::MasterWorker => master_worker(&program),
        Demo::DeadPeer => dead_peer(&program),
        Demo::BenchCases => {
            bench::print_cases(&bench_cases());
            Ok(())
        }
        Demo::BenchRun { what, messages } => bench_run(&program, what, messages),
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

/// Runs `f` on a thread and waits at most `limit` for it: on the untouched starter a
/// conversation can wait for ever, and a demo must not.
fn patiently<T: Send + 'static>(
    limit: Duration,
    f: impl FnOnce() -> T + Send + 'static,
) -> Option<T> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(limit).ok()
}

fn os_pipe(program: &Program, lines: usize) -> Result {
    title("An OS pipe: bytes through a child's stdin and stdout");
    let words: Vec<String> = ["hello,", "how", "are you?"]
        .iter()
        .cycle()
        .take(lines)
        .enumerate()
        .map(|(i, w)| format!("{w} ({i})"))
        .collect();
    let start = Instant::now();
    let back = shout(program, &words)?;
    for (sent, got) in words.iter().zip(&back).take(5) {
        println!("  we wrote {sent:?} into its stdin, it wrote {got:?} to its stdout");
    }
    if back.len() > 5 {
        println!("  … {} lines in all", back.len());
    }
    println!(
        "{} lines there and back in {:.1} ms. A pipe is a stream of bytes: the lines are ours to \
         mark (a newline), and it ends when the writer closes its end (EOF).",
        back.len(),
        start.elapsed().as_secs_f64() * 1e3
    );
    Ok(())
}

fn sender_receiver(program: &Program, pause_ms: u64) -> Result {
    title("The lectures' sender and receiver: two children, one pipe");
    let (sender_end, receiver_end) = pipe::<String, String>()?;
    let pause = Duration::from_millis(pause_ms);
    // Each child gets one end, as `Process(target=sender, args=(parent_conn, msgs))` does.
    let mut receiver = spawn_with(program.role(RECEIVER), receiver_end, CONNECT_DEADLINE)?;
    let mut sender = spawn_with(program.role(SENDER), (sender_end, pause), CONNECT_DEADLINE)?;
    println!("sender {} {}", sender.id(), sender.wait()?);
    println!("receiver {} {}", receiver.id(), receiver.wait()?);
    Ok(())
}

fn master_worker(program: &Program) -> Result {
    title("The lectures' master and worker: a duplex connection");
    let (mut child, conn) = start_echo(program)?;
    println!("the worker is process {}", child.id());
    let talk = move || -> std::result::Result<(), String> {
        for word in MASTER_WORDS {
            conn.send(Ask::Text(word.into()))
                .map_err(|e| e.to_string())?;
            let answer = conn.recv().map_err(|e| e.to_string())?;
            println!("  master: sent {word:?}, the worker answered {answer:?}");
        }
        conn.send(Ask::End).map_err(|e| e.to_string())?;
        let bye = conn.recv().map_err(|e| e.to_string())?;
        println!("  master: sent End, the worker answered {bye:?}");
        match conn.recv() {
            Err(e) => println!("  master: and then: {e}"),
            Ok(more) => println!("  master: and then, unexpectedly: {more:?}"),
        }
        Ok(())
    };
    match patiently(Duration::from_secs(3), talk) {
        Some(Ok(())) => println!("the worker {}", child.wait()?),
        Some(Err(e)) => println!("the conversation failed: {e}"),
        None => {
            child.kill_and_reap()?;
            println!(
                "no answer within 3 s: the worker does not answer yet (write `serve`), or recv \
                 waits on (killed and reaped now)"
            );
        }
    }
    Ok(())
}

fn dead_peer(program: &Program) -> Result {
    title("A peer that dies mid-conversation");
    let (mut child, conn) = start_echo(program)?;
    conn.send(Ask::Text("Is".into()))?;
    let conn = match patiently(Duration::from_secs(3), move || {
        let answer = conn.recv();
        (conn, answer)
    }) {
        Some((conn, Ok(answer))) => {
            println!("the worker {} answered {answer:?}", child.id());
            conn
        }
        _ => {
            child.kill_and_reap()?;
            println!("no answer within 3 s: write `serve` first (the worker was killed)");
            return Ok(());
        }
    };
    println!("we kill it: it {}", child.kill_and_reap()?);
    let start = Instant::now();
    match patiently(Duration::from_secs(3), move || conn.recv()) {
        Some(Err(e)) => println!(
            "recv on our end, after {:.2} ms: error: {e}",
            start.elapsed().as_secs_f64() * 1e3
        ),
        Some(Ok(m)) => println!("recv on our end returned {m:?}, from a dead process?"),
        None => println!(
            "recv on our end was still waiting after 3 s: it treats a dead peer as 'nothing yet'"
        ),
    }
    Ok(())
}

// ---- what `cargo xtask bench lesson-09` runs ----

/// Messages per run: full and quick, one way and round trip.
const ONE_WAY: (u64, u64) = (200_000, 20_000);
const ROUND_TRIP: (u64, u64) = (20_000, 2_000);

fn bench_cases() -> Vec<Case> {
    let run = |what: &str, n: u64| {
        vec![
            "bench-run".to_string(),
            "--what".into(),
            what.into(),
            "--messages".into(),
            n.to_string(),
        ]
    };
    let python = |what: &str, n: u64| {
        vec![
            "lessons/09-pipes/python/pipe_bench.py".to_string(),
            "--what".into(),
            what.into(),
            "--messages".into(),
            n.to_string(),
        ]
    };
    let mut cases = Vec::new();
    for (what, (full, quick), label) in [
        ("one-way", ONE_WAY, "one way"),
        ("round-trip", ROUND_TRIP, "round trip"),
    ] {
        cases.push(
            Case::run(
                format!("rust-{what}"),
                format!("Rust ipc-channel, {label}"),
                1,
                run(what, full),
            )
            .quick(run(what, quick))
            .items(full)
            .quick_items(quick),
        );
        cases.push(
            Case::python(
                format!("py-{what}"),
                format!("Python Pipe, {label}"),
                1,
                python(what, full),
            )
            .quick(python(what, quick))
            .items(full)
            .quick_items(quick),
        );
    }
    cases
}

fn bench_run(program: &Program, what: BenchWhat, messages: u64) -> Result {
    let (seconds, result) = match what {
        BenchWhat::OneWay => {
            let (mut child, conn) = start_child::<Ask, Answer>(program, SINK)?;
            let start = Instant::now();
            for i in 0..messages {
                conn.send(Ask::Text(format!("m{i}")))?;
            }
            conn.send(Ask::End)?;
            let bye = conn.recv()?;
            let seconds = start.elapsed().as_secs_f64();
            child.wait()?;
            let heard = match bye {
                Answer::Bye { heard } => heard,
                other => return Err(format!("the sink answered {other:?}").into()),
            };
            (
                seconds,
                format!(
                    "{heard} heard, {:.2} µs a message",
                    seconds * 1e6 / heard as f64
                ),
            )
        }
        BenchWhat::RoundTrip => {
            let (mut child, conn): (_, Connection<Ask, Answer>) = start_child(program, ECHO)?;
            let start = Instant::now();
            for i in 0..messages {
                conn.send(Ask::Text(format!("m{i}")))?;
                conn.recv()?;
            }
            let seconds = start.elapsed().as_secs_f64();
            conn.send(Ask::End)?;
            conn.recv()?;
            child.wait()?;
            (
                seconds,
                format!("{:.2} µs a round trip", seconds * 1e6 / messages as f64),
            )
        }
    };
    Record::new(seconds).result(result).print();
    Ok(())
}
