// The demo of lesson 04: `cargo xtask run lesson-04 [--solution] -- <scene>`.
// The solution's demo is this same file (solutions/04-deadlock/src/main.rs includes it).
//
// Scenes: `deadlock` (a real deadlock, found and drawn by parking_lot's detector), `transfers`
// and `philosophers` (your code, watched), `livelock` (the corridor), `starvation`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex as StdMutex};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand, ValueEnum};
use common::grading::thousands;
use lesson_04::{Bank, Table, dine, pause};

/// Deadlock, livelock and starvation: the lectures' trains, corridor and hungry tasks, for real.
#[derive(Parser)]
struct Args {
    #[command(subcommand)]
    scene: Scene,
}

#[derive(Subcommand)]
enum Scene {
    /// Two threads lock two locks in opposite orders and deadlock; parking_lot's detector finds
    /// the cycle and names who holds what.
    Deadlock {
        /// `bank`: two opposite transfers; `trains`: two trains at a single-track crossing.
        #[arg(long, value_enum, default_value_t = Story::Bank)]
        story: Story,
    },
    /// Your `Bank::transfer`: two threads making opposite transfers, watched for a deadlock.
    Transfers {
        #[arg(long, default_value_t = 5_000)]
        each: usize,
    },
    /// Your `dine`: philosophers around a table, watched for a deadlock.
    Philosophers {
        #[arg(long, default_value_t = 5)]
        seats: usize,
        #[arg(long, default_value_t = 1_000)]
        meals: usize,
    },
    /// The corridor: two people who step aside for each other at the same moment, again and
    /// again (try_lock and back off, in step). `--jitter` makes each wait a random while.
    Livelock {
        #[arg(long)]
        jitter: bool,
        /// How many beats to watch at most.
        #[arg(long, default_value_t = 12)]
        beats: usize,
    },
    /// A thread that never gets the lock: a holder that never lets go, then a greedy thread
    /// that takes the lock straight back, against std's Mutex and parking_lot's fair one.
    Starvation {
        /// How long the greedy thread keeps the lock busy, per kind of lock.
        #[arg(long, default_value_t = 1_000)]
        ms: u64,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Story {
    Bank,
    Trains,
}

fn main() {
    common::log::init();
    match Args::parse().scene {
        Scene::Deadlock { story } => deadlock(story),
        Scene::Transfers { each } => transfers(each),
        Scene::Philosophers { seats, meals } => philosophers(seats, meals),
        Scene::Livelock { jitter, beats } => livelock(jitter, beats),
        Scene::Starvation { ms } => starvation(Duration::from_millis(ms)),
    }
    // A deadlocked scene leaves blocked threads behind: the process ends them.
    std::process::exit(0);
}

/// Who holds what and waits for what, as each thread of the deadlock scene says it.
type Holdings = StdMutex<HashMap<ThreadId, (String, String, String)>>;

fn deadlock(story: Story) {
    let (threads, names, intro) = match story {
        Story::Bank => (
            ["thread-1", "thread-2"],
            ["account A", "account B"],
            "thread-1 moves money from account A to account B, thread-2 from B to A; each locks \
             its `from` account, pauses, then locks its `to` account.",
        ),
        Story::Trains => (
            ["eastbound train", "westbound train"],
            ["the west block", "the east block"],
            "\"When two trains approach each other at a crossing, both shall come to a full \
             stop and neither shall start up again until the other has gone.\" Each train holds \
             the block of track it stands on and needs the other's to go on.",
        ),
    };
    println!("{intro}\n");
    // parking_lot's locks: its detector sees only its own.
    let locks = Arc::new([parking_lot::Mutex::new(()), parking_lot::Mutex::new(())]);
    let holdings: Arc<Holdings> = Arc::default();
    let met = Arc::new(Barrier::new(2));
    for (i, name) in threads.iter().enumerate() {
        let (locks, holdings, met) = (Arc::clone(&locks), Arc::clone(&holdings), Arc::clone(&met));
        thread::Builder::new()
            .name(name.to_string())
            .spawn(move || {
                let (mine, theirs) = (&locks[i], &locks[1 - i]);
                let (holds, wants) = (names[i], names[1 - i]);
                let _first = mine.lock();
                let me = thread::current();
                tracing::info!("holds {holds}, wants {wants}");
                holdings.lock().unwrap().insert(
                    me.id(),
                    (me.name().unwrap_or("?").into(), holds.into(), wants.into()),
                );
                met.wait(); // the lectures' pause: the other thread has its first lock now
                let _second = theirs.lock(); // blocks forever
                unreachable!("both threads hold one lock and wait for the other");
            })
            .expect("spawn a thread");
    }
    // The detector: every 100 ms, ask parking_lot whether some threads wait in a cycle.
    let start = Instant::now();
    loop {
        thread::sleep(Duration::from_millis(100));
        let cycles = parking_lot::deadlock::check_deadlock();
        if cycles.is_empty() {
            continue;
        }
        println!(
            "\nparking_lot's detector, after {:.1} s: {} deadlock(s).",
            start.elapsed().as_secs_f64(),
            cycles.len()
        );
        let holdings = holdings.lock().unwrap();
        for cycle in &cycles {
            let mut arrows = Vec::new();
            for thread in cycle {
                let (name, holds, wants) = holdings
                    .get(&thread.thread_id())
                    .cloned()
                    .unwrap_or_else(|| ("a thread".into(), "?".into(), "?".into()));
                // The line of this file where it waits, from the backtrace parking_lot took
                // (there when the build keeps line tables, as the course's profiles do).
                let line = thread
                    .backtrace()
                    .frames()
                    .iter()
                    .flat_map(|frame| frame.symbols())
                    .find_map(|symbol| {
                        let (file, line) = (symbol.filename()?, symbol.lineno()?);
                        let file = file.to_string_lossy();
                        let at = file.rfind("lessons/")?;
                        file.ends_with("src/main.rs")
                            .then(|| format!(" (blocked at {}:{line})", &file[at..]))
                    })
                    .unwrap_or_default();
                println!("  {name} holds {holds}, waits for {wants}{line}");
                arrows.push(format!("{name} → {wants}"));
            }
            if let Some(first) = arrows.first().and_then(|a| a.split(" → ").next()) {
                println!("  the cycle: {} → {first}", arrows.join(" → "));
            }
        }
        println!(
            "\nNeither will ever go on: each waits for a lock that the other holds. The fix: take \
             locks in one order that every thread agrees on (the lower id first), or let go and \
             back off when the second lock is taken (`cargo xtask run lesson-04 --solution -- transfers`)."
        );
        return;
    }
}

/// Runs `work` on named threads, started together; prints how far each got, or gives up when
/// nothing moved for 1.5 s (a deadlock: the blocked threads end with the process).
fn watch(
    unit: &str,
    names: Vec<String>,
    goal: usize,
    progress: Arc<Vec<AtomicUsize>>,
    work: Arc<dyn Fn(usize) + Send + Sync>,
) -> bool {
    let finished = Arc::new(AtomicUsize::new(0));
    let start = Arc::new(Barrier::new(names.len()));
    for (i, name) in names.iter().enumerate() {
        let (finished, start, work) =
            (Arc::clone(&finished), Arc::clone(&start), Arc::clone(&work));
        thread::Builder::new()
            .name(name.clone())
            .spawn(move || {
                start.wait();
                work(i);
                finished.fetch_add(1, Ordering::SeqCst);
            })
            .expect("spawn a thread");
    }
    let began = Instant::now();
    let snapshot = || {
        progress
            .iter()
            .map(|p| p.load(Ordering::SeqCst))
            .collect::<Vec<_>>()
    };
    let (mut last, mut moved) = (snapshot(), Instant::now());
    let done = loop {
        if finished.load(Ordering::SeqCst) == names.len() {
            break true;
        }
        thread::sleep(Duration::from_millis(10));
        let now = snapshot();
        if now != last {
            (last, moved) = (now, Instant::now());
        }
        if moved.elapsed() > Duration::from_millis(1_500) {
            break false;
        }
    };
    for (name, count) in names.iter().zip(snapshot()) {
        println!(
            "  {name:<16} {:>7} of {} {unit}",
            thousands(count as i128),
            thousands(goal as i128)
        );
    }
    if done {
        println!("finished in {:.3} s", began.elapsed().as_secs_f64());
    } else {
        println!(
            "stuck: nothing moved for 1.5 s. A deadlock: each thread holds a lock that another \
             one waits for. (`cargo xtask check lesson-04` shows the cycle.)"
        );
    }
    done
}

fn transfers(each: usize) {
    let bank = Arc::new(Bank::new(&[("Alice", 10_000), ("Alice", 10_000)]));
    println!(
        "two threads: thread-1 moves 2 from account 0 to account 1, thread-2 moves 1 back, {} \
         times each",
        thousands(each as i128)
    );
    pause::arrange(2);
    let progress: Arc<Vec<AtomicUsize>> = Arc::new((0..2).map(|_| AtomicUsize::new(0)).collect());
    let (b, p) = (Arc::clone(&bank), Arc::clone(&progress));
    let work = Arc::new(move |i: usize| {
        let (from, to, amount) = if i == 0 { (0, 1, 2) } else { (1, 0, 1) };
        for _ in 0..each {
            b.transfer(from, to, amount);
            p[i].fetch_add(1, Ordering::SeqCst);
        }
    });
    let names = vec!["thread-1".to_string(), "thread-2".to_string()];
    if watch("transfers", names, each, progress, work) {
        println!(
            "balances {} and {}: {} in all, as at the start",
            thousands(bank.balance(0)),
            thousands(bank.balance(1)),
            thousands(bank.total())
        );
    }
}

fn philosophers(seats: usize, meals: usize) {
    let table = Arc::new(Table::new(seats));
    println!(
        "{seats} philosophers, {seats} forks, {} meals each",
        thousands(meals as i128)
    );
    pause::arrange(seats);
    // The table counts the meals; copy its counts into the watcher's gauges.
    let progress: Arc<Vec<AtomicUsize>> =
        Arc::new((0..seats).map(|_| AtomicUsize::new(0)).collect());
    let (t, p) = (Arc::clone(&table), Arc::clone(&progress));
    let stop = Arc::new(AtomicBool::new(false));
    let copier = {
        let (t, p, stop) = (Arc::clone(&table), Arc::clone(&progress), Arc::clone(&stop));
        thread::spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                for (seat, gauge) in p.iter().enumerate() {
                    gauge.store(t.meals(seat), Ordering::SeqCst);
                }
                thread::sleep(Duration::from_millis(5));
            }
        })
    };
    let work = Arc::new(move |seat: usize| {
        dine(&t, seat, meals);
        p[seat].store(t.meals(seat), Ordering::SeqCst);
    });
    let names = (0..seats).map(|s| format!("philosopher {s}")).collect();
    let done = watch("meals", names, meals, progress, work);
    stop.store(true, Ordering::SeqCst);
    if done {
        copier.join().unwrap();
        let uses: Vec<String> = (0..seats)
            .map(|f| thousands(table.uses(f) as i128))
            .collect();
        println!("meals served by each fork: {}", uses.join(", "));
    }
}

