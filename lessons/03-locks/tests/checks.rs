// The checks of lesson 03, run by `cargo xtask check lesson-03`, each in its own process.
// The solution runs this same file (solutions/03-locks/tests/checks.rs includes it).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use common::grading::{Gauge, with_deadline};
use common::model::{check_sampled_interleavings, spawn};
use lesson_03::{
    Screen, Semaphore, greeting, model, write_greetings, write_greetings_two_at_a_time,
};

const LIMIT: Duration = Duration::from_secs(6);
const WRITERS: usize = 8;
const LINES: usize = 20;

fn writer_name(i: usize) -> String {
    format!("Thread-{}", i + 1)
}

/// Runs `WRITERS` writer threads, started together, each calling `write(screen, name)`.
fn run_writers(write: impl Fn(&Screen, &str) + Send + Sync + 'static) -> Arc<Screen> {
    let screen = Arc::new(Screen::new());
    let shared = Arc::clone(&screen);
    with_deadline(LIMIT, "the writers", move || {
        let start = Barrier::new(WRITERS);
        thread::scope(|s| {
            for i in 0..WRITERS {
                let (screen, start, write) = (&shared, &start, &write);
                s.spawn(move || {
                    start.wait();
                    write(screen, &writer_name(i));
                });
            }
        });
    });
    screen
}

#[test]
fn every_line_is_whole() {
    let screen = run_writers(|screen, name| write_greetings(screen, name, LINES));
    let lines = screen.lines();
    let mut per_writer = BTreeMap::new();
    let mut torn = Vec::new();
    for line in &lines {
        match (0..WRITERS)
            .map(writer_name)
            .find(|name| *line == greeting(name))
        {
            Some(name) => *per_writer.entry(name).or_insert(0) += 1,
            None => torn.push(line.as_str()),
        }
    }
    assert!(
        torn.is_empty(),
        "{} of {} lines were torn, the first: {:?}. Another thread's write landed in the middle \
         of a line: hold the screen (Screen::lock) for the whole line.",
        torn.len(),
        lines.len(),
        torn[0]
    );
    for i in 0..WRITERS {
        let name = writer_name(i);
        let count = per_writer.get(&name).copied().unwrap_or(0);
        assert!(
            count == LINES,
            "{name} wrote {count} whole lines, expected {LINES}"
        );
    }
}

#[test]
fn semaphore_never_admits_more_than_k() {
    let (k, threads) = (3, 8);
    let semaphore = Arc::new(Semaphore::new(k));
    let gauge = Arc::new(Gauge::new());
    let (sem, inside) = (Arc::clone(&semaphore), Arc::clone(&gauge));
    with_deadline(
        LIMIT,
        "8 threads taking turns at a semaphore of 3",
        move || {
            let start = Barrier::new(threads);
            thread::scope(|s| {
                for _ in 0..threads {
                    s.spawn(|| {
                        start.wait();
                        for round in 0..200 {
                            let _permit = sem.acquire();
                            let _inside = inside.enter();
                            if round % 10 == 0 {
                                thread::sleep(Duration::from_micros(200));
                            } else {
                                thread::yield_now();
                            }
                        }
                    });
                }
            });
        },
    );
    assert!(
        gauge.most() <= k,
        "a semaphore of {k} let {} threads in at once",
        gauge.most()
    );
}

#[test]
fn semaphore_is_right_in_a_thousand_interleavings() {
    // Three threads at a semaphore of one, then of two: the first holder's release must let
    // exactly one waiter in, never two. (A wake-up is a hint: a waiter that does not re-check
    // its condition after waking takes a permit that is not there.) Waiting threads may wake
    // again and again, so no search can try every interleaving: this one tries a thousand,
    // drawn from a fixed seed, the same on every run and every machine.
    for k in [1, 2] {
        let schedules = check_sampled_interleavings(2024, 1000, move || {
            let semaphore = Arc::new(model::semaphore::Semaphore::new(k));
            // The model's own atomic, so that the checker may switch threads while one is inside.
            let inside = Arc::new(common::model::sync::atomic::AtomicUsize::new(0));
            let threads: Vec<_> = ["thread-1", "thread-2", "thread-3"]
                .into_iter()
                .map(|name| {
                    let (semaphore, inside) = (Arc::clone(&semaphore), Arc::clone(&inside));
                    spawn(name, move || {
                        let _permit = semaphore.acquire();
                        let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                        if now > k {
                            common::model::fail(format!(
                                "a semaphore of {k} let {now} threads in at once."
                            ));
                        }
                        inside.fetch_sub(1, Ordering::SeqCst);
                    })
                })
                .collect();
            threads.into_iter().for_each(|t| t.join().unwrap());
        });
        println!("a semaphore of {k} is right in {schedules} interleavings of three threads");
    }
}

