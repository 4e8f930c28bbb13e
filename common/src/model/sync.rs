//! `std::sync` as the model checker sees it: shuttle's types, with the API of std's, recording
//! every read, write, lock and unlock in the execution's trace.
//!
//! A lesson's `model` module re-exports this in place of `std::sync`. Only what the lessons use
//! is wrapped; a method missing here is a compile error in the model build, not a wrong answer.

use std::fmt::Debug;
use std::ops::{Deref, DerefMut};
use std::sync::{LockResult, PoisonError, TryLockError, TryLockResult};
use std::time::Duration;

pub use shuttle::sync::{Arc, Barrier, Weak};

use super::blocking::{self, LockName};
use super::record;

/// Atomics that record their reads and writes.
pub mod atomic {
    pub use std::sync::atomic::Ordering;

    use super::record;

    macro_rules! traced_atomic {
        ($name:ident, $int:ty) => {
            #[doc = concat!("`std::sync::atomic::", stringify!($name), "` under the model checker, traced.")]
            #[derive(Debug, Default)]
            pub struct $name(shuttle::sync::atomic::$name);

            impl $name {
                /// A new atomic holding `value`.
                pub const fn new(value: $int) -> Self {
                    Self(shuttle::sync::atomic::$name::new(value))
                }

                /// Reads the value.
                pub fn load(&self, order: Ordering) -> $int {
                    let value = self.0.load(order);
                    record("read", &value);
                    value
                }

                /// Writes `value`.
                pub fn store(&self, value: $int, order: Ordering) {
                    self.0.store(value, order);
                    record("write", &value);
                }

                /// Writes `value`, returning the previous one.
                pub fn swap(&self, value: $int, order: Ordering) -> $int {
                    let old = self.0.swap(value, order);
                    record(format!("swap (was {old})"), &value);
                    old
                }

                /// Adds `delta` in one indivisible step, returning the previous value.
                pub fn fetch_add(&self, delta: $int, order: Ordering) -> $int {
                    let old = self.0.fetch_add(delta, order);
                    record(format!("fetch_add {delta}"), &old.wrapping_add(delta));
                    old
                }

                /// Subtracts `delta` in one indivisible step, returning the previous value.
                pub fn fetch_sub(&self, delta: $int, order: Ordering) -> $int {
                    let old = self.0.fetch_sub(delta, order);
                    record(format!("fetch_sub {delta}"), &old.wrapping_sub(delta));
                    old
                }

                /// Stores the larger of the value and `other`, returning the previous value.
                pub fn fetch_max(&self, other: $int, order: Ordering) -> $int {
                    let old = self.0.fetch_max(other, order);
                    record(format!("fetch_max {other}"), &old.max(other));
                    old
                }

                /// Stores the smaller of the value and `other`, returning the previous value.
                pub fn fetch_min(&self, other: $int, order: Ordering) -> $int {
                    let old = self.0.fetch_min(other, order);
                    record(format!("fetch_min {other}"), &old.min(other));
                    old
                }

                /// Writes `new` if the value is `current`, in one indivisible step.
                pub fn compare_exchange(
                    &self,
                    current: $int,
                    new: $int,
                    success: Ordering,
                    failure: Ordering,
                ) -> Result<$int, $int> {
                    let result = self.0.compare_exchange(current, new, success, failure);
                    match result {
                        Ok(_) => record(format!("compare_exchange {current}→{new}"), &new),
                        Err(seen) => record(format!("compare_exchange {current}→{new} failed"), &seen),
                    }
                    result
                }

                /// Like [`Self::compare_exchange`] (the model never fails spuriously).
                pub fn compare_exchange_weak(
                    &self,
                    current: $int,
                    new: $int,
                    success: Ordering,
                    failure: Ordering,
                ) -> Result<$int, $int> {
                    self.compare_exchange(current, new, success, failure)
                }

                /// Applies `f` until a compare-exchange succeeds or `f` returns `None`.
                pub fn fetch_update(
                    &self,
                    set_order: Ordering,
                    fetch_order: Ordering,
                    mut f: impl FnMut($int) -> Option<$int>,
                ) -> Result<$int, $int> {
                    let mut prev = self.load(fetch_order);
                    while let Some(next) = f(prev) {
                        match self.compare_exchange(prev, next, set_order, fetch_order) {
                            Ok(old) => return Ok(old),
                            Err(seen) => prev = seen,
                        }
                    }
                    Err(prev)
                }

                /// The value, from exclusive access.
                pub fn into_inner(self) -> $int {
                    self.0.into_inner()
                }

                /// The value, mutably, from exclusive access.
                pub fn get_mut(&mut self) -> &mut $int {
                    self.0.get_mut()
                }
            }
        };
    }

