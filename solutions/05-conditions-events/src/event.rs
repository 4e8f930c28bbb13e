//! An event: a flag that threads can wait for (the lectures' `threading.Event`), built from a
//! mutex and a condition variable, as the lectures say: "events can be implemented using
//! conditions".

use std::time::Duration;

use super::sync::{Condvar, Mutex};

/// A flag that starts cleared. [`set`](Event::set) raises it and wakes every thread that
/// [`wait`](Event::wait)s for it; [`clear`](Event::clear) lowers it, so that later waiters block
/// again.
#[derive(Debug, Default)]
pub struct Event {
    // The flag lives in the mutex: a waiter checks it and goes to sleep under one lock, so a
    // `set` cannot slip in between (which would be a lost wake-up).
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
        *self.flag.lock().unwrap() = true;
        // Every waiter waits for the same thing: wake them all (notify_one would wake one).
        self.changed.notify_all();
    }

    /// Clears the event: threads that wait from now on block until it is set again.
    pub fn clear(&self) {
        *self.flag.lock().unwrap() = false;
    }

    /// Blocks until the event is set; returns at once if it is set already.
    pub fn wait(&self) {
        let flag = self.flag.lock().unwrap();
        // `wait_while` is the lectures' `while not available: wait()`: it checks again after
        // every wake-up, spurious or not.
        drop(self.changed.wait_while(flag, |set| !*set).unwrap());
    }

    /// Like [`wait`](Event::wait), but gives up after `timeout`. Returns whether the event is
    /// set (`false`: it timed out), like Python's `event.wait(timeout)`.
    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        let flag = self.flag.lock().unwrap();
        // One deadline for the whole wait, however often it wakes in between.
        let (flag, _) = self
            .changed
            .wait_timeout_while(flag, timeout, |set| !*set)
            .unwrap();
        *flag
    }
}