fn livelock(jitter: bool, beats: usize) {
    println!(
        "The corridor: Alice and Bob meet. Each steps aside (takes one lock), finds the way still \
         blocked (try_lock of the other fails), steps back (lets go) and tries again{}.\n",
        if jitter {
            ", after waiting 0, 1 or 2 beats at random"
        } else {
            ", at once, on the same beat as the other"
        }
    );
    let sides = Arc::new([parking_lot::Mutex::new(()), parking_lot::Mutex::new(())]);
    let beat = Arc::new(Barrier::new(2));
    let rows: Arc<StdMutex<Vec<[String; 2]>>> =
        Arc::new(StdMutex::new(vec![Default::default(); beats]));
    let passed = Arc::new([AtomicUsize::new(0), AtomicUsize::new(0)]);
    let people: Vec<_> = ["Alice", "Bob"]
        .into_iter()
        .enumerate()
        .map(|(me, name)| {
            let (sides, beat, rows, passed) = (
                Arc::clone(&sides),
                Arc::clone(&beat),
                Arc::clone(&rows),
                Arc::clone(&passed),
            );
            thread::Builder::new()
                .name(name.into())
                .spawn(move || {
                    let mut wait = 0;
                    for b in 0..beats {
                        beat.wait(); // a beat starts for both at once
                        let stepping = passed[me].load(Ordering::SeqCst) == 0 && wait == 0;
                        let aside = stepping.then(|| sides[me].lock());
                        beat.wait(); // both have stepped aside (or not)
                        let way = aside.as_ref().and_then(|_| sides[1 - me].try_lock());
                        beat.wait(); // both have looked: now each lets go, or goes
                        let said = if passed[me].load(Ordering::SeqCst) > 0 {
                            "(gone)"
                        } else if way.is_some() {
                            passed[me].store(b + 1, Ordering::SeqCst);
                            "steps aside, gets past"
                        } else if aside.is_some() {
                            wait = if jitter { fastrand::usize(0..=2) } else { 0 };
                            "steps aside, blocked, steps back"
                        } else {
                            wait -= 1;
                            "waits"
                        };
                        drop((way, aside));
                        rows.lock().unwrap()[b][me] = said.to_string();
                        beat.wait(); // the beat ends
                        if passed.iter().all(|p| p.load(Ordering::SeqCst) > 0) {
                            break;
                        }
                    }
                })
                .expect("spawn a thread")
        })
        .collect();
    people.into_iter().for_each(|p| p.join().unwrap());
    println!("{:>4}  {:<34}  {:<34}", "beat", "Alice", "Bob");
    for (b, [alice, bob]) in rows.lock().unwrap().iter().enumerate() {
        if alice.is_empty() && bob.is_empty() {
            break;
        }
        println!("{:>4}  {alice:<34}  {bob:<34}", b + 1);
    }
    let got_past = passed
        .iter()
        .filter(|p| p.load(Ordering::SeqCst) > 0)
        .count();
    if got_past == 2 {
        println!(
            "\nboth got past: the random wait broke the step, so one went while the other waited."
        );
    } else {
        println!(
            "\nafter {beats} beats {} got past: a livelock. Both are busy all the time, and neither \
             gets anywhere, because they always move at the same moment. Try `--jitter`.",
            if got_past == 0 { "nobody" } else { "only one" }
        );
    }
}

