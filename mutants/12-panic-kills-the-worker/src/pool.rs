//! Lesson 12's thread pool with one bug (a mutant): a pool that does not catch a task's panic: the worker dies for good and the result is lost.

use std::collections::VecDeque;
use std::marker::PhantomData;
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};

use crate::error::{GetTimeoutError, TaskError};

/// A task on its way to a worker: any closure, its result sent back by the closure itself.
type Job = Box<dyn FnOnce() + Send + 'static>;

/// A fixed number of worker threads that take tasks from one queue: Python's
/// `multiprocessing.pool.ThreadPool(processes=n)`.
pub struct ThreadPool {
    /// The queue's sending end. `None` once the pool is shutting down: dropping the last
    /// sender is what tells the workers that no more work will come.
    jobs: Option<Sender<Job>>,
    workers: Vec<JoinHandle<()>>,
}

impl ThreadPool {
    /// Starts `n` worker threads (`n` ≥ 1), named `pool-worker-0` … `pool-worker-{n-1}`.
    pub fn new(n: usize) -> ThreadPool {
        assert!(n > 0, "a pool needs at least one worker");
        let (jobs, queue) = crossbeam_channel::unbounded::<Job>();
        let workers = (0..n)
            .map(|i| {
                let queue = queue.clone();
                thread::Builder::new()
                    .name(format!("pool-worker-{i}"))
                    .spawn(move || {
                        // Ends when the queue is empty and every sender is gone.
                        for job in queue {
                            job();
                        }
                    })
                    .expect("start a worker thread")
            })
            .collect();
        ThreadPool {
            jobs: Some(jobs),
            workers,
        }
    }

    /// How many worker threads the pool has.
    pub fn workers(&self) -> usize {
        self.workers.len()
    }

    /// Queues `f` to run on a worker and returns at once with a handle to its result.
    pub fn apply_async<T, F>(&self, f: F) -> AsyncResult<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let (result, handle) = crossbeam_channel::bounded(1);
        // No catch_unwind: a panic unwinds through the worker's loop and ends the worker.
        let job = move || {
            let _ = result.send(Ok(f()));
        };
        self.jobs
            .as_ref()
            .expect("the pool is open until it is dropped")
            .send(Box::new(job))
            .expect("the workers hold the queue until the pool is dropped");
        AsyncResult { result: handle }
    }

    /// Queues `f(item)` for every item at once, and returns a handle to all their results, in
    /// the order of `items`: Python's `pool.map_async`.
    pub fn map_async<T, R, F, I>(&self, f: F, items: I) -> MapAsync<R>
    where
        I: IntoIterator<Item = T>,
        T: Send + 'static,
        R: Send + 'static,
        F: Fn(T) -> R + Send + Sync + 'static,
    {
        let f = Arc::new(f);
        let handles = items
            .into_iter()
            .map(|item| {
                let f = Arc::clone(&f);
                self.apply_async(move || f(item))
            })
            .collect();
        MapAsync { handles }
    }

    /// `f(item)` for every item, run on the workers, the results in the order of `items`
    /// (whatever order the tasks finish in): Python's `pool.map`. The first task that fails
    /// makes the whole map an error.
    pub fn map<T, R, F, I>(&self, f: F, items: I) -> Result<Vec<R>, TaskError>
    where
        I: IntoIterator<Item = T>,
        T: Send + 'static,
        R: Send + 'static,
        F: Fn(T) -> R + Send + Sync + 'static,
    {
        self.map_async(f, items).get()
    }

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
        let f = Arc::new(f);
        let mut items = items.into_iter();
        let submit = move || {
            let item = items.next()?;
            let f = Arc::clone(&f);
            Some(self.apply_async(move || f(item)))
        };
        let mut imap = Imap {
            submit: Box::new(submit),
            in_flight: VecDeque::new(),
            ahead: self.workers(),
            pool: PhantomData,
        };
        imap.top_up();
        imap
    }
}

impl Drop for ThreadPool {
    /// Closes the queue, lets the workers finish every task already queued, and joins them.
    fn drop(&mut self) {
        drop(self.jobs.take());
        for worker in self.workers.drain(..) {
            // A worker never panics (tasks' panics are caught), so join cannot fail.
            let _ = worker.join();
        }
    }
}

/// The handle to one task's result: Python's `AsyncResult`.
pub struct AsyncResult<T> {
    result: Receiver<Result<T, TaskError>>,
}

impl<T> AsyncResult<T> {
    /// Waits for the task and returns its result, or why there is none.
    pub fn get(self) -> Result<T, TaskError> {
        self.result.recv().unwrap_or(Err(TaskError::Lost))
    }

    /// Waits at most `timeout` for the task. On [`GetTimeoutError::Timeout`] the task goes on
    /// running and the handle can be asked again; a result is handed out once.
    pub fn get_timeout(&self, timeout: Duration) -> Result<T, GetTimeoutError> {
        match self.result.recv_timeout(timeout) {
            Ok(outcome) => Ok(outcome?),
            Err(RecvTimeoutError::Timeout) => Err(GetTimeoutError::Timeout(timeout)),
            Err(RecvTimeoutError::Disconnected) => Err(TaskError::Lost.into()),
        }
    }
}

/// The handle to the results of a [`ThreadPool::map_async`].
pub struct MapAsync<R> {
    handles: Vec<AsyncResult<R>>,
}

impl<R> MapAsync<R> {
    /// Waits for every task and returns their results in the order of the items given.
    pub fn get(self) -> Result<Vec<R>, TaskError> {
        self.handles.into_iter().map(AsyncResult::get).collect()
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
