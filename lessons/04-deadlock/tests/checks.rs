// The checks of lesson 04, run by `cargo xtask check lesson-04`, each in its own process.
// The solution runs this same file (solutions/04-deadlock/tests/checks.rs includes it).
//
// A deadlocked check must end as a failed check, never a hang: the real-thread checks watch
// their threads' progress and give up, in the course's words, when nothing has moved for a
// while (the stuck threads end with the check's process). The model-checked checks find a
// deadlock in the lesson's code whatever the machine: the model checker tries thousands of
// orders of the threads' steps, drawn from a fixed seed, and reports a schedule in which every
// thread waits, as the lectures draw it.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use common::grading::thousands;
use common::model::{check_random_interleavings, check_sampled_interleavings, fail, named, spawn};
use lesson_04::{Bank, Table, dine, model, pause};

/// How long the threads may make no progress at all before the check calls it a deadlock. A
/// correct run moves on within microseconds (after at most one `pause::PATIENCE`).
const STALL: Duration = Duration::from_millis(2500);
/// How long a run may take in all, moving or not (a livelock moves and never ends).
const LIMIT: Duration = Duration::from_secs(7);
/// The model checker's seed: the same schedules on every run, on every machine.
const SEED: u64 = 2004;
const SCHEDULES: usize = 1000;

/// Runs `scenario` under a thousand schedules of each of the model checker's two samplers: PCT,
/// which finds bugs that need a few well-placed switches in a long run, and a random one, which
/// finds bugs that need many switches in a short run (two transfers that back off and retry).
/// Every schedule is drawn from a fixed seed: the verdict is the same on every run.
fn check_many_interleavings(scenario: fn()) -> usize {
    check_sampled_interleavings(SEED, SCHEDULES, scenario)
        + check_random_interleavings(SEED, SCHEDULES, scenario)
}

/// The CPU time this process has used so far (Linux's /proc; `None` elsewhere).
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command's closing parenthesis; utime and stime are the 12th and 13th.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // Linux reports in USER_HZ, 100 a second on every common configuration.
    Some(Duration::from_millis(ticks * 10))
}

/// One thread of a watched run: its name, what it does, and what progress it has to make.
struct Worker {
    name: String,
    goal: usize,
    work: Box<dyn FnOnce() + Send>,
}

/// Runs the workers on their own threads, started together, and watches `progress` (one count
/// per worker) until every worker has finished. Panics, saying how far each got, when nothing
/// moved for `STALL` (a deadlock) or the run took longer than `LIMIT`.
fn run_watched(
    what: &str,
    unit: &str,
    workers: Vec<Worker>,
    progress: impl Fn() -> Vec<usize>,
    deadlock: &str,
) {
    let finished = Arc::new(AtomicUsize::new(0));
    let start = Arc::new(Barrier::new(workers.len()));
    let names: Vec<(String, usize)> = workers.iter().map(|w| (w.name.clone(), w.goal)).collect();
    for worker in workers {
        let (finished, start) = (Arc::clone(&finished), Arc::clone(&start));
        // Not joined: a deadlocked thread stays blocked until the check's process ends.
        thread::Builder::new()
            .name(worker.name)
            .spawn(move || {
                start.wait();
                (worker.work)();
                finished.fetch_add(1, Ordering::SeqCst);
            })
            .expect("spawn a thread");
    }
    let began = Instant::now();
    let mut last = progress();
    let mut moved = Instant::now();
    let mut cpu_when_moved = cpu_time();
    while finished.load(Ordering::SeqCst) < names.len() {
        thread::sleep(Duration::from_millis(10));
        let now = progress();
        if now != last {
            last = now;
            moved = Instant::now();
            cpu_when_moved = cpu_time();
        }
        let stalled = moved.elapsed() >= STALL;
        if stalled || began.elapsed() >= LIMIT {
            let report: Vec<String> = names
                .iter()
                .zip(&last)
                .map(|((name, goal), done)| {
                    format!(
                        "{name}: {} of {} {unit}",
                        thousands(*done as i128),
                        thousands(*goal as i128)
                    )
                })
                .collect();
            // Blocked threads use no CPU (the watcher itself a few ms); threads that keep giving
            // way to each other use plenty, even on a loaded machine.
            let busy = cpu_time()
                .zip(cpu_when_moved)
                .map(|(now, then)| now.saturating_sub(then));
            if let Some(busy) = busy.filter(|b| stalled && *b > STALL / 20) {
                panic!(
                    "a livelock: {what} made no progress for {:.1} s ({}), yet they kept busy: \
                     {:.1} s of CPU meanwhile. They keep letting go and trying again, in step \
                     with each other, like the two people in the corridor. Wait a random while \
                     before trying again (`back_off`), or take the locks in one agreed order.",
                    STALL.as_secs_f64(),
                    report.join(", "),
                    busy.as_secs_f64()
                );
            }
            if stalled {
                panic!(
                    "a deadlock: {what} stopped and never went on ({}), and for {:.1} s none of \
                     them moved. {deadlock}",
                    report.join(", "),
                    STALL.as_secs_f64()
                );
            }
            panic!(
                "{what} still had not finished after {:.0} s ({}): they keep going, but too \
                 slowly to finish. Threads that keep giving way to each other (a livelock) or \
                 wait far too long before trying again?",
                LIMIT.as_secs_f64(),
                report.join(", ")
            );
        }
    }
}

const TRANSFERS: usize = 5_000;
const START: i64 = 10_000;

