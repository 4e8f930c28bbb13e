//! The children's side of the lesson: what a child process does in each role, the messages it
//! sends, and the types that say how a child ended. You do not need to change this file; `lib.rs` is where you work.
//!
//! Every child is this same binary, started again with [`common::process::ROLE_ENV`] set to its
//! role. `main` calls [`child_main`] first: in a child it does the role's work and returns the
//! exit code, so that the child never reaches the parent's code (the `__main__` guard).

use std::process::ExitCode;
use std::sync::{LazyLock, Mutex};
use std::thread;
use std::time::Duration;

use common::process::{self, connect_to_parent};
use serde::{Deserialize, Serialize};

/// Role of a worker that reports who it is ([`Report`]) and exits.
pub const WORKER: &str = "worker";
/// Role of a worker that pops every item of its [`ITEMS`] and says how many it got ([`Popped`]).
pub const POPPER: &str = "popper";
/// Role of a child that does a [`Job`] given as its argument.
pub const JOB: &str = "job";
/// Role of the lectures' HelloWorld child: prints `Hello <name>`.
pub const HELLO: &str = "hello";
/// Role of the first sub-process of the lectures' FatherAndSons: prints its pid and its father's.
pub const SON: &str = "son";

/// The lectures' global list. Every process has its own: a child starts with a fresh copy of
/// `[1, 2, 3, 4, 5, 6]`, and what it pops is gone from its copy only.
pub static ITEMS: LazyLock<Mutex<Vec<u32>>> = LazyLock::new(|| Mutex::new(vec![1, 2, 3, 4, 5, 6]));

/// What a worker says about itself: `os.getpid()` and `os.getppid()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// Which worker it is, 0..n.
    pub index: usize,
    /// The pid of the process it ran in.
    pub pid: u32,
    /// The pid of that process's parent.
    pub parent: u32,
}

impl Report {
    /// The report of worker `index`, running here.
    pub fn here(index: usize) -> Report {
        Report {
            index,
            pid: std::process::id(),
            parent: process::parent_id(),
        }
    }
}

/// What a popping worker says: how many items it popped, and in which process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Popped {
    /// The pid of the process it ran in.
    pub pid: u32,
    /// How many items it popped before its list was empty.
    pub items: usize,
}

/// Pops every item of `items`, as the lectures' worker does; returns how many it popped.
pub fn pop_all(items: &Mutex<Vec<u32>>) -> usize {
    let mut popped = 0;
    // Take the lock for each pop, as a worker that does something with each item would.
    while items.lock().unwrap().pop().is_some() {
        popped += 1;
        thread::yield_now();
    }
    popped
}

/// What a child in the [`JOB`] role does, and so how it ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// Exits with this code.
    Exit(i32),
    /// Panics (a Rust program that panics in `main` exits with code 101).
    Panic,
    /// Aborts: killed by its own SIGABRT, with no exit code at all.
    Abort,
    /// Sleeps this many milliseconds, then exits with code 0.
    Sleep(u64),
    /// Never ends on its own: a runaway.
    Runaway,
}

impl Job {
    /// The job as a command-line argument (`exit:3`, `panic`, `abort`, `sleep:10`, `runaway`).
    pub fn to_arg(self) -> String {
        match self {
            Job::Exit(code) => format!("exit:{code}"),
            Job::Panic => "panic".into(),
            Job::Abort => "abort".into(),
            Job::Sleep(ms) => format!("sleep:{ms}"),
            Job::Runaway => "runaway".into(),
        }
    }

    /// Reads what [`Job::to_arg`] wrote.
    pub fn from_arg(arg: &str) -> Option<Job> {
        Some(match arg.split_once(':') {
            Some(("exit", code)) => Job::Exit(code.parse().ok()?),
            Some(("sleep", ms)) => Job::Sleep(ms.parse().ok()?),
            None if arg == "panic" => Job::Panic,
            None if arg == "abort" => Job::Abort,
            None if arg == "runaway" => Job::Runaway,
            _ => return None,
        })
    }

    /// Does the job, in this process.
    pub fn run(self) -> ExitCode {
        match self {
            Job::Exit(code) => std::process::exit(code),
            Job::Panic => {
                // Quietly: the exit code (101) is the point, not the message.
                std::panic::set_hook(Box::new(|_| {}));
                panic!("the job panicked, as it was asked to")
            }
            Job::Abort => std::process::abort(),
            Job::Sleep(ms) => {
                thread::sleep(Duration::from_millis(ms));
                ExitCode::SUCCESS
            }
            Job::Runaway => loop {
                thread::sleep(Duration::from_secs(1));
            },
        }
    }
}

/// How a child run by `run_job` ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// It exited with this code (0 is success; a Rust panic in `main` gives 101).
    Exited(i32),
    /// A signal killed it (6 is SIGABRT, 9 is SIGKILL), before the deadline.
    Signalled(i32),
    /// It was still running at the deadline, so the parent killed it (and reaped it).
    KilledAtDeadline,
}

/// What `run_job` returns: which process ran the job, and how it ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Finished {
    /// The child's pid.
    pub pid: u32,
    /// How it ended.
    pub outcome: Outcome,
}

/// The `__main__` guard: call it first thing in `main`. In the original process it returns
/// `None` and `main` goes on; in a child it does the child's role and returns its exit code.
pub fn child_main() -> Option<ExitCode> {
    let role = process::role()?;
    let arg = std::env::args().nth(1).unwrap_or_default();
    Some(match run_role(&role, &arg) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("child {} in role {role:?}: {message}", std::process::id());
            ExitCode::from(2)
        }
    })
}

fn run_role(role: &str, arg: &str) -> Result<ExitCode, String> {
    match role {
        WORKER => {
            let index = arg
                .parse()
                .map_err(|_| format!("bad worker index {arg:?}"))?;
            let parent = connect_to_parent::<Report>().map_err(|e| e.to_string())?;
            parent
                .send(Report::here(index))
                .map_err(|e| e.to_string())?;
        }
        POPPER => {
            let items = pop_all(&ITEMS);
            let parent = connect_to_parent::<Popped>().map_err(|e| e.to_string())?;
            parent
                .send(Popped {
                    pid: std::process::id(),
                    items,
                })
                .map_err(|e| e.to_string())?;
        }
        JOB => return Ok(Job::from_arg(arg).ok_or(format!("bad job {arg:?}"))?.run()),
        HELLO => println!("Hello {arg} (from process {})", std::process::id()),
        SON => {
            let (me, father) = (std::process::id(), process::parent_id());
            println!(
                "-----> function one\nI am the first sub-process with ID {me}, my father is ID {father}"
            );
            println!(
                "-----> function two\nI am still the first sub-process with ID {me}, my father is ID {father}"
            );
            println!("This is the end!");
        }
        other => return Err(format!("unknown role {other:?}")),
    }
    Ok(ExitCode::SUCCESS)
}
