//! A process pool, kept small (you do not need to change this file: you use it).
//!
//! Python's `multiprocessing.Pool(processes=4)` starts four worker processes once and hands
//! them one task after another; the task (a function and its arguments) is pickled on its way
//! to a worker and the result pickled on its way back. Here:
//!
//! - a worker is this same binary started again in the role [`POOL_WORKER`] (see
//!   `common::process`: `main` calls [`child_main`] first, the `__main__` guard);
//! - a task cannot be a closure (code cannot travel between processes), so it is a value of the
//!   enum [`Job`], sent over `ipc-channel` with serde in place of pickle, and the worker runs it;
//! - the parent keeps one thread per worker while a [`ProcessPool::map`] runs: each takes the
//!   next job from a shared queue, sends it to its worker and waits for the answer. A worker that
//!   finishes early takes the next job, so uneven jobs do not leave a worker idle;
//! - dropping the pool hangs up on every worker (a worker ends when its channel closes) and
//!   waits for each; a worker that does not end in time is killed. Every child is reaped.

use std::process::ExitCode;
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

use common::process::{self, ChildGuard, ProcessError, Program};
use ipc_channel::ipc::{self, IpcReceiver, IpcSender};
use serde::{Deserialize, Serialize};

/// The role of a process-pool worker.
pub const POOL_WORKER: &str = "pool-worker";

/// How long a worker may take to start and connect: generous, since a loaded machine can be slow
/// to start a process; a worker that dies is noticed at once anyway.
const CONNECT_DEADLINE: Duration = Duration::from_secs(20);

/// How long dropping the pool waits for a worker to end on its own before killing it.
const GOODBYE: Duration = Duration::from_secs(5);

/// A task for a worker process: what to compute, as data.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Job {
    /// x³ (the lectures' `cube`).
    Cube(u64),
    /// The terms `x^k` for `k` in `start..end` of the Maclaurin series of 1/(1-x)
    /// (`common::workloads::maclaurin`): a CPU-bound piece of Parallel Python's example.
    Maclaurin {
        /// The series' x, |x| < 1.
        x: f64,
        /// The first term.
        start: u64,
        /// One past the last term.
        end: u64,
    },
    /// Sleeps this many milliseconds and answers 0 (the lectures' `time.sleep`).
    Sleep(u64),
}

impl Job {
    /// Does the job, in this process.
    pub fn run(self) -> f64 {
        match self {
            Job::Cube(x) => (x * x * x) as f64,
            Job::Maclaurin { x, start, end } => common::workloads::maclaurin(x, start..end),
            Job::Sleep(ms) => {
                thread::sleep(Duration::from_millis(ms));
                0.0
            }
        }
    }
}

/// A job's answer, and where it was computed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Done {
    /// What the job computed.
    pub value: f64,
    /// The pid of the process that ran it (`os.getpid()`).
    pub pid: u32,
    /// That process's parent (`os.getppid()`).
    pub parent: u32,
}

impl Done {
    /// Runs `job` here and says so.
    pub fn here(job: Job) -> Done {
        Done {
            value: job.run(),
            pid: std::process::id(),
            parent: process::parent_id(),
        }
    }
}

/// What a worker sends its parent: first who it is and where to send jobs, then answers.
#[derive(Debug, Serialize, Deserialize)]
enum FromWorker {
    Ready { pid: u32, jobs: IpcSender<Job> },
    Done(Done),
}

/// The two ends the parent holds for one worker. One thread at a time talks to a worker.
struct Link {
    jobs: IpcSender<Job>,
    answers: IpcReceiver<FromWorker>,
}

struct Worker {
    pid: u32,
    link: Mutex<Option<Link>>,
    child: ChildGuard,
}

/// `n` worker processes, started once, each running one job at a time.
pub struct ProcessPool {
    workers: Vec<Worker>,
}

impl ProcessPool {
    /// Starts `n` workers (`n` ≥ 1): `program` started again in the role [`POOL_WORKER`].
    pub fn new(program: &Program, n: usize) -> Result<ProcessPool, ProcessError> {
        assert!(n > 0, "a pool needs at least one worker");
        let mut workers = Vec::with_capacity(n);
        for _ in 0..n {
            let (child, answers, first) = program
                .role(POOL_WORKER)
                .spawn_connected::<FromWorker>(CONNECT_DEADLINE)?;
            let FromWorker::Ready { pid, jobs } = first else {
                return Err(ProcessError::Ipc(
                    "a pool worker answered before it said it was ready".into(),
                ));
            };
            workers.push(Worker {
                pid,
                link: Mutex::new(Some(Link { jobs, answers })),
                child,
            });
        }
        Ok(ProcessPool { workers })
    }

