//! Handing a child its arguments, channels included: the Rust face of Python's
//! `Process(target=worker, args=(conn, queue))`.
//!
//! Python pickles a `Process`'s arguments into the child; a `Connection` or a `Queue` among them
//! arrives there as a working end of the same pipe. `ipc-channel` can do the same: an
//! [`IpcSender`] or [`IpcReceiver`] inside a message travels as a file descriptor, and arrives
//! in the other process as a working end of the same channel. What it cannot do is start the
//! conversation: the child has to connect first ([`Spawn::spawn_connected`]).
//!
//! So [`spawn_with`] does it in two steps. The child connects and sends the parent a sender for
//! its arguments (made by [`args_from_parent`]); the parent sends the arguments on it, and the
//! child receives them. The arguments are moved: the parent keeps no copy of what it sent, so an
//! end it handed over belongs to the child alone (when that child dies, the end is closed, and
//! the other end sees it).
//!
//! ```no_run
//! use std::time::Duration;
//! use common::handoff::{args_from_parent, spawn_with};
//! use common::process::{self, Program};
//! use ipc_channel::ipc;
//!
//! fn main() {
//!     if process::role().as_deref() == Some("worker") {
//!         let results: ipc::IpcSender<u64> = args_from_parent().unwrap();
//!         results.send(42).unwrap();
//!         return;
//!     }
//!     let (results, answers) = ipc::channel::<u64>().unwrap();
//!     let program = Program::current().unwrap();
//!     let mut child = spawn_with(program.role("worker"), results, Duration::from_secs(20)).unwrap();
//!     assert_eq!(answers.recv().unwrap(), 42);
//!     child.wait().unwrap();
//! }
//! ```

use std::process::ExitCode;
use std::time::Duration;

use ipc_channel::ipc::{self, IpcSender};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::process::{self, ChildGuard, ProcessError, Spawn, connect_to_parent};

/// Starts the child (see [`Spawn::spawn_connected`], whose `deadline` this is) and hands it
/// `args`, which it receives with [`args_from_parent`]. `args` may hold `ipc-channel` senders
/// and receivers: they arrive in the child as working ends of the same channels.
pub fn spawn_with<A>(spawn: Spawn, args: A, deadline: Duration) -> Result<ChildGuard, ProcessError>
where
    A: Serialize + DeserializeOwned + Send + 'static,
{
    let (child, _bootstrap, to_child) = spawn.spawn_connected::<IpcSender<A>>(deadline)?;
    // If the child dies now, the send fails, and the guard (dropped with the error) reaps it.
    to_child
        .send(args)
        .map_err(|e| ProcessError::Ipc(format!("handing the child its arguments: {e}")))?;
    Ok(child)
}

/// In a child started with [`spawn_with`]: receives the arguments the parent handed it.
pub fn args_from_parent<A>() -> Result<A, ProcessError>
where
    A: Serialize + DeserializeOwned,
{
    let parent = connect_to_parent::<IpcSender<A>>()?;
    let (to_me, args) = ipc::channel::<A>().map_err(|e| ProcessError::Ipc(e.to_string()))?;
    parent
        .send(to_me)
        .map_err(|e| ProcessError::Ipc(e.to_string()))?;
    args.recv().map_err(|e| ProcessError::Ipc(e.to_string()))
}

/// The `__main__` guard of a lesson whose children do their work in `run_role`: call it first
/// thing in `main`. In the original process it returns `None` and `main` goes on; in a child it
/// runs `run_role` with the child's role and returns the exit code: 0, or 2 after printing the
/// error (with the child's pid and role) on stderr.
pub fn child_main(run_role: impl FnOnce(&str) -> Result<(), String>) -> Option<ExitCode> {
    let role = process::role()?;
    Some(match run_role(&role) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("child {} in role {role:?}: {message}", std::process::id());
            ExitCode::from(2)
        }
    })
}
