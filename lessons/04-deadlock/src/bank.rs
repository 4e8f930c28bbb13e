//! Accounts, and transfers between them: the lectures' deadlock with money in it.
//!
//! A transfer must take money out of one account and put it into another as one step: nobody
//! may see it gone from the first and not yet in the second. So it holds both accounts' locks
//! at once. Two transfers in opposite directions, each taking "its" `from` account first, can
//! each get one lock and wait forever for the other's: the lectures' two tasks, each holding one
//! lock and waiting for the other, the trains at the crossing.
//!
//! Your task, `Bank::transfer`, is in `transfer.rs`; this file holds the accounts. (A fix that
//! needs more state, say one lock for the whole bank, may add a field to `Bank` here.)

use super::sync::Mutex;

/// A bank account: the id the bank gave it, its owner, and its balance behind a lock.
#[derive(Debug)]
pub struct Account {
    pub(crate) id: usize,
    pub(crate) owner: String,
    pub(crate) balance: Mutex<i64>,
}

impl Account {
    /// The account's number at its bank: 0, 1, 2, … in the order the bank opened them.
    pub fn id(&self) -> usize {
        self.id
    }

    /// Who owns the account. Several accounts may have the same owner.
    pub fn owner(&self) -> &str {
        &self.owner
    }

    /// The balance now.
    pub fn balance(&self) -> i64 {
        *self.balance.lock().unwrap()
    }
}

/// A bank: its accounts, and the transfers between them.
#[derive(Debug)]
pub struct Bank {
    pub(crate) accounts: Vec<Account>,
}

impl Bank {
    /// A bank with one account per `(owner, balance)`, numbered from 0 in that order.
    pub fn new(accounts: &[(&str, i64)]) -> Self {
        Bank {
            accounts: accounts
                .iter()
                .enumerate()
                .map(|(id, &(owner, balance))| Account {
                    id,
                    owner: owner.to_string(),
                    balance: Mutex::new(balance),
                })
                .collect(),
        }
    }

    /// Account number `id`.
    pub fn account(&self, id: usize) -> &Account {
        &self.accounts[id]
    }

    /// The balance of account number `id`.
    pub fn balance(&self, id: usize) -> i64 {
        self.account(id).balance()
    }

    /// The money in all the accounts, counted one account at a time.
    pub fn total(&self) -> i64 {
        self.accounts.iter().map(Account::balance).sum()
    }
}
