// The checks of lesson 02, run by `cargo xtask check lesson-02`, each in its own process.
// The solution runs this same file (solutions/02-race-condition/tests/checks.rs includes it).
//
// Each race is checked twice:
// - with real threads, many times over, as it would happen in production: a race shows up
//   as a matter of odds ("lost updates in 5 of 5 runs");
// - under a model checker, which runs two threads step by step through every interleaving:
//   the race is found on every run, on every machine, and printed as the lectures' table.

use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Duration;

use common::grading::{plural, thousands, with_deadline};
use common::model::{check_every_interleaving, fail, spawn};
use lesson_02::{Account, Counter, model, transfer};

/// Real-thread runs per check: a race is a matter of odds, so each check tries several times
/// (the counter, cheap to run and sensitive to a busy machine, twice as many).
const RUNS: usize = 5;
const COUNTER_RUNS: usize = 2 * RUNS;
const LIMIT: Duration = Duration::from_secs(6);
const HANG: &str = "(std's Mutex is not re-entrant: locking it again while this thread holds it, \
                    say by calling self.balance() inside withdraw, blocks forever)";

/// Runs `work(i)` on `threads` threads that all start at the same moment.
fn together(threads: usize, work: impl Fn(usize) + Send + Sync + 'static) {
    let barrier = Arc::new(Barrier::new(threads));
    let work = Arc::new(work);
    let handles: Vec<_> = (0..threads)
        .map(|i| {
            let (barrier, work) = (Arc::clone(&barrier), Arc::clone(&work));
            thread::spawn(move || {
                barrier.wait();
                work(i)
            })
        })
        .collect();
    for h in handles {
        h.join().expect("a thread of the check panicked");
    }
}

#[test]
fn counter_counts_every_increment() {
    let (threads, per_thread) = (4, 250_000u64);
    let expected = threads as u64 * per_thread;
    let mut short = Vec::new();
    for _ in 0..COUNTER_RUNS {
        let counter = Arc::new(Counter::new());
        let shared = Arc::clone(&counter);
        with_deadline(LIMIT, "the counter", move || {
            together(threads, move |_| {
                (0..per_thread).for_each(|_| shared.increment())
            })
        });
        if counter.get() != expected {
            short.push(counter.get());
        }
    }
    if let Some(&worst) = short.iter().min() {
        panic!(
            "lost updates in {} of {}: {threads} threads × {} increments counted as little as {} \
             ({} lost). Two threads read the same value, both added one, and the second write \
             overwrote the first.",
            short.len(),
            plural(COUNTER_RUNS, "run"),
            thousands(per_thread),
            thousands(worst),
            thousands(expected - worst)
        );
    }
}

#[test]
fn counter_is_right_in_every_interleaving() {
    let schedules = check_every_interleaving(|| {
        let counter = Arc::new(model::counter::Counter::new());
        let threads: Vec<_> = ["thread-1", "thread-2"]
            .into_iter()
            .map(|name| {
                let counter = Arc::clone(&counter);
                spawn(name, move || counter.increment())
            })
            .collect();
        threads.into_iter().for_each(|t| t.join().unwrap());
        let value = counter.get();
        if value != 2 {
            fail(format!(
                "lost update: two threads incremented once each and the counter says {value}. \
                 Both read the value before either wrote it back."
            ));
        }
    });
    println!("the counter is right in all {schedules} interleavings of two increments");
}

#[test]
fn deposits_and_withdrawals_are_never_lost() {
    let (start, rounds) = (1_000_000i64, 100_000i64);
    // Two payers deposit 2 at a time, two chargers withdraw 1 at a time.
    let expected = start + 2 * rounds * 2 - 2 * rounds;
    let mut wrong = Vec::new();
    for _ in 0..RUNS {
        let account = Arc::new(Account::new(start));
        let shared = Arc::clone(&account);
        with_deadline(
            LIMIT,
            &format!("deposits and withdrawals {HANG}"),
            move || {
                together(4, move |i| {
                    for _ in 0..rounds {
                        if i % 2 == 0 {
                            shared.deposit(2);
                        } else {
                            shared.withdraw(1).expect("the balance stays far above 1");
                        }
                    }
                })
            },
        );
        if account.balance() != expected {
            wrong.push(account.balance());
        }
    }
    if !wrong.is_empty() {
        let shown: Vec<String> = wrong.iter().map(|&b| thousands(b)).collect();
        panic!(
            "the balance is wrong in {} of {}: starting from {}, 2 threads × {} deposits of 2 and \
             2 threads × {} withdrawals of 1 must end at {}, but ended at {}. A deposit or \
             withdrawal that read the balance before another one wrote it back overwrote it.",
            wrong.len(),
            plural(RUNS, "run"),
            thousands(start),
            thousands(rounds),
            thousands(rounds),
            thousands(expected),
            shown.join(", ")
        );
    }
}

