//! Lesson 05's Event with a lost wake-up: the flag lives outside the mutex, so a waiter can
//! look at it, find it down, and go to sleep just after set() has notified nobody.

use std::time::Duration;

use super::sync::atomic::{AtomicBool, Ordering};
use super::sync::{Condvar, Mutex};

/// A flag that threads can wait for (with a lost wake-up).
#[derive(Debug, Default)]
pub struct Event {
    flag: AtomicBool,
    lock: Mutex<()>,
    changed: Condvar,
}

impl Event {
    /// A new event, not set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether the event is set now.
    pub fn is_set(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }

    /// Sets the event and wakes the waiters (without the lock: the bug).
    pub fn set(&self) {
        self.flag.store(true, Ordering::SeqCst);
        self.changed.notify_all();
    }

    /// Clears the event.
    pub fn clear(&self) {
        self.flag.store(false, Ordering::SeqCst);
    }

    /// Waits until the event is set: looks at the flag, then locks and sleeps. A set() between
    /// the look and the sleep is lost.
    pub fn wait(&self) {
        while !self.flag.load(Ordering::SeqCst) {
            let guard = self.lock.lock().unwrap();
            drop(self.changed.wait(guard).unwrap());
        }
    }

    /// Like wait, with a timeout.
    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        let deadline = std::time::Instant::now() + timeout;
        while !self.flag.load(Ordering::SeqCst) {
            let now = std::time::Instant::now();
            if now >= deadline {
                return false;
            }
            let guard = self.lock.lock().unwrap();
            drop(self.changed.wait_timeout(guard, deadline - now).unwrap());
        }
        true
    }
}