    traced_atomic!(AtomicU64, u64);
    traced_atomic!(AtomicI64, i64);
    traced_atomic!(AtomicUsize, usize);
    traced_atomic!(AtomicU32, u32);
    traced_atomic!(AtomicI32, i32);

    /// `std::sync::atomic::AtomicBool` under the model checker, traced.
    #[derive(Debug, Default)]
    pub struct AtomicBool(shuttle::sync::atomic::AtomicBool);

    impl AtomicBool {
        /// A new atomic holding `value`.
        pub const fn new(value: bool) -> Self {
            Self(shuttle::sync::atomic::AtomicBool::new(value))
        }

        /// Reads the value.
        pub fn load(&self, order: Ordering) -> bool {
            let value = self.0.load(order);
            record("read", &value);
            value
        }

        /// Writes `value`.
        pub fn store(&self, value: bool, order: Ordering) {
            self.0.store(value, order);
            record("write", &value);
        }

        /// Writes `value`, returning the previous one.
        pub fn swap(&self, value: bool, order: Ordering) -> bool {
            let old = self.0.swap(value, order);
            record(format!("swap (was {old})"), &value);
            old
        }

        /// Writes `new` if the value is `current`, in one indivisible step.
        pub fn compare_exchange(
            &self,
            current: bool,
            new: bool,
            success: Ordering,
            failure: Ordering,
        ) -> Result<bool, bool> {
            let result = self.0.compare_exchange(current, new, success, failure);
            record(
                format!("compare_exchange {current}→{new}"),
                &result.unwrap_or_else(|v| v),
            );
            result
        }
    }
}

/// `std::sync::Mutex` under the model checker: records the value at each lock and unlock, and
/// who holds it and who waits for it (for the account of a deadlock, see [`super::named`]).
#[derive(Debug, Default)]
pub struct Mutex<T: Debug>(shuttle::sync::Mutex<T>, LockName);

/// The guard of a traced [`Mutex`]; unlocking (dropping it) records the value left behind.
pub struct MutexGuard<'a, T: Debug> {
    // `None` only while a condition variable holds the inner guard during a wait.
    inner: Option<shuttle::sync::MutexGuard<'a, T>>,
    lock: &'a LockName,
}

fn map_lock<'a, T: Debug>(
    result: LockResult<shuttle::sync::MutexGuard<'a, T>>,
    action: &str,
    lock: &'a LockName,
) -> LockResult<MutexGuard<'a, T>> {
    let wrap = |inner: shuttle::sync::MutexGuard<'a, T>| {
        blocking::took(lock);
        record(lock.action(action), &*inner);
        MutexGuard {
            inner: Some(inner),
            lock,
        }
    };
    match result {
        Ok(inner) => Ok(wrap(inner)),
        Err(poisoned) => Err(PoisonError::new(wrap(poisoned.into_inner()))),
    }
}

impl<T: Debug> Mutex<T> {
    /// A new unlocked mutex holding `value`.
    pub fn new(value: T) -> Self {
        Mutex(shuttle::sync::Mutex::new(value), LockName::next())
    }

    /// Blocks until the lock is free, then takes it.
    pub fn lock(&self) -> LockResult<MutexGuard<'_, T>> {
        blocking::wants(&self.1);
        map_lock(self.0.lock(), "lock", &self.1)
    }

    /// Takes the lock if it is free, without blocking (failing lets the other threads run).
    pub fn try_lock(&self) -> TryLockResult<MutexGuard<'_, T>> {
        match self.0.try_lock() {
            Ok(inner) => {
                blocking::took(&self.1);
                record(self.1.action("try_lock"), &*inner);
                Ok(MutexGuard {
                    inner: Some(inner),
                    lock: &self.1,
                })
            }
            Err(TryLockError::WouldBlock) => {
                record(format!("{} failed", self.1.action("try_lock")), &"-");
                blocking::failed_try();
                Err(TryLockError::WouldBlock)
            }
            Err(TryLockError::Poisoned(p)) => {
                let inner = p.into_inner();
                blocking::took(&self.1);
                record(self.1.action("try_lock"), &*inner);
                Err(TryLockError::Poisoned(PoisonError::new(MutexGuard {
                    inner: Some(inner),
                    lock: &self.1,
                })))
            }
        }
    }

    /// The value, from exclusive access.
    pub fn into_inner(self) -> LockResult<T> {
        self.0.into_inner()
    }

    /// The value, mutably, from exclusive access.
    pub fn get_mut(&mut self) -> LockResult<&mut T> {
        self.0.get_mut()
    }
}

