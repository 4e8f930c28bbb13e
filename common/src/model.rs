//! Model checking: running a lesson's code under every interleaving of its threads.
//!
//! A real-thread test of a race is a lottery: the bad interleaving may not happen in a given run.
//! A model checker ([shuttle]) instead runs the threads one step at a time and, run after run,
//! tries every order of their steps (or a seeded sample of them), so that a lost update is found
//! on every run on every machine, and a fix is shown correct for every schedule it explores.
//!
//! Shuttle can only switch threads where the code touches one of its own synchronisation types,
//! so a lesson's code imports its types from a small facade: `std::sync` in the lesson's
//! library, [`sync`] (below) in the lesson's `model` module, which compiles the very same source
//! files a second time. The types in [`sync`] are shuttle's, wrapped to record each step
//! (which thread read or wrote which value) so that a failing schedule can be printed as the
//! lectures' table of reads and writes ([`trace_table`]).
//!
//! When every thread of an execution is blocked, the checks fail with the course's account of it
//! rather than the model checker's bare `deadlock!`: which thread holds which lock and waits for
//! which (the cycle the lectures draw), or which thread sleeps on a condition variable that no
//! thread is left to notify (a lost wake-up), followed by the schedule that led there. Locks are
//! named in the order they are created (`lock #1`, …) unless a check names them ([`named`]).
//!
//! [shuttle]: https://docs.rs/shuttle

use std::cell::RefCell;
use std::fmt::Debug;

use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};

mod blocking;
pub mod spurious;
pub mod sync;

/// One step of a traced execution: which thread did what, and the shared value it saw or left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The name of the thread that took the step.
    pub thread: String,
    /// What it did: `read`, `write`, `lock`, `unlock`, …
    pub action: String,
    /// The shared value it read, or the value it left.
    pub value: String,
}

thread_local! {
    // Shuttle runs every thread of an execution on the OS thread that called the checker, so one
    // thread-local trace sees the steps of all of them, and parallel checks keep separate traces.
    static TRACE: RefCell<Vec<Step>> = const { RefCell::new(Vec::new()) };
}

pub(crate) fn record(action: impl Into<String>, value: &impl Debug) {
    let thread = shuttle::thread::current();
    let step = Step {
        thread: thread.name().unwrap_or("unnamed").to_string(),
        action: action.into(),
        value: format!("{value:?}"),
    };
    TRACE.with(|t| t.borrow_mut().push(step));
}

/// The steps of the current execution so far.
pub fn trace() -> Vec<Step> {
    TRACE.with(|t| t.borrow().clone())
}

/// Whether the thread named `thread` is waiting on a condition variable now: its last step so
/// far was a wait (it let go of the mutex and has not woken with it again). A check uses it to
/// be sure that a thread has arrived and queued before it tests what others do meanwhile.
pub fn is_waiting(thread: &str) -> bool {
    TRACE.with(|t| {
        t.borrow()
            .iter()
            .rev()
            .find(|step| step.thread == thread)
            .is_some_and(|step| step.action.starts_with("wait"))
    })
}

/// Lets the model checker run another thread here (a yielding thread goes to the back).
pub fn yield_now() {
    shuttle::thread::yield_now();
}

/// The steps of the current execution as the lectures print a race: one column per thread,
/// the shared value on the right.
pub fn trace_table() -> String {
    render(&trace())
}

fn render(steps: &[Step]) -> String {
    let mut threads: Vec<&str> = Vec::new();
    for step in steps {
        if !threads.contains(&step.thread.as_str()) {
            threads.push(&step.thread);
        }
    }
    let mut table = Table::new();
    let mut header = vec!["step".to_string()];
    header.extend(threads.iter().map(|t| t.to_string()));
    header.push("value".into());
    table.load_style(UTF8_FULL_CONDENSED).set_header(header);
    for (i, step) in steps.iter().enumerate() {
        let mut row = vec![(i + 1).to_string()];
        row.extend(threads.iter().map(|t| {
            if *t == step.thread {
                step.action.clone()
            } else {
                String::new()
            }
        }));
        row.push(step.value.clone());
        table.add_row(row);
    }
    table.to_string()
}

/// Fails the current execution: panics with `message` followed by the table of its steps.
pub fn fail(message: impl std::fmt::Display) -> ! {
    panic!(
        "{message}\n\nThe schedule that went wrong:\n{}",
        trace_table()
    )
}

fn config() -> shuttle::Config {
    let mut config = shuttle::Config::new();
    // Shuttle warns that it treats every atomic ordering as SeqCst; the lessons' races are not
    // about orderings, so the warning would only be noise in a student's output.
    config.silence_warnings = true;
    config
}

