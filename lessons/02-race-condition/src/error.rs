//! The error a bank gives when the money is not there. Nothing to edit here.

use std::fmt;

/// A withdrawal larger than the balance, refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InsufficientFunds {
    /// The balance when the withdrawal was refused.
    pub balance: i64,
    /// What was asked for.
    pub requested: i64,
}

impl fmt::Display for InsufficientFunds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot withdraw {} from a balance of {}",
            self.requested, self.balance
        )
    }
}

impl std::error::Error for InsufficientFunds {}
