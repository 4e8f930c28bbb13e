//! An event: a flag that threads can wait for (the lectures' `threading.Event`), built from a
//! mutex and a condition variable, as the lectures say: "events can be implemented using
//! conditions".

use std::time::Duration;

use super::sync::{Condvar, Mutex};

/// A flag that starts cleared. [`set`](Event::set) raises it and wakes every thread that
/// [`wait`](Event::wait)s for it; [`clear`](Event::clear) lowers it, so that later waiters block
/// again.
#[derive(Debug, Default)]
// The condition variable is used once you write `set` and `wait`.
#[allow(dead_code)]
pub struct Event {
    // TODO: the state your event needs (a flag may be enough). Keep it in the mutex, so that
    // checking it and going to sleep happen under one lock, and derive Debug on whatever you
    // keep there: the model checker prints it when it finds a bug.
    flag: Mutex<bool>,
    changed: Condvar,
}

impl Event {
    /// A new event, not set.
    pub fn new() -> Self {
        Event {
            flag: Mutex::new(false),
            changed: Condvar::new(),
        }
    }

    /// Whether the event is set now.
    pub fn is_set(&self) -> bool {
        *self.flag.lock().unwrap()
    }

    /// Sets the event and wakes every thread waiting for it.
    pub fn set(&self) {
        // TODO: raise the flag, then wake the waiters (all of them: each may be waiting).
        todo!("Event::set")
    }

    /// Clears the event: threads that wait from now on block until it is set again.
    pub fn clear(&self) {
        // TODO
        todo!("Event::clear")
    }

    /// Blocks until the event is set; returns at once if it is set already.
    pub fn wait(&self) {
        // TODO: sleep on the condition variable while the flag is down. A wake-up is only a
        // hint (it may be spurious): check the flag again each time you wake.
        todo!("Event::wait")
    }

    /// Like [`wait`](Event::wait), but gives up after `timeout`. Returns whether the event is
    /// set (`false`: it timed out), like Python's `event.wait(timeout)`.
    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        // TODO: the condition variable can wait with a timeout too; a spurious wake-up must not
        // restart the whole timeout.
        let _ = timeout;
        todo!("Event::wait_timeout")
    }
}
