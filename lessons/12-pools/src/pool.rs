//! A thread pool from threads and a channel: your work in this lesson.
//!
//! The design: one queue (a crossbeam channel) of jobs; `n` worker threads that each take the
//! next job from it, run it, and take the next; each job sends its result back on a channel of
//! its own, whose receiving end is the caller's handle ([`AsyncResult`]). Read the TODOs.

use std::collections::VecDeque;
use std::marker::PhantomData;
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender};

use crate::error::{GetTimeoutError, TaskError};

/// A task on its way to a worker: any closure, its result sent back by the closure itself.
type Job = Box<dyn FnOnce() + Send + 'static>;

/// A fixed number of worker threads that take tasks from one queue: Python's
/// `multiprocessing.pool.ThreadPool(processes=n)`.
// TODO: when a pool is dropped, its `jobs` sender is dropped, and its workers end once the
// queue is empty: but nobody waits for that. Dropping a pool must finish every task already
// queued and join the workers (implement `Drop`).
pub struct ThreadPool {
    /// The queue's sending end. Dropping the last sender is what tells the workers that no more
    /// work will come.
    jobs: Option<Sender<Job>>,
    workers: Vec<JoinHandle<()>>,
}

impl ThreadPool {
    /// Starts `n` worker threads (`n` ≥ 1), named `pool-worker-0` … `pool-worker-{n-1}`.
    pub fn new(n: usize) -> ThreadPool {
        assert!(n > 0, "a pool needs at least one worker");
        let (jobs, queue) = crossbeam_channel::unbounded::<Job>();
        // TODO: start `n` workers, all taking jobs from the one queue (a crossbeam `Receiver`
        // can be cloned). This pool has a single worker, so its tasks run one after another.
        let worker = thread::Builder::new()
            .name("pool-worker-0".to_string())
            .spawn(move || {
                // Ends when the queue is empty and every sender is gone.
                for job in queue {
                    job();
                }
            })
            .expect("start a worker thread");
        ThreadPool {
            jobs: Some(jobs),
            workers: vec![worker],
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
        // TODO: a task that panics unwinds through the worker's loop and ends the worker for
        // good; its handle only sees its result disappear. Catch the panic here
        // (`std::panic::catch_unwind`) and send it as `TaskError::Panicked` (see
        // `error::panic_message`), so that the worker goes on.
        let job = move || {
            // Nobody may be waiting any more (the handle was dropped): that is fine.
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
        // TODO: every task puts its result on one shared channel, so the results come back in
        // the order the tasks *finish*, not the order of `items`. Keep each task's own handle.
        let (finished, results) = crossbeam_channel::unbounded();
        let mut tasks = 0;
        for item in items {
            let (f, finished) = (Arc::clone(&f), finished.clone());
            // The handle is not needed: the result travels on `finished`.
            drop(self.apply_async(move || {
                let _ = finished.send(f(item));
            }));
            tasks += 1;
        }
        MapAsync { results, tasks }
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
        // TODO: this is `map` in disguise: it takes every item and waits for every task before
        // handing out the first result. Queue only a few tasks ahead, and one more as each
        // result is pulled.
        let results = match self.map(f, items) {
            Ok(values) => values.into_iter().map(Ok).collect(),
            Err(error) => VecDeque::from([Err(error)]),
        };
        Imap {
            results,
            pool: PhantomData,
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
        // TODO: this waits for the task however long it takes. Give up after `timeout`.
        let _ = timeout;
        Ok(self.result.recv().unwrap_or(Err(TaskError::Lost))?)
    }
}

/// The handle to the results of a [`ThreadPool::map_async`].
pub struct MapAsync<R> {
    results: Receiver<R>,
    tasks: usize,
}

impl<R> MapAsync<R> {
    /// Waits for every task and returns their results in the order of the items given.
    pub fn get(self) -> Result<Vec<R>, TaskError> {
        let results: Vec<R> = self.results.iter().take(self.tasks).collect();
        if results.len() < self.tasks {
            return Err(TaskError::Lost);
        }
        Ok(results)
    }
}

/// The iterator that [`ThreadPool::imap`] returns.
pub struct Imap<'a, R> {
    results: VecDeque<Result<R, TaskError>>,
    pool: PhantomData<&'a ThreadPool>,
}

impl<R> Imap<'_, R> {
    /// The next result, waiting at most `timeout` for it: Python's `it.next(timeout=…)`.
    /// After [`GetTimeoutError::Timeout`] the same result is still the next one.
    pub fn next_timeout(&mut self, timeout: Duration) -> Option<Result<R, GetTimeoutError>> {
        let _ = timeout;
        Some(self.results.pop_front()?.map_err(GetTimeoutError::from))
    }
}

impl<R> Iterator for Imap<'_, R> {
    type Item = Result<R, TaskError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.results.pop_front()
    }
}
