// The demo of lesson 03: `cargo xtask run lesson-03 [--solution] -- writers --mode torn`.
// The solution's demo is this same file (solutions/03-locks/src/main.rs includes it).

use std::sync::Mutex;
use std::thread;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};
use lesson_03::{Screen, Semaphore, write_greetings, write_greetings_two_at_a_time};
use parking_lot::ReentrantMutex;
use tracing::info;

/// Locks: the lectures' stdout writers, non-blocking locks, poisoning, re-entrant locks.
#[derive(Parser)]
struct Args {
    #[command(subcommand)]
    demo: Demo,
}

#[derive(Subcommand)]
enum Demo {
    /// Threads writing lines to one screen, each line in two slow pieces.
    Writers {
        /// `torn`: no lock; `locked`: write_greetings; `two-at-once`: a semaphore of 2.
        #[arg(long, value_enum, default_value_t = Mode::Torn)]
        mode: Mode,
        #[arg(long, default_value_t = 2)]
        writers: usize,
        #[arg(long, default_value_t = 10)]
        lines: usize,
        /// How long each piece takes to write (the lectures sleep 100 ms).
        #[arg(long, default_value_t = 100)]
        delay_ms: u64,
    },
    /// `try_lock`: the lectures' `lock.acquire(False)`.
    TryLock,
    /// A thread panics while holding a lock: the next `lock()` reports the mutex poisoned.
    Poison,
    /// A re-entrant lock taken again by the thread that holds it (the lectures' RLock).
    Reentrant,
}

#[derive(Clone, Copy, ValueEnum)]
enum Mode {
    Torn,
    Locked,
    TwoAtOnce,
}

fn main() {
    common::log::init();
    match Args::parse().demo {
        Demo::Writers {
            mode,
            writers,
            lines,
            delay_ms,
        } => {
            let screen = Screen::echoing(Duration::from_millis(delay_ms));
            let permits = Semaphore::new(2);
            thread::scope(|s| {
                for i in 1..=writers {
                    let (screen, permits) = (&screen, &permits);
                    s.spawn(move || {
                        let name = format!("Thread-{i}");
                        match mode {
                            // What the lectures start from: two writes per line, nothing held.
                            Mode::Torn => (0..lines).for_each(|_| {
                                screen.write(&name);
                                screen.write(" Hello World!\n");
                            }),
                            Mode::Locked => write_greetings(screen, &name, lines),
                            Mode::TwoAtOnce => {
                                write_greetings_two_at_a_time(screen, permits, &name, lines)
                            }
                        }
                    });
                }
            });
            info!(
                "{} writers were at the screen at once, at most",
                screen.most_writers_at_once()
            );
        }
        Demo::TryLock => {
            let lock = Mutex::new(());
            let held = lock.lock().unwrap();
            if lock.try_lock().is_err() {
                info!("couldn't get lock (it is held)");
            }
            drop(held);
            if lock.try_lock().is_ok() {
                info!("got lock");
            }
        }
        Demo::Poison => {
            let records = Mutex::new(vec![1, 2, 3]);
            thread::scope(|s| {
                let died = s
                    .spawn(|| {
                        let mut records = records.lock().unwrap();
                        records.push(4);
                        panic!("the writer panics halfway through an update");
                    })
                    .join();
                info!("the writer thread ended with a panic: {}", died.is_err());
            });
            match records.lock() {
                Ok(_) => info!("the lock is fine"),
                Err(poisoned) => {
                    info!("lock() says the mutex is poisoned: its holder panicked mid-update");
                    info!(
                        "the data may be half-updated; into_inner() still reaches it: {:?}",
                        *poisoned.into_inner()
                    );
                }
            }
        }
        Demo::Reentrant => {
            // std's Mutex would deadlock here: the second lock() waits for the first, which
            // this very thread holds. A re-entrant mutex counts its holder's locks instead.
            let lock = ReentrantMutex::new(());
            fn depth(lock: &ReentrantMutex<()>, n: u32) -> u32 {
                let _held = lock.lock();
                info!("holding the lock at depth {n}");
                if n == 3 { n } else { depth(lock, n + 1) }
            }
            info!(
                "reached depth {} while holding the lock at every level",
                depth(&lock, 1)
            );
        }
    }
}
