//! The lectures' pause between two locks, made certain. Nothing to edit here.
//!
//! The lectures put a `time.sleep` between a thread's two `acquire()`s so that the other thread
//! has time to take its first lock: then each holds one lock and waits for the other's, and the
//! program hangs. A sleep only makes that likely: on a busy machine one thread may take both
//! locks before the other even starts, and the bug hides. [`pause`] makes it certain, the way two
//! trains meet at a crossing: the threads that reach it first wait there for each other (as many
//! as [`arrange`] says, two unless told), then go on together. Only that first meeting waits, and
//! never for more than half a second; every later call returns at once. So code that keeps the
//! call costs at most one short wait, whether or not it can deadlock.
//!
//! Under the model checker, [`pause`] does nothing: the checker tries every order of the threads'
//! steps anyway.

use std::sync::{Condvar, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

/// How long the first thread at the meeting waits for the others, at most.
pub const PATIENCE: Duration = Duration::from_millis(500);

#[derive(Debug)]
struct Meeting {
    expected: usize,
    arrived: usize,
    /// Set when everyone expected has arrived, or the first to arrive gave up waiting.
    over: bool,
    /// When the first thread arrived.
    opened: Option<Instant>,
}

static MEETING: Mutex<Meeting> = Mutex::new(Meeting {
    expected: 2,
    arrived: 0,
    over: false,
    opened: None,
});
static MET: Condvar = Condvar::new();

/// Sets how many threads the next meeting at [`pause`] waits for, and opens it.
pub fn arrange(threads: usize) {
    let mut meeting = MEETING.lock().unwrap_or_else(PoisonError::into_inner);
    *meeting = Meeting {
        expected: threads,
        arrived: 0,
        over: false,
        opened: None,
    };
    MET.notify_all();
}

/// The lectures' pause between taking one lock and the next: see the module's documentation.
pub fn pause() {
    let mut meeting = MEETING.lock().unwrap_or_else(PoisonError::into_inner);
    if meeting.over {
        drop(meeting);
        thread::yield_now();
        return;
    }
    meeting.arrived += 1;
    let opened = *meeting.opened.get_or_insert_with(Instant::now);
    while !meeting.over {
        if meeting.arrived >= meeting.expected {
            meeting.over = true;
            MET.notify_all();
            break;
        }
        let left = PATIENCE.saturating_sub(opened.elapsed());
        if left.is_zero() {
            // The others are not coming (they may be waiting for a lock this thread holds).
            meeting.over = true;
            MET.notify_all();
            break;
        }
        meeting = MET
            .wait_timeout(meeting, left)
            .unwrap_or_else(PoisonError::into_inner)
            .0;
    }
}

/// Waits a little before trying again, a different while each time (0 to 2^`attempt` µs, at
/// most about a millisecond): the jitter that ends a livelock. Under the model checker it does
/// nothing (a failed `try_lock` already lets the other threads run).
pub fn back_off(attempt: u32) {
    let most = 1u64 << attempt.min(10);
    thread::sleep(Duration::from_micros(fastrand::u64(0..=most)));
}
