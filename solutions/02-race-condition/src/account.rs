//! A bank account that several parties use at once: the lectures' company paying in 2 000
//! while eBay charges 1 000.

use super::sync::Mutex;
use crate::InsufficientFunds;

/// An account shared by threads. The balance never goes below zero.
#[derive(Debug)]
pub struct Account {
    balance: Mutex<i64>,
}

impl Account {
    /// An account holding `balance`.
    pub fn new(balance: i64) -> Self {
        Account {
            balance: Mutex::new(balance),
        }
    }

    /// The balance now.
    pub fn balance(&self) -> i64 {
        *self.balance.lock().unwrap()
    }

    /// Pays `amount` in.
    pub fn deposit(&self, amount: i64) {
        // Read, add and write back under one guard: the critical section.
        *self.balance.lock().unwrap() += amount;
    }

    /// Takes `amount` out, or refuses, changing nothing, if the balance is less than `amount`.
    pub fn withdraw(&self, amount: i64) -> Result<(), InsufficientFunds> {
        // Check and act under the same guard. (Calling `self.balance()` here would lock the
        // mutex a second time from this thread: std's Mutex is not re-entrant, so it would
        // deadlock.)
        let mut balance = self.balance.lock().unwrap();
        if *balance < amount {
            return Err(InsufficientFunds {
                balance: *balance,
                requested: amount,
            });
        }
        *balance -= amount;
        Ok(())
    }
}

/// Moves `amount` from `from` to `to`, or nothing at all if `from` holds less.
pub fn transfer(from: &Account, to: &Account, amount: i64) -> Result<(), InsufficientFunds> {
    from.withdraw(amount)?;
    to.deposit(amount);
    Ok(())
}