fn starvation(busy: Duration) {
    // The lectures' slide: task 1 takes the lock and never gives it back; task 2 starves.
    let lock = Arc::new(parking_lot::Mutex::new(()));
    let held = lock.lock();
    let waiter = {
        let lock = Arc::clone(&lock);
        thread::Builder::new()
            .name("task-2".into())
            .spawn(move || lock.try_lock_for(Duration::from_millis(500)).is_some())
            .expect("spawn a thread")
    };
    let got = waiter.join().unwrap();
    drop(held);
    println!(
        "task 1 holds the lock and never lets go: task 2 {} after waiting 0.5 s (try_lock_for).\n",
        if got { "got it" } else { "gave up, starved" }
    );

    // A greedy thread takes the lock straight back each time it lets go; a polite one asks now
    // and then. How long does the polite one wait, with each kind of lock?
    println!(
        "A greedy thread holds the lock 50 µs at a time and takes it straight back; another thread \
         asks for it every 10 ms, for {:.1} s:",
        busy.as_secs_f64()
    );
    println!(
        "{:<24} {:>6} {:>13} {:>18}",
        "lock", "asked", "median wait", "most greedy turns"
    );
    starve_with(
        "std::sync::Mutex",
        busy,
        StdMutex::new(()),
        |m| drop(m.lock().unwrap()),
        |m| {
            let guard = m.lock().unwrap();
            hold(guard, Duration::from_micros(50))
        },
    );
    starve_with(
        "parking_lot::Mutex",
        busy,
        parking_lot::Mutex::new(()),
        |m| drop(m.lock()),
        |m| hold(m.lock(), Duration::from_micros(50)),
    );
    starve_with(
        "parking_lot::FairMutex",
        busy,
        parking_lot::FairMutex::new(()),
        |m| drop(m.lock()),
        |m| hold(m.lock(), Duration::from_micros(50)),
    );
    println!(
        "\nAn unfair lock lets whoever is running grab it: the greedy thread, already on a core, \
         usually beats the waiter that has to be woken. A fair lock hands it to the longest \
         waiter. Starvation is the price of the unfair lock's speed."
    );
}

