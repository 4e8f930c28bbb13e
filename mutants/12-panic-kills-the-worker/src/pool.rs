//! The pool itself (the workers, their queue, `apply_async`, `Drop`) with one bug (a mutant): a
//! pool that does not catch a task's panic: the worker dies for good and the result is lost.

use std::thread::{self, JoinHandle};

use crossbeam_channel::Sender;

use crate::handle::AsyncResult;

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
