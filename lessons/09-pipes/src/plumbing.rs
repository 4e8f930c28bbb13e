//! The plumbing of the lesson: the messages, the `Connection` type and its sending half, the
//! `pipe()` that makes two connected ends, the OS pipe through a child's stdin and stdout, and
//! what each child process does in its role. You do not need to change this file; `lib.rs` is
//! where you work.

use std::io::{self, BufRead, BufReader, Write};
use std::process::{ExitCode, Stdio};
use std::thread;
use std::time::Duration;

use common::handoff::{args_from_parent, spawn_with};
use common::process::{ChildGuard, ProcessError, Program};
use ipc_channel::IpcError;
use ipc_channel::ipc::{self, IpcReceiver, IpcSender};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// Role of the child that answers each message until [`Ask::End`] (your [`crate::serve`]).
pub const ECHO: &str = "echo";
/// Role of a child that upper-cases the lines of its stdin onto its stdout (the OS pipe).
pub const SHOUT: &str = "shout";
/// Role of the lectures' sender: sends its words on its end of a pipe, one a moment.
pub const SENDER: &str = "sender";
/// Role of the lectures' receiver: prints what arrives on its end until `"END"`.
pub const RECEIVER: &str = "receiver";
/// Role of the benchmark's sink: counts what arrives until [`Ask::End`], then says how many.
pub const SINK: &str = "sink";

/// How long a child may take to start and connect: generous, since a loaded machine can take a
/// while to start a process; a child that dies first is noticed at once anyway.
pub const CONNECT_DEADLINE: Duration = Duration::from_secs(20);

/// What the parent (the lectures' master) says to the child.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Ask {
    /// A line of text: the child answers [`Answer::Heard`].
    Text(String),
    /// Some bytes: the child sends them back as they are, in [`Answer::Bytes`].
    Bytes(Vec<u8>),
    /// The end of the conversation (the lectures' `"end"`): the child answers [`Answer::Bye`]
    /// and stops.
    End,
}

/// What the child (the lectures' worker) answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Answer {
    /// "I heard message number `n` (counting from 0), and it said `text`."
    Heard {
        /// How many messages the child had heard before this one.
        n: u64,
        /// The text it heard.
        text: String,
    },
    /// The bytes of an [`Ask::Bytes`], sent back.
    Bytes(Vec<u8>),
    /// The answer to [`Ask::End`]: how many messages the child heard before it, End excluded.
    Bye {
        /// Messages heard before End.
        heard: u64,
    },
}

