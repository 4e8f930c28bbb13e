//! A counting semaphore: at most `k` threads hold a permit at once (the lectures'
//! `threading.Semaphore(k)`), built from a mutex and a condition variable.

use super::sync::{Condvar, Mutex};

/// A semaphore with a fixed number of permits.
///
/// [`acquire`](Semaphore::acquire) waits for a permit and returns it as a guard; dropping the
/// guard gives the permit back, even if its holder panics. Waiting threads are served in the
/// order they arrived, so that a busy thread cannot starve the others by taking its permit
/// straight back each time.
#[derive(Debug)]
// The fields are read once you write `acquire`, `try_acquire` and `release`.
#[allow(dead_code)]
pub struct Semaphore {
    // TODO: the state your semaphore needs. A count of free permits is a start, but fairness
    // needs more: think of the numbered tickets at a deli counter. Derive Debug on whatever you
    // keep in the mutex: the model checker prints it when it finds a bug.
    free: Mutex<usize>,
    changed: Condvar,
}

/// A permit from a [`Semaphore`]; dropping it gives the permit back.
#[derive(Debug)]
#[must_use = "the permit is given back as soon as it is dropped"]
pub struct Permit<'a> {
    semaphore: &'a Semaphore,
}

impl Semaphore {
    /// A semaphore with `permits` permits.
    pub fn new(permits: usize) -> Self {
        Semaphore {
            free: Mutex::new(permits),
            changed: Condvar::new(),
        }
    }

    /// Waits until a permit is free, then takes it. Threads that wait are served in turn.
    pub fn acquire(&self) -> Permit<'_> {
        // TODO: wait on the condition variable while no permit is yours, then take one.
        todo!("Semaphore::acquire")
    }

    /// Takes a permit if one is free now (and nobody is waiting for it), without blocking.
    pub fn try_acquire(&self) -> Option<Permit<'_>> {
        // TODO
        todo!("Semaphore::try_acquire")
    }

    /// Gives a permit back and wakes whoever waits for it.
    fn release(&self) {
        // TODO
        todo!("Semaphore::release")
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.semaphore.release();
    }
}
