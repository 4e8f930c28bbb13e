//! A timer: an action that runs once, after a delay, unless it is cancelled first (the
//! lectures' `threading.Timer(interval, function)` with `start()` and `cancel()`).

use std::sync::Arc;
use std::thread;
use std::time::Duration;

use crate::event::Event;

/// An action waiting on its own thread to run once, `delay` after [`start`](Timer::start).
#[derive(Debug)]
pub struct Timer {
    // Python's Timer is the same: a thread that waits on an event with a timeout. Setting the
    // event wakes it at once; a timeout means nobody cancelled, so the action runs.
    cancelled: Arc<Event>,
}

impl Timer {
    /// Starts a thread that runs `action` once, after `delay`, unless the timer is cancelled
    /// before then.
    pub fn start(delay: Duration, action: impl FnOnce() + Send + 'static) -> Timer {
        let cancelled = Arc::new(Event::new());
        let waiting = Arc::clone(&cancelled);
        thread::Builder::new()
            .name("timer".into())
            .spawn(move || {
                if !waiting.wait_timeout(delay) {
                    action();
                }
            })
            .expect("spawn the timer's thread");
        Timer { cancelled }
    }

    /// Cancels the timer: if its action has not run yet, it never will. Returns at once,
    /// without waiting out the delay, and the timer's thread ends at once too. Cancelling a
    /// timer that has fired already does nothing.
    pub fn cancel(&self) {
        self.cancelled.set();
    }
}
