//! The solution's transfer, with the mutant's bug (see lib.rs).

use super::bank::Bank;
use super::sync::pause;

impl Bank {
    /// Moves `amount` from account `from` to account `to`, as one step: both accounts are
    /// locked while the money moves. (Balances may go below zero: overdrafts were lesson 02.)
    pub fn transfer(&self, from: usize, to: usize, amount: i64) {
        assert_ne!(from, to, "a transfer needs two different accounts");
        let (from, to) = (self.account(from), self.account(to));
        // BUG: backs off when the second account is busy, but then waits for it while
        // taking the first one again: still one lock held while waiting for another, in an
        // order that the opposite transfer does not share.
        let mut source = from.balance.lock().unwrap();
        pause();
        match to.balance.try_lock() {
            Ok(mut target) => {
                *source -= amount;
                *target += amount;
            }
            Err(_) => {
                drop(source);
                let mut target = to.balance.lock().unwrap();
                let mut source = from.balance.lock().unwrap();
                *source -= amount;
                *target += amount;
            }
        }
    }
}
