// The demo of lesson 05: `cargo xtask run lesson-05 [--solution] -- condition`.
// The solution's demo is this same file (solutions/05-conditions-events/src/main.rs includes it).

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Condvar, Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand, ValueEnum};
use lesson_05::{Event, Memory, Moment, Scheduler, Timer, run_program};
use tracing::info;

/// Conditions, events, barriers and timers: the lectures' examples, live.
#[derive(Parser)]
struct Args {
    #[command(subcommand)]
    demo: Demo,
}

#[derive(Subcommand)]
enum Demo {
    /// One producer, many consumers, one condition variable (the lectures' example).
    Condition {
        #[arg(long, default_value_t = 5)]
        consumers: usize,
        #[arg(long, default_value_t = 5)]
        items: usize,
        /// Pause between items (the lectures sleep 1 s).
        #[arg(long, default_value_t = 1000)]
        delay_ms: u64,
        /// `while`: check again after every wake-up; `if`: trust the wake-up (the bug).
        #[arg(long, value_enum, default_value_t = Check::While)]
        check: Check,
        /// `one`: wake one consumer per item (the lectures); `all`: wake every consumer.
        #[arg(long, value_enum, default_value_t = Notify::One)]
        notify: Notify,
    },
    /// Threads that wait for an event, a thread that sets it; then clear and a timed wait.
    Event {
        #[arg(long, default_value_t = 3)]
        waiters: usize,
        #[arg(long, default_value_t = 500)]
        delay_ms: u64,
    },
    /// Threads that meet at a barrier after every phase of their work.
    Barrier {
        #[arg(long, default_value_t = 4)]
        threads: usize,
        #[arg(long, default_value_t = 3)]
        phases: usize,
    },
    /// The lectures' `Timer(interval=3, function=called_once)`, optionally cancelled.
    Timer {
        #[arg(long, default_value_t = 3000)]
        delay_ms: u64,
        /// Cancel the timer this long after starting it.
        #[arg(long)]
        cancel_after_ms: Option<u64>,
    },
    /// A sleep that another thread can cut short: `recv_timeout` on a channel.
    Sleep {
        #[arg(long, default_value_t = 10_000)]
        sleep_ms: u64,
        #[arg(long, default_value_t = 500)]
        wake_after_ms: u64,
    },
    /// The lectures' `sched`: actions at given times and priorities, one cancelled, one entered
    /// from another thread while the scheduler sleeps.
    Sched,
    /// L1–L5 with one thread per line: who ran where, what each line saw, and r.
    Dataflow {
        /// How long each line takes to compute its value (a real line of work takes time).
        #[arg(long, default_value_t = 100)]
        work_ms: u64,
    },
}

#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum Check {
    While,
    If,
}

#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum Notify {
    One,
    All,
}

fn main() {
    common::log::init();
    match Args::parse().demo {
        Demo::Condition {
            consumers,
            items,
            delay_ms,
            check,
            notify,
        } => condition(
            consumers,
            items,
            Duration::from_millis(delay_ms),
            check,
            notify,
        ),
        Demo::Event { waiters, delay_ms } => event(waiters, Duration::from_millis(delay_ms)),
        Demo::Barrier { threads, phases } => barrier(threads, phases),
        Demo::Timer {
            delay_ms,
            cancel_after_ms,
        } => timer(
            Duration::from_millis(delay_ms),
            cancel_after_ms.map(Duration::from_millis),
        ),
        Demo::Sleep {
            sleep_ms,
            wake_after_ms,
        } => sleep(
            Duration::from_millis(sleep_ms),
            Duration::from_millis(wake_after_ms),
        ),
        Demo::Sched => sched(),
        Demo::Dataflow { work_ms } => dataflow(Duration::from_millis(work_ms)),
    }
}

