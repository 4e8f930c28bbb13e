// The checks of lesson 05, run by `cargo xtask check lesson-05`, each in its own process.
// The solution runs this same file (solutions/05-conditions-events/tests/checks.rs includes it).
//
// Nothing here trusts the clock to catch a bug by luck. Waiters are seen asleep in the kernel
// before they are woken; a waiting thread's wake-ups and CPU time are counted by the kernel;
// the model checker tries every interleaving of waiters, a setter and a spurious wake-up; and
// the five lines of the program are watched through their memory, which holds a line's write
// back until some other line reads too early, so that a line that does not wait is caught
// every time.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use common::grading::{os_thread_id, skip, with_deadline};
use common::model::{check_every_interleaving, spawn};
use common::thread_stats::{ThreadUsage, thread_count, usage_of, wait_until_blocked};
use lesson_05::program::writer_of;
use lesson_05::{Event, Line, Memory, Moment, PROGRAM, Record, Timer, model, run_program};

const LIMIT: Duration = Duration::from_secs(5);

// The grader runs every check in a process of its own, but `cargo test` runs them side by side
// in one process, where they would count each other's threads and wake-ups: there, they take
// turns.
static ALONE: Mutex<()> = Mutex::new(());

fn alone() -> std::sync::MutexGuard<'static, ()> {
    ALONE.lock().unwrap_or_else(|e| e.into_inner())
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

// ---------------------------------------------------------------------------------------------
// Event
// ---------------------------------------------------------------------------------------------

#[test]
fn is_set_and_clear_report_the_flag() {
    let _alone = alone();
    with_deadline(LIMIT, "set, clear and is_set on one thread", || {
        let event = Event::new();
        assert!(!event.is_set(), "a new event is set: it must start cleared");
        event.set();
        assert!(event.is_set(), "is_set() is false right after set()");
        event.set();
        assert!(event.is_set(), "setting an event twice cleared it");
        event.clear();
        assert!(!event.is_set(), "is_set() is true right after clear()");
        event.clear();
        assert!(!event.is_set(), "clearing an event twice set it");
        event.set();
        assert!(event.is_set(), "an event cleared and set again is not set");
    });
}

#[test]
fn wait_returns_at_once_when_already_set() {
    let _alone = alone();
    with_deadline(
        Duration::from_secs(2),
        "wait() on an event that was set already (it must return at once)",
        || {
            let event = Event::new();
            event.set();
            event.wait();
            // Waiting does not use the event up: it stays set for the next waiter.
            event.wait();
            assert!(event.is_set(), "wait() cleared the event");
            thread::scope(|s| {
                for _ in 0..3 {
                    s.spawn(|| event.wait());
                }
            });
        },
    );
}

#[test]
fn set_wakes_all_ten_waiters() {
    let _alone = alone();
    const WAITERS: usize = 10;
    let event = Arc::new(Event::new());
    let set_called = Arc::new(AtomicBool::new(false));
    let early = Arc::new(AtomicUsize::new(0));
    let (tid_tx, tid_rx) = mpsc::channel();
    let (woke_tx, woke_rx) = mpsc::channel();
    for i in 1..=WAITERS {
        let (event, set_called, early) = (
            Arc::clone(&event),
            Arc::clone(&set_called),
            Arc::clone(&early),
        );
        let (tid_tx, woke_tx) = (tid_tx.clone(), woke_tx.clone());
        // Not scoped: a waiter that is never woken must not keep the check from ending.
        thread::Builder::new()
            .name(format!("waiter-{i}"))
            .spawn(move || {
                tid_tx.send(os_thread_id()).unwrap();
                event.wait();
                if !set_called.load(Ordering::SeqCst) {
                    early.fetch_add(1, Ordering::SeqCst);
                }
                let _ = woke_tx.send(i);
            })
            .expect("spawn a waiter");
    }
    drop(woke_tx);
    let tids: Vec<i64> = (0..WAITERS)
        .map(|_| tid_rx.recv_timeout(LIMIT).expect("a waiter thread started"))
        .collect();
    // Make the schedule certain: every waiter is asleep inside wait() before set() is called,
    // so that a set() that wakes only one of them leaves nine asleep on every run.
    let all_asleep = wait_until_blocked(&tids, Duration::from_secs(2));
    set_called.store(true, Ordering::SeqCst);
    event.set();
    let deadline = Instant::now() + Duration::from_secs(2);
    let mut woke = 0;
    while woke < WAITERS {
        match woke_rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(_) => woke += 1,
            Err(_) => break,
        }
    }
    let early = early.load(Ordering::SeqCst);
    assert!(
        early == 0,
        "{early} of {WAITERS} waiters returned from wait() before anyone had called set(): \
         wait() must block while the event is not set"
    );
    assert!(
        woke == WAITERS,
        "set() woke {woke} of {WAITERS} waiters{}; the other {} were still waiting 2 s later. \
         Every waiter waits for the same event, so set() must wake them all (notify_all: \
         notify_one wakes one).",
        if all_asleep {
            " that were all asleep in wait()"
        } else {
            ""
        },
        WAITERS - woke
    );
}

