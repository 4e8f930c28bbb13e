//! A condition variable that the model checker may wake for no reason.
//!
//! Real condition variables may wake a waiter that nobody notified (a *spurious* wake-up), and a
//! waiter woken by `notify_all` may find that another thread got there first; that is why every
//! wait sits in a loop that checks its condition again (`while not available: wait()` in the
//! lectures). Shuttle's condition variable never wakes spuriously, so a wait guarded by `if`
//! instead of `while` would pass every schedule. This one can: [`wake_spuriously`], called from
//! a thread of the model (a "ghost" that only does this), wakes every waiter of every
//! [`Condvar`] of the current execution, at whatever point the model checker runs it.
//!
//! A lesson's `model` module re-exports this `Condvar` (and [`WaitTimeoutResult`]) over
//! [`super::sync`]'s:
//!
//! ```ignore
//! pub mod sync {
//!     pub use common::model::sync::*;
//!     pub use common::model::spurious::{Condvar, WaitTimeoutResult};
//! }
//! ```

use std::cell::RefCell;
use std::fmt::Debug;
use std::sync::{Arc, LockResult, PoisonError, Weak};
use std::time::Duration;

use super::record;
use super::sync::{self, MutexGuard};

thread_local! {
    // Shuttle runs every thread of an execution on the OS thread that called the checker, so one
    // thread-local list sees the condition variables of all of them.
    static CONDVARS: RefCell<Vec<Weak<sync::Condvar>>> = const { RefCell::new(Vec::new()) };
}

/// `std::sync::Condvar` under the model checker, which may also wake its waiters spuriously
/// (see [`wake_spuriously`]).
#[derive(Debug)]
pub struct Condvar(Arc<sync::Condvar>);

/// Whether a timed wait timed out (`std::sync::WaitTimeoutResult` under the model checker,
/// where waits never time out: only a notification or a spurious wake-up ends them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitTimeoutResult(bool);

impl WaitTimeoutResult {
    /// Whether the wait timed out (never, in the model).
    pub fn timed_out(&self) -> bool {
        self.0
    }
}

impl Default for Condvar {
    fn default() -> Self {
        Self::new()
    }
}

impl Condvar {
    /// A new condition variable, which [`wake_spuriously`] reaches.
    pub fn new() -> Self {
        let inner = Arc::new(sync::Condvar::new());
        CONDVARS.with(|all| {
            let mut all = all.borrow_mut();
            all.retain(|c| c.strong_count() > 0);
            all.push(Arc::downgrade(&inner));
        });
        Condvar(inner)
    }

    /// Unlocks, sleeps until notified (or woken spuriously), locks again.
    pub fn wait<'a, T: Debug>(&self, guard: MutexGuard<'a, T>) -> LockResult<MutexGuard<'a, T>> {
        self.0.wait(guard)
    }

    /// Waits while `condition` holds.
    pub fn wait_while<'a, T: Debug>(
        &self,
        guard: MutexGuard<'a, T>,
        condition: impl FnMut(&mut T) -> bool,
    ) -> LockResult<MutexGuard<'a, T>> {
        self.0.wait_while(guard, condition)
    }

    /// Like [`Self::wait`]; in the model it never times out.
    pub fn wait_timeout<'a, T: Debug>(
        &self,
        guard: MutexGuard<'a, T>,
        _timeout: Duration,
    ) -> LockResult<(MutexGuard<'a, T>, WaitTimeoutResult)> {
        match self.wait(guard) {
            Ok(guard) => Ok((guard, WaitTimeoutResult(false))),
            Err(p) => Err(PoisonError::new((p.into_inner(), WaitTimeoutResult(false)))),
        }
    }

    /// Like [`Self::wait_while`]; in the model it never times out.
    pub fn wait_timeout_while<'a, T: Debug>(
        &self,
        guard: MutexGuard<'a, T>,
        _timeout: Duration,
        condition: impl FnMut(&mut T) -> bool,
    ) -> LockResult<(MutexGuard<'a, T>, WaitTimeoutResult)> {
        match self.wait_while(guard, condition) {
            Ok(guard) => Ok((guard, WaitTimeoutResult(false))),
            Err(p) => Err(PoisonError::new((p.into_inner(), WaitTimeoutResult(false)))),
        }
    }

    /// Wakes one waiting thread.
    pub fn notify_one(&self) {
        record("notify_one", &"-");
        self.0.notify_one();
    }

    /// Wakes every waiting thread.
    pub fn notify_all(&self) {
        record("notify_all", &"-");
        self.0.notify_all();
    }
}

/// Wakes every thread waiting on any [`Condvar`] of the current execution, though nothing
/// changed: a spurious wake-up. Call it from a thread of the model, so that the checker tries it
/// at every point of the schedule.
pub fn wake_spuriously() {
    let all: Vec<_> = CONDVARS.with(|all| all.borrow().iter().filter_map(Weak::upgrade).collect());
    record("spurious wake-up", &"-");
    for condvar in all {
        condvar.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::super::sync::Mutex;
    use super::super::{check_every_interleaving, spawn};
    use super::*;

    /// A waiter for `ready`, with `if` or with `while` around its wait; a setter; a ghost.
    fn one_waiter(with_while: bool) {
        check_every_interleaving(move || {
            let state = Arc::new((Mutex::new(false), Condvar::new()));
            let waiter = {
                let state = Arc::clone(&state);
                spawn("waiter", move || {
                    let (ready, changed) = &*state;
                    let mut ready = ready.lock().unwrap();
                    if with_while {
                        while !*ready {
                            ready = changed.wait(ready).unwrap();
                        }
                    } else if !*ready {
                        ready = changed.wait(ready).unwrap();
                    }
                    assert!(*ready, "woke up with nothing ready");
                })
            };
            let setter = {
                let state = Arc::clone(&state);
                spawn("setter", move || {
                    *state.0.lock().unwrap() = true;
                    state.1.notify_all();
                })
            };
            let ghost = spawn("spurious", wake_spuriously);
            for t in [waiter, setter, ghost] {
                t.join().unwrap();
            }
        });
    }

    #[test]
    fn a_wait_in_a_while_loop_outlasts_spurious_wake_ups() {
        one_waiter(true);
    }

    #[test]
    fn a_wait_behind_an_if_is_caught_by_a_spurious_wake_up() {
        let result = std::panic::catch_unwind(|| one_waiter(false));
        assert!(result.is_err(), "the `if` was not caught");
    }
}