/// What can go wrong on a connection.
#[derive(Debug, thiserror::Error)]
pub enum PipeError {
    /// The other end is closed: its process ended (or was killed), or it dropped its end.
    #[error("the other end hung up: its process has ended, or it closed its end of the pipe")]
    PeerGone,
    /// `ipc-channel` failed in another way (a message that could not be encoded or decoded).
    #[error("ipc-channel: {0}")]
    Ipc(String),
    /// Starting or waiting for a child failed.
    #[error(transparent)]
    Process(#[from] ProcessError),
    /// The OS said no.
    #[error(transparent)]
    Io(#[from] io::Error),
}

impl PipeError {
    /// Reads an `ipc-channel` error: "disconnected" (every sender of the channel is gone) and a
    /// broken socket both mean that the peer has hung up.
    pub fn from_ipc(error: IpcError) -> PipeError {
        match error {
            IpcError::Disconnected => PipeError::PeerGone,
            IpcError::Io(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::BrokenPipe
                        | io::ErrorKind::ConnectionReset
                        | io::ErrorKind::ConnectionRefused
                ) =>
            {
                PipeError::PeerGone
            }
            other => PipeError::Ipc(other.to_string()),
        }
    }
}

/// One end of a duplex pipe: it sends `S` to the other end and receives `R` from it (Python's
/// `Connection`, with the types of the messages written down).
///
/// An end can travel to another process inside a message (it is `Serialize`): it arrives there
/// as a working end of the same pipe. Python does the same when a `Connection` is passed in a
/// `Process`'s `args`.
#[derive(Serialize, Deserialize)]
#[serde(bound = "")]
pub struct Connection<S, R> {
    /// The sending half: the channel towards the other end.
    pub(crate) to_peer: IpcSender<S>,
    /// The receiving half: the channel from the other end. An `IpcReceiver` is not `Clone`: an
    /// end has exactly one reader.
    pub(crate) from_peer: IpcReceiver<R>,
}

impl<S, R> Connection<S, R>
where
    S: Serialize + DeserializeOwned,
    R: Serialize + DeserializeOwned,
{
    /// Sends a message to the other end (Python's `conn.send(obj)`). It does not wait for the
    /// other end to read it. A peer that has gone is [`PipeError::PeerGone`].
    pub fn send(&self, message: S) -> Result<(), PipeError> {
        self.to_peer.send(message).map_err(PipeError::from_ipc)
    }
}

/// Python's `Pipe()`: two connected ends. What one end sends, the other receives, in order, in
/// each direction. Two channels, crossed: `a`'s sender is `b`'s receiver's channel, and the
/// other way round.
// The pair of ends is the clearest way to say it, as Python's `a, b = Pipe()` does.
#[allow(clippy::type_complexity)]
pub fn pipe<A, B>() -> Result<(Connection<A, B>, Connection<B, A>), PipeError>
where
    A: Serialize + DeserializeOwned,
    B: Serialize + DeserializeOwned,
{
    let (a_to_b, b_from_a) = ipc::channel::<A>()?;
    let (b_to_a, a_from_b) = ipc::channel::<B>()?;
    Ok((
        Connection {
            to_peer: a_to_b,
            from_peer: a_from_b,
        },
        Connection {
            to_peer: b_to_a,
            from_peer: b_from_a,
        },
    ))
}

/// Starts a child in `role` and hands it one end of a new pipe (as Python passes `child_conn`
/// in `Process(target=..., args=(child_conn,))`); returns the child's guard and our end.
pub fn start_child<A, B>(
    program: &Program,
    role: &str,
) -> Result<(ChildGuard, Connection<A, B>), PipeError>
where
    A: Serialize + DeserializeOwned + Send + 'static,
    B: Serialize + DeserializeOwned + Send + 'static,
{
    let (ours, theirs) = pipe::<A, B>()?;
    // `theirs` is moved into the child: we keep no copy of its ends, so when that child is gone
    // its ends are closed, and ours can tell.
    let child = spawn_with(program.role(role), theirs, CONNECT_DEADLINE)?;
    Ok((child, ours))
}

/// Starts the child that answers (role [`ECHO`], which runs your [`crate::serve`]) and returns
/// its guard and the parent's end of the connection.
pub fn start_echo(program: &Program) -> Result<(ChildGuard, Connection<Ask, Answer>), PipeError> {
    start_child(program, ECHO)
}

/// The OS's own pipe, before any typed messages: starts a child (role [`SHOUT`]) whose stdin
/// and stdout are pipes, writes `lines` into one and reads the child's answers from the other.
///
/// An OS pipe is a stream of bytes with a small buffer (64 KiB on Linux): the writer waits when
/// it is full, the reader when it is empty, and the reader sees the end of the stream (EOF) when
/// every writer has closed its end. So we write on a thread of our own while we read: had we
/// written everything first, a long enough input would fill both pipes, and the child (waiting
/// for us to read) and we (waiting for it to read) would wait for each other forever.
pub fn shout(program: &Program, lines: &[String]) -> Result<Vec<String>, PipeError> {
    let mut child = program
        .role(SHOUT)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let mut stdin = child.take_stdin().expect("stdin was piped");
    let stdout = child.take_stdout().expect("stdout was piped");
    let lines = lines.to_vec();
    let writer = thread::spawn(move || -> io::Result<()> {
        for line in lines {
            writeln!(stdin, "{line}")?;
        }
        // `stdin` is dropped here: the pipe is closed, and the child reads EOF.
        Ok(())
    });
    let answers = BufReader::new(stdout)
        .lines()
        .collect::<io::Result<Vec<String>>>()?;
    writer.join().expect("the writing thread panicked")?;
    child.wait()?;
    Ok(answers)
}

/// The lectures' words for the sender/receiver example.
pub const SENDER_WORDS: [&str; 4] = ["hello,", "how", "are you?", "END"];

/// The lectures' words for the master/worker example (`"end"` is [`Ask::End`] here).
pub const MASTER_WORDS: [&str; 3] = ["Is", "this", "on?"];

/// The `__main__` guard: call it first thing in `main`. In the original process it returns
/// `None` and `main` goes on; in a child it does the child's role and returns its exit code.
pub fn child_main() -> Option<ExitCode> {
    common::handoff::child_main(run_role)
}

fn run_role(role: &str) -> Result<(), String> {
    let text = |e: PipeError| e.to_string();
    match role {
        ECHO => {
            let conn: Connection<Answer, Ask> = args_from_parent().map_err(|e| e.to_string())?;
            crate::serve(conn).map_err(text)?;
        }
        SINK => {
            let conn: Connection<Answer, Ask> = args_from_parent().map_err(|e| e.to_string())?;
            let mut heard = 0;
            while conn
                .from_peer
                .recv()
                .map_err(PipeError::from_ipc)
                .map_err(text)?
                != Ask::End
            {
                heard += 1;
            }
            conn.send(Answer::Bye { heard }).map_err(text)?;
        }
        SHOUT => {
            for line in io::stdin().lock().lines() {
                let line = line.map_err(|e| e.to_string())?;
                println!("{}", line.to_uppercase());
            }
        }
        SENDER => {
            // The lectures' `sender(conn, msgs)`: one word a moment, then close.
            let (conn, pause): (Connection<String, String>, Duration) =
                args_from_parent().map_err(|e| e.to_string())?;
            for word in SENDER_WORDS {
                thread::sleep(pause);
                conn.send(word.to_string()).map_err(text)?;
                println!("  sender:   sent the message: {word}");
            }
        }
        RECEIVER => {
            // The lectures' `receiver(conn)`: print what arrives until "END".
            let conn: Connection<String, String> = args_from_parent().map_err(|e| e.to_string())?;
            loop {
                let word = conn
                    .from_peer
                    .recv()
                    .map_err(PipeError::from_ipc)
                    .map_err(text)?;
                if word == "END" {
                    break;
                }
                println!("  receiver: received the message: {word}");
            }
        }
        other => return Err(format!("unknown role {other:?}")),
    }
    Ok(())
}
