//! Lesson 11: shared memory and managers (the reference solution). The files you do not edit
//! in the lesson (segments, the lock, the children's roles, the sync facade) are the lesson's own,
//! compiled here too.

pub mod balance;
#[path = "../../../lessons/11-shared-memory/src/children.rs"]
mod children;
#[path = "../../../lessons/11-shared-memory/src/lock.rs"]
pub mod lock;
pub mod model;
#[path = "../../../lessons/11-shared-memory/src/segment.rs"]
pub mod segment;
#[path = "../../../lessons/11-shared-memory/src/sync.rs"]
mod sync;

use std::error::Error as StdError;
use std::sync::atomic::{AtomicI64, AtomicU32, Ordering};
use std::time::{Duration, Instant};

use common::process::{ChildGuard, Ended};
use ipc_channel::ipc::{self, IpcReceiver, IpcSender};
use serde::{Deserialize, Serialize};

pub use balance::{AtomicBalance, LockedBalance, PAPERWORK};
pub use children::{CLIENT, DEPOSIT, MANAGER, SQUARER, WITHDRAW, child_main};
pub use common::process::Program;
pub use lock::ProcessMutex;
pub use segment::{InSegment, SegmentError, SharedArray, SharedValue};

/// Any error of this lesson: a child that could not start, a segment that could not be made, a
/// channel that broke.
pub type Error = Box<dyn StdError + Send + Sync>;

/// How long a child may take to start and connect: generous, for a loaded machine; a child that
/// dies is noticed at once anyway.
pub const CONNECT_DEADLINE: Duration = Duration::from_secs(20);

// ---------------------------------------------------------------------------------------------
// 1. Value and Array: the squares and their sum
// ---------------------------------------------------------------------------------------------

/// What the parent read after the child squared the numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Squares {
    /// The square of each number, in order.
    pub squares: Vec<i64>,
    /// Their sum.
    pub sum: i64,
}

/// The lectures' `square_list(mylist, result, square_sum)`: writes the square of each number
/// into `result` and their sum into `square_sum`. Runs in the child. Works on any memory: the
/// question is whose.
pub fn square_list(numbers: &[i64], result: &[AtomicI64], square_sum: &AtomicI64) {
    for (slot, n) in result.iter().zip(numbers) {
        slot.store(n * n, Ordering::Relaxed);
    }
    let sum = result.iter().map(|s| s.load(Ordering::Relaxed)).sum();
    square_sum.store(sum, Ordering::Relaxed);
}

/// Starts a child (role [`SQUARER`]) that squares `numbers`, waits for it, and returns the
/// squares and their sum as the child left them for this process to read.
pub fn squares_in_child(program: &Program, numbers: &[i64]) -> Result<Squares, Error> {
    // multiprocessing.Array('q', n) and Value('q'): segments that the child maps too. We created
    // them, so they are unlinked when these handles are dropped, after we have read them.
    let result = SharedArray::<AtomicI64>::create("squares", numbers.len())?;
    let square_sum = SharedValue::<AtomicI64>::create("square-sum")?;
    let mut child = program
        .role(SQUARER)
        .args([join(numbers).as_str(), result.name(), square_sum.name()])
        .spawn()?;
    // `wait` is also what makes the child's writes visible here: the child has exited.
    expect_success(SQUARER, child.wait()?)?;
    Ok(Squares {
        squares: result.iter().map(|s| s.load(Ordering::Relaxed)).collect(),
        sum: square_sum.load(Ordering::Relaxed),
    })
}

