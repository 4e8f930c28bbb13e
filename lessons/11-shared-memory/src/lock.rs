//! A lock that works between processes: `multiprocessing.Lock`, on one atomic in shared memory.
//! You do not need to change this file.
//!
//! Why not `std::sync::Mutex` in the segment? On Linux it sleeps on a *process-private* futex:
//! the kernel keys a private futex by the waiter's own address space, so a process waiting on it
//! is never woken by an unlock in another process. Its layout is also not promised (`repr(Rust)`).
//! `raw_sync` offers a process-shared pthread mutex; this lesson writes its own instead, in a
//! dozen lines, because one atomic is all a lock needs, and because the model checker can then
//! run it (see `model.rs`): the checks prove the lock-based balance right in every interleaving.
//!
//! The lock is a spin lock that yields: `state` is 0 when free, 1 when held. `lock` sets it from
//! 0 to 1 with one compare-and-swap (only one process can win it), spinning a little and then
//! yielding its CPU while another holds it; `unlock` stores 0. Not robust: a process killed while
//! holding it leaves it held for ever, and the others spin until the grader's deadline.

use std::cell::UnsafeCell;
use std::fmt;
use std::ops::{Deref, DerefMut};

use super::sync::atomic::{AtomicU32, Ordering};
use super::sync::spin_wait;

/// A value of type `T` behind a lock that works between processes. In a segment, it is part of
/// a `#[repr(C)]` struct; its all-zero bytes are a free lock around a zero `T`.
#[repr(C)]
pub struct ProcessMutex<T> {
    state: AtomicU32,
    value: UnsafeCell<T>,
}

// Safety: the lock hands out access to `value` to one holder at a time (the compare-and-swap in
// `lock`), and the Acquire/Release pair orders the holders' accesses one after another, as a
// Mutex does for threads. So sharing a ProcessMutex<T> is sound when T may be sent to whoever
// holds the lock.
unsafe impl<T: Send> Sync for ProcessMutex<T> {}

const FREE: u32 = 0;
const HELD: u32 = 1;

impl<T> ProcessMutex<T> {
    /// A free lock around `value`.
    pub fn new(value: T) -> Self {
        ProcessMutex {
            state: AtomicU32::new(FREE),
            value: UnsafeCell::new(value),
        }
    }

    /// Waits until this process (or thread) holds the lock; it is released when the guard is
    /// dropped.
    pub fn lock(&self) -> ProcessMutexGuard<'_, T> {
        let mut tries = 0;
        // Acquire: what the previous holder wrote before its Release store is visible to us.
        while self
            .state
            .compare_exchange(FREE, HELD, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            spin_wait(tries);
            tries += 1;
        }
        ProcessMutexGuard { lock: self }
    }
}

impl<T: Default> Default for ProcessMutex<T> {
    fn default() -> Self {
        ProcessMutex::new(T::default())
    }
}

impl<T> fmt::Debug for ProcessMutex<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProcessMutex").finish_non_exhaustive()
    }
}

/// Access to the value while the lock is held; dropping it releases the lock.
pub struct ProcessMutexGuard<'a, T> {
    lock: &'a ProcessMutex<T>,
}

impl<T> Deref for ProcessMutexGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // Safety: a guard exists only while its holder owns the lock (state HELD by our
        // compare-and-swap), so no other process or thread reads or writes `value` meanwhile.
        unsafe { &*self.lock.value.get() }
    }
}

impl<T> DerefMut for ProcessMutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // Safety: as for `deref`, and `&mut self` makes this the only access through the guard.
        unsafe { &mut *self.lock.value.get() }
    }
}

impl<T> Drop for ProcessMutexGuard<'_, T> {
    fn drop(&mut self) {
        // Release: our writes to `value` happen before the next holder's Acquire sees FREE.
        self.lock.state.store(FREE, Ordering::Release);
    }
}
