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
        // TODO: each step below holds the lock, and yet deposits get lost: the lock is free
        // between reading the balance and writing the new one back, and another thread's
        // deposit can land in between, only to be overwritten. Make read, add and write one
        // critical section.
        let balance = self.balance();
        let new_balance = balance + amount;
        *self.balance.lock().unwrap() = new_balance;
    }

    /// Takes `amount` out, or refuses, changing nothing, if the balance is less than `amount`.
    pub fn withdraw(&self, amount: i64) -> Result<(), InsufficientFunds> {
        // TODO: check, then act: between the check and the withdrawal, another thread can take
        // the money that the check saw. Check and withdraw under one lock.
        let balance = self.balance();
        if balance < amount {
            return Err(InsufficientFunds {
                balance,
                requested: amount,
            });
        }
        self.deposit(-amount);
        Ok(())
    }
}

/// Moves `amount` from `from` to `to`, or nothing at all if `from` holds less.
pub fn transfer(from: &Account, to: &Account, amount: i64) -> Result<(), InsufficientFunds> {
    from.withdraw(amount)?;
    to.deposit(amount);
    Ok(())
}
