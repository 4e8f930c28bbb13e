//! Lesson 09: pipes.
//!
//! A pipe has two ends: what one process puts into its end, the other takes out of its own, in
//! order. The OS's pipe is a stream of bytes ([`shout`] sends lines through a child's stdin and
//! stdout); Python's `multiprocessing.Pipe()` gives two `Connection`s that send whole pickled
//! objects, both ways. Here the objects are typed Rust values, serialised with serde and carried
//! by `ipc-channel`: a [`Connection<S, R>`] sends `S` and receives `R`, and [`pipe`] makes two
//! crossed ends (`plumbing.rs`, done for you).
//!
//! Your work, the two halves of a conversation that ends well, and a pipe whose other end can
//! die:
//!
//! 1. [`Connection::recv`]: wait for the next message, and say so when the other end has hung
//!    up, instead of waiting for ever.
//! 2. [`serve`]: the child's side of the lectures' master/worker: answer each message, and stop
//!    at [`Ask::End`].

mod plumbing;

use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;

pub use plumbing::{
    Answer, Ask, CONNECT_DEADLINE, Connection, ECHO, MASTER_WORDS, PipeError, RECEIVER, SENDER,
    SENDER_WORDS, SHOUT, SINK, child_main, pipe, shout, start_child, start_echo,
};

impl<S, R> Connection<S, R>
where
    S: Serialize + DeserializeOwned,
    R: Serialize + DeserializeOwned,
{
    /// Waits for the next message from the other end (Python's `conn.recv()`).
    ///
    /// Messages come in the order they were sent. When the other end has hung up (its process
    /// ended or was killed, or it dropped its end) and nothing is left to read, this returns
    /// [`PipeError::PeerGone`] at once: a dead peer is an error, not a hang.
    pub fn recv(&self) -> Result<R, PipeError> {
        // TODO: this waits patiently, a tenth of a second at a time, and treats every error as
        // "nothing yet". When the other process has died, nothing will ever come: tell "empty"
        // apart from "the other end is gone" (see `ipc_channel::TryRecvError`, or simply
        // `IpcReceiver::recv`, and `PipeError::from_ipc`).
        loop {
            match self.from_peer.try_recv_timeout(Duration::from_millis(100)) {
                Ok(message) => return Ok(message),
                Err(_) => continue,
            }
        }
    }
}

/// The child's side of the conversation (role [`ECHO`]): answers each message, in order, and
/// stops at [`Ask::End`]. Returns how many messages it heard before `End`.
///
/// - `Ask::Text(text)`, the `n`th message heard (counting from 0): answer
///   `Answer::Heard { n, text }`.
/// - `Ask::Bytes(bytes)`: send them back, `Answer::Bytes(bytes)` (this counts as heard too).
/// - `Ask::End`: answer `Answer::Bye { heard }` and return; the child's process then exits
///   with code 0, closing its end of the pipe.
pub fn serve(conn: Connection<Answer, Ask>) -> Result<u64, PipeError> {
    let mut heard = 0;
    // The lectures' worker: `while True: item = conn.recv(); if item == 'end': break; print(item)`.
    loop {
        match conn.recv()? {
            Ask::End => break,
            Ask::Text(text) => println!("  worker: {text}"),
            Ask::Bytes(bytes) => println!("  worker: {} bytes", bytes.len()),
        }
        heard += 1;
        // TODO: the lectures' worker only prints. Answer each message on `conn` (see the doc
        // comment above), and say Bye at End before stopping.
    }
    Ok(heard)
}