#[test]
fn semaphore_lets_k_threads_in_at_once() {
    let (k, threads) = (3, 6);
    let semaphore = Arc::new(Semaphore::new(k));
    let gauge = Arc::new(Gauge::new());
    let (sem, inside) = (Arc::clone(&semaphore), Arc::clone(&gauge));
    with_deadline(LIMIT, "6 threads at a semaphore of 3", move || {
        thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(|| {
                    let _permit = sem.acquire();
                    let _inside = inside.enter();
                    // Stay until k holders have been inside together, or half a second passed
                    // (a semaphore that lets fewer in never gets there).
                    let start = Instant::now();
                    while inside.most() < k && start.elapsed() < Duration::from_millis(500) {
                        thread::sleep(Duration::from_millis(1));
                    }
                });
            }
        });
    });
    assert!(
        gauge.most() == k,
        "a semaphore of {k} never had more than {} holder(s) at once, though {threads} threads \
         each held a permit for half a second waiting for company: it must let {k} in",
        gauge.most()
    );
}

#[test]
fn try_acquire_fails_only_when_no_permit_is_free() {
    let semaphore = Arc::new(Semaphore::new(2));
    let sem = Arc::clone(&semaphore);
    with_deadline(LIMIT, "try_acquire", move || {
        let first = sem.try_acquire();
        assert!(
            first.is_some(),
            "try_acquire on a fresh semaphore of 2 found no permit"
        );
        let second = sem.try_acquire();
        assert!(
            second.is_some(),
            "try_acquire found no permit while 1 of 2 was held"
        );
        assert!(
            sem.try_acquire().is_none(),
            "try_acquire gave out a third permit of 2"
        );
        drop(first);
        assert!(
            sem.try_acquire().is_some(),
            "try_acquire found no permit after one of the two was given back (dropped)"
        );
    });
}

#[test]
fn a_panicking_holder_gives_its_permit_back() {
    let semaphore = Arc::new(Semaphore::new(1));
    let sem = Arc::clone(&semaphore);
    let died = thread::spawn(move || {
        let _permit = sem.acquire();
        panic!("the holder of the only permit panics (this panic is part of the check)");
    })
    .join();
    assert!(died.is_err(), "the panicking holder was supposed to panic");
    let sem = Arc::clone(&semaphore);
    let got = with_deadline(
        Duration::from_secs(2),
        "acquire after a holder panicked",
        move || {
            let free = sem.try_acquire().is_some();
            // And a blocking acquire gets it too (the permit from try_acquire is gone by now).
            drop(sem.acquire());
            free
        },
    );
    assert!(
        got,
        "after the only permit's holder panicked, try_acquire found no permit: the permit must \
         be given back when the guard is dropped, and a panic drops it too"
    );
}

#[test]
fn semaphore_serves_waiters_in_turn() {
    let semaphore = Arc::new(Semaphore::new(1));
    let stop = Arc::new(AtomicBool::new(false));
    let hogged = Arc::new(AtomicUsize::new(0));
    // The hog takes the permit, holds it 1 ms, gives it back and at once asks again.
    let hog = {
        let (sem, stop, hogged) = (
            Arc::clone(&semaphore),
            Arc::clone(&stop),
            Arc::clone(&hogged),
        );
        thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let _permit = sem.acquire();
                hogged.fetch_add(1, Ordering::Relaxed);
                thread::sleep(Duration::from_millis(1));
            }
        })
    };
    thread::sleep(Duration::from_millis(20));
    let sem = Arc::clone(&semaphore);
    let waited = with_deadline(
        LIMIT,
        "a waiter at a semaphore hogged by another thread",
        move || {
            let start = Instant::now();
            drop(sem.acquire());
            start.elapsed()
        },
    );
    stop.store(true, Ordering::Relaxed);
    hog.join().unwrap();
    assert!(
        waited < Duration::from_millis(500),
        "a waiter waited {:.1} s while another thread took the permit back {} times in a row: \
         waiters must be served in the order they arrived (a releasing thread that asks again \
         goes to the back of the queue)",
        waited.as_secs_f64(),
        hogged.load(Ordering::Relaxed)
    );
}

#[test]
fn at_most_two_writers_at_once() {
    let permits = Arc::new(Semaphore::new(2));
    let screen = run_writers(move |screen, name| {
        write_greetings_two_at_a_time(screen, &permits, name, LINES)
    });
    let most = screen.most_writers_at_once();
    assert!(
        most <= 2,
        "{most} writers were at the screen at once: at most 2 may be"
    );
    assert!(
        most == 2,
        "only one writer at a time was at the screen: the semaphore of 2 must let two in"
    );
    assert!(
        screen.lines().len() == WRITERS * LINES,
        "the writers wrote {} lines, expected {}",
        screen.lines().len(),
        WRITERS * LINES
    );
}