/// One execution under the model checker: `waiters` threads wait for one event, a setter
/// sets it, and, with `ghost`, one more thread wakes every waiter for no reason (a spurious
/// wake-up, which real condition variables may do at any time). A waiter that returns before
/// set() was called fails the execution; one that never returns is a deadlock.
fn waiters_and_a_setter(waiters: &'static [&'static str], ghost: bool) {
    let event = Arc::new(model::event::Event::new());
    // A plain atomic, not the model's: recording that set() was called is not a step of the
    // program under test.
    let set_called = Arc::new(AtomicBool::new(false));
    let mut threads = Vec::new();
    for &name in waiters {
        let (event, set_called) = (Arc::clone(&event), Arc::clone(&set_called));
        threads.push(spawn(name, move || {
            event.wait();
            if !set_called.load(Ordering::SeqCst) {
                common::model::fail(format!(
                    "{name} returned from wait() though nobody had set the event. It was woken \
                     for no reason (a spurious wake-up, which real condition variables may \
                     do): a wake-up is only a hint, so check the flag again after every \
                     wake-up (`while`, not `if`)."
                ));
            }
        }));
    }
    let setter = {
        let (event, set_called) = (Arc::clone(&event), Arc::clone(&set_called));
        spawn("setter", move || {
            set_called.store(true, Ordering::SeqCst);
            event.set();
        })
    };
    threads.push(setter);
    if ghost {
        threads.push(spawn("spurious", common::model::spurious::wake_spuriously));
    }
    threads.into_iter().for_each(|t| t.join().unwrap());
}

#[test]
fn wait_never_misses_a_set_in_any_interleaving() {
    let _alone = alone();
    // Two waiters and a setter in every order the model checker can find: a waiter that looks
    // at the flag outside the lock (or not at all) sleeps through a set() that came first, and a
    // set() that wakes one waiter leaves the other asleep. The checker finds such an order on
    // every run, on every machine.
    let schedules =
        check_every_interleaving(|| waiters_and_a_setter(&["waiter-1", "waiter-2"], false));
    println!(
        "wait() never misses a set() in {schedules} interleavings of two waiters and a setter"
    );
}

#[test]
fn a_spurious_wake_up_does_not_end_a_wait() {
    let _alone = alone();
    // A waiter, a setter, and a thread that wakes the waiter for no reason, at every point
    // where the model checker can put it.
    let schedules = check_every_interleaving(|| waiters_and_a_setter(&["waiter"], true));
    println!("wait() outlasts a spurious wake-up in {schedules} interleavings");
}

/// Starts a thread that waits for `event` and then sends what the wait cost it and when it
/// returned; returns its kernel thread id and the receiving end.
fn measured_waiter(event: &Arc<Event>) -> (i64, mpsc::Receiver<(ThreadUsage, Instant)>) {
    let event = Arc::clone(event);
    let (tid_tx, tid_rx) = mpsc::channel();
    let (tx, rx) = mpsc::channel();
    thread::Builder::new()
        .name("waiter".into())
        .spawn(move || {
            tid_tx.send(os_thread_id()).unwrap();
            let ((), usage) = usage_of(|| event.wait());
            let _ = tx.send((usage, Instant::now()));
        })
        .expect("spawn a waiter");
    (tid_rx.recv().expect("the waiter started"), rx)
}

