//! The work and the workers: what is computed for each number ([`Problem`], [`Answer`]), the
//! serial version that every parallel one must agree with, a worker process that solves numbers
//! on request ([`WorkerProcess`], and [`child_main`] for its side), and the [`Probe`] that the
//! checks and the bench use to see who did which number, and when.
//!
//! You do not need to change this file; `lib.rs` is where you work. Read [`WorkerProcess`]:
//! your process version uses it.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::thread;
use std::time::{Duration, Instant};

use common::process::{self, ChildGuard, Ended, ProcessError, Program, connect_to_parent};
use common::workloads::{factorize_naive, sum_primes_below};
use ipc_channel::ipc::{self, IpcReceiver, IpcSender};
use serde::{Deserialize, Serialize};

/// The role of a worker process: this binary, started again, solving numbers for its parent.
pub const WORKER: &str = "worker";

/// How long a worker process may take to start and connect: generous, since a loaded machine
/// can be slow to start a process; a child that dies is noticed at once anyway.
const CONNECT_DEADLINE: Duration = Duration::from_secs(20);

/// What to compute for each number of a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Problem {
    /// Its prime factors, by the lectures' trial division ([`factorize_naive`]).
    Factorize,
    /// The sum of the primes below it, by trial division ([`sum_primes_below`]): the assignment.
    SumPrimesBelow,
    /// Another problem, watched by a [`Probe`] (the checks and the bench's timeline use it).
    Probed(Probe),
}

/// The answer for one number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Answer {
    /// Prime factors, ascending, with repetition.
    Factors(Vec<u64>),
    /// A sum of primes.
    Sum(u64),
}

impl Problem {
    /// Solves the problem for one number, here, on the calling thread.
    pub fn solve(&self, n: u64) -> Answer {
        match self {
            Problem::Factorize => Answer::Factors(factorize_naive(n)),
            Problem::SumPrimesBelow => Answer::Sum(sum_primes_below(n)),
            Problem::Probed(probe) => probe.solve(n),
        }
    }
}

/// The serial version: every number, one after the other, on the calling thread. The answer for
/// `numbers[i]` is at index `i`.
pub fn serial(problem: &Problem, numbers: &[u64]) -> Vec<Answer> {
    numbers.iter().map(|&n| problem.solve(n)).collect()
}

/// The lectures' 300 numbers, the hardest first: the most trial divisions, which go up to the
/// larger of the second-largest factor and the square root of the largest (read from the
/// reference factors). Two fixed halves of this list are nothing like equal: the first holds 98 %
/// of the work.
pub fn hardest_first() -> Vec<u64> {
    let mut numbers = common::reference::factorizations();
    numbers.sort_by_key(|(n, factors)| {
        let largest = *factors.last().unwrap_or(n);
        let second = factors.len().checked_sub(2).map_or(0, |i| factors[i]);
        std::cmp::Reverse(second.max(largest.isqrt()))
    });
    numbers.into_iter().map(|(n, _)| n).collect()
}

// ---------------------------------------------------------------------------------------------
// A worker process

/// What a parent tells its worker process.
#[derive(Debug, Serialize, Deserialize)]
enum Order {
    /// Solve `problem` for this number and send the answer back.
    Solve(Problem, u64),
    /// No more work: exit.
    Stop,
}

/// What a worker process tells its parent.
#[derive(Debug, Serialize, Deserialize)]
enum FromWorker {
    /// The first message: "I am here; send me orders on this".
    Ready(IpcSender<Order>),
    /// The answer to the last order.
    Solved(Answer),
}

/// A worker process: a child of this process (this very binary, in the role [`WORKER`]) that
/// solves one number at a time, when asked, and sends the answer back over `ipc-channel`.
///
/// A `WorkerProcess` is used from one thread at a time (`solve` takes `&mut self`): a parent
/// that keeps several busy at once gives each its own thread. Dropping it kills and reaps the
/// child; [`WorkerProcess::stop`] ends it politely.
#[derive(Debug)]
pub struct WorkerProcess {
    child: ChildGuard,
    orders: IpcSender<Order>,
    answers: IpcReceiver<FromWorker>,
}