/// The child's side of [`squares_in_child`] (role [`SQUARER`]): `args` are the numbers and the
/// names of the parent's array and value.
pub fn squarer(args: &[String]) -> Result<(), Error> {
    let [numbers, result, square_sum] = args else {
        return Err(format!("expected: numbers array value, got {args:?}").into());
    };
    let numbers = parse_list(numbers)?;
    // Opened, not created: the parent owns them, and they stay when we exit.
    let result = SharedArray::<AtomicI64>::open(result, numbers.len())?;
    let square_sum = SharedValue::<AtomicI64>::open(square_sum)?;
    square_list(&numbers, &result, &square_sum);
    println!(
        "Result (in process {}): {:?}, sum of squares {}",
        std::process::id(),
        result
            .iter()
            .map(|s| s.load(Ordering::Relaxed))
            .collect::<Vec<_>>(),
        square_sum.load(Ordering::Relaxed)
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 2. The bank balance: two processes, one segment (your work is in balance.rs)
// ---------------------------------------------------------------------------------------------

/// The balance the lectures start from.
pub const START_BALANCE: i64 = 100;
/// How many times each process withdraws or deposits 1.
pub const TRANSACTIONS: u32 = 10_000;

/// Which of the two balances in the [`Bank`] the processes use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Fix {
    /// [`AtomicBalance`]: the balance is one atomic.
    Atomic,
    /// [`LockedBalance`]: the balance is behind a [`ProcessMutex`].
    Lock,
}

impl Fix {
    /// The fix as a command-line argument.
    pub fn to_arg(self) -> &'static str {
        match self {
            Fix::Atomic => "atomic",
            Fix::Lock => "lock",
        }
    }

    /// Reads what [`Fix::to_arg`] wrote.
    pub fn from_arg(arg: &str) -> Option<Fix> {
        match arg {
            "atomic" => Some(Fix::Atomic),
            "lock" => Some(Fix::Lock),
            _ => None,
        }
    }
}

/// A start line in shared memory: each process that arrives waits until `n` have, so that the
/// two start their loops at the same moment, as two threads behind a `Barrier` would.
#[repr(C)]
#[derive(Debug, Default)]
pub struct StartLine {
    arrived: AtomicU32,
}

impl StartLine {
    /// Arrives, and waits (spinning, so as to be on a CPU the moment the other arrives) until `n`
    /// processes have. Gives up after `limit`: the other process died before it arrived.
    pub fn arrive_and_wait(&self, n: u32, limit: Duration) -> Result<(), Error> {
        self.arrived.fetch_add(1, Ordering::SeqCst);
        let start = Instant::now();
        while self.arrived.load(Ordering::SeqCst) < n {
            if start.elapsed() > limit {
                return Err(format!("the other process did not arrive within {limit:?}").into());
            }
            std::hint::spin_loop();
        }
        Ok(())
    }
}

/// The segment that the two processes of [`perform_transactions`] share: a start line and the
/// balance in both forms (they use one of them).
#[repr(C)]
#[derive(Debug, Default)]
pub struct Bank {
    /// Where both processes wait for each other before they begin.
    pub start: StartLine,
    /// The balance as one atomic.
    pub atomic: AtomicBalance,
    /// The balance behind a lock.
    pub locked: LockedBalance,
}

// Safety: `Bank` is #[repr(C)] and made of an AtomicU32, an AtomicI64 (in AtomicBalance) and a
// ProcessMutex<i64> (an AtomicU32 and the i64 it guards): no pointers, all zeros is a valid bank
// (nobody arrived, balances 0, the lock free), and every change through `&Bank` is atomic or made
// under the lock, which lives in the segment too.
unsafe impl InSegment for Bank {}

/// The lectures' `perform_transactions`: a balance of [`START_BALANCE`] in shared memory, one
/// child withdrawing 1 `times` times and one depositing 1 `times` times, both using the balance
/// that `fix` names. Returns the balance after both have finished: 100, if nothing was lost.
pub fn perform_transactions(program: &Program, fix: Fix, times: u32) -> Result<i64, Error> {
    let bank = SharedValue::<Bank>::create("bank")?;
    bank.atomic.set(START_BALANCE);
    bank.locked.set(START_BALANCE);
    let start = |role: &str| {
        program
            .role(role)
            .args([bank.name(), fix.to_arg(), &times.to_string()])
            .spawn()
    };
    // Each guard kills and reaps its child if we leave early.
    let mut withdraw = start(WITHDRAW)?;
    let mut deposit = start(DEPOSIT)?;
    expect_success(WITHDRAW, withdraw.wait()?)?;
    expect_success(DEPOSIT, deposit.wait()?)?;
    Ok(match fix {
        Fix::Atomic => bank.atomic.get(),
        Fix::Lock => bank.locked.get(),
    })
}

