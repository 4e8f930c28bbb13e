//! The solution's transfer, with the mutant's bug (see lib.rs).

use super::bank::Bank;
use super::sync::pause;

impl Bank {
    /// Moves `amount` from account `from` to account `to`, as one step: both accounts are
    /// locked while the money moves. (Balances may go below zero: overdrafts were lesson 02.)
    pub fn transfer(&self, from: usize, to: usize, amount: i64) {
        assert_ne!(from, to, "a transfer needs two different accounts");
        let (from, to) = (self.account(from), self.account(to));
        // BUG: an order by owner's name. Two accounts of one owner tie, the tie goes to
        // `from`, and opposite transfers between them cross again.
        let from_first = from.owner <= to.owner;
        let (first, second) = if from_first { (from, to) } else { (to, from) };
        let mut first = first.balance.lock().unwrap();
        pause(); // the lectures' `time.sleep` between the two locks: harmless now
        let mut second = second.balance.lock().unwrap();
        let (source, target) = if from_first {
            (&mut *first, &mut *second)
        } else {
            (&mut *second, &mut *first)
        };
        *source -= amount;
        *target += amount;
    }
}