/// The lectures' consumers: take the lock; while the queue is empty, wait (which releases the
/// lock); take an item. The producer: take the lock, add an item, notify, release, sleep.
fn condition(consumers: usize, items: usize, delay: Duration, check: Check, notify: Notify) {
    let queue = Mutex::new(VecDeque::new());
    let cond = Condvar::new();
    let woke_for_nothing = AtomicUsize::new(0);
    let consumed = AtomicUsize::new(0);
    // The consumers stop when the producer is done and the queue is empty.
    let done = Mutex::new(false);
    thread::scope(|s| {
        for i in 1..=consumers {
            let (queue, cond, done) = (&queue, &cond, &done);
            let (woke_for_nothing, consumed) = (&woke_for_nothing, &consumed);
            thread::Builder::new()
                .name(format!("Thread-{i}"))
                .spawn_scoped(s, move || {
                    loop {
                        info!("acquiring lock");
                        let mut q = queue.lock().unwrap();
                        info!("acquired lock");
                        match check {
                            Check::While => {
                                while q.is_empty() && !*done.lock().unwrap() {
                                    info!("waiting (released lock)");
                                    q = cond.wait(q).unwrap();
                                    if q.is_empty() {
                                        woke_for_nothing.fetch_add(1, Ordering::Relaxed);
                                    }
                                }
                            }
                            Check::If => {
                                if q.is_empty() && !*done.lock().unwrap() {
                                    info!("waiting (released lock)");
                                    q = cond.wait(q).unwrap();
                                }
                            }
                        }
                        match q.pop_front() {
                            Some(item) => {
                                consumed.fetch_add(1, Ordering::Relaxed);
                                info!("consumed {item}");
                            }
                            None if *done.lock().unwrap() => {
                                info!("no more items: done");
                                return;
                            }
                            None => {
                                woke_for_nothing.fetch_add(1, Ordering::Relaxed);
                                info!(
                                    "woke up, trusted the wake-up, and found nothing to consume!"
                                );
                            }
                        }
                        info!("releasing lock");
                    }
                })
                .expect("spawn a consumer");
        }
        let (queue, cond, done) = (&queue, &cond, &done);
        thread::Builder::new()
            .name("Producer".into())
            .spawn_scoped(s, move || {
                for item in 0..items {
                    info!("acquiring lock");
                    let mut q = queue.lock().unwrap();
                    info!("acquired lock, producing one item");
                    q.push_back(item);
                    info!("notifying");
                    match notify {
                        Notify::One => cond.notify_one(),
                        Notify::All => cond.notify_all(),
                    }
                    info!("releasing lock");
                    drop(q);
                    thread::sleep(delay);
                }
                let _q = queue.lock().unwrap();
                *done.lock().unwrap() = true;
                cond.notify_all();
            })
            .expect("spawn the producer");
    });
    info!(
        "{} items consumed; consumers woke {} time(s) and found nothing to consume{}",
        consumed.load(Ordering::Relaxed),
        woke_for_nothing.load(Ordering::Relaxed),
        match check {
            Check::While => " (they went back to sleep: that is what `while` is for)",
            Check::If => " (with `if`, each of those went on as if it had an item)",
        }
    );
}

fn event(waiters: usize, delay: Duration) {
    let event = Event::new();
    thread::scope(|s| {
        for i in 1..=waiters {
            let event = &event;
            thread::Builder::new()
                .name(format!("waiter-{i}"))
                .spawn_scoped(s, move || {
                    info!("waiting for the event");
                    let start = Instant::now();
                    event.wait();
                    info!("woke up after {:.2} s", start.elapsed().as_secs_f64());
                })
                .expect("spawn a waiter");
        }
        thread::sleep(delay);
        info!("setting the event: every waiter wakes");
        event.set();
    });
    info!("is_set() = {}", event.is_set());
    event.clear();
    info!("cleared; is_set() = {}", event.is_set());
    let start = Instant::now();
    let set = event.wait_timeout(delay);
    info!(
        "wait_timeout({:.1} s) on the cleared event returned {set} after {:.2} s",
        delay.as_secs_f64(),
        start.elapsed().as_secs_f64()
    );
}

fn barrier(threads: usize, phases: usize) {
    let barrier = Barrier::new(threads);
    thread::scope(|s| {
        for i in 1..=threads {
            let barrier = &barrier;
            thread::Builder::new()
                .name(format!("worker-{i}"))
                .spawn_scoped(s, move || {
                    for phase in 1..=phases {
                        // Uneven work: the barrier waits for the slowest.
                        thread::sleep(Duration::from_millis(50 * i as u64));
                        info!("finished phase {phase}, waiting at the barrier");
                        if barrier.wait().is_leader() {
                            info!("everyone finished phase {phase} (this thread is the leader)");
                        }
                    }
                })
                .expect("spawn a worker");
        }
    });
}