#[test]
fn a_waiting_thread_sleeps_until_set() {
    let _alone = alone();
    const QUIET: Duration = Duration::from_secs(1);
    // 1. A waiter left alone for a second: a thread that sleeps on a condition variable sleeps
    //    once; one that polls wakes again and again; one that spins burns the CPU. The kernel
    //    counts both, whatever the load.
    let event = Arc::new(Event::new());
    let (tid, done) = measured_waiter(&event);
    wait_until_blocked(&[tid], Duration::from_secs(2));
    thread::sleep(QUIET);
    event.set();
    let (usage, _) = done
        .recv_timeout(Duration::from_secs(3))
        .expect("wait() did not return within 3 s of set()");
    assert!(
        usage.cpu < Duration::from_millis(100),
        "the waiting thread burned {} of CPU time in about 1 s of waiting: it spins, checking \
         the flag again and again. Sleep on the condition variable instead: a waiting thread \
         should cost nothing.",
        ms(usage.cpu)
    );
    assert!(
        usage.sleeps <= 5,
        "the waiting thread woke up {} times in about 1 s while nothing happened: it polls \
         (sleeps a little, checks the flag, sleeps again). Sleep on the condition variable \
         instead: the thread sleeps once, and set() wakes it.",
        usage.sleeps
    );
    // 2. A waiter woken as soon as it is asleep: a condition variable wakes it at once; a
    //    thread that polls at long intervals oversleeps. The best of three tries, so that one
    //    slow wake-up on a busy machine does not count.
    let mut best = Duration::MAX;
    for _ in 0..3 {
        let event = Arc::new(Event::new());
        let (tid, done) = measured_waiter(&event);
        wait_until_blocked(&[tid], Duration::from_secs(2));
        let set_at = Instant::now();
        event.set();
        let (_, returned_at) = done
            .recv_timeout(Duration::from_secs(3))
            .expect("wait() did not return within 3 s of set()");
        best = best.min(returned_at.saturating_duration_since(set_at));
    }
    assert!(
        best < Duration::from_millis(50),
        "wait() returned {} after set() at best, in 3 tries: it sleeps for a while and then \
         looks, so it oversleeps. set() must wake the waiter at once (a condition variable's \
         notify).",
        ms(best)
    );
}

#[test]
fn wait_timeout_times_out_and_says_so() {
    let _alone = alone();
    with_deadline(Duration::from_secs(8), "wait_timeout", || {
        let timeout = Duration::from_millis(200);
        let event = Arc::new(Event::new());
        let start = Instant::now();
        let set = event.wait_timeout(timeout);
        let took = start.elapsed();
        assert!(
            !set,
            "wait_timeout(200 ms) on an event nobody set returned true: it must return false \
             when it times out"
        );
        assert!(
            took + Duration::from_millis(1) >= timeout,
            "wait_timeout(200 ms) gave up after {}, before its time (a spurious wake-up must \
             not end the wait: wait again for the time that is left)",
            ms(took)
        );
        assert!(
            took < timeout + Duration::from_millis(1500),
            "wait_timeout(200 ms) returned only after {}",
            ms(took)
        );

        let setter = {
            let event = Arc::clone(&event);
            thread::spawn(move || {
                thread::sleep(Duration::from_millis(100));
                event.set();
            })
        };
        let start = Instant::now();
        let set = event.wait_timeout(Duration::from_secs(5));
        let took = start.elapsed();
        setter.join().unwrap();
        assert!(
            set,
            "wait_timeout(5 s) returned false, though the event was set 0.1 s into the wait"
        );
        assert!(
            took < Duration::from_secs(2),
            "wait_timeout(5 s) returned {} after it began, though the event was set after \
             0.1 s: set() must wake it then, not when its timeout runs out",
            ms(took)
        );
        assert!(
            event.wait_timeout(Duration::ZERO),
            "wait_timeout on an event that is set returned false"
        );
        event.clear();
        assert!(
            !event.wait_timeout(Duration::from_millis(10)),
            "wait_timeout on an event that was set and then cleared returned true"
        );
    });
}

