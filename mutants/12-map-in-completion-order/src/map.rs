//! The ordered maps with one bug (a mutant): `map` that collects the results on one shared
//! channel, in the order the tasks finish.

use std::sync::Arc;

use crossbeam_channel::Receiver;

use crate::error::TaskError;
use crate::pool::ThreadPool;

impl ThreadPool {
    /// Queues `f(item)` for every item at once, and returns a handle to all their results, in
    /// the order of `items`: Python's `pool.map_async`.
    pub fn map_async<T, R, F, I>(&self, f: F, items: I) -> MapAsync<R>
    where
        I: IntoIterator<Item = T>,
        T: Send + 'static,
        R: Send + 'static,
        F: Fn(T) -> R + Send + Sync + 'static,
    {
        // One channel for all the results: they arrive as the tasks finish.
        let f = Arc::new(f);
        let (finished, results) = crossbeam_channel::unbounded();
        let mut tasks = 0;
        for item in items {
            let (f, finished) = (Arc::clone(&f), finished.clone());
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
