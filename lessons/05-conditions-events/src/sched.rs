//! The lectures' `sched` module in Rust: a scheduler of actions at given times, with priorities
//! and cancellation. Nothing to edit here; read it as a worked example.
//!
//! Python's `sched.scheduler(time.time, time.sleep)` runs its events in order and *sleeps*
//! between them, which is one of the "traps" the lectures mention: while `run()` sleeps until
//! the next event, an earlier event entered from another thread waits until the sleep is over.
//! This scheduler sleeps on a condition variable with a timeout instead, so entering or
//! cancelling an event wakes `run()` at once, and it looks again at what is due.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

/// The id of a scheduled action, for [`Scheduler::cancel`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EventId(u64);

struct Entry {
    time: Instant,
    priority: i32,
    id: EventId,
    action: Box<dyn FnOnce() + Send>,
}

impl Entry {
    fn key(&self) -> (Instant, i32, EventId) {
        (self.time, self.priority, self.id)
    }
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

#[derive(Default)]
struct Queue {
    // The earliest entry (then the lowest priority number, then the first entered) on top.
    entries: BinaryHeap<Reverse<Entry>>,
    next_id: u64,
}

/// Actions to run at given times, in time order; at the same time, lower priority numbers
/// first (as in `sched`). Share it between threads by reference or `Arc`.
#[derive(Default)]
pub struct Scheduler {
    queue: Mutex<Queue>,
    changed: Condvar,
}

impl std::fmt::Debug for Scheduler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scheduler")
            .field("pending", &self.len())
            .finish()
    }
}

impl Scheduler {
    /// An empty scheduler.
    pub fn new() -> Self {
        Self::default()
    }

    /// Schedules `action` to run `delay` from now (`sched.enter`).
    pub fn enter(
        &self,
        delay: Duration,
        priority: i32,
        action: impl FnOnce() + Send + 'static,
    ) -> EventId {
        self.enter_at(Instant::now() + delay, priority, action)
    }

    /// Schedules `action` to run at `time` (`sched.enterabs`).
    pub fn enter_at(
        &self,
        time: Instant,
        priority: i32,
        action: impl FnOnce() + Send + 'static,
    ) -> EventId {
        let mut queue = self.queue.lock().unwrap();
        let id = EventId(queue.next_id);
        queue.next_id += 1;
        queue.entries.push(Reverse(Entry {
            time,
            priority,
            id,
            action: Box::new(action),
        }));
        // `run` may be asleep until a later event: let it look again.
        self.changed.notify_all();
        id
    }

    /// Removes a scheduled action; returns whether it was still waiting (`sched.cancel`).
    pub fn cancel(&self, id: EventId) -> bool {
        let mut queue = self.queue.lock().unwrap();
        let before = queue.entries.len();
        queue.entries.retain(|Reverse(entry)| entry.id != id);
        let removed = queue.entries.len() < before;
        self.changed.notify_all();
        removed
    }

    /// How many actions are waiting.
    pub fn len(&self) -> usize {
        self.queue.lock().unwrap().entries.len()
    }

    /// Whether no action is waiting (`sched.empty`).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Runs every action when it is due, until none is left (`sched.run`). The actions run on
    /// the calling thread, one at a time, without the scheduler's lock held, so that an action
    /// may enter or cancel others.
    pub fn run(&self) {
        let mut queue = self.queue.lock().unwrap();
        loop {
            let Some(Reverse(next)) = queue.entries.peek() else {
                return;
            };
            let now = Instant::now();
            if next.time <= now {
                let Reverse(entry) = queue.entries.pop().expect("peeked");
                drop(queue);
                (entry.action)();
                queue = self.queue.lock().unwrap();
            } else {
                // Sleep until the next action is due, or until someone enters or cancels one.
                let wait = next.time - now;
                queue = self.changed.wait_timeout(queue, wait).unwrap().0;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn runs_in_time_then_priority_order_and_skips_the_cancelled() {
        let scheduler = Scheduler::new();
        let order = Arc::new(Mutex::new(Vec::new()));
        let push = |label: &'static str| {
            let order = Arc::clone(&order);
            move || order.lock().unwrap().push(label)
        };
        let at = Instant::now() + Duration::from_millis(20);
        scheduler.enter_at(at, 2, push("second"));
        scheduler.enter_at(at, 1, push("first"));
        scheduler.enter(Duration::from_millis(1), 5, push("earliest"));
        let gone = scheduler.enter(Duration::from_millis(5), 0, push("cancelled"));
        assert!(scheduler.cancel(gone));
        assert!(!scheduler.cancel(gone));
        scheduler.run();
        assert_eq!(*order.lock().unwrap(), ["earliest", "first", "second"]);
        assert!(scheduler.is_empty());
    }
}