// ---------------------------------------------------------------------------------------------
// Timer
// ---------------------------------------------------------------------------------------------

#[test]
fn timer_fires_once_after_its_delay() {
    let _alone = alone();
    let delay = Duration::from_millis(150);
    let (tx, rx) = mpsc::channel();
    let caller = os_thread_id();
    let start = Instant::now();
    let timer = Timer::start(delay, move || {
        let _ = tx.send((Instant::now(), os_thread_id()));
    });
    let returned = start.elapsed();
    let (fired_at, on) = rx
        .recv_timeout(Duration::from_secs(3))
        .expect("a timer of 0.15 s had not fired 3 s after it started");
    let after = fired_at.saturating_duration_since(start);
    assert!(
        on != caller && returned < after,
        "the timer's action ran on the thread that started the timer, and start() returned \
         only after it: start() must return at once and the action run later, on the timer's \
         own thread"
    );
    assert!(
        after >= delay,
        "a timer of 150 ms fired after {}: before its delay",
        ms(after)
    );
    assert!(
        rx.recv_timeout(Duration::from_millis(300)).is_err(),
        "the timer's action ran more than once"
    );
    drop(timer);
}

#[test]
fn a_cancelled_timer_never_fires() {
    let _alone = alone();
    with_deadline(LIMIT, "starting and cancelling timers", || {
        let fired = Arc::new(AtomicUsize::new(0));
        let count = |fired: &Arc<AtomicUsize>| {
            let fired = Arc::clone(fired);
            move || {
                fired.fetch_add(1, Ordering::SeqCst);
            }
        };
        // Cancelled at once, and cancelled a third of the way through its delay.
        let at_once = Timer::start(Duration::from_millis(100), count(&fired));
        at_once.cancel();
        let midway = Timer::start(Duration::from_millis(300), count(&fired));
        thread::sleep(Duration::from_millis(100));
        midway.cancel();
        thread::sleep(Duration::from_millis(500));
        let n = fired.load(Ordering::SeqCst);
        assert!(
            n == 0,
            "{n} of 2 cancelled timers fired anyway: once cancel() has returned, the action \
             must never run"
        );
        // Cancelling a timer that has fired already does nothing (and does not panic).
        let (tx, rx) = mpsc::channel();
        let fired_already = Timer::start(Duration::from_millis(10), move || {
            let _ = tx.send(());
        });
        rx.recv_timeout(Duration::from_secs(2))
            .expect("a timer of 10 ms had not fired 2 s later");
        fired_already.cancel();
    });
}

/// Starts a timer of 4 s and cancels it on a helper thread, which is joined before this
/// returns; fails the check if cancel() had not returned within 1.5 s.
fn start_and_cancel_a_long_timer() {
    let timer = Timer::start(Duration::from_secs(4), || {});
    let (tx, rx) = mpsc::channel();
    let helper = thread::spawn(move || {
        timer.cancel();
        let _ = tx.send(());
    });
    match rx.recv_timeout(Duration::from_millis(1500)) {
        Ok(()) => helper.join().unwrap(),
        Err(mpsc::RecvTimeoutError::Timeout) => panic!(
            "cancel() on a timer with a 4 s delay had not returned 1.5 s later: {CANCEL_WAITS}"
        ),
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("cancel() panicked (see above)"),
    }
}

const CANCEL_WAITS: &str = "it waits out the delay. A sleeping thread cannot be woken early: \
    make the timer's thread wait for the delay *or* a cancellation, whichever comes first \
    (recv_timeout on a channel, a condition variable's wait_timeout, or your Event's \
    wait_timeout), so that cancel() only has to signal it";

#[test]
fn cancel_returns_at_once() {
    let _alone = alone();
    start_and_cancel_a_long_timer();
}

