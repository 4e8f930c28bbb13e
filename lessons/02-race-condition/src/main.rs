// The demo of lesson 02: `cargo xtask run lesson-02 [--solution] -- --threads 2 --increments 100000`.
// The solution's demo is this same file (solutions/02-race-condition/src/main.rs includes it).

use std::sync::Barrier;
use std::thread;

use clap::Parser;
use common::grading::thousands;
use lesson_02::{Account, Counter};
use tracing::info;

/// Race conditions: the lectures' `x += 1` from several threads, and the bank account.
#[derive(Parser)]
struct Args {
    /// Threads incrementing the counter.
    #[arg(long, default_value_t = 2)]
    threads: usize,
    /// Increments per thread.
    #[arg(long, default_value_t = 100_000)]
    increments: u64,
    /// How many times to repeat the experiment (the lectures run it 10 times).
    #[arg(long, default_value_t = 10)]
    iterations: usize,
}

fn main() {
    common::log::init();
    let args = Args::parse();
    let expected = args.threads as u64 * args.increments;

    // The lectures' thread2.py: each iteration starts the threads afresh and prints x.
    for iteration in 0..args.iterations {
        let counter = Counter::new();
        let start = Barrier::new(args.threads);
        thread::scope(|s| {
            for _ in 0..args.threads {
                s.spawn(|| {
                    start.wait();
                    (0..args.increments).for_each(|_| counter.increment());
                });
            }
        });
        let x = counter.get();
        info!(
            "iteration {iteration}: x = {} ({})",
            thousands(x),
            if x == expected {
                "right".to_string()
            } else {
                format!("{} lost", thousands(expected - x))
            }
        );
    }

    // The bank account, as in the lectures' synchro1.py: the company pays in 2 000 and eBay
    // charges 1 000, 10 000 times each, on an account that holds enough for every charge.
    let start_balance = 10_000_000i64;
    let expected = start_balance + 10_000 * (2_000 - 1_000);
    for iteration in 0..args.iterations {
        let account = Account::new(start_balance);
        let start = Barrier::new(2);
        thread::scope(|s| {
            s.spawn(|| {
                start.wait();
                (0..10_000).for_each(|_| account.deposit(2_000));
            });
            s.spawn(|| {
                start.wait();
                (0..10_000).for_each(|_| account.withdraw(1_000).expect("enough money"));
            });
        });
        let balance = account.balance();
        info!(
            "iteration {iteration}: final balance = {} ({})",
            thousands(balance),
            if balance == expected {
                "right".to_string()
            } else {
                format!("expected {}", thousands(expected))
            }
        );
    }
}
