//! MUTANT: one condition variable for both sides, woken with `notify_one`.
//!
//! A blocking queue with a maximum size, built from a mutex and one condition variable: the
//! lectures' `queue.Queue(maxsize)`, and what every channel is made of underneath.

use std::time::{Duration, Instant};

use super::sync::{Condvar, Mutex, MutexGuard, Traceable};
use crate::error::{GetError, GetTimeoutError, PutError};
use crate::order::{Fifo, Lifo, Lowest, Order};

/// First in, first out: Python's `Queue(maxsize)`.
pub type BoundedQueue<T> = Queue<Fifo<T>>;
/// Last in, first out: Python's `LifoQueue(maxsize)`.
pub type LifoQueue<T> = Queue<Lifo<T>>;
/// Lowest first: Python's `PriorityQueue(maxsize)`; put `(priority, data)` tuples in it.
pub type PriorityQueue<T> = Queue<Lowest<T>>;

/// A queue that many threads may put into and get from at once. It holds at most `capacity`
/// items: [`put`](Queue::put) blocks while it is full, [`get`](Queue::get) while it is empty.
/// [`close`](Queue::close) ends it: blocked and later calls fail, except that getters still
/// receive the items that were queued before it closed.
///
/// The order items come out in is `O`'s: [`BoundedQueue`], [`LifoQueue`], [`PriorityQueue`].
/// (`Traceable` asks nothing of `O` here; under the model checker it asks for `Debug`, so that
/// a failing schedule can print what the queue held.)
#[derive(Debug)]
pub struct Queue<O: Order + Traceable> {
    state: Mutex<State<O>>,
    /// THE BUG: getters and putters wait on the same condition variable, and every change
    /// wakes only one of them, which may be on the wrong side.
    changed: Condvar,
    capacity: usize,
}

/// What the mutex protects: the items, and whether the queue is closed.
#[derive(Debug)]
struct State<O> {
    items: O,
    closed: bool,
}

impl<O: Order + Default + Traceable> Queue<O> {
    /// An empty queue that holds at most `capacity` items (at least 1; `usize::MAX` for no
    /// limit, where Python would say `maxsize=0`).
    pub fn new(capacity: usize) -> Self {
        assert!(capacity > 0, "a queue must have room for at least one item");
        Queue {
            state: Mutex::new(State {
                items: O::default(),
                closed: false,
            }),
            changed: Condvar::new(),
            capacity,
        }
    }
}

impl<O: Order + Traceable> Queue<O> {
    fn state(&self) -> MutexGuard<'_, State<O>> {
        // Nothing that can panic runs while this lock is held (unless an item's own `Ord`
        // panics inside a priority queue), so a poisoned lock means a broken program.
        self.state
            .lock()
            .expect("a thread panicked inside the queue's lock")
    }

    /// The most items the queue holds at once.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// How many items the queue holds now (already stale when you read it, as Python's
    /// `qsize()` warns).
    pub fn len(&self) -> usize {
        self.state().items.len()
    }

    /// Whether the queue holds no items now.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether [`close`](Queue::close) has been called.
    pub fn is_closed(&self) -> bool {
        self.state().closed
    }

    /// Puts `item` in the queue, first waiting while it is full. Fails, giving the item back,
    /// if the queue is closed (before or while waiting).
    pub fn put(&self, item: O::Item) -> Result<(), PutError<O::Item>> {
        let state = self.state();
        // `wait_while` re-checks after every wake-up: a wake-up only says "look again" (it may
        // be spurious, or another putter may have taken the room first).
        let mut state = self
            .changed
            .wait_while(state, |s| !s.closed && s.items.len() >= self.capacity)
            .expect("a thread panicked inside the queue's lock");
        if state.closed {
            return Err(PutError(item));
        }
        state.items.push(item);
        drop(state);
        // One new item: wake one waiter (a getter, one hopes).
        self.changed.notify_one();
        Ok(())
    }

    /// Takes the next item, first waiting while the queue is empty. Fails once the queue is
    /// closed and empty; items queued before `close` are still handed out.
    pub fn get(&self) -> Result<O::Item, GetError> {
        let state = self.state();
        let mut state = self
            .changed
            .wait_while(state, |s| !s.closed && s.items.is_empty())
            .expect("a thread panicked inside the queue's lock");
        // Awake and nothing to take: the queue is closed.
        let item = state.items.pop().ok_or(GetError)?;
        drop(state);
        self.changed.notify_one();
        Ok(item)
    }

    /// Like [`get`](Queue::get), but gives up after `timeout` (Python's
    /// `get(block=True, timeout=...)`), returning [`GetTimeoutError::Timeout`].
    pub fn get_timeout(&self, timeout: Duration) -> Result<O::Item, GetTimeoutError> {
        // A wait may end early (spuriously, or because another getter took the item), so wait
        // until a deadline, not for `timeout` again after every wake-up.
        let deadline = Instant::now().checked_add(timeout);
        let mut state = self.state();
        loop {
            if let Some(item) = state.items.pop() {
                drop(state);
                self.changed.notify_one();
                return Ok(item);
            }
            if state.closed {
                return Err(GetTimeoutError::Closed);
            }
            let left = match deadline {
                Some(deadline) => deadline.saturating_duration_since(Instant::now()),
                None => Duration::MAX,
            };
            if left.is_zero() {
                return Err(GetTimeoutError::Timeout);
            }
            state = self
                .changed
                .wait_timeout(state, left)
                .expect("a thread panicked inside the queue's lock")
                .0;
        }
    }

    /// Closes the queue: every blocked `put` and `get` returns, and so does every later call.
    /// Puts fail; gets hand out what is left, then fail. Closing twice does nothing more.
    pub fn close(&self) {
        self.state().closed = true;
        // Everyone must look again.
        self.changed.notify_all();
    }
}