    /// How many worker processes the pool has.
    pub fn workers(&self) -> usize {
        self.workers.len()
    }

    /// The workers' pids.
    pub fn pids(&self) -> Vec<u32> {
        self.workers.iter().map(|w| w.pid).collect()
    }

    /// Runs every job on the workers (each worker takes the next job as soon as it is free) and
    /// returns the answers in the order of `jobs`: `pool.map` for a process pool.
    pub fn map(&self, jobs: &[Job]) -> Result<Vec<Done>, ProcessError> {
        let (queue, next) = crossbeam_channel::unbounded();
        for (i, &job) in jobs.iter().enumerate() {
            queue.send((i, job)).expect("the receiver is here");
        }
        drop(queue);
        let mut answers: Vec<Option<Done>> = vec![None; jobs.len()];
        thread::scope(|s| {
            let feeders: Vec<_> = self
                .workers
                .iter()
                .map(|worker| {
                    let next = next.clone();
                    s.spawn(move || -> Result<Vec<(usize, Done)>, ProcessError> {
                        let mut link = worker.link.lock().unwrap_or_else(|e| e.into_inner());
                        let link = link.as_mut().expect("the link is there until drop");
                        let mut done = Vec::new();
                        for (i, job) in next {
                            done.push((i, worker.ask(link, job)?));
                        }
                        Ok(done)
                    })
                })
                .collect();
            for feeder in feeders {
                for (i, done) in feeder.join().expect("a feeder thread panicked")? {
                    answers[i] = Some(done);
                }
            }
            Ok::<(), ProcessError>(())
        })?;
        Ok(answers
            .into_iter()
            .map(|a| a.expect("every job was answered"))
            .collect())
    }
}

impl Worker {
    fn ask(&self, link: &Link, job: Job) -> Result<Done, ProcessError> {
        let lost = |e: &dyn std::fmt::Display| {
            ProcessError::Ipc(format!("pool worker {} is gone: {e}", self.pid))
        };
        link.jobs.send(job).map_err(|e| lost(&e))?;
        match link.answers.recv().map_err(|e| lost(&e))? {
            FromWorker::Done(done) => Ok(done),
            FromWorker::Ready { .. } => Err(lost(&"it said hello twice")),
        }
    }
}

impl Drop for ProcessPool {
    /// Hangs up on every worker, then waits for each to end (killing one that does not).
    fn drop(&mut self) {
        for worker in &self.workers {
            worker.link.lock().unwrap_or_else(|e| e.into_inner()).take();
        }
        let start = Instant::now();
        for worker in &mut self.workers {
            let left = GOODBYE.saturating_sub(start.elapsed());
            if !matches!(worker.child.wait_timeout(left), Ok(Some(_))) {
                let _ = worker.child.kill_and_reap();
            }
        }
    }
}

/// The `__main__` guard: call it first thing in `main`. In the original process it returns
/// `None`; in a pool worker it serves jobs until the parent hangs up, then returns the exit code.
pub fn child_main() -> Option<ExitCode> {
    let role = process::role()?;
    Some(match role.as_str() {
        POOL_WORKER => match serve() {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("pool worker {}: {e}", std::process::id());
                ExitCode::from(2)
            }
        },
        other => {
            eprintln!("unknown role {other:?}");
            ExitCode::from(2)
        }
    })
}

/// A worker's life: say hello with a sender for jobs, then answer each job until the parent
/// hangs up.
fn serve() -> Result<(), ProcessError> {
    let ipc = |e: &dyn std::fmt::Display| ProcessError::Ipc(e.to_string());
    let parent = process::connect_to_parent::<FromWorker>()?;
    let (jobs, incoming) = ipc::channel::<Job>().map_err(|e| ipc(&e))?;
    parent
        .send(FromWorker::Ready {
            pid: std::process::id(),
            jobs,
        })
        .map_err(|e| ipc(&e))?;
    // `recv` fails once the parent has dropped its sender: the pool is closing.
    while let Ok(job) = incoming.recv() {
        parent
            .send(FromWorker::Done(Done::here(job)))
            .map_err(|e| ipc(&e))?;
    }
    Ok(())
}