fn traced(f: impl Fn() + Send + Sync + 'static) -> impl Fn() + Send + Sync + 'static {
    move || {
        TRACE.with(|t| t.borrow_mut().clear());
        blocking::reset();
        f()
    }
}

/// Gives the locks that `f` creates a name for the course's messages: `named("account A", ||
/// Account::new(…))` makes a deadlock read "thread-1 holds account A, waits for account B" rather
/// than "… holds lock #1 …". The lesson's code is left as it is: it calls `Mutex::new` as
/// always. A second lock created inside `f` is called "account A (lock 2)", and so on; a name
/// with `{}` numbers them all, from 0 as code counts: `named("fork {}", || Table::new(5))` makes
/// fork 0 to fork 4.
pub fn named<T>(name: &str, f: impl FnOnce() -> T) -> T {
    blocking::naming(name, f)
}

/// The panic that shuttle raises when every thread is blocked (it starts with this).
const SHUTTLE_DEADLOCK: &str = "deadlock! blocked tasks: [";

/// Runs the model checker, turning its bare deadlock panic into the course's account of it.
fn run<S: shuttle::scheduler::Scheduler + 'static>(
    scheduler: S,
    f: impl Fn() + Send + Sync + 'static,
) -> usize {
    quiet_bare_deadlocks();
    REPORTING.with(|r| r.set(false));
    let runner = shuttle::Runner::new(scheduler, config());
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| runner.run(traced(f)))) {
        Ok(schedules) => schedules,
        Err(payload) => match payload.downcast_ref::<String>() {
            Some(message) if message.starts_with(SHUTTLE_DEADLOCK) => {
                let blocked = blocking::blocked_threads(message);
                REPORTING.with(|r| r.set(true));
                fail(blocking::report(&blocked).unwrap_or_else(|| {
                    format!(
                        "a deadlock: every thread is blocked ({}), each waiting for something \
                         that no thread is left to do.",
                        blocked.join(", ")
                    )
                }))
            }
            _ => std::panic::resume_unwind(payload),
        },
    }
}

/// Keeps shuttle's bare `deadlock! blocked tasks: […]` panic off the output: [`run`] catches it
/// and fails with the course's message instead, which must be the first panic a student (and the
/// grader, which shows the first) reads. That message is raised outside any execution, so it is
/// printed as a plain panic, without shuttle's notes about a failing task. Every other panic is
/// printed as before.
fn quiet_bare_deadlocks() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let plain = std::panic::take_hook();
        // Shuttle installs its own hook (which notes the failing task, then calls the previous
        // hook) on its first run: let it do so now, so that ours comes first.
        let once = shuttle::scheduler::DfsScheduler::new(Some(1), false);
        shuttle::Runner::new(once, config()).run(|| {});
        let shuttles = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let bare = info
                .payload()
                .downcast_ref::<String>()
                .is_some_and(|m| m.starts_with(SHUTTLE_DEADLOCK));
            if bare {
                return;
            }
            if REPORTING.with(|r| r.get()) {
                plain(info)
            } else {
                shuttles(info)
            }
        }));
    });
}