fn timer(delay: Duration, cancel_after: Option<Duration>) {
    let (tx, rx) = mpsc::channel();
    info!("starting a timer of {:.1} s", delay.as_secs_f64());
    let timer = Timer::start(delay, move || {
        info!("I just got called! (the timer's action)");
        let _ = tx.send(());
    });
    if let Some(after) = cancel_after {
        thread::sleep(after);
        let start = Instant::now();
        timer.cancel();
        info!(
            "cancelled it after {:.1} s; cancel() took {:.3} s",
            after.as_secs_f64(),
            start.elapsed().as_secs_f64()
        );
    }
    match rx.recv_timeout(delay + Duration::from_millis(500)) {
        Ok(()) => info!("the timer fired"),
        Err(_) => info!("the timer never fired"),
    }
}

fn sleep(length: Duration, wake_after: Duration) {
    let (wake, alarm) = mpsc::channel::<()>();
    let sleeper = thread::Builder::new()
        .name("sleeper".into())
        .spawn(move || {
            info!("sleeping for {:.1} s, unless woken", length.as_secs_f64());
            let start = Instant::now();
            match alarm.recv_timeout(length) {
                Err(mpsc::RecvTimeoutError::Timeout) => info!("slept the whole time"),
                _ => info!(
                    "woken after {:.2} s: a message or a dropped sender ends the sleep",
                    start.elapsed().as_secs_f64()
                ),
            }
        })
        .expect("spawn the sleeper");
    thread::sleep(wake_after);
    info!("waking the sleeper (thread::sleep could not be cut short)");
    drop(wake);
    sleeper.join().unwrap();
}

fn sched() {
    let scheduler = Arc::new(Scheduler::new());
    let start = Instant::now();
    let say =
        move |what: &'static str| move || info!("{:.1} s: {what}", start.elapsed().as_secs_f64());
    scheduler.enter(Duration::from_millis(1500), 1, say("the 1.5 s action"));
    scheduler.enter(Duration::from_millis(500), 2, say("0.5 s, priority 2"));
    scheduler.enter(
        Duration::from_millis(500),
        1,
        say("0.5 s, priority 1 (first)"),
    );
    let gone = scheduler.enter(
        Duration::from_millis(1000),
        1,
        say("cancelled: never shown"),
    );
    scheduler.cancel(gone);
    let other = Arc::clone(&scheduler);
    let helper = thread::Builder::new()
        .name("helper".into())
        .spawn(move || {
            thread::sleep(Duration::from_millis(600));
            // The scheduler sleeps until 1.5 s; this action is due before that, and it still
            // runs on time, because entering it wakes the scheduler.
            other.enter(
                Duration::from_millis(200),
                1,
                say("entered at 0.6 s from another thread, for 0.8 s"),
            );
        })
        .expect("spawn a helper");
    scheduler.run();
    helper.join().unwrap();
}

fn dataflow(work: Duration) {
    let memory = Memory::with_hook(move |line, moment| match moment {
        Moment::Started => info!("{line} starts"),
        Moment::Read {
            name,
            value: Some(v),
        } => info!("reads {name} = {v}"),
        Moment::Read { name, value: None } => {
            info!("reads {name}: nothing there yet! (goes on with 0)")
        }
        Moment::Writing { value } => {
            thread::sleep(work);
            info!("writes {} = {value}", line.target);
        }
    });
    let start = Instant::now();
    let r = run_program(&memory);
    info!(
        "done in {:.2} s (one line takes {:.2} s; L1 ‖ L2, L3 ‖ L4, L5 take three)",
        start.elapsed().as_secs_f64(),
        work.as_secs_f64()
    );
    for record in memory.log() {
        let line = &lesson_05::PROGRAM[record.line - 1];
        let seen: Vec<String> = record
            .reads
            .iter()
            .map(|read| match read.value {
                Some(v) => format!("{} = {v}", read.name),
                None => format!("{} = (not written yet!)", read.name),
            })
            .collect();
        info!(
            "{:<16} on thread {} ({}): read [{}], wrote {}",
            line.to_string(),
            record.thread_name.as_deref().unwrap_or("unnamed"),
            record.thread,
            seen.join(", "),
            record
                .wrote
                .map_or("nothing".to_string(), |(v, _)| v.to_string())
        );
    }
    info!("r = {r} (expected 1)");
}
