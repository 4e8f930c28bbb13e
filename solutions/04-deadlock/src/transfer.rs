//! Transfers between accounts, deadlock-free: every transfer takes the two locks in the order
//! of the accounts' ids.

use super::bank::Bank;
use super::sync::pause;

impl Bank {
    /// Moves `amount` from account `from` to account `to`, as one step: both accounts are
    /// locked while the money moves. (Balances may go below zero: overdrafts were lesson 02.)
    pub fn transfer(&self, from: usize, to: usize, amount: i64) {
        assert_ne!(from, to, "a transfer needs two different accounts");
        let (from, to) = (self.account(from), self.account(to));
        // Every transfer locks the lower-numbered account first, whichever way the money goes:
        // two transfers between the same accounts then queue for the same first lock, and
        // whoever gets it finds the second one free (or soon freed). No cycle can form.
        let from_first = from.id < to.id;
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