#[test]
fn a_cancelled_timers_thread_ends_at_once() {
    let _alone = alone();
    // The grader runs one check per process (`NAME --exact`). Plain `cargo test` runs them side
    // by side, and libtest starts a thread for each waiting check while this one counts.
    if !std::env::args().any(|a| a == "--exact") {
        skip("it counts the process's threads, so it runs only alone (as the grader runs it)");
        return;
    }
    let before = thread_count();
    start_and_cancel_a_long_timer();
    let start = Instant::now();
    while thread_count() > before && start.elapsed() < Duration::from_secs(1) {
        thread::sleep(Duration::from_millis(5));
    }
    let left = thread_count().saturating_sub(before);
    assert!(
        left == 0,
        "1 s after cancel() returned, the timer's thread was still there, asleep with 3 s of \
         its delay to go (the process still had {left} more thread(s) than before the timer): \
         {CANCEL_WAITS}"
    );
}

// ---------------------------------------------------------------------------------------------
// L1–L5
// ---------------------------------------------------------------------------------------------

/// How long a held line keeps its write back, waiting for another line to read too early.
const HOLD: Duration = Duration::from_millis(300);
/// How long a line waits for the line that may run beside it (L1 with L2, L3 with L4).
const COMPANY: Duration = Duration::from_millis(500);

/// Watches (and steers) the five lines through their memory's hook.
///
/// A *held* line keeps its write back until some line has read a variable too early (nothing
/// was there) or [`HOLD`] has passed: a line that does not wait for this one's result reads
/// before it is written, on every run. With `pairs`, L1 and L2 (and L3 and L4) each wait up to
/// [`COMPANY`] for the other to be running too: lines that may run at once, do.
struct Probe {
    hold: Vec<usize>,
    pairs: bool,
    state: Mutex<ProbeState>,
    changed: Condvar,
}

#[derive(Default)]
struct ProbeState {
    early_reads: usize,
    running: BTreeSet<usize>,
    met: BTreeSet<usize>,
}

fn partner(line: usize) -> Option<usize> {
    match line {
        1 => Some(2),
        2 => Some(1),
        3 => Some(4),
        4 => Some(3),
        _ => None,
    }
}

impl Probe {
    fn memory(hold: &[usize], pairs: bool) -> (Arc<Memory>, Arc<Probe>) {
        let probe = Arc::new(Probe {
            hold: hold.to_vec(),
            pairs,
            state: Mutex::new(ProbeState::default()),
            changed: Condvar::new(),
        });
        let watching = Arc::clone(&probe);
        let memory = Memory::with_hook(move |line, moment| watching.on(line, moment));
        (Arc::new(memory), probe)
    }

    fn on(&self, line: &Line, moment: Moment) {
        let n = line.number;
        let mut state = self.state.lock().unwrap();
        match moment {
            Moment::Started => {
                state.running.insert(n);
                if let (true, Some(other)) = (self.pairs, partner(n)) {
                    // Starting while the other runs: the two ran at the same time.
                    if state.running.contains(&other) {
                        state.met.insert(n);
                        state.met.insert(other);
                    }
                    self.changed.notify_all();
                    let _together = self
                        .changed
                        .wait_timeout_while(state, COMPANY, |s| !s.met.contains(&n))
                        .unwrap();
                }
            }
            Moment::Read { value: None, .. } => {
                state.early_reads += 1;
                self.changed.notify_all();
            }
            Moment::Read { .. } => {}
            Moment::Writing { .. } => {
                if self.hold.contains(&n) {
                    state = self
                        .changed
                        .wait_timeout_while(state, HOLD, |s| s.early_reads == 0)
                        .unwrap()
                        .0;
                }
                state.running.remove(&n);
                self.changed.notify_all();
            }
        }
    }

    fn met(&self, line: usize) -> bool {
        self.state.lock().unwrap().met.contains(&line)
    }
}

/// Runs the student's program on `memory`, within a deadline; returns r and the caller's thread.
fn run(memory: &Arc<Memory>) -> (i64, i64) {
    let memory = Arc::clone(memory);
    with_deadline(LIMIT, "the five lines", move || {
        (run_program(&memory), os_thread_id())
    })
}

fn line(number: usize) -> &'static Line {
    &PROGRAM[number - 1]
}

