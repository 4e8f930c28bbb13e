//! A timer: an action that runs once, after a delay, unless it is cancelled first (the
//! lectures' `threading.Timer(interval, function)` with `start()` and `cancel()`).

use std::thread::{self, JoinHandle};
use std::time::Duration;

/// An action waiting on its own thread to run once, `delay` after [`start`](Timer::start).
#[derive(Debug)]
// The field is read once you write `cancel`.
#[allow(dead_code)]
pub struct Timer {
    // TODO: what `cancel` needs to reach the waiting thread.
    thread: JoinHandle<()>,
}

impl Timer {
    /// Starts a thread that runs `action` once, after `delay`, unless the timer is cancelled
    /// before then.
    pub fn start(delay: Duration, action: impl FnOnce() + Send + 'static) -> Timer {
        let thread = thread::Builder::new()
            .name("timer".into())
            .spawn(move || {
                // TODO: nothing can wake a sleeping thread early, so nothing can cancel this
                // one. Wait for the delay *or* a cancellation, whichever comes first.
                thread::sleep(delay);
                action();
            })
            .expect("spawn the timer's thread");
        Timer { thread }
    }

    /// Cancels the timer: if its action has not run yet, it never will. Returns at once,
    /// without waiting out the delay, and the timer's thread ends at once too. Cancelling a
    /// timer that has fired already does nothing.
    pub fn cancel(&self) {
        // TODO
        todo!("Timer::cancel")
    }
}
