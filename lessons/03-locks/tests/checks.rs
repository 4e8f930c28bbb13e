// The checks of lesson 03, run by `cargo xtask check lesson-03`, each in its own process.
// The solution runs this same file (solutions/03-locks/tests/checks.rs includes it).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
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

/// How long a writer on the checks' screen waits for the company that makes a bad schedule
/// certain (see `Screen::for_checks`); a correct writer waits it out about once.
const PATIENCE: Duration = Duration::from_millis(500);

/// Runs `WRITERS` writer threads named Thread-1…, started together, each calling
/// `write(screen, name)`.
fn run_writers(
    screen: Screen,
    write: impl Fn(&Screen, &str) + Send + Sync + 'static,
) -> Arc<Screen> {
    let screen = Arc::new(screen);
    let shared = Arc::clone(&screen);
    with_deadline(LIMIT, "the writers", move || {
        let start = Barrier::new(WRITERS);
        thread::scope(|s| {
            for i in 0..WRITERS {
                let (screen, start, write) = (&shared, &start, &write);
                thread::Builder::new()
                    .name(writer_name(i))
                    .spawn_scoped(s, move || {
                        start.wait();
                        write(screen, &writer_name(i));
                    })
                    .expect("start a writer");
            }
        });
    });
    screen
}

#[test]
fn every_line_is_whole() {
    // A writer that starts a line without holding the screen has another writer's piece land
    // in it (the checks' screen waits for one), and a writer that lets go of the screen before
    // its newline is seen doing so: either way the verdict is the same on every run.
    let screen = run_writers(Screen::for_checks(0, PATIENCE), |screen, name| {
        write_greetings(screen, name, LINES)
    });
    let broken = screen.broken_lines();
    assert!(
        broken.is_empty(),
        "{}.{} Another writer's piece can land there and tear the line: hold the screen \
         (Screen::lock) from a line's first piece to its newline.",
        broken[0],
        match broken.len() {
            1 => String::new(),
            n => format!(" ({n} lines were left open like this.)"),
        }
    );
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

/// What thread-1 does once it has given its permit back while thread-2 waits in line.
#[derive(Clone, Copy, Debug)]
enum AsksAgain {
    WithTryAcquire,
    WithAcquire,
}

#[test]
fn semaphore_serves_waiters_in_turn() {
    // thread-1 holds the only permit; thread-2 arrives and waits in line for it; thread-1 gives
    // it back and at once asks again. The permit is thread-2's: `try_acquire` must find none, and
    // a second `acquire` must wait until thread-2 has had its turn. On real threads a semaphore
    // that lets the releasing thread take its permit straight back usually gets away with it
    // (the woken waiter tends to win the race for the mutex); the model checker tries the
    // schedules in which it does not, the same ones on every run and every machine.
    for asks in [AsksAgain::WithTryAcquire, AsksAgain::WithAcquire] {
        let probed = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&probed);
        check_sampled_interleavings(2025, 300, move || {
            let semaphore = Arc::new(model::semaphore::Semaphore::new(1));
            let turns = Arc::new(std::sync::Mutex::new(Vec::new()));
            let took_turn = |turns: &std::sync::Mutex<Vec<&'static str>>, who| {
                turns.lock().unwrap().push(who);
            };
            let counted = Arc::clone(&counted);
            let first = spawn("thread-1", move || {
                let permit = semaphore.acquire();
                took_turn(&turns, "thread-1");
                let second = {
                    let (semaphore, turns) = (Arc::clone(&semaphore), Arc::clone(&turns));
                    spawn("thread-2", move || {
                        let _permit = semaphore.acquire();
                        took_turn(&turns, "thread-2");
                    })
                };
                // Give thread-2 the time to arrive and queue. A schedule in which it never
                // gets there tests nothing, and is not counted.
                let queued = (0..50).any(|_| {
                    common::model::yield_now();
                    common::model::is_waiting("thread-2")
                });
                if queued {
                    counted.fetch_add(1, Ordering::Relaxed);
                }
                drop(permit);
                match asks {
                    AsksAgain::WithTryAcquire => {
                        let again = semaphore.try_acquire();
                        let second_had_its_turn = turns.lock().unwrap().contains(&"thread-2");
                        if queued && again.is_some() && !second_had_its_turn {
                            common::model::fail(
                                "thread-1 gave its permit back and took it straight back with \
                                 try_acquire, while thread-2 was waiting in line for it. A permit \
                                 given back belongs to the first thread in line: try_acquire may \
                                 take one only when no one is waiting.",
                            );
                        }
                    }
                    AsksAgain::WithAcquire => {
                        let _again = semaphore.acquire();
                        took_turn(&turns, "thread-1");
                    }
                }
                second.join().unwrap();
                let turns = turns.lock().unwrap().clone();
                if queued && turns.starts_with(&["thread-1", "thread-1"]) {
                    common::model::fail(format!(
                        "thread-1 gave its permit back and asked again, and went in again \
                         before thread-2, which had been waiting in line all along (turns: \
                         {turns:?}). Waiters must be served in the order they arrived: a thread \
                         that asks again goes to the back of the line, or a busy thread can \
                         starve the others forever."
                    ));
                }
            });
            first.join().unwrap();
        });
        let probed = probed.load(Ordering::Relaxed);
        assert!(
            probed > 0,
            "in none of 300 schedules did thread-2 wait on the semaphore's condition variable \
             while thread-1 held the only permit ({asks:?}): `acquire` must wait on the Condvar \
             when no permit is free (not spin, not sleep in a loop)"
        );
        println!(
            "{asks:?}: a waiter in line kept its turn in the {probed} schedules that queued it"
        );
    }
}

#[test]
fn at_most_two_writers_at_once() {
    // The checks' screen holds writers back until three are at it together (or one has waited
    // half a second): a writer that does not wait for a permit meets two others there on every
    // run, and two permit holders always meet each other.
    let permits = Arc::new(Semaphore::new(2));
    let screen = run_writers(Screen::for_checks(3, PATIENCE), move |screen, name| {
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
