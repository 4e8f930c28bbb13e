//! The plumbing of the lesson: the work and the messages, what a worker process does, how one is
//! started, the lectures' FourProcesses, and the benchmark's source. You do not need to change
//! this file; `lib.rs` is where you work.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::thread;
use std::time::{Duration, Instant};

use common::handoff::{args_from_parent, spawn_with};
use common::process::{ChildGuard, ProcessError, Program};
use ipc_channel::ipc::{self, IpcReceiver, IpcSender};
use serde::{Deserialize, Serialize};

/// Role of a worker of the work queue ([`worker_main`]).
pub const WORKER: &str = "worker";
/// Role of one of the lectures' FourProcesses: puts `(pos, "Hello <name>")` on the results.
pub const HELLO: &str = "hello";
/// Role of the benchmark's source: sends `n` results to the parent, one at a time or batched.
pub const SOURCE: &str = "source";

/// How long a child may take to start and connect: generous, since a loaded machine can take a
/// while to start a process; a child that dies first is noticed at once anyway.
pub const CONNECT_DEADLINE: Duration = Duration::from_secs(20);

/// How long a worker holding a [`Cost::Meet`] item waits for its company before it gives up.
pub const MEET_PATIENCE: Duration = Duration::from_secs(4);

/// What an item costs the worker that takes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cost {
    /// Some CPU work: this many rounds of a deterministic burner.
    Spin(u64),
    /// Wait until `company` different workers each hold a `Meet` item at once (they leave a
    /// mark in `dir` and look for each other's), or give up after [`MEET_PATIENCE`]. Workers
    /// that ask for work one item at a time always meet: a worker that waits asks for nothing
    /// more, so the others take the other `Meet` items. A worker handed several `Meet` items in
    /// advance waits alone.
    Meet {
        /// The folder where the workers leave their marks.
        dir: PathBuf,
        /// How many workers must be there at once.
        company: usize,
    },
}

/// One piece of work: its position in the input, and what it costs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// Its position in the input: results are put back in this order.
    pub pos: u64,
    /// What it costs to do.
    pub cost: Cost,
}

/// What the dispatcher sends a worker, on that worker's own channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Work {
    /// Do this item, then ask again.
    Item(Item),
    /// No more work: report and exit (the lectures' `'end'` sentinel). A worker also stops
    /// when its channel is closed (the dispatcher dropped its sender).
    Stop,
}

/// A worker's result for one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Done {
    /// The item's position.
    pub pos: u64,
    /// The worker that did it.
    pub worker: usize,
    /// The value it computed ([`value_of`]`(pos)`).
    pub value: u64,
    /// For a [`Cost::Meet`] item: whether the company came (`None` for other items).
    pub met: Option<bool>,
}

/// What a worker says when it stops: how many items it took (the lectures' "Process-1
/// processed 5 items").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkerReport {
    /// Which worker, 0..n.
    pub worker: usize,
    /// Its process.
    pub pid: u32,
    /// How many items it took.
    pub taken: u64,
}

/// What a worker sends the dispatcher, on the one channel that all workers share (each holds a
/// clone of its sender).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FromWorker {
    /// "Worker `worker` is free: give it something to do."
    Ready {
        /// Which worker asks.
        worker: usize,
    },
    /// The result of an item.
    Done(Done),
    /// The worker has stopped: its report. It sends nothing after this.
    Finished(WorkerReport),
}

/// What a worker is handed when it starts: who it is, where its work comes from (its own
/// receiver: receivers cannot be shared), and a clone of the dispatcher's sender.
#[derive(Serialize, Deserialize)]
pub struct WorkerArgs {
    /// Which worker, 0..n.
    pub worker: usize,
    /// Its work, from the dispatcher.
    pub work: IpcReceiver<Work>,
    /// Its requests, results and report, to the dispatcher.
    pub to_dispatcher: IpcSender<FromWorker>,
}

/// What a run of the work queue gives back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueRun {
    /// One result per item, sorted by position.
    pub results: Vec<Done>,
    /// One report per worker, from each worker that stopped.
    pub reports: Vec<WorkerReport>,
}

/// What can go wrong in a run.
#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    /// A channel failed (a worker died, a message could not be decoded).
    #[error("ipc-channel: {0}")]
    Ipc(String),
    /// Starting or waiting for a worker failed.
    #[error(transparent)]
    Process(#[from] ProcessError),
    /// The OS said no.
    #[error(transparent)]
    Io(#[from] io::Error),
}

impl From<ipc_channel::IpcError> for QueueError {
    fn from(e: ipc_channel::IpcError) -> QueueError {
        QueueError::Ipc(e.to_string())
    }
}

/// The value a worker computes for the item at `pos`: anything that a wrong position would
/// change.
pub fn value_of(pos: u64) -> u64 {
    pos.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17) ^ pos
}

/// Starts worker `worker` (role [`WORKER`]): its work comes on `work`, and it talks back on
/// `to_dispatcher`.
pub fn start_worker(
    program: &Program,
    worker: usize,
    work: IpcReceiver<Work>,
    to_dispatcher: IpcSender<FromWorker>,
) -> Result<ChildGuard, QueueError> {
    let args = WorkerArgs {
        worker,
        work,
        to_dispatcher,
    };
    Ok(spawn_with(program.role(WORKER), args, CONNECT_DEADLINE)?)
}