/// What is wrong with the order of a run: reads that came before the write they needed, and
/// lines that ran other than once.
fn order_problems(log: &[Record]) -> Vec<String> {
    let mut problems = Vec::new();
    for number in 1..=PROGRAM.len() {
        let runs = log.iter().filter(|r| r.line == number).count();
        if runs != 1 {
            problems.push(format!("{} ran {runs} times, not once", line(number)));
        }
    }
    let written: BTreeMap<&str, u64> = log
        .iter()
        .filter_map(|r| r.wrote.map(|(_, at)| (line(r.line).target, at)))
        .collect();
    let mut early = Vec::new();
    for record in log {
        for read in &record.reads {
            let writer = writer_of(read.name).expect("every input has a writer");
            let in_time = matches!(written.get(read.name), Some(&at) if at < read.at);
            if read.value.is_none() || !in_time {
                early.push((
                    read.at,
                    format!(
                        "{} read {} before {} wrote it (it found nothing there and went on with 0)",
                        line(record.line),
                        read.name,
                        writer
                    ),
                ));
            }
        }
    }
    // The earliest first: the later ones may only follow from it.
    early.sort();
    problems.extend(early.into_iter().map(|(_, problem)| problem));
    problems
}

fn describe(problems: &[String]) -> String {
    let mut text = problems[0].clone();
    if problems.len() > 1 {
        text += &format!(", and {} more such problem(s)", problems.len() - 1);
    }
    text
}

#[test]
fn r_is_one_with_a_thread_per_line() {
    let _alone = alone();
    // L1 and L2 hold their writes back, so that a line that does not wait reads too early on
    // every run (and r comes out wrong every time, not only when the threads happen to race).
    let (memory, _) = Probe::memory(&[1, 2], false);
    let (r, caller) = run(&memory);
    let log = memory.log();
    let problems = order_problems(&log);
    assert!(
        problems.is_empty(),
        "r = {r}, expected q − p = 6 − 5 = 1: {}. Each line must wait until the lines it reads \
         from have written their results.",
        describe(&problems)
    );
    assert!(
        r == 1 && memory.value("r") == Some(1),
        "run_program returned r = {r} and the memory holds r = {:?}: expected 1",
        memory.value("r")
    );
    let threads: BTreeSet<i64> = log.iter().map(|r| r.thread).collect();
    assert!(
        threads.len() == PROGRAM.len() && !threads.contains(&caller),
        "the five lines ran on {} thread(s){}: each line must run on a thread of its own",
        threads.len(),
        if threads.contains(&caller) {
            ", one of them the thread that called run_program"
        } else {
            ""
        }
    );
}

#[test]
fn every_line_waits_for_its_inputs() {
    let _alone = alone();
    // Four runs; in each, one of L1–L4 keeps its write back for a while. Any line that reads
    // its result without waiting for it reads too early, whatever the scheduler does.
    for held in 1..=4 {
        let (memory, _) = Probe::memory(&[held], false);
        run(&memory);
        let problems = order_problems(&memory.log());
        assert!(
            problems.is_empty(),
            "with the write of {} held back for {}: {}. A line must wait until every line it reads \
             from has written its result (and a line that others read must say when it has).",
            line(held),
            ms(HOLD),
            describe(&problems)
        );
    }
}

#[test]
fn independent_lines_run_at_the_same_time() {
    let _alone = alone();
    let (memory, probe) = Probe::memory(&[1, 2], true);
    run(&memory);
    let problems = order_problems(&memory.log());
    assert!(
        problems.is_empty(),
        "the lines ran in the wrong order, so how they overlapped does not count yet: {}",
        describe(&problems)
    );
    for (first, second, why) in [
        (1, 2, "they read nothing, so nothing should hold them back"),
        (3, 4, "both need only a and b"),
    ] {
        assert!(
            probe.met(first) && probe.met(second),
            "{} and {} never ran at the same time: each waited {} for the other to start. \
             {why}: start every line's thread at once, and let each wait only for its own inputs \
             (the lectures: L1 ‖ L2, then L3 ‖ L4, then L5).",
            line(first),
            line(second),
            ms(COMPANY),
        );
    }
}
