//! The pool itself (the workers, their queue, `apply_async`, `Drop`) with one bug (a mutant): a
//! `drop` that stops the workers at once, throwing away the tasks still queued.

use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};

use crossbeam_channel::Sender;

use crate::error::{TaskError, panic_message};
use crate::handle::AsyncResult;

/// A task on its way to a worker: any closure, its result sent back by the closure itself.
type Job = Box<dyn FnOnce() + Send + 'static>;

/// A fixed number of worker threads that take tasks from one queue: Python's
/// `multiprocessing.pool.ThreadPool(processes=n)`.
pub struct ThreadPool {
    /// Set by `drop`: workers stop taking jobs.
    stop: Arc<AtomicBool>,
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
        let stop = Arc::new(AtomicBool::new(false));
        let workers = (0..n)
            .map(|i| {
                let (queue, stop) = (queue.clone(), Arc::clone(&stop));
                thread::Builder::new()
                    .name(format!("pool-worker-{i}"))
                    .spawn(move || {
                        // Ends when the queue is empty and every sender is gone.
                        for job in queue {
                            if stop.load(Ordering::SeqCst) {
                                break;
                            }
                            job();
                        }
                    })
                    .expect("start a worker thread")
            })
            .collect();
        ThreadPool {
            stop,
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
        let job = move || {
            // A panic stops here, as an error for the handle: the worker lives on.
            let outcome = panic::catch_unwind(AssertUnwindSafe(f))
                .map_err(|payload| TaskError::Panicked(panic_message(&*payload)));
            // Nobody may be waiting any more (the handle was dropped): that is fine.
            let _ = result.send(outcome);
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
        // Stop at once: what is still queued is thrown away.
        self.stop.store(true, Ordering::SeqCst);
        drop(self.jobs.take());
        for worker in self.workers.drain(..) {
            // A worker never panics (tasks' panics are caught), so join cannot fail.
            let _ = worker.join();
        }
    }
}
