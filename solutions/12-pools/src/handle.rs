//! The handle to one task's result (the reference solution): [`AsyncResult`], which waits for
//! the result with or without a time limit.

use std::time::Duration;

use crossbeam_channel::{Receiver, RecvTimeoutError};

use crate::error::{GetTimeoutError, TaskError};

/// The handle to one task's result: Python's `AsyncResult`.
pub struct AsyncResult<T> {
    /// The receiving end of the task's own channel; `ThreadPool::apply_async` holds the sending
    /// end in the job.
    pub(crate) result: Receiver<Result<T, TaskError>>,
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