impl WorkerProcess {
    /// Starts a worker process and waits until it is ready for work.
    pub fn start(program: &Program) -> Result<WorkerProcess, ProcessError> {
        let (child, answers, first) = program
            .role(WORKER)
            .spawn_connected::<FromWorker>(CONNECT_DEADLINE)?;
        match first {
            FromWorker::Ready(orders) => Ok(WorkerProcess {
                child,
                orders,
                answers,
            }),
            FromWorker::Solved(_) => Err(ProcessError::Ipc("a worker answered unasked".into())),
        }
    }

    /// The worker's pid.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends the worker one number to solve and waits for its answer. A worker that has died is
    /// an error, not a hang.
    pub fn solve(&mut self, problem: &Problem, n: u64) -> Result<Answer, ProcessError> {
        let lost = |e: &dyn std::fmt::Display| {
            ProcessError::Ipc(format!("worker {} is gone: {e}", self.child.id()))
        };
        self.orders
            .send(Order::Solve(problem.clone(), n))
            .map_err(|e| lost(&e))?;
        match self.answers.recv().map_err(|e| lost(&e))? {
            FromWorker::Solved(answer) => Ok(answer),
            FromWorker::Ready(_) => Err(ProcessError::Ipc("a worker said hello twice".into())),
        }
    }

    /// Tells the worker to stop, and waits for it to exit (reaps it: no zombie is left).
    pub fn stop(mut self) -> Result<Ended, ProcessError> {
        // A worker that is gone already cannot be told; waiting for it is all that is left.
        let _ = self.orders.send(Order::Stop);
        Ok(self.child.wait()?)
    }
}

/// The child's side: in a process started in the role [`WORKER`], connects to the parent, solves
/// what it is sent until it is told to stop (or the parent is gone), and returns the exit code.
/// Returns `None` in the original process. Call it first thing in `main`: the `__main__` guard.
pub fn child_main() -> Option<ExitCode> {
    let role = process::role()?;
    if role != WORKER {
        eprintln!("unknown role {role:?}");
        return Some(ExitCode::FAILURE);
    }
    Some(match serve_parent() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("worker {}: {e}", std::process::id());
            ExitCode::FAILURE
        }
    })
}

fn serve_parent() -> Result<(), ProcessError> {
    let to_parent = connect_to_parent::<FromWorker>()?;
    let (orders_tx, orders) =
        ipc::channel::<Order>().map_err(|e| ProcessError::Ipc(e.to_string()))?;
    to_parent
        .send(FromWorker::Ready(orders_tx))
        .map_err(|e| ProcessError::Ipc(e.to_string()))?;
    // An error from recv means the parent is gone: nobody to work for.
    while let Ok(Order::Solve(problem, n)) = orders.recv() {
        to_parent
            .send(FromWorker::Solved(problem.solve(n)))
            .map_err(|e| ProcessError::Ipc(e.to_string()))?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The probe

/// Watches a problem being solved: every number solved writes a [`Record`] (which number, which
/// process and thread, when) into a log folder shared by all workers, threads or processes.
/// With a [`Gate`], one number waits until enough of the others are done: a worker that holds
/// it is busy, and only *other* workers can open the gate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Probe {
    /// The problem really solved.
    pub problem: Box<Problem>,
    /// Where each worker writes its records (one file per process and thread).
    pub log: PathBuf,
    /// A number that waits for the others, if any.
    pub gate: Option<Gate>,
}

/// One number that waits, before it is solved, until `others` other numbers have been solved,
/// or at most `give_up_ms` milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gate {
    /// The number that waits.
    pub number: u64,
    /// How many other numbers must be solved first.
    pub others: usize,
    /// How long it waits at most, in milliseconds.
    pub give_up_ms: u64,
}

