//! The lectures' bank balance, shared by two processes: one withdraws 1 ten thousand times, the
//! other deposits 1 ten thousand times, and a balance of 100 must end at 100.
//!
//! Both types live in a segment (`#[repr(C)]`, see `segment.rs`) that the two processes map.
//! The checks also run this file under a model checker, two threads standing in for the two
//! processes (see `model.rs`): so take your sync types from `super::sync`, not `std::sync`.

use std::hint::black_box;

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

    /// Adds `amount`. Every deposit must count, whatever the other process does meanwhile.
    pub fn deposit(&self, amount: i64) {
        // TODO: the lectures' `balance.value = balance.value + 1`: read, add, write back, three
        // steps that the other process can come between. No undefined behaviour (each step is
        // atomic), and still a lost update. Make the whole change one atomic step.
        let current = self.value.load(Ordering::Relaxed);
        paperwork();
        // `black_box` keeps the optimiser from fusing the read and the write into one
        // instruction, which would make the race rarer without fixing it.
        self.value
            .store(black_box(current) + amount, Ordering::Relaxed);
    }

    /// Takes `amount` away (the balance may go below zero: the lectures' account has no check).
    pub fn withdraw(&self, amount: i64) {
        // TODO: the same race, the other way.
        let current = self.value.load(Ordering::Relaxed);
        paperwork();
        self.value
            .store(black_box(current) - amount, Ordering::Relaxed);
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

    /// Adds `amount`. Every deposit must count, whatever the other process does meanwhile.
    pub fn deposit(&self, amount: i64) {
        // TODO: the lock is taken, but twice: once to read and once to write. Between the two,
        // the other process can take it, and its change is then overwritten. Hold one guard
        // for the whole read-add-write.
        let current = *self.value.lock();
        paperwork();
        *self.value.lock() = black_box(current) + amount;
    }

    /// Takes `amount` away.
    pub fn withdraw(&self, amount: i64) {
        // TODO: the same, the other way.
        let current = *self.value.lock();
        paperwork();
        *self.value.lock() = black_box(current) - amount;
    }
}
