// The checks of lesson 09, run by `cargo xtask check lesson-09`.
//
// Each check starts this package's own binary as the answering child (`start_echo`, with
// `common::package_binary!()`: inside a test, `current_exe()` is the test binary) and talks to
// it on a thread of its own, under a deadline. A conversation that waits for ever (a child that
// never answers, never stops, or a `recv` that waits on a dead peer) fails the check with what it
// was waiting for, and the child is killed and reaped: nothing is left behind. The verdicts do
// not depend on timing: what came back, in which order, and how the child ended.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use common::process::{ChildGuard, Ended, Program, proc_info};
use lesson_09::{Answer, Ask, Connection, MASTER_WORDS, PipeError, start_echo};

/// How long a conversation may take before it counts as stuck: far more than it needs (a few
/// milliseconds), so that only a real hang reaches it.
const LIMIT: Duration = Duration::from_secs(5);

type Parent = Connection<Ask, Answer>;

fn program() -> Program {
    common::package_binary!()
}

fn start() -> (ChildGuard, Parent) {
    start_echo(&program()).expect("start_echo failed")
}

fn text(s: impl Into<String>) -> Ask {
    Ask::Text(s.into())
}

/// What a conversation is waiting for, and what it means if it never comes: for the message
/// when it waits too long.
#[derive(Clone, Default)]
struct Stage(Arc<Mutex<(String, String)>>);

impl Stage {
    fn set(&self, waiting_for: impl Into<String>, meaning: &str) {
        *self.0.lock().unwrap() = (waiting_for.into(), meaning.to_string());
    }
    fn get(&self) -> (String, String) {
        self.0.lock().unwrap().clone()
    }
}

/// Runs `talk` on a thread and waits at most [`LIMIT`] for it. If it is still waiting then, the
/// child is killed and reaped and the check fails, saying what the conversation was waiting for
/// and what that means.
fn within<T: Send + 'static>(
    child: &mut ChildGuard,
    stage: &Stage,
    talk: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (done, result) = mpsc::channel();
    thread::spawn(move || {
        let _ = done.send(talk());
    });
    match result.recv_timeout(LIMIT) {
        Ok(value) => value,
        Err(mpsc::RecvTimeoutError::Timeout) => {
            let _ = child.kill_and_reap();
            let (waiting_for, meaning) = stage.get();
            panic!(
                "waited {} s for {waiting_for}, and nothing came: {meaning} (the child was \
                 killed and reaped)",
                LIMIT.as_secs()
            )
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            let _ = child.kill_and_reap();
            panic!(
                "the conversation panicked while waiting for {} (see above)",
                stage.get().0
            )
        }
    }
}

/// Sends `ask` and waits for its answer, saying what it waits for.
fn ask(conn: &Parent, stage: &Stage, ask: Ask, about: &str) -> Result<Answer, String> {
    conn.send(ask)
        .map_err(|e| format!("sending {about} failed: {e}"))?;
    stage.set(format!("the answer to {about}"), NO_ANSWER);
    conn.recv()
        .map_err(|e| format!("waiting for the answer to {about}, recv failed: {e}"))
}

const NO_ANSWER: &str = "the child must answer each message it receives (the lectures' worker \
                         only prints it; ours answers Heard { n, text })";

#[test]
fn answers_arrive_in_order() {
    let (mut child, conn) = start();
    let stage = Stage::default();
    let s = stage.clone();
    let outcome = within(&mut child, &stage, move || -> Result<_, String> {
        let mut sent = Vec::new();
        let mut answers = Vec::new();
        // The lectures' master and worker, one message at a time.
        for word in MASTER_WORDS {
            answers.push(ask(&conn, &s, text(word), &format!("{word:?}"))?);
            sent.push(word.to_string());
        }
        // Then fifty at once, before reading any of their answers.
        for i in 0..50 {
            let line = format!("line {i}");
            conn.send(text(line.clone()))
                .map_err(|e| format!("sending {line:?} failed: {e}"))?;
            sent.push(line);
        }
        for line in &sent[MASTER_WORDS.len()..] {
            s.set(
                format!("the answer to {line:?} (sent with 49 others before reading)"),
                NO_ANSWER,
            );
            answers.push(conn.recv().map_err(|e| format!("recv failed: {e}"))?);
        }
        Ok((sent, answers))
    });
    let (sent, answers) = outcome.unwrap_or_else(|e| panic!("{e}"));
    for (i, (line, answer)) in sent.iter().zip(&answers).enumerate() {
        let expected = Answer::Heard {
            n: i as u64,
            text: line.clone(),
        };
        assert!(
            *answer == expected,
            "answer number {i} was {answer:?}, expected {expected:?}: a pipe delivers in order, \
             so the child must answer each message, once, in the order they came (n counts the \
             messages heard before this one)"
        );
    }
}

