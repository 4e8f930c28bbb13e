//! Transfers between accounts: your task. Two opposite transfers that each lock their `from`
//! account first can each get one lock and wait forever for the other's.

use super::bank::Bank;
use super::sync::pause;

impl Bank {
    /// Moves `amount` from account `from` to account `to`, as one step: both accounts are
    /// locked while the money moves. (Balances may go below zero: overdrafts were lesson 02.)
    pub fn transfer(&self, from: usize, to: usize, amount: i64) {
        assert_ne!(from, to, "a transfer needs two different accounts");
        let (from, to) = (self.account(from), self.account(to));
        // TODO: two opposite transfers can each lock their `from` account here, then wait for
        // each other's forever. Make every transfer take the two locks in an order that all
        // threads agree on, whichever way the money goes (or never wait for the second lock
        // while holding the first). Keep the pause between the two locks: it is there to
        // make the deadlock happen on every run, and a fixed transfer goes through it.
        // (`sync::back_off` is there if you retry with `try_lock`: see sync.rs.)
        let mut source = from.balance.lock().unwrap();
        pause(); // the lectures' `time.sleep` between the two locks
        let mut target = to.balance.lock().unwrap();
        *source -= amount;
        *target += amount;
    }
}
