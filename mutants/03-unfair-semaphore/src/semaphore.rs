//! A textbook counting semaphore that is not fair (the bug this mutant carries).

use super::sync::{Condvar, Mutex};

/// A count of free permits, waited on with `wait_while` and woken with `notify_one`: correct
/// about k, but a thread that gives its permit back and asks again at once takes it straight
/// back while another thread waits in line.
#[derive(Debug)]
pub struct Semaphore {
    free: Mutex<usize>,
    changed: Condvar,
}

/// A permit; dropping it gives it back.
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

    /// Waits while no permit is free, then takes one, whoever has waited longest.
    pub fn acquire(&self) -> Permit<'_> {
        let free = self.free.lock().unwrap();
        let mut free = self.changed.wait_while(free, |free| *free == 0).unwrap();
        *free -= 1;
        Permit { semaphore: self }
    }

    /// Takes a free permit without blocking, even from a thread waiting in line.
    pub fn try_acquire(&self) -> Option<Permit<'_>> {
        let mut free = self.free.lock().unwrap();
        (*free > 0).then(|| {
            *free -= 1;
            Permit { semaphore: self }
        })
    }

    fn release(&self) {
        *self.free.lock().unwrap() += 1;
        self.changed.notify_one();
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.semaphore.release();
    }
}
