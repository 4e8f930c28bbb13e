//! The lectures' bank balance, shared by two processes (the reference solution).

use super::lock::ProcessMutex;
// The same function in the model build: it only spins, on std's clock.
use super::sync::atomic::{AtomicI64, Ordering};
use crate::bank::paperwork;

/// The balance as one atomic: the first fix, with the atomic's own read-modify-write.
#[repr(C)]
#[derive(Debug, Default)]
pub struct AtomicBalance {
    value: AtomicI64,
}

impl AtomicBalance {
    /// A balance of `amount`.
    pub fn new(amount: i64) -> Self {
        AtomicBalance {
            value: AtomicI64::new(amount),
        }
    }

    /// Sets the balance (before the processes start).
    pub fn set(&self, amount: i64) {
        self.value.store(amount, Ordering::SeqCst);
    }

    /// The balance now.
    pub fn get(&self) -> i64 {
        self.value.load(Ordering::SeqCst)
    }

    /// Adds `amount`: one indivisible read-add-write, in which no other process can come
    /// between. Relaxed is enough: nothing else is published through the balance.
    pub fn deposit(&self, amount: i64) {
        self.value.fetch_add(amount, Ordering::Relaxed);
        paperwork();
    }

    /// Takes `amount` away, in one indivisible step.
    pub fn withdraw(&self, amount: i64) {
        self.value.fetch_sub(amount, Ordering::Relaxed);
        paperwork();
    }
}

/// The balance behind an inter-process lock: the second fix, the lectures' `multiprocessing.Lock`.
#[repr(C)]
#[derive(Debug, Default)]
pub struct LockedBalance {
    value: ProcessMutex<i64>,
}

impl LockedBalance {
    /// A balance of `amount`.
    pub fn new(amount: i64) -> Self {
        LockedBalance {
            value: ProcessMutex::new(amount),
        }
    }

    /// Sets the balance (before the processes start).
    pub fn set(&self, amount: i64) {
        *self.value.lock() = amount;
    }

    /// The balance now.
    pub fn get(&self) -> i64 {
        *self.value.lock()
    }

    /// Adds `amount`: the read, the add and the write under one guard, so the other process
    /// cannot change the balance in between. The paperwork is done after the lock is released:
    /// hold a lock for as short a time as the data needs.
    pub fn deposit(&self, amount: i64) {
        *self.value.lock() += amount;
        paperwork();
    }

    /// Takes `amount` away, under one guard.
    pub fn withdraw(&self, amount: i64) {
        *self.value.lock() -= amount;
        paperwork();
    }
}