#[test]
fn opposing_transfers_finish_and_conserve_money() {
    // Two accounts of one owner: an order by owner's name cannot tell them apart.
    let bank = Arc::new(Bank::new(&[("Alice", START), ("Alice", START)]));
    let done = Arc::new([AtomicUsize::new(0), AtomicUsize::new(0)]);
    pause::arrange(2);
    let worker = |name: &str, side: usize, from: usize, to: usize, amount: i64| {
        let (bank, done) = (Arc::clone(&bank), Arc::clone(&done));
        Worker {
            name: name.to_string(),
            goal: TRANSFERS,
            work: Box::new(move || {
                for _ in 0..TRANSFERS {
                    bank.transfer(from, to, amount);
                    done[side].fetch_add(1, Ordering::SeqCst);
                }
            }),
        }
    };
    let workers = vec![
        worker("thread-1 (account 0 → account 1)", 0, 0, 1, 2),
        worker("thread-2 (account 1 → account 0)", 1, 1, 0, 1),
    ];
    let counts = Arc::clone(&done);
    run_watched(
        "two threads making opposite transfers",
        "transfers",
        workers,
        move || counts.iter().map(|c| c.load(Ordering::SeqCst)).collect(),
        "That is the lectures' deadlock: each transfer holds the account it locked first and \
         waits for the other one, which the other transfer holds. Take the two locks in one \
         order that every transfer agrees on, whichever way the money goes.",
    );
    let moved = TRANSFERS as i64;
    let (expected_0, expected_1) = (START - 2 * moved + moved, START + 2 * moved - moved);
    let (got_0, got_1) = (bank.balance(0), bank.balance(1));
    assert!(
        got_0 + got_1 == 2 * START,
        "money was made or lost: the two accounts began with {} in all and ended with {} \
         ({} and {}) after {} transfers each way. A transfer must hold both accounts while the \
         money moves.",
        thousands(2 * START),
        thousands(got_0 + got_1),
        thousands(got_0),
        thousands(got_1),
        thousands(moved),
    );
    assert!(
        (got_0, got_1) == (expected_0, expected_1),
        "the accounts ended with {} and {}, expected {} and {}: {} transfers of 2 one way and \
         {} of 1 the other",
        thousands(got_0),
        thousands(got_1),
        thousands(expected_0),
        thousands(expected_1),
        thousands(moved),
        thousands(moved),
    );
}

#[test]
fn transfers_are_deadlock_free_in_every_interleaving() {
    // The accounts have one owner and the same balance: no order by name or by balance can tell
    // them apart. A deadlock in any schedule fails the check, drawn as the lectures draw it.
    let schedules = check_many_interleavings(|| {
        let bank = Arc::new(named("account {}", || {
            model::bank::Bank::new(&[("Alice", 100), ("Alice", 100)])
        }));
        let transfer = |name: &str, from: usize, to: usize, amount: i64| {
            let bank = Arc::clone(&bank);
            spawn(name, move || bank.transfer(from, to, amount))
        };
        let one = transfer("thread-1", 0, 1, 30);
        let two = transfer("thread-2", 1, 0, 20);
        one.join().unwrap();
        two.join().unwrap();
        let (a, b) = (bank.balance(0), bank.balance(1));
        if (a, b) != (90, 110) {
            fail(format!(
                "after moving 30 from account 0 to account 1 and 20 back, the accounts hold {a} \
                 and {b}, expected 90 and 110: a transfer must hold both accounts while the \
                 money moves."
            ));
        }
    });
    println!("opposite transfers are right in {schedules} interleavings");
}

const SEATS: usize = 5;
const MEALS: usize = 1_000;

#[test]
fn five_philosophers_each_eat_a_thousand_times() {
    let table = Arc::new(Table::new(SEATS));
    pause::arrange(SEATS);
    let workers = (0..SEATS)
        .map(|seat| {
            let table = Arc::clone(&table);
            Worker {
                name: format!("philosopher {seat}"),
                goal: MEALS,
                work: Box::new(move || dine(&table, seat, MEALS)),
            }
        })
        .collect();
    let counts = Arc::clone(&table);
    run_watched(
        "five philosophers",
        "meals",
        workers,
        move || (0..SEATS).map(|seat| counts.meals(seat)).collect(),
        "Each philosopher holds one fork and waits for the next one, which the neighbour holds: \
         a cycle around the table. Break it: make the philosophers pick up their two forks in \
         an order they all agree on.",
    );
    for seat in 0..SEATS {
        let meals = table.meals(seat);
        assert!(
            meals == MEALS,
            "philosopher {seat} ate {} meals, expected {}",
            thousands(meals as i128),
            thousands(MEALS as i128)
        );
    }
    for fork in 0..SEATS {
        let uses = table.uses(fork);
        assert!(
            uses == 2 * MEALS,
            "fork {fork} served {} meals, expected {} (its two neighbours' {} each)",
            thousands(uses as i128),
            thousands(2 * MEALS as i128),
            thousands(MEALS as i128)
        );
    }
}

#[test]
fn philosophers_are_deadlock_free_in_every_interleaving() {
    let schedules = check_many_interleavings(|| {
        let table = Arc::new(named("fork {}", || model::table::Table::new(3)));
        let philosophers: Vec<_> = (0..3)
            .map(|seat| {
                let table = Arc::clone(&table);
                spawn(&format!("philosopher {seat}"), move || {
                    model::philosophers::dine(&table, seat, 1)
                })
            })
            .collect();
        philosophers.into_iter().for_each(|p| p.join().unwrap());
        for seat in 0..3 {
            if table.meals(seat) != 1 {
                fail(format!(
                    "philosopher {seat} ate {} meals, expected 1",
                    table.meals(seat)
                ));
            }
        }
    });
    println!("three philosophers are right in {schedules} interleavings");
}
