//! A counting semaphore: at most `k` threads hold a permit at once (the lectures'
//! `threading.Semaphore(k)`), built from a mutex and a condition variable.

use super::sync::{Condvar, Mutex, MutexGuard};

/// A semaphore with a fixed number of permits.
///
/// [`acquire`](Semaphore::acquire) waits for a permit and returns it as a guard; dropping the
/// guard gives the permit back, even if its holder panics. Waiting threads are served in the
/// order they arrived, so that a busy thread cannot starve the others by taking its permit
/// straight back each time.
#[derive(Debug)]
pub struct Semaphore {
    tickets: Mutex<Tickets>,
    changed: Condvar,
}

/// The deli counter: every thread that asks takes the next ticket, and tickets are called in
/// order. Ticket `t` may go in once `t < admitted`; `admitted` starts at `k` and grows by one
/// with each permit given back, so at most `k` tickets are ever in at once.
#[derive(Debug)]
struct Tickets {
    issued: u64,
    admitted: u64,
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
            tickets: Mutex::new(Tickets {
                issued: 0,
                admitted: permits as u64,
            }),
            changed: Condvar::new(),
        }
    }

    fn tickets(&self) -> MutexGuard<'_, Tickets> {
        // Nothing panics while this mutex is held, so it cannot be poisoned; a panicking permit
        // holder does not hold it (its permit is given back by `Permit::drop`).
        self.tickets.lock().unwrap()
    }

    /// Waits until a permit is free, then takes it. Threads that wait are served in turn.
    pub fn acquire(&self) -> Permit<'_> {
        let mut tickets = self.tickets();
        let mine = tickets.issued;
        tickets.issued += 1;
        // `wait_while` re-checks after every wake-up: a wake-up is a hint, not a promise (it
        // may be spurious, or meant for another ticket).
        let _tickets = self
            .changed
            .wait_while(tickets, |t| mine >= t.admitted)
            .unwrap();
        Permit { semaphore: self }
    }

    /// Takes a permit if one is free now (and nobody is waiting for it), without blocking.
    pub fn try_acquire(&self) -> Option<Permit<'_>> {
        let mut tickets = self.tickets();
        // Every ticket issued so far has been called and one more may go in: no one is
        // waiting, and a permit is free.
        if tickets.issued < tickets.admitted {
            tickets.issued += 1;
            Some(Permit { semaphore: self })
        } else {
            None
        }
    }

    /// Gives a permit back and wakes whoever waits for it.
    fn release(&self) {
        self.tickets().admitted += 1;
        // Every waiter checks whether its ticket was called; only the next one in line goes in.
        self.changed.notify_all();
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.semaphore.release();
    }
}
