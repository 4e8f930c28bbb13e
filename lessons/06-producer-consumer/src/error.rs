//! What a queue answers when it cannot do what was asked. Nothing to edit here.
//!
//! Python raises exceptions: `queue.Full` and `queue.Empty` when a timeout runs out, and (since
//! Python 3.13) `queue.ShutDown` once the queue is shut down. Rust returns them as values, the
//! way `crossbeam_channel` does (`SendError`, `RecvError`, `RecvTimeoutError`), so that the
//! caller sees in the type what can go wrong and has to decide what to do about it.

use std::fmt;

/// [`put`](crate::Queue::put) on a closed queue. The item was not queued: it comes back to
/// the caller, who still owns it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PutError<T>(pub T);

/// [`get`](crate::Queue::get) on a queue that is closed and has nothing left in it: no item
/// will ever come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GetError;

/// Why [`get_timeout`](crate::Queue::get_timeout) came back without an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GetTimeoutError {
    /// Nothing arrived before the timeout ran out (Python's `queue.Empty`).
    Timeout,
    /// The queue is closed and has nothing left in it: nothing will ever arrive.
    Closed,
}

// Not derived: the item need not be printable, and the message is about the queue anyway.
impl<T> fmt::Debug for PutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PutError(..)")
    }
}

impl<T> fmt::Display for PutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("put on a closed queue")
    }
}

impl fmt::Display for GetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("get on a closed, empty queue")
    }
}

impl fmt::Display for GetTimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GetTimeoutError::Timeout => f.write_str("timed out waiting for an item"),
            GetTimeoutError::Closed => f.write_str("get on a closed, empty queue"),
        }
    }
}

impl<T> std::error::Error for PutError<T> {}
impl std::error::Error for GetError {}
impl std::error::Error for GetTimeoutError {}
