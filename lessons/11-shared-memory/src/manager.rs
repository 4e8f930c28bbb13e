//! Task 3: a manager process owns a list; other processes append to it and sum it by asking
//! it, over `ipc-channel` (`multiprocessing.Manager`). Starting the manager and its clients is in
//! `plumbing.rs`.

use ipc_channel::ipc::{self, IpcReceiver, IpcSender};
use serde::{Deserialize, Serialize};

use crate::Error;

/// What a client asks the manager. Each request carries the sender on which the manager
/// answers (a fresh channel per request, so answers cannot be mixed up between clients).
#[derive(Debug, Serialize, Deserialize)]
pub enum Request {
    /// Send back a copy of the list.
    List(IpcSender<Vec<i64>>),
    /// Replace the list with this one; answer `()` when done.
    Set(Vec<i64>, IpcSender<()>),
    // TODO: requests that the manager carries out whole, one after another: append a number,
    // and sum the list.
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
        }
    }
    Ok(())
}

/// A handle to the manager: what `manager.list()` gives a Python process. It can be sent to
/// other processes (it is a sender of requests).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ManagerClient {
    pub(crate) requests: IpcSender<Request>,
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
        // TODO: fetch, push, send back: a read-modify-write in three steps, across processes,
        // with the manager serving other clients in between. Another client's append that lands
        // between our `list` and our `set` is overwritten. Ask the manager to do the append.
        let mut list = self.list()?;
        list.push(value);
        self.set(list)
    }

    /// The sum of the list.
    pub fn sum(&self) -> Result<i64, Error> {
        // TODO: this copies the whole list here to add it up. Ask the manager for the sum.
        Ok(self.list()?.iter().sum())
    }
}