/// What the probe saw of one number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The number.
    pub number: u64,
    /// The process that solved it.
    pub pid: u32,
    /// That process's parent.
    pub parent: u32,
    /// The OS thread that solved it (the kernel's id, as `ps -L` shows it).
    pub thread: i64,
    /// When it started, in nanoseconds of the system's monotonic clock ([`monotonic_ns`]).
    pub start_ns: u64,
    /// When it ended.
    pub end_ns: u64,
    /// For the gated number: whether its gate opened (false: it gave up waiting).
    pub gate_opened: Option<bool>,
}

impl Probe {
    /// A probe of `problem`, logging into `log` (which must exist), without a gate.
    pub fn new(problem: Problem, log: &Path) -> Probe {
        Probe {
            problem: Box::new(problem),
            log: log.to_path_buf(),
            gate: None,
        }
    }

    /// The same probe, with a gate.
    pub fn with_gate(mut self, gate: Gate) -> Probe {
        self.gate = Some(gate);
        self
    }

    fn solve(&self, n: u64) -> Answer {
        let start_ns = monotonic_ns();
        let gate_opened = self
            .gate
            .filter(|g| g.number == n)
            .map(|g| self.wait_for_others(g));
        let answer = self.problem.solve(n);
        let record = Record {
            number: n,
            pid: std::process::id(),
            parent: process::parent_id(),
            thread: common::grading::os_thread_id(),
            start_ns,
            end_ns: monotonic_ns(),
            gate_opened,
        };
        // One file per thread, one `write` per line: no two writers share a file.
        let file = self
            .log
            .join(format!("{}-{}.log", record.pid, record.thread));
        let line = format!(
            "{} {} {} {} {} {}\n",
            record.number,
            record.parent,
            record.start_ns,
            record.end_ns,
            match record.gate_opened {
                None => "-",
                Some(true) => "opened",
                Some(false) => "gave-up",
            },
            record.thread,
        );
        let written = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&file)
            .and_then(|mut f| f.write_all(line.as_bytes()));
        if let Err(e) = written {
            panic!("the probe could not write {}: {e}", file.display());
        }
        answer
    }

    /// Waits until `gate.others` records are in the log; whether they came in time.
    fn wait_for_others(&self, gate: Gate) -> bool {
        let start = Instant::now();
        let limit = Duration::from_millis(gate.give_up_ms);
        loop {
            if read_records(&self.log).len() >= gate.others {
                return true;
            }
            if start.elapsed() >= limit {
                return false;
            }
            thread::sleep(Duration::from_millis(1));
        }
    }
}

/// Every record in a probe's log folder, in no particular order.
pub fn read_records(log: &Path) -> Vec<Record> {
    let Ok(entries) = fs::read_dir(log) else {
        return Vec::new();
    };
    let mut records = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let Some(pid) = name
            .strip_suffix(".log")
            .and_then(|s| s.split('-').next())
            .and_then(|s| s.parse().ok())
        else {
            continue;
        };
        let text = fs::read_to_string(entry.path()).unwrap_or_default();
        // A line still being written has no newline yet: leave it for the next look.
        let complete = &text[..text.rfind('\n').map_or(0, |i| i + 1)];
        records.extend(complete.lines().filter_map(|line| parse_record(pid, line)));
    }
    records
}

fn parse_record(pid: u32, line: &str) -> Option<Record> {
    let mut fields = line.split_whitespace();
    let number = fields.next()?.parse().ok()?;
    let parent = fields.next()?.parse().ok()?;
    let start_ns = fields.next()?.parse().ok()?;
    let end_ns = fields.next()?.parse().ok()?;
    let gate_opened = match fields.next()? {
        "opened" => Some(true),
        "gave-up" => Some(false),
        _ => None,
    };
    let thread = fields.next()?.parse().ok()?;
    Some(Record {
        number,
        pid,
        parent,
        thread,
        start_ns,
        end_ns,
        gate_opened,
    })
}

/// Nanoseconds on the system's monotonic clock, which every process on the machine shares (a
/// `std::time::Instant` is this clock too, but cannot be sent to another process).
pub fn monotonic_ns() -> u64 {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes only to `now`, a valid timespec; CLOCK_MONOTONIC always exists.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut now) };
    now.tv_sec as u64 * 1_000_000_000 + now.tv_nsec as u64
}