thread_local! {
    // Set while `run` reports a deadlock, outside any execution.
    static REPORTING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` under every interleaving of the threads it spawns (depth-first, exhaustive), and
/// returns how many schedules were explored. A panic in any schedule fails the check, after
/// shuttle prints the failing schedule in a form that `shuttle::replay` accepts; so does a
/// schedule in which every thread is blocked, with the course's account of the deadlock.
///
/// Keep `f` small (two or three threads, a few steps each): the number of schedules grows
/// exponentially with the steps.
pub fn check_every_interleaving(f: impl Fn() + Send + Sync + 'static) -> usize {
    run(shuttle::scheduler::DfsScheduler::new(None, false), f)
}

/// Runs `f` under `iterations` schedules drawn by the PCT algorithm from `seed`: the same seed
/// explores the same schedules on every machine. For code whose threads may spin, where an
/// exhaustive search would never end.
pub fn check_sampled_interleavings(
    seed: u64,
    iterations: usize,
    f: impl Fn() + Send + Sync + 'static,
) -> usize {
    let scheduler = shuttle::scheduler::PctScheduler::new_from_seed(seed, 3, iterations);
    run(scheduler, f)
}

/// Runs `f` under `iterations` schedules that switch threads at random at every step, drawn from
/// `seed` (the same schedules on every machine). Where PCT ([`check_sampled_interleavings`])
/// favours long runs of one thread with a few switches, this finds bugs that need many switches
/// in a short program: two threads that each back off and retry, say. Like PCT, it suits code
/// whose threads may spin.
pub fn check_random_interleavings(
    seed: u64,
    iterations: usize,
    f: impl Fn() + Send + Sync + 'static,
) -> usize {
    run(
        shuttle::scheduler::RandomScheduler::new_from_seed(seed, iterations),
        f,
    )
}

/// Spawns a named thread inside a model-checked execution (names label the trace's columns).
pub fn spawn<T: Send + 'static>(
    name: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> shuttle::thread::JoinHandle<T> {
    shuttle::thread::Builder::new()
        .name(name.to_string())
        .spawn(f)
        .expect("spawn a model thread")
}

#[cfg(test)]
mod tests {
    use super::sync::Mutex;
    use super::sync::atomic::{AtomicU64, Ordering};
    use super::*;
    use std::sync::Arc;

    fn racy_increment(c: &AtomicU64) {
        let v = c.load(Ordering::SeqCst);
        c.store(v + 1, Ordering::SeqCst);
    }

    #[test]
    fn finds_the_lost_update_and_prints_its_table() {
        let result = std::panic::catch_unwind(|| {
            check_every_interleaving(|| {
                let c = Arc::new(AtomicU64::new(0));
                let handles: Vec<_> = ["thread-1", "thread-2"]
                    .into_iter()
                    .map(|name| {
                        let c = Arc::clone(&c);
                        spawn(name, move || racy_increment(&c))
                    })
                    .collect();
                handles.into_iter().for_each(|h| h.join().unwrap());
                if c.load(Ordering::SeqCst) != 2 {
                    fail("lost update");
                }
            })
        });
        let payload = result.expect_err("the lost update must be found");
        let message = payload
            .downcast_ref::<String>()
            .expect("a formatted message");
        assert!(message.starts_with("lost update"), "{message}");
        for word in ["thread-1", "thread-2", "read", "write", "value"] {
            assert!(message.contains(word), "no {word:?} in:\n{message}");
        }
    }

    #[test]
    fn proves_fetch_add_for_every_schedule() {
        let schedules = check_every_interleaving(|| {
            let c = Arc::new(AtomicU64::new(0));
            let handles: Vec<_> = (0..2)
                .map(|i| {
                    let c = Arc::clone(&c);
                    spawn(&format!("t{i}"), move || c.fetch_add(1, Ordering::SeqCst))
                })
                .collect();
            handles.into_iter().for_each(|h| {
                h.join().unwrap();
            });
            assert_eq!(c.load(Ordering::SeqCst), 2);
        });
        assert!(schedules > 1, "explored {schedules} schedules");
    }

    #[test]
    fn mutex_steps_are_traced_with_values() {
        check_every_interleaving(|| {
            let m = Mutex::new(10_000i64);
            *m.lock().unwrap() += 2_000;
            let steps = trace();
            assert_eq!(steps.len(), 2);
            assert_eq!(
                (steps[0].action.as_str(), steps[0].value.as_str()),
                ("lock", "10000")
            );
            assert_eq!(
                (steps[1].action.as_str(), steps[1].value.as_str()),
                ("unlock", "12000")
            );
        });
    }

    /// The message a model-checked run failed with.
    fn failure(f: impl Fn() + Send + Sync + 'static) -> String {
        let payload =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check_every_interleaving(f)))
                .expect_err("the model checker must find the failure");
        payload
            .downcast_ref::<String>()
            .cloned()
            .expect("a formatted message")
    }

    #[test]
    fn a_lock_order_deadlock_reads_as_the_lectures_draw_it() {
        let message = failure(|| {
            let a = Arc::new(named("account A", || Mutex::new(100)));
            let b = Arc::new(named("account B", || Mutex::new(100)));
            let opposite = |name, from: &Arc<Mutex<i32>>, to: &Arc<Mutex<i32>>| {
                let (from, to) = (Arc::clone(from), Arc::clone(to));
                spawn(name, move || {
                    let mut source = from.lock().unwrap();
                    let mut target = to.lock().unwrap();
                    *source -= 10;
                    *target += 10;
                })
            };
            let one = opposite("thread-1", &a, &b);
            let two = opposite("thread-2", &b, &a);
            one.join().unwrap();
            two.join().unwrap();
        });
        assert!(message.starts_with("a deadlock: "), "{message}");
        for part in [
            "thread-1 holds account A, waits for account B",
            "thread-2 holds account B, waits for account A",
            "main-thread waits for another thread",
            "The schedule that went wrong:",
        ] {
            assert!(message.contains(part), "no {part:?} in:\n{message}");
        }
        assert!(!message.contains("deadlock!"), "{message}");
    }

    #[test]
    fn a_lost_wake_up_is_named() {
        let message = failure(|| {
            let ready = Arc::new((Mutex::new(false), super::sync::Condvar::new()));
            let waiter = Arc::clone(&ready);
            let sleeper = spawn("thread-3", move || {
                let (flag, condvar) = &*waiter;
                let _ready = condvar.wait_while(flag.lock().unwrap(), |ready| !*ready);
            });
            // The flag is set, but no one notifies: the sleeper never hears of it.
            *ready.0.lock().unwrap() = true;
            sleeper.join().unwrap();
        });
        assert!(
            message.starts_with(
                "a lost wake-up: thread-3 waits on a condition variable and no thread is left \
                 to wake it."
            ),
            "{message}"
        );
        for part in ["lock #1", "wait (unlock)", "The schedule that went wrong:"] {
            assert!(message.contains(part), "no {part:?} in:\n{message}");
        }
    }

    #[test]
    fn named_locks_are_numbered_by_a_placeholder() {
        check_every_interleaving(|| {
            let forks = named("fork {}", || [Mutex::new(0), Mutex::new(0)]);
            let spare = named("spare", || [Mutex::new(0), Mutex::new(0)]);
            let plain = Mutex::new(0);
            for m in forks.iter().chain(&spare).chain([&plain]) {
                drop(m.lock().unwrap());
            }
            let actions: Vec<String> = trace().into_iter().map(|s| s.action).collect();
            assert_eq!(
                actions,
                [
                    "lock fork 0",
                    "unlock fork 0",
                    "lock fork 1",
                    "unlock fork 1",
                    "lock spare",
                    "unlock spare",
                    "lock spare (lock 2)",
                    "unlock spare (lock 2)",
                    "lock",
                    "unlock"
                ]
            );
        });
    }

    #[test]
    fn threads_that_back_off_and_retry_get_through() {
        // Two threads take two locks in opposite orders, but let go and retry when the second is
        // busy: no deadlock, and under PCT (which favours one thread) no endless retry loop.
        let schedules = check_sampled_interleavings(1, 200, || {
            let locks = Arc::new([Mutex::new(0), Mutex::new(0)]);
            let handles: Vec<_> = [(0, 1), (1, 0)]
                .into_iter()
                .map(|(first, second)| {
                    let locks = Arc::clone(&locks);
                    spawn(&format!("thread-{first}"), move || {
                        loop {
                            let mut a = locks[first].lock().unwrap();
                            if let Ok(mut b) = locks[second].try_lock() {
                                *a += 1;
                                *b += 1;
                                return;
                            }
                        }
                    })
                })
                .collect();
            handles.into_iter().for_each(|h| h.join().unwrap());
            assert_eq!(*locks[0].lock().unwrap(), 2);
        });
        assert_eq!(schedules, 200);
    }

    #[test]
    fn locking_twice_is_a_deadlock_with_oneself() {
        let message = failure(|| {
            let m = named("the counter", || Mutex::new(0));
            let _first = m.lock().unwrap();
            let _second = m.lock().unwrap();
        });
        assert!(
            message.starts_with("a deadlock: main-thread holds the counter and asks for it again"),
            "{message}"
        );
    }

    #[test]
    fn a_thread_blocked_on_a_condvar_is_seen_waiting() {
        use super::sync::Condvar;
        let seen = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counted = std::sync::Arc::clone(&seen);
        check_sampled_interleavings(11, 200, move || {
            let pair = Arc::new((Mutex::new(false), Condvar::new()));
            let waiter = {
                let pair = Arc::clone(&pair);
                spawn("waiter", move || {
                    let (ready, changed) = &*pair;
                    drop(changed.wait_while(ready.lock().unwrap(), |r| !*r).unwrap());
                })
            };
            // Yield until the waiter has queued (a bounded wait: the checker may starve it).
            for _ in 0..20 {
                if is_waiting("waiter") {
                    counted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    break;
                }
                yield_now();
            }
            assert!(!is_waiting("nobody"));
            let (ready, changed) = &*pair;
            *ready.lock().unwrap() = true;
            changed.notify_all();
            waiter.join().unwrap();
            assert!(!is_waiting("waiter"), "the waiter woke and left");
        });
        let seen = seen.load(std::sync::atomic::Ordering::Relaxed);
        assert!(
            seen > 100,
            "the waiter was seen waiting in {seen} of 200 schedules"
        );
    }

    #[test]
    fn sampled_search_is_repeatable() {
        let run = || {
            let found = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
            let seen = std::sync::Arc::clone(&found);
            check_sampled_interleavings(7, 50, move || {
                let c = Arc::new(AtomicU64::new(0));
                let c2 = Arc::clone(&c);
                let h = spawn("other", move || racy_increment(&c2));
                racy_increment(&c);
                h.join().unwrap();
                if c.load(Ordering::SeqCst) != 2 {
                    seen.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            });
            found.load(std::sync::atomic::Ordering::Relaxed)
        };
        assert_eq!(run(), run());
    }
}
