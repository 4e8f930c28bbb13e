//! The lazy map with one bug (a mutant): an `imap` that takes every item and queues every task
//! at once: ordered, but not lazy.

use std::collections::VecDeque;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use crate::error::{GetTimeoutError, TaskError};
use crate::handle::AsyncResult;
use crate::pool::ThreadPool;

impl ThreadPool {
    /// A lazy `map`: an iterator over the results of `f(item)`, in the order of `items`, that
    /// takes items and queues tasks only as its results are pulled, keeping the workers busy
    /// with at most `2 × workers()` tasks ahead of the caller: Python's `pool.imap`.
    pub fn imap<'a, T, R, F, I>(&'a self, f: F, items: I) -> Imap<'a, R>
    where
        I: IntoIterator<Item = T>,
        I::IntoIter: 'a,
        T: Send + 'static,
        R: Send + 'static,
        F: Fn(T) -> R + Send + Sync + 'static,
    {
        // All at once: every item taken and every task queued before the first result.
        let f = Arc::new(f);
        let in_flight: VecDeque<AsyncResult<R>> = items
            .into_iter()
            .map(|item| {
                let f = Arc::clone(&f);
                self.apply_async(move || f(item))
            })
            .collect();
        let mut imap = Imap {
            submit: Box::new(|| None),
            in_flight,
            ahead: self.workers(),
            pool: PhantomData,
        };
        imap.top_up();
        imap
    }
}

/// The iterator that [`ThreadPool::imap`] returns.
pub struct Imap<'a, R> {
    /// Takes the next item and queues its task; `None` when the items are used up.
    submit: Box<dyn FnMut() -> Option<AsyncResult<R>> + 'a>,
    /// Tasks queued, oldest (the next result to hand out) first.
    in_flight: VecDeque<AsyncResult<R>>,
    /// How many tasks to keep queued ahead of the caller.
    ahead: usize,
    pool: PhantomData<&'a ThreadPool>,
}

impl<R> Imap<'_, R> {
    fn top_up(&mut self) {
        while self.in_flight.len() < self.ahead {
            match (self.submit)() {
                Some(handle) => self.in_flight.push_back(handle),
                None => break,
            }
        }
    }

    /// The next result, waiting at most `timeout` for it: Python's `it.next(timeout=…)`.
    /// After [`GetTimeoutError::Timeout`] the same result is still the next one.
    pub fn next_timeout(&mut self, timeout: Duration) -> Option<Result<R, GetTimeoutError>> {
        let outcome = self.in_flight.front()?.get_timeout(timeout);
        if !matches!(outcome, Err(GetTimeoutError::Timeout(_))) {
            self.in_flight.pop_front();
            self.top_up();
        }
        Some(outcome)
    }
}

impl<R> Iterator for Imap<'_, R> {
    type Item = Result<R, TaskError>;

    fn next(&mut self) -> Option<Self::Item> {
        let handle = self.in_flight.pop_front()?;
        // Queue the next task before waiting, so that the workers stay busy meanwhile.
        self.top_up();
        Some(handle.get())
    }
}