/// The children's side of [`perform_transactions`] (roles [`WITHDRAW`] and [`DEPOSIT`]).
pub fn transact(role: &str, args: &[String]) -> Result<(), Error> {
    let [name, fix, times] = args else {
        return Err(format!("expected: segment fix times, got {args:?}").into());
    };
    let fix = Fix::from_arg(fix).ok_or_else(|| format!("bad fix {fix:?}"))?;
    let times: u32 = times.parse()?;
    let bank = SharedValue::<Bank>::open(name)?;
    bank.start.arrive_and_wait(2, CONNECT_DEADLINE)?;
    for _ in 0..times {
        match (role, fix) {
            (WITHDRAW, Fix::Atomic) => bank.atomic.withdraw(1),
            (WITHDRAW, Fix::Lock) => bank.locked.withdraw(1),
            (_, Fix::Atomic) => bank.atomic.deposit(1),
            (_, Fix::Lock) => bank.locked.deposit(1),
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 3. A manager process: one process owns the list, others ask it
// ---------------------------------------------------------------------------------------------

/// What a client asks the manager. Each request carries the sender on which the manager
/// answers (a fresh channel per request, so answers cannot be mixed up between clients).
#[derive(Debug, Serialize, Deserialize)]
pub enum Request {
    /// Send back a copy of the list.
    List(IpcSender<Vec<i64>>),
    /// Replace the list with this one; answer `()` when done.
    Set(Vec<i64>, IpcSender<()>),
    /// Append this number; answer `()` when done.
    Append(i64, IpcSender<()>),
    /// Send back the sum of the list.
    Sum(IpcSender<i64>),
}

/// The manager's loop (role [`MANAGER`]): owns `list` and answers requests, one at a time, until
/// every client and the parent have hung up.
pub fn serve(requests: IpcReceiver<Request>, mut list: Vec<i64>) -> Result<(), Error> {
    while let Ok(request) = requests.recv() {
        match request {
            Request::List(reply) => reply.send(list.clone())?,
            Request::Set(new, reply) => {
                list = new;
                reply.send(())?;
            }
            // One request, carried out whole before the next one is read: the manager is the
            // only process that touches the list, so nothing can come between.
            Request::Append(value, reply) => {
                list.push(value);
                reply.send(())?;
            }
            Request::Sum(reply) => reply.send(list.iter().sum())?,
        }
    }
    Ok(())
}

/// A handle to the manager: what `manager.list()` gives a Python process. It can be sent to
/// other processes (it is a sender of requests).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ManagerClient {
    requests: IpcSender<Request>,
}

impl ManagerClient {
    /// Sends a request made with a fresh reply channel, and waits for the answer.
    fn ask<T>(&self, request: impl FnOnce(IpcSender<T>) -> Request) -> Result<T, Error>
    where
        T: Serialize + for<'de> Deserialize<'de>,
    {
        let (reply, answer) = ipc::channel()?;
        self.requests.send(request(reply))?;
        Ok(answer
            .recv()
            .map_err(|e| format!("the manager did not answer: {e:?}"))?)
    }

    /// A copy of the list.
    pub fn list(&self) -> Result<Vec<i64>, Error> {
        self.ask(Request::List)
    }

    /// Replaces the list.
    pub fn set(&self, list: Vec<i64>) -> Result<(), Error> {
        self.ask(|reply| Request::Set(list, reply))
    }

    /// Appends `value` to the list. Every append must count, whatever other clients do.
    pub fn append(&self, value: i64) -> Result<(), Error> {
        // One request: the manager does the read-modify-write, between two other requests.
        self.ask(|reply| Request::Append(value, reply))
    }

    /// The sum of the list.
    pub fn sum(&self) -> Result<i64, Error> {
        self.ask(Request::Sum)
    }
}

/// The manager process, seen from its parent: `multiprocessing.Manager()`.
pub struct Manager {
    child: ChildGuard,
    client: ManagerClient,
}

impl Manager {
    /// Starts the manager (role [`MANAGER`]) holding `initial`.
    pub fn start(program: &Program, initial: &[i64]) -> Result<Manager, Error> {
        let (child, _more, requests) = program
            .role(MANAGER)
            .arg(join(initial))
            .spawn_connected::<IpcSender<Request>>(CONNECT_DEADLINE)?;
        Ok(Manager {
            child,
            client: ManagerClient { requests },
        })
    }

    /// A client, to use here or to send to another process.
    pub fn client(&self) -> ManagerClient {
        self.client.clone()
    }

    /// The manager's pid.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Hangs up and waits for the manager to end (it ends when every client has hung up); kills
    /// it if it has not ended within `limit`.
    pub fn shutdown(self, limit: Duration) -> Result<(), Error> {
        let Manager { mut child, client } = self;
        drop(client);
        match child.wait_timeout(limit)? {
            Some(ended) => expect_success(MANAGER, ended),
            None => {
                child.kill_and_reap()?;
                Err(format!(
                    "the manager did not end within {limit:?} of its last client hanging up \
                     (killed)"
                )
                .into())
            }
        }
    }
}

/// The manager's side (role [`MANAGER`]): makes its request channel, sends the sender to the
/// parent, and serves.
pub fn manager_main(args: &[String]) -> Result<(), Error> {
    let initial = parse_list(args.first().map(String::as_str).unwrap_or(""))?;
    let (requests, incoming) = ipc::channel::<Request>()?;
    common::process::connect_to_parent::<IpcSender<Request>>()?.send(requests)?;
    serve(incoming, initial)
}

/// What a client process is told to do.
#[derive(Debug, Serialize, Deserialize)]
pub struct ClientJob {
    /// Where to send requests.
    pub manager: ManagerClient,
    /// What to append, one by one.
    pub items: Vec<i64>,
}

/// What a client process says to the parent: first where to send its job, then that it is done.
#[derive(Debug, Serialize, Deserialize)]
pub enum FromClient {
    /// The client is running and waits for its job here.
    Ready(IpcSender<ClientJob>),
    /// The client appended every item; the sum it then got from the manager.
    Done {
        /// `manager.sum()` after its last append.
        sum: i64,
    },
}

/// Runs one client process per entry of `jobs`, all at once: each appends its items to the
/// manager's list and asks for the sum. The clients are all started and connected before any is
/// given its job, so that they append at the same time. Returns the sum each saw at its end.
pub fn run_clients(
    program: &Program,
    manager: &Manager,
    jobs: &[Vec<i64>],
) -> Result<Vec<i64>, Error> {
    let mut clients = Vec::new();
    for _ in jobs {
        let (child, messages, first) = program
            .role(CLIENT)
            .spawn_connected::<FromClient>(CONNECT_DEADLINE)?;
        let FromClient::Ready(jobs) = first else {
            return Err("a client said Done before it was given a job".into());
        };
        clients.push((child, messages, jobs));
    }
    for ((_, _, to_client), items) in clients.iter().zip(jobs) {
        to_client.send(ClientJob {
            manager: manager.client(),
            items: items.clone(),
        })?;
    }
    let mut sums = Vec::new();
    for (mut child, messages, _) in clients {
        match messages.recv() {
            Ok(FromClient::Done { sum }) => sums.push(sum),
            Ok(other) => return Err(format!("a client said {other:?}, not Done").into()),
            Err(e) => {
                let ended = child.wait()?;
                return Err(format!("a client {ended} before it was done ({e:?})").into());
            }
        }
        expect_success(CLIENT, child.wait()?)?;
    }
    Ok(sums)
}

/// The client's side (role [`CLIENT`]).
pub fn client_main() -> Result<(), Error> {
    let parent = common::process::connect_to_parent::<FromClient>()?;
    let (to_me, jobs) = ipc::channel::<ClientJob>()?;
    parent.send(FromClient::Ready(to_me))?;
    let job = jobs.recv().map_err(|e| format!("no job came: {e:?}"))?;
    for item in job.items {
        job.manager.append(item)?;
    }
    parent.send(FromClient::Done {
        sum: job.manager.sum()?,
    })?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// Numbers as one argument: `1,2,3,4`.
pub fn join(numbers: &[i64]) -> String {
    numbers
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// Reads what [`join`] wrote.
pub fn parse_list(arg: &str) -> Result<Vec<i64>, Error> {
    if arg.is_empty() {
        return Ok(Vec::new());
    }
    Ok(arg
        .split(',')
        .map(str::parse)
        .collect::<Result<Vec<i64>, _>>()?)
}

/// An error unless the child exited with code 0.
pub fn expect_success(role: &str, ended: Ended) -> Result<(), Error> {
    match ended {
        Ended::Exited(0) => Ok(()),
        other => Err(format!("the child in role {role:?} {other}").into()),
    }
}