/// Keeps `guard` (the lock) for `d`, busy, then lets go.
fn hold<G>(guard: G, d: Duration) {
    let start = Instant::now();
    while start.elapsed() < d {
        std::hint::spin_loop();
    }
    drop(guard);
}

fn starve_with<L: Send + Sync + 'static>(
    name: &str,
    busy: Duration,
    lock: L,
    take: fn(&L),
    greedy_turn: fn(&L),
) {
    let lock = Arc::new(lock);
    let stop = Arc::new(AtomicBool::new(false));
    let turns = Arc::new(AtomicUsize::new(0));
    let greedy = {
        let (lock, stop, turns) = (Arc::clone(&lock), Arc::clone(&stop), Arc::clone(&turns));
        thread::Builder::new()
            .name("greedy".into())
            .spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    greedy_turn(&lock);
                    turns.fetch_add(1, Ordering::Relaxed);
                }
            })
            .expect("spawn a thread")
    };
    let (mut waits, mut most_turns) = (Vec::new(), 0);
    let start = Instant::now();
    while start.elapsed() < busy {
        thread::sleep(Duration::from_millis(10));
        let (before, asked_at) = (turns.load(Ordering::Relaxed), Instant::now());
        take(&lock);
        waits.push(asked_at.elapsed());
        most_turns = most_turns.max(turns.load(Ordering::Relaxed) - before);
    }
    stop.store(true, Ordering::Relaxed);
    greedy.join().unwrap();
    waits.sort();
    let median = waits.get(waits.len() / 2).copied().unwrap_or_default();
    println!(
        "{name:<24} {:>6} {:>10.3} ms {:>18}",
        waits.len(),
        median.as_secs_f64() * 1e3,
        thousands(most_turns as i128)
    );
}
