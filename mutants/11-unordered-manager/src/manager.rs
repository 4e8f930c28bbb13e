//! Task 3 (a mutant): a manager process owns a list; other processes append to it and sum it by asking
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
    /// Append this number; answer `()` when done.
    Append(i64, IpcSender<()>),
    /// Send back the sum of the list.
    Sum(IpcSender<i64>),
}

/// The manager's loop (role [`MANAGER`]). The mutant: each request is answered on a thread of
/// its own, "so that no client waits for another", and an append takes the list's lock once to
/// copy it and once to put it back: two appends on two threads overwrite each other.
pub fn serve(requests: IpcReceiver<Request>, list: Vec<i64>) -> Result<(), Error> {
    let list = std::sync::Mutex::new(list);
    std::thread::scope(|s| {
        while let Ok(request) = requests.recv() {
            let list = &list;
            s.spawn(move || {
                let _ = answer(list, request);
            });
        }
    });
    Ok(())
}

fn answer(list: &std::sync::Mutex<Vec<i64>>, request: Request) -> Result<(), Error> {
    match request {
        Request::List(reply) => reply.send(list.lock().unwrap().clone())?,
        Request::Set(new, reply) => {
            *list.lock().unwrap() = new;
            reply.send(())?;
        }
        Request::Append(value, reply) => {
            let mut copy = list.lock().unwrap().clone();
            copy.push(value);
            *list.lock().unwrap() = copy;
            reply.send(())?;
        }
        Request::Sum(reply) => reply.send(list.lock().unwrap().iter().sum())?,
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
        // One request: the manager does the read-modify-write, between two other requests.
        self.ask(|reply| Request::Append(value, reply))
    }

    /// The sum of the list.
    pub fn sum(&self) -> Result<i64, Error> {
        self.ask(Request::Sum)
    }
}