/// A worker: asks for an item, does it, sends the result, and asks again, until it is told to
/// stop or its channel is closed; then it sends its report.
pub fn worker_main(args: WorkerArgs) -> Result<(), QueueError> {
    let WorkerArgs {
        worker,
        work,
        to_dispatcher,
    } = args;
    let mut taken = 0;
    let mut gave_up = false;
    loop {
        to_dispatcher.send(FromWorker::Ready { worker })?;
        let item = match work.recv() {
            Ok(Work::Item(item)) => item,
            // The sentinel, or the dispatcher closed our channel: either way, no more work.
            Ok(Work::Stop) | Err(ipc_channel::IpcError::Disconnected) => break,
            Err(e) => return Err(e.into()),
        };
        taken += 1;
        let met = match &item.cost {
            Cost::Spin(rounds) => {
                std::hint::black_box(common::workloads::burn_cpu(*rounds));
                None
            }
            Cost::Meet { dir, company } => Some(meet(dir, *company, item.pos, &mut gave_up)),
        };
        to_dispatcher.send(FromWorker::Done(Done {
            pos: item.pos,
            worker,
            value: value_of(item.pos),
            met,
        }))?;
    }
    to_dispatcher.send(FromWorker::Finished(WorkerReport {
        worker,
        pid: std::process::id(),
        taken,
    }))?;
    Ok(())
}

/// Leaves this worker's mark in `dir` and waits until `company` different workers have left
/// theirs. A worker that waited in vain once does not wait again (its company is not coming).
fn meet(dir: &Path, company: usize, pos: u64, gave_up: &mut bool) -> bool {
    let me = std::process::id();
    if fs::write(dir.join(format!("{me}-{pos}")), b"").is_err() {
        return false;
    }
    let start = Instant::now();
    loop {
        let workers: BTreeSet<String> = fs::read_dir(dir)
            .map(|entries| {
                entries
                    .filter_map(|e| {
                        let name = e.ok()?.file_name().into_string().ok()?;
                        Some(name.split('-').next()?.to_string())
                    })
                    .collect()
            })
            .unwrap_or_default();
        if workers.len() >= company {
            return true;
        }
        if *gave_up || start.elapsed() >= MEET_PATIENCE {
            *gave_up = true;
            return false;
        }
        thread::sleep(Duration::from_millis(1));
    }
}

/// What each of the FourProcesses puts on the results: its position and its message.
pub type Greeting = (u64, String);

/// The lectures' FourProcesses: `n` processes each put `(pos, "Hello <name>")` on one results
/// channel (each holds a clone of its sender); the parent takes `n` results and sorts them by
/// position, since they arrive in whatever order the processes finished. Returns the sorted
/// results and the positions in the order they arrived.
pub fn four_processes(
    program: &Program,
    n: usize,
    name: &str,
) -> Result<(Vec<Greeting>, Vec<u64>), QueueError> {
    let (results, arrivals) = ipc::channel::<(u64, String)>()?;
    let mut children = Vec::new();
    for pos in 0..n as u64 {
        let args = (pos, name.to_string(), results.clone());
        children.push(spawn_with(program.role(HELLO), args, CONNECT_DEADLINE)?);
    }
    // Ours is the last sender not in a child: dropped, so that the channel closes when they end.
    drop(results);
    let mut got = Vec::new();
    for _ in 0..n {
        got.push(arrivals.recv()?);
    }
    for child in &mut children {
        child.wait()?;
    }
    let arrival_order = got.iter().map(|(pos, _)| *pos).collect();
    got.sort_by_key(|(pos, _)| *pos);
    Ok((got, arrival_order))
}

/// What the benchmark's source is handed: how many results, in batches of how many, a signal
/// to start on, and where to send.
type SourceArgs = (u64, usize, IpcReceiver<()>, IpcSender<Vec<(u64, String)>>);

/// Starts the benchmark's source: once told to go, it sends `n` results `(pos, msg)`, `batch`
/// to a message. Returns its guard, the signal to start, and where the results arrive.
#[allow(clippy::type_complexity)]
pub fn start_source(
    program: &Program,
    n: u64,
    batch: usize,
) -> Result<(ChildGuard, IpcSender<()>, IpcReceiver<Vec<(u64, String)>>), QueueError> {
    let (go, wait_for_go) = ipc::channel::<()>()?;
    let (results, arrivals) = ipc::channel()?;
    let args: SourceArgs = (n, batch, wait_for_go, results);
    let child = spawn_with(program.role(SOURCE), args, CONNECT_DEADLINE)?;
    Ok((child, go, arrivals))
}

/// The `__main__` guard: call it first thing in `main`. In the original process it returns
/// `None` and `main` goes on; in a child it does the child's role and returns its exit code.
pub fn child_main() -> Option<ExitCode> {
    common::handoff::child_main(run_role)
}

fn run_role(role: &str) -> Result<(), String> {
    let text = |e: QueueError| e.to_string();
    let args_error = |e: ProcessError| e.to_string();
    match role {
        WORKER => worker_main(args_from_parent().map_err(args_error)?).map_err(text)?,
        HELLO => {
            let (pos, name, results): (u64, String, IpcSender<(u64, String)>) =
                args_from_parent().map_err(args_error)?;
            results
                .send((pos, format!("Hello {name}")))
                .map_err(|e| e.to_string())?;
        }
        SOURCE => {
            let (n, batch, go, results): SourceArgs = args_from_parent().map_err(args_error)?;
            go.recv().map_err(|e| e.to_string())?;
            let mut pos = 0;
            while pos < n {
                let end = (pos + batch as u64).min(n);
                let chunk = (pos..end).map(|p| (p, format!("m{p}"))).collect();
                results.send(chunk).map_err(|e| e.to_string())?;
                pos = end;
            }
        }
        other => return Err(format!("unknown role {other:?}")),
    }
    Ok(())
}
