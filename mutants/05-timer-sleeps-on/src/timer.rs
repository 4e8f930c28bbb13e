//! Lesson 05's Timer with one bug: its thread sleeps out the delay after a cancel.

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// An action run once after a delay, unless cancelled.
#[derive(Debug)]
pub struct Timer {
    cancelled: Arc<AtomicBool>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Timer {
    /// Starts the timer's thread.
    pub fn start(delay: Duration, action: impl FnOnce() + Send + 'static) -> Timer {
        let cancelled = Arc::new(AtomicBool::new(false));
        let seen = Arc::clone(&cancelled);
        let thread = thread::spawn(move || {
            thread::sleep(delay);
            if !seen.load(Ordering::SeqCst) {
                action();
            }
        });
        Timer {
            cancelled,
            thread: Mutex::new(Some(thread)),
        }
    }

    /// Cancels the timer: its action will not run, but its thread sleeps on.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
        // The handle is dropped, the thread detached: it ends when its sleep does.
        drop(self.thread.lock().unwrap().take());
    }
}