impl<T: Debug> Deref for MutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.inner.as_ref().expect("guard is held")
    }
}

impl<T: Debug> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        self.inner.as_mut().expect("guard is held")
    }
}

impl<T: Debug> Drop for MutexGuard<'_, T> {
    fn drop(&mut self) {
        if let Some(inner) = self.inner.take() {
            blocking::released(self.lock);
            record(self.lock.action("unlock"), &*inner);
            drop(inner);
            blocking::let_go();
        }
    }
}

impl<T: Debug> Debug for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        Debug::fmt(&**self, f)
    }
}

/// `std::sync::Condvar` under the model checker, working with the traced [`MutexGuard`].
#[derive(Debug, Default)]
pub struct Condvar(shuttle::sync::Condvar);

pub use shuttle::sync::WaitTimeoutResult;

impl Condvar {
    /// A new condition variable.
    pub fn new() -> Self {
        Condvar(shuttle::sync::Condvar::new())
    }

    /// Unlocks, sleeps until notified, locks again.
    pub fn wait<'a, T: Debug>(
        &self,
        mut guard: MutexGuard<'a, T>,
    ) -> LockResult<MutexGuard<'a, T>> {
        let inner = guard.inner.take().expect("guard is held");
        blocking::sleeps(guard.lock, format!("{:?}", &*inner));
        record("wait (unlock)", &*inner);
        map_lock(self.0.wait(inner), "wake (lock)", guard.lock)
    }

    /// Waits while `condition` holds.
    pub fn wait_while<'a, T: Debug>(
        &self,
        mut guard: MutexGuard<'a, T>,
        mut condition: impl FnMut(&mut T) -> bool,
    ) -> LockResult<MutexGuard<'a, T>> {
        while condition(&mut *guard) {
            guard = self.wait(guard)?;
        }
        Ok(guard)
    }

    /// Like [`Self::wait`], giving up after `timeout` (the model may time out at any point).
    pub fn wait_timeout<'a, T: Debug>(
        &self,
        mut guard: MutexGuard<'a, T>,
        timeout: Duration,
    ) -> LockResult<(MutexGuard<'a, T>, WaitTimeoutResult)> {
        let inner = guard.inner.take().expect("guard is held");
        let lock = guard.lock;
        blocking::sleeps(lock, format!("{:?}", &*inner));
        record("wait (unlock)", &*inner);
        match self.0.wait_timeout(inner, timeout) {
            Ok((inner, result)) => {
                blocking::took(lock);
                record("wake (lock)", &*inner);
                Ok((
                    MutexGuard {
                        inner: Some(inner),
                        lock,
                    },
                    result,
                ))
            }
            Err(p) => {
                let (inner, result) = p.into_inner();
                blocking::took(lock);
                record("wake (lock)", &*inner);
                Err(PoisonError::new((
                    MutexGuard {
                        inner: Some(inner),
                        lock,
                    },
                    result,
                )))
            }
        }
    }

    /// Like [`Self::wait_while`], giving up after `timeout` (shuttle's never does).
    pub fn wait_timeout_while<'a, T: Debug>(
        &self,
        mut guard: MutexGuard<'a, T>,
        timeout: Duration,
        mut condition: impl FnMut(&mut T) -> bool,
    ) -> LockResult<(MutexGuard<'a, T>, WaitTimeoutResult)> {
        let waits = condition(&mut *guard);
        let inner = guard.inner.take().expect("guard is held");
        let lock = guard.lock;
        if waits {
            blocking::sleeps(lock, format!("{:?}", &*inner));
            record("wait (unlock)", &*inner);
        }
        let wrap = |inner: shuttle::sync::MutexGuard<'a, T>| {
            if waits {
                blocking::took(lock);
                record("wake (lock)", &*inner);
            }
            MutexGuard {
                inner: Some(inner),
                lock,
            }
        };
        match self.0.wait_timeout_while(inner, timeout, condition) {
            Ok((inner, result)) => Ok((wrap(inner), result)),
            Err(p) => {
                let (inner, result) = p.into_inner();
                Err(PoisonError::new((wrap(inner), result)))
            }
        }
    }

    /// Wakes one waiting thread.
    pub fn notify_one(&self) {
        self.0.notify_one();
    }

    /// Wakes every waiting thread.
    pub fn notify_all(&self) {
        self.0.notify_all();
    }
}
