//! The processes' plumbing: starting the manager and its client processes, the messages
//! between them, and small helpers. You do not need to change this file: your work on the
//! manager is in `manager.rs`.

use std::error::Error as StdError;
use std::time::Duration;

use common::process::{ChildGuard, Ended};
use ipc_channel::ipc::{self, IpcSender};
use serde::{Deserialize, Serialize};

use crate::{CLIENT, MANAGER, ManagerClient, Program, Request, serve};

/// Any error of this lesson: a child that could not start, a segment that could not be made, a
/// channel that broke.
pub type Error = Box<dyn StdError + Send + Sync>;

/// How long a child may take to start and connect: generous, for a loaded machine; a child that
/// dies is noticed at once anyway.
pub const CONNECT_DEADLINE: Duration = Duration::from_secs(20);

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
