//! The handle to one task's result with one bug (a mutant): a `get_timeout` that waits for the
//! task anyway and only then says it was late.

use std::time::Duration;

use crossbeam_channel::Receiver;

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
        // Waits for the result, then says whether it came too late.
        let start = std::time::Instant::now();
        let outcome = self.result.recv();
        if start.elapsed() > timeout {
            return Err(GetTimeoutError::Timeout(timeout));
        }
        match outcome {
            Ok(outcome) => Ok(outcome?),
            Err(_) => Err(TaskError::Lost.into()),
        }
    }
}