#[test]
fn end_ends_both_sides_cleanly() {
    let (mut child, conn) = start();
    let pid = child.id();
    let stage = Stage::default();
    let s = stage.clone();
    let outcome = within(&mut child, &stage, move || -> Result<(), String> {
        let first = ask(&conn, &s, text("hello,"), "\"hello,\"")?;
        if first
            != (Answer::Heard {
                n: 0,
                text: "hello,".into(),
            })
        {
            return Err(format!(
                "the first answer was {first:?}, not Heard {{ n: 0, text: \"hello,\" }}"
            ));
        }
        conn.send(Ask::End)
            .map_err(|e| format!("sending End failed: {e}"))?;
        s.set(
            "Bye, the answer to End",
            "at End the child must answer Bye { heard } before it stops (and had it stopped \
                 without a word, recv should have said PeerGone rather than wait on)",
        );
        match conn.recv() {
            Ok(Answer::Bye { heard: 1 }) => {}
            Ok(other) => {
                return Err(format!(
                    "End was answered with {other:?}, not Bye {{ heard: 1 }} (one message \
                         heard before End)"
                ));
            }
            Err(e) => {
                return Err(format!(
                    "{e}. The child hung up at End without saying Bye: answer End with \
                         Bye {{ heard }} before stopping"
                ));
            }
        }
        s.set(
            "the child's end to close after its Bye (recv should then say PeerGone)",
            "after Bye the child must stop: return from its loop, which closes its end of \
                 the pipe and ends its process. (Or recv waits on although the other end is \
                 gone: a hang-up must be PeerGone)",
        );
        match conn.recv() {
            Err(PipeError::PeerGone) => Ok(()),
            Err(e) => Err(format!(
                "after Bye, recv failed with {e:?}, not PeerGone: a peer that has hung up \
                     is PeerGone"
            )),
            Ok(more) => Err(format!(
                "after its Bye the child sent {more:?}: Bye is its last word"
            )),
        }
    });
    outcome.unwrap_or_else(|e| panic!("{e}"));
    let ended = child.wait_timeout(LIMIT).expect("waiting for the child");
    match ended {
        Some(Ended::Exited(0)) => {}
        Some(other) => panic!(
            "after End and Bye, the child {other}, not with code 0: a clean end is a normal exit"
        ),
        None => {
            let _ = child.kill_and_reap();
            panic!(
                "the child closed its end but was still running {} s after End (killed now): \
                 after Bye it must return, and its process end",
                LIMIT.as_secs()
            )
        }
    }
    assert!(
        proc_info(pid).is_none(),
        "the child ended but is still in /proc: it was not reaped"
    );
}

/// A megabyte of bytes that are not all alike (a xorshift sequence), so that a piece lost or
/// moved shows.
fn megabyte() -> Vec<u8> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..1 << 20)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

#[test]
fn a_megabyte_passes_both_ways() {
    let (mut child, conn) = start();
    let stage = Stage::default();
    let s = stage.clone();
    let big = megabyte();
    let sent = big.clone();
    let outcome = within(&mut child, &stage, move || {
        ask(&conn, &s, Ask::Bytes(sent), "a 1 MiB Bytes message")
    });
    match outcome.unwrap_or_else(|e| panic!("{e}")) {
        Answer::Bytes(back) if back == big => {}
        Answer::Bytes(back) => {
            let first = back
                .iter()
                .zip(&big)
                .position(|(a, b)| a != b)
                .unwrap_or(back.len().min(big.len()));
            panic!(
                "sent 1 MiB ({} bytes), got back {} bytes that differ from byte {first} on: \
                 a message must arrive whole and unchanged",
                big.len(),
                back.len()
            )
        }
        other => panic!("a 1 MiB Bytes message was answered with {other:?}, not the same Bytes"),
    }
}

#[test]
fn a_dead_peer_is_an_error_not_a_hang() {
    let (mut child, conn) = start();
    let stage = Stage::default();
    let s = stage.clone();
    let conn = within(&mut child, &stage, move || {
        let answer = ask(&conn, &s, text("Is"), "\"Is\"");
        (conn, answer)
    });
    let (conn, answer) = conn;
    answer.unwrap_or_else(|e| panic!("{e}"));
    // Mid-conversation, the child is waiting for our next message: kill it.
    let killed = child.kill_and_reap().expect("killing the child");
    assert!(
        killed == Ended::Signalled(9),
        "the child was to be killed mid-conversation, but it had already {killed}"
    );
    stage.set(
        "recv on a connection whose peer was killed to fail with PeerGone",
        "the other process is dead, so nothing will ever come: recv must notice that the other \
         end is gone (ipc-channel says Disconnected) and return PeerGone, not wait on",
    );
    let got = within(&mut child, &stage, move || conn.recv());
    match got {
        Err(PipeError::PeerGone) => {}
        Err(other) => panic!(
            "recv on a connection whose peer was killed failed with {other:?}: say PeerGone, so \
             that the caller knows the other side is gone"
        ),
        Ok(message) => panic!(
            "recv on a connection whose peer was killed returned {message:?}, a message nobody sent"
        ),
    }
}