#[test]
fn account_is_right_in_every_interleaving() {
    let schedules = check_every_interleaving(|| {
        let account = Arc::new(model::account::Account::new(10_000));
        let (a, b) = (Arc::clone(&account), Arc::clone(&account));
        let company = spawn("company", move || a.deposit(2_000));
        let ebay = spawn("ebay", move || {
            b.withdraw(1_000).expect("10 000 covers 1 000")
        });
        company.join().unwrap();
        ebay.join().unwrap();
        let balance = account.balance();
        if balance != 11_000 {
            fail(format!(
                "the company paid in 2 000 and eBay charged 1 000 on a balance of 10 000, and the \
                 balance is {}, not 11 000: one thread wrote back a balance computed from \
                 a value the other had already changed.",
                thousands(balance)
            ));
        }
    });
    println!("the account is right in all {schedules} interleavings of a deposit and a withdrawal");
}

#[test]
fn withdrawals_never_overdraw() {
    let start = 100_000i64;
    let mut problems = Vec::new();
    for _ in 0..RUNS {
        let account = Arc::new(Account::new(start));
        let paid_out = Arc::new(std::sync::atomic::AtomicI64::new(0));
        let (shared, paid) = (Arc::clone(&account), Arc::clone(&paid_out));
        // Four threads take 1 at a time until the bank refuses.
        with_deadline(LIMIT, &format!("the withdrawals {HANG}"), move || {
            together(4, move |_| {
                while shared.withdraw(1).is_ok() {
                    paid.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            })
        });
        let paid_out = paid_out.load(std::sync::atomic::Ordering::Relaxed);
        if paid_out != start || account.balance() != 0 {
            problems.push((paid_out, account.balance()));
        }
    }
    if let Some(&(paid_out, balance)) = problems.first() {
        panic!(
            "4 threads emptying an account of {} paid out {} and left a balance of {} (in {} of \
             {}; expected {} and 0). Between one thread's check of the balance and its \
             withdrawal, other threads took the same money.",
            thousands(start),
            thousands(paid_out),
            thousands(balance),
            problems.len(),
            plural(RUNS, "run"),
            thousands(start)
        );
    }
}

#[test]
fn transfers_conserve_money() {
    let (start, rounds) = (100_000i64, 100_000);
    let mut problems = Vec::new();
    for _ in 0..RUNS {
        let accounts = Arc::new([Account::new(start), Account::new(start)]);
        let shared = Arc::clone(&accounts);
        with_deadline(LIMIT, &format!("the transfers {HANG}"), move || {
            // Two threads move money one way, two the other.
            together(4, move |i| {
                let (from, to) = (&shared[i % 2], &shared[1 - i % 2]);
                for _ in 0..rounds {
                    let _ = transfer(from, to, 1);
                }
            })
        });
        let (a, b) = (accounts[0].balance(), accounts[1].balance());
        if a + b != 2 * start || a < 0 || b < 0 {
            problems.push((a, b));
        }
    }
    if let Some(&(a, b)) = problems.first() {
        panic!(
            "after transfers back and forth between two accounts of {} each, they hold {} and {} \
             ({} in all, in {} of {}). Transfers only move money: the total must stay {} and \
             neither account may go below zero.",
            thousands(start),
            thousands(a),
            thousands(b),
            thousands(a + b),
            problems.len(),
            plural(RUNS, "run"),
            thousands(2 * start)
        );
    }
}

#[test]
fn transfers_are_right_in_every_interleaving() {
    // The real-thread check above catches a racy transfer most of the time; this one tries
    // every interleaving of two opposite transfers, so the verdict is the same on every run.
    let schedules = check_every_interleaving(|| {
        let accounts = Arc::new([
            model::account::Account::new(1),
            model::account::Account::new(1),
        ]);
        let moves: Vec<_> = [("alice→bob", 0, 1), ("bob→alice", 1, 0)]
            .into_iter()
            .map(|(name, from, to)| {
                let accounts = Arc::clone(&accounts);
                spawn(name, move || {
                    let _ = model::account::transfer(&accounts[from], &accounts[to], 1);
                })
            })
            .collect();
        moves.into_iter().for_each(|m| m.join().unwrap());
        let (a, b) = (accounts[0].balance(), accounts[1].balance());
        if a + b != 2 || a < 0 || b < 0 {
            fail(format!(
                "alice and bob hold 1 each and send each other 1 at the same time; afterwards \
                 they hold {a} and {b}. Transfers only move money: the total must stay 2 and \
                 neither may go below zero."
            ));
        }
    });
    println!("transfers are right in all {schedules} interleavings of two opposite transfers");
}

#[test]
fn overdraft_is_impossible_in_every_interleaving() {
    let schedules = check_every_interleaving(|| {
        let account = Arc::new(model::account::Account::new(1_500));
        let charges: Vec<_> = ["ebay", "shop"]
            .into_iter()
            .map(|name| {
                let account = Arc::clone(&account);
                spawn(name, move || account.withdraw(1_000).is_ok())
            })
            .collect();
        let accepted = charges
            .into_iter()
            .map(|c| c.join().unwrap())
            .filter(|&ok| ok)
            .count();
        let balance = account.balance();
        if accepted != 1 || balance != 500 {
            fail(format!(
                "two charges of 1 000 on a balance of 1 500: {accepted} accepted, balance {}. \
                 Exactly one must go through, leaving 500: both checked the balance before \
                 either took the money.",
                thousands(balance)
            ));
        }
    });
    println!("no overdraft in any of {schedules} interleavings of two withdrawals");
}
