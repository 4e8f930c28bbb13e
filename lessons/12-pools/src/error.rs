//! What can go wrong with a task handed to a pool, as types (you do not need to change this file).

use std::any::Any;
use std::time::Duration;

/// Why a task gave no result.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaskError {
    /// The task panicked; the panic's message. The pool caught it and went on.
    #[error("the task panicked: {0}")]
    Panicked(String),
    /// The task's result never came: the pool dropped the task without running it, or the
    /// thread running it died before it could send its result.
    #[error("the task's result was lost: the pool dropped the task or its worker died")]
    Lost,
}

/// Why `get_timeout` (or `Imap::next_timeout`) gave no result.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GetTimeoutError {
    /// The task did not finish within the time given (Python's `multiprocessing.TimeoutError`).
    /// It goes on running: ask again later.
    #[error("the task did not finish within {0:?}")]
    Timeout(Duration),
    /// The task finished without a result.
    #[error(transparent)]
    Task(#[from] TaskError),
}

/// The message of a panic, from the payload that `std::panic::catch_unwind` returns:
/// `panic!("literal")` carries a `&str`, `panic!("{x}")` a `String`, anything else neither.
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(message) = payload.downcast_ref::<&str>() {
        (*message).to_string()
    } else if let Some(message) = payload.downcast_ref::<String>() {
        message.clone()
    } else {
        "a panic with a payload that is not a message".to_string()
    }
}
