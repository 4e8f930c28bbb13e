//! The two processes of the balance race and the segment they share. You do not need to change
//! this file: your work is in `balance.rs`.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::{
    AtomicBalance, CONNECT_DEADLINE, DEPOSIT, Error, InSegment, LockedBalance, Program,
    SharedValue, WITHDRAW, expect_success,
};

/// How long the rest of a transaction takes (a receipt, a log line): about what one
/// `balance.value = balance.value - 1` costs in CPython.
pub const PAPERWORK: Duration = Duration::from_micros(1);

/// The rest of a transaction, besides the balance: about a microsecond of work. It is what
/// makes the lectures' race show in Python on every run (the interpreter's work between reading
/// and writing `balance.value`); done between the read and the write in the starter's
/// `balance.rs`, it does the same here.
pub fn paperwork() {
    let start = Instant::now();
    while start.elapsed() < PAPERWORK {
        std::hint::spin_loop();
    }
}

/// The balance the lectures start from.
pub const START_BALANCE: i64 = 100;
/// How many times each process withdraws or deposits 1.
pub const TRANSACTIONS: u32 = 10_000;

/// Which of the two balances in the [`Bank`] the processes use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Fix {
    /// [`AtomicBalance`]: the balance is one atomic.
    Atomic,
    /// [`LockedBalance`]: the balance is behind a [`ProcessMutex`].
    Lock,
}

impl Fix {
    /// The fix as a command-line argument.
    pub fn to_arg(self) -> &'static str {
        match self {
            Fix::Atomic => "atomic",
            Fix::Lock => "lock",
        }
    }

    /// Reads what [`Fix::to_arg`] wrote.
    pub fn from_arg(arg: &str) -> Option<Fix> {
        match arg {
            "atomic" => Some(Fix::Atomic),
            "lock" => Some(Fix::Lock),
            _ => None,
        }
    }
}

/// A start line in shared memory: each process that arrives waits until `n` have, so that the
/// two start their loops at the same moment, as two threads behind a `Barrier` would.
#[repr(C)]
#[derive(Debug, Default)]
pub struct StartLine {
    arrived: AtomicU32,
}

impl StartLine {
    /// Arrives, and waits (spinning, so as to be on a CPU the moment the other arrives) until `n`
    /// processes have. Gives up after `limit`: the other process died before it arrived.
    pub fn arrive_and_wait(&self, n: u32, limit: Duration) -> Result<(), Error> {
        self.arrived.fetch_add(1, Ordering::SeqCst);
        let start = Instant::now();
        while self.arrived.load(Ordering::SeqCst) < n {
            if start.elapsed() > limit {
                return Err(format!("the other process did not arrive within {limit:?}").into());
            }
            std::hint::spin_loop();
        }
        Ok(())
    }
}

/// The segment that the two processes of [`perform_transactions`] share: a start line and the
/// balance in both forms (they use one of them).
#[repr(C)]
#[derive(Debug, Default)]
pub struct Bank {
    /// Where both processes wait for each other before they begin.
    pub start: StartLine,
    /// The balance as one atomic.
    pub atomic: AtomicBalance,
    /// The balance behind a lock.
    pub locked: LockedBalance,
}

// Safety: `Bank` is #[repr(C)] and made of an AtomicU32, an AtomicI64 (in AtomicBalance) and a
// ProcessMutex<i64> (an AtomicU32 and the i64 it guards): no pointers, all zeros is a valid bank
// (nobody arrived, balances 0, the lock free), and every change through `&Bank` is atomic or made
// under the lock, which lives in the segment too.
unsafe impl InSegment for Bank {}

/// The lectures' `perform_transactions`: a balance of [`START_BALANCE`] in shared memory, one
/// child withdrawing 1 `times` times and one depositing 1 `times` times, both using the balance
/// that `fix` names. Returns the balance after both have finished: 100, if nothing was lost.
pub fn perform_transactions(program: &Program, fix: Fix, times: u32) -> Result<i64, Error> {
    let bank = SharedValue::<Bank>::create("bank")?;
    bank.atomic.set(START_BALANCE);
    bank.locked.set(START_BALANCE);
    let start = |role: &str| {
        program
            .role(role)
            .args([bank.name(), fix.to_arg(), &times.to_string()])
            .spawn()
    };
    // Each guard kills and reaps its child if we leave early.
    let mut withdraw = start(WITHDRAW)?;
    let mut deposit = start(DEPOSIT)?;
    expect_success(WITHDRAW, withdraw.wait()?)?;
    expect_success(DEPOSIT, deposit.wait()?)?;
    Ok(match fix {
        Fix::Atomic => bank.atomic.get(),
        Fix::Lock => bank.locked.get(),
    })
}

/// The children's side of [`perform_transactions`] (roles [`WITHDRAW`] and [`DEPOSIT`]).
pub fn transact(role: &str, args: &[String]) -> Result<(), Error> {
    let [name, fix, times] = args else {
        return Err(format!("expected: segment fix times, got {args:?}").into());
    };
    let fix = Fix::from_arg(fix).ok_or_else(|| format!("bad fix {fix:?}"))?;
    let times: u32 = times.parse()?;
    let bank = SharedValue::<Bank>::open(name)?;
    bank.start.arrive_and_wait(2, CONNECT_DEADLINE)?;
    for _ in 0..times {
        match (role, fix) {
            (WITHDRAW, Fix::Atomic) => bank.atomic.withdraw(1),
            (WITHDRAW, Fix::Lock) => bank.locked.withdraw(1),
            (_, Fix::Atomic) => bank.atomic.deposit(1),
            (_, Fix::Lock) => bank.locked.deposit(1),
        }
    }
    Ok(())
}
