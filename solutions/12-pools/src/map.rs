//! The ordered maps (the reference solution): `map_async` and `map`, whose results come back in
//! the order of the items whatever order the tasks finish in, and their handle [`MapAsync`].

use std::sync::Arc;

use crate::error::TaskError;
use crate::handle::AsyncResult;
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
