//! Lesson 09's solution with a receive loop that ignores its end message (a mutant). The plumbing is the lesson's own `plumbing.rs`,
//! compiled here too.

#[path = "../../../lessons/09-pipes/src/plumbing.rs"]
mod plumbing;

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
        // `recv` blocks until a message comes or every sender of the channel is gone; the only
        // sender of ours lives in the other process, so its death closes it.
        self.from_peer.recv().map_err(PipeError::from_ipc)
    }
}

/// The child's side of the conversation (role [`ECHO`]): answers each message, in order, and
/// stops at [`Ask::End`]. Returns how many messages it heard before `End`.
pub fn serve(conn: Connection<Answer, Ask>) -> Result<u64, PipeError> {
    let mut heard = 0;
    loop {
        let answer = match conn.recv()? {
            // THE BUG: End is answered, politely, but the loop goes on waiting for more: the
            // child never returns, its ends stay open, its process never exits.
            Ask::End => {
                conn.send(Answer::Bye { heard })?;
                continue;
            }
            Ask::Text(text) => Answer::Heard { n: heard, text },
            Ask::Bytes(bytes) => Answer::Bytes(bytes),
        };
        conn.send(answer)?;
        heard += 1;
    }
}
