//! A semaphore that trusts its wake-ups (the bug this mutant carries).

use super::sync::{Condvar, Mutex};

/// A counting semaphore with the classic condition-variable bug.
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

    /// Waits for a permit, but only once.
    pub fn acquire(&self) -> Permit<'_> {
        let mut free = self.free.lock().unwrap();
        // THE BUG: `if` instead of `while`. `notify_all` wakes every waiter for one permit, and
        // each of them takes it. (The count wraps around below zero in an optimised build.)
        if *free == 0 {
            free = self.changed.wait(free).unwrap();
        }
        *free = free.wrapping_sub(1);
        Permit { semaphore: self }
    }

    /// Takes a free permit without blocking.
    pub fn try_acquire(&self) -> Option<Permit<'_>> {
        let mut free = self.free.lock().unwrap();
        if *free > 0 && *free != usize::MAX {
            *free -= 1;
            Some(Permit { semaphore: self })
        } else {
            None
        }
    }

    fn release(&self) {
        let mut free = self.free.lock().unwrap();
        *free = free.wrapping_add(1);
        self.changed.notify_all();
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.semaphore.release();
    }
}
