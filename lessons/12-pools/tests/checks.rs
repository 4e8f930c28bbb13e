// The checks of lesson 12, run by `cargo xtask check lesson-12`.
//
// Concurrency is judged by evidence, not by the clock:
// - a *conductor* (on the check's own thread) lets the pool's tasks finish one at a time, the
//   highest-numbered running task first, so that tasks finish in an order unlike the order they
//   were given in, on every run, whatever the machine's load;
// - a *gauge* counts how many tasks are inside at once, and tasks *wait for company* (with a
//   timeout) so that a pool of n workers is seen with n tasks at once, and never more;
// - a thread-local value whose destructor runs when a worker thread ends (slowly, on purpose)
//   tells whether dropping the pool joined its workers or left them running;
// - the pids that the process pool's answers carry tell where the work ran.
// A check that could hang (a task that never gets a worker, a get that never returns) runs its
// work on a helper thread and fails with its own message after a deadline.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, Once};
use std::thread;
use std::time::{Duration, Instant};

use common::grading::{Gauge, cores};
use common::process::{Program, children_of, proc_info};
use lesson_12::{
    GetTimeoutError, Job, MACLAURIN_X, ProcessPool, TaskError, ThreadPool, maclaurin_jobs,
    parallel_maclaurin,
};

/// How long a check waits for work that should take well under a second.
const LIMIT: Duration = Duration::from_secs(5);
/// How long a task waits for company before the check concludes that none is coming.
const COMPANY: Duration = Duration::from_secs(2);
/// How long the conductor waits for one more task to start before letting one go.
const PATIENCE: Duration = Duration::from_millis(200);

fn program() -> Program {
    common::package_binary!()
}

/// `cargo test` runs the checks of the solution on parallel threads of one process; these
/// checks count threads and children of the process, so they take turns.
fn turn() -> MutexGuard<'static, ()> {
    static TURN: Mutex<()> = Mutex::new(());
    static QUIET: Once = Once::new();
    QUIET.call_once(|| {
        // The checks' own panicking tasks say "on purpose": keep their messages out of the
        // output; any other panic is reported as usual.
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let message = lesson_12::panic_message(info.payload());
            if !message.contains("on purpose") {
                default(info);
            }
        }));
    });
    TURN.lock().unwrap_or_else(|e| e.into_inner())
}

/// Runs `f` on a helper thread and waits at most `limit` for it: `None` if it is not done by
/// then (it is left behind; the check fails and its process ends).
fn in_time<T: Send + 'static>(
    limit: Duration,
    f: impl FnOnce() -> T + Send + 'static,
) -> Option<T> {
    let (tx, rx) = crossbeam_channel::bounded(1);
    thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(limit) {
        Ok(value) => Some(value),
        Err(crossbeam_channel::RecvTimeoutError::Timeout) => None,
        Err(crossbeam_channel::RecvTimeoutError::Disconnected) => {
            panic!("the code under test panicked (see above)")
        }
    }
}

/// Waits until `n` tasks have been inside `gauge` at once, at most [`COMPANY`]. A task that waits
/// in vain sets `lonely`, and later tasks do not wait at all (the verdict is already known).
fn wait_for_company(gauge: &Gauge, n: usize, lonely: &AtomicBool) {
    let start = Instant::now();
    while gauge.most() < n && !lonely.load(Ordering::SeqCst) {
        if start.elapsed() >= COMPANY {
            lonely.store(true, Ordering::SeqCst);
            return;
        }
        thread::sleep(Duration::from_millis(1));
    }
}

/// Lets tasks finish in an order of its choosing: each task announces itself and waits to be
/// let go; the conductor lets go the highest-numbered of the tasks running, waits until it has
/// finished, and so on. With two or more tasks running at once, they finish in an order unlike
/// the order they were given in.
#[derive(Default)]
struct Conductor {
    stage: Mutex<Stage>,
    changed: Condvar,
}

#[derive(Default)]
struct Stage {
    running: BTreeSet<usize>,
    released: BTreeSet<usize>,
    finished: Vec<usize>,
    most: usize,
    gave_up: bool,
}

impl Conductor {
    fn lock(&self) -> MutexGuard<'_, Stage> {
        self.stage.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Called by task `i`: waits to be let go (at most [`LIMIT`]), then says it has finished.
    fn perform(&self, i: usize) {
        let mut stage = self.lock();
        stage.running.insert(i);
        stage.most = stage.most.max(stage.running.len());
        self.changed.notify_all();
        let (mut stage, _) = self
            .changed
            .wait_timeout_while(stage, LIMIT, |s| !s.released.contains(&i) && !s.gave_up)
            .unwrap_or_else(|e| e.into_inner());
        stage.running.remove(&i);
        stage.finished.push(i);
        self.changed.notify_all();
    }

    /// Lets `total` tasks go, one at a time, waiting each time (at most [`PATIENCE`]) for
    /// `company` of them to be running. Gives up if nothing runs for [`LIMIT`].
    fn conduct(&self, total: usize, company: usize) {
        let mut stage = self.lock();
        while stage.finished.len() < total {
            let want = company.min(total - stage.finished.len());
            stage = self
                .changed
                .wait_timeout_while(stage, PATIENCE, |s| s.running.len() < want)
                .unwrap_or_else(|e| e.into_inner())
                .0;
            if stage.running.is_empty() {
                let (next, waited) = self
                    .changed
                    .wait_timeout_while(stage, LIMIT, |s| {
                        s.running.is_empty() && s.finished.len() < total
                    })
                    .unwrap_or_else(|e| e.into_inner());
                stage = next;
                if waited.timed_out() {
                    stage.gave_up = true;
                    self.changed.notify_all();
                    return;
                }
                continue;
            }
            let last = *stage.running.last().expect("not empty");
            stage.released.insert(last);
            self.changed.notify_all();
            stage = self
                .changed
                .wait_timeout_while(stage, LIMIT, |s| !s.finished.contains(&last))
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// The order in which the tasks finished, and the most that ran at once.
    fn report(&self) -> (Vec<usize>, usize) {
        let stage = self.lock();
        (stage.finished.clone(), stage.most)
    }
}

#[test]
fn map_keeps_the_order_of_its_items() {
    let _turn = turn();
    let cubes: Vec<u64> = (1..=6).map(|x| x * x * x).collect();
    for (how, asynchronous) in [("map", false), ("map_async(…).get()", true)] {
        let pool = Arc::new(ThreadPool::new(4));
        let conductor = Arc::new(Conductor::default());
        let (tx, rx) = crossbeam_channel::bounded(1);
        {
            let (pool, conductor) = (Arc::clone(&pool), Arc::clone(&conductor));
            thread::spawn(move || {
                let cube = move |x: u64| {
                    conductor.perform(x as usize - 1);
                    x * x * x
                };
                let results = if asynchronous {
                    pool.map_async(cube, 1..=6).get()
                } else {
                    pool.map(cube, 1..=6)
                };
                let _ = tx.send(results);
            });
        }
        conductor.conduct(6, 4);
        let results = rx.recv_timeout(LIMIT).unwrap_or_else(|_| {
            panic!("{how}(cube, 1..=6) on a pool of 4 did not return: some tasks never ran")
        });
        let (order, most) = conductor.report();
        assert!(
            most >= 2,
            "{how}(cube, 1..=6) on a pool of 4 ran its tasks one at a time (never more than \
             {most} at once), so they could only finish in the order they were given. A pool of \
             4 workers runs 4 tasks at once; the check then makes later tasks finish first."
        );
        match results {
            Ok(results) => assert!(
                results == cubes,
                "{how}(cube, 1..=6) returned {results:?}, not {cubes:?}. The check made the \
                 tasks finish in the order {:?} (cube of 1 = task 0): the results came back in \
                 the order the tasks finished. Results must come back in the order of the \
                 items, whatever order the tasks finish in: keep one result slot (a handle) \
                 per item and collect them in item order.",
                order
            ),
            Err(e) => panic!("{how}(cube, 1..=6) failed: {e}"),
        }
    }
}

#[test]
fn nine_sleeps_on_four_workers_run_four_at_a_time() {
    let _turn = turn();
    let gauge = Arc::new(Gauge::new());
    let lonely = Arc::new(AtomicBool::new(false));
    let (inside, alone) = (Arc::clone(&gauge), Arc::clone(&lonely));
    let start = Instant::now();
    let outcome = in_time(LIMIT, move || {
        let pool = ThreadPool::new(4);
        pool.map(
            move |_| {
                let _inside = inside.enter();
                wait_for_company(&inside, 4, &alone);
                thread::sleep(Duration::from_millis(100));
            },
            1..=9,
        )
    });
    let took = start.elapsed();
    let most = gauge.most();
    match outcome {
        None => panic!(
            "9 sleeps of 100 ms on 4 workers had not finished after {LIMIT:?} ({} of 9 started)",
            gauge.entries()
        ),
        Some(Err(e)) => panic!("map of 9 sleeps failed: {e}"),
        Some(Ok(_)) => {}
    }
    assert!(
        most <= 4,
        "{most} of the sleeps ran at once on a pool of 4 workers: a pool runs at most as many \
         tasks at once as it has workers (the rest wait in its queue)"
    );
    assert!(
        most >= 4,
        "with 9 tasks queued, never more than {most} ran at once on a pool of 4 workers (each \
         task waited {COMPANY:?} for the others to start): a pool of n workers runs n tasks at \
         once. Start n worker threads that all take tasks from the one queue."
    );
    assert!(gauge.entries() == 9, "{} tasks ran, not 9", gauge.entries());
    assert!(
        took >= Duration::from_millis(300) && took < Duration::from_secs(2),
        "9 sleeps of 100 ms, 4 at a time, took {took:?}: about 3 rounds of 100 ms (300 ms, the \
         lectures' 3 s scaled down) were expected"
    );
}

#[test]
fn get_timeout_gives_up_in_time_with_a_typed_error() {
    let _turn = turn();
    let timeout = Duration::from_millis(100);
    let pool = Arc::new(ThreadPool::new(2));
    // The lectures' `apply_async(time.sleep, (10,))`: a task that sleeps 10 s, unless the check
    // wakes it early (by dropping `wake`) once it is done with it.
    let (wake, sleeping) = crossbeam_channel::bounded::<()>(0);
    let long = pool.apply_async(move || {
        let _ = sleeping.recv_timeout(Duration::from_secs(10));
        42
    });
    let (long, outcome, took) = in_time(Duration::from_secs(3), move || {
        let start = Instant::now();
        let outcome = long.get_timeout(timeout);
        (long, outcome, start.elapsed())
    })
    .unwrap_or_else(|| {
        panic!(
            "get_timeout({timeout:?}) on a task that sleeps 10 s had not returned after 3 s: it \
             waits for the task instead of giving up after {timeout:?} (Python's \
             `get(timeout=1)` raises TimeoutError after 1 s)"
        )
    });
    match outcome {
        Err(GetTimeoutError::Timeout(_)) => {}
        other => panic!(
            "get_timeout({timeout:?}) on a task that sleeps 10 s returned {other:?} after \
             {took:?}, not Err(GetTimeoutError::Timeout)"
        ),
    }
    assert!(
        took >= timeout && took < timeout + Duration::from_secs(1),
        "get_timeout({timeout:?}) gave up after {took:?}: it should wait the {timeout:?} it was \
         given, and no more"
    );
    drop(wake);
    let value = in_time(LIMIT, move || long.get()).unwrap_or_else(|| {
        panic!("after a timeout, get() on the same handle did not return once the task ended")
    });
    assert!(
        value == Ok(42),
        "after get_timeout timed out, the task finished with 42, but get() on the same handle \
         returned {value:?}: a timeout gives up waiting, not the task or its result"
    );

    // The pool stays here: dropping it in the helper thread would wait for the sleeping task.
    let (wake, sleeping) = crossbeam_channel::bounded::<()>(0);
    let user = Arc::clone(&pool);
    let outcome = in_time(Duration::from_secs(3), move || {
        let mut results = user.imap(
            move |_: u32| {
                let _ = sleeping.recv_timeout(Duration::from_secs(10));
                7
            },
            [0],
        );
        let start = Instant::now();
        let outcome = results.next_timeout(timeout);
        (outcome, start.elapsed())
    });
    drop(wake);
    match outcome {
        None => panic!(
            "imap over a task that sleeps 10 s, then next_timeout({timeout:?}), had not returned \
             after 3 s: imap or next_timeout waits for the task (Python: `it.next(timeout=1)`)"
        ),
        Some((Some(Err(GetTimeoutError::Timeout(_))), took))
            if took < timeout + Duration::from_secs(1) => {}
        Some((other, took)) => panic!(
            "imap's next_timeout({timeout:?}) on a task that sleeps 10 s returned {other:?} \
             after {took:?}, not Some(Err(GetTimeoutError::Timeout)) after {timeout:?}"
        ),
    }
}

/// Runs `n` tasks on `pool` that each wait for the others, and says how many ran at once.
fn workers_alive(pool: &Arc<ThreadPool>, n: usize) -> Option<usize> {
    let gauge = Arc::new(Gauge::new());
    let lonely = Arc::new(AtomicBool::new(false));
    let (pool, inside) = (Arc::clone(pool), Arc::clone(&gauge));
    in_time(LIMIT, move || {
        pool.map(
            move |_| {
                let _inside = inside.enter();
                wait_for_company(&inside, n, &lonely);
            },
            0..n,
        )
    })?
    .ok()?;
    Some(gauge.most())
}

#[test]
fn a_panicking_task_is_an_error_and_the_pool_keeps_its_workers() {
    let _turn = turn();
    let pool = Arc::new(ThreadPool::new(4));
    let bad = Arc::clone(&pool);
    let outcome = in_time(LIMIT, move || {
        bad.apply_async(|| -> u32 { panic!("task 1 panicked on purpose") })
            .get()
    });
    match outcome {
        None => panic!("get() on a task that panicked had not returned after {LIMIT:?}"),
        Some(Err(TaskError::Panicked(message))) => assert!(
            message.contains("task 1 panicked on purpose"),
            "the task's panic came back as Panicked({message:?}): pass on the panic's own \
             message (`panic_message(&*payload)`)"
        ),
        Some(other) => panic!(
            "get() on a task that panicked returned {other:?}, not Err(TaskError::Panicked(..)): \
             the panic unwound through the worker, which died and took the task's result with \
             it. Catch the panic inside the job (`std::panic::catch_unwind`) and send it as the \
             task's result."
        ),
    }
    let after_one = workers_alive(&pool, 4);
    assert!(
        after_one == Some(4),
        "after one task panicked, {} of the pool's 4 workers ran tasks at once: the panic ended \
         its worker for good. A pool must go on with all its workers.",
        after_one.map_or("none".to_string(), |n| n.to_string())
    );
    let mapper = Arc::clone(&pool);
    let mapped = in_time(LIMIT, move || {
        mapper.map(
            |x: u32| {
                if x == 3 {
                    panic!("item 3 panicked on purpose")
                }
                x
            },
            0..6,
        )
    });
    match mapped {
        Some(Err(TaskError::Panicked(message))) if message.contains("item 3") => {}
        other => panic!(
            "map over 0..6 where item 3 panics returned {other:?}, not \
             Some(Err(TaskError::Panicked(\"item 3 panicked on purpose\"))) (None: it did not \
             return)"
        ),
    }
    let after_map = workers_alive(&pool, 4);
    assert!(
        after_map == Some(4),
        "after a map with a panicking item, {} of the pool's 4 workers ran tasks at once",
        after_map.map_or("none".to_string(), |n| n.to_string())
    );
}

#[test]
fn imap_is_lazy_and_keeps_order() {
    let _turn = turn();
    const WORKERS: usize = 2;
    const ITEMS: usize = 12;
    // The contract: imap keeps at most 2 × workers tasks ahead of the results pulled.
    const AHEAD: usize = 2 * WORKERS;
    let pool = Arc::new(ThreadPool::new(WORKERS));
    let conductor = Arc::new(Conductor::default());
    let (tx, rx) = crossbeam_channel::bounded(1);
    {
        let (pool, conductor) = (Arc::clone(&pool), Arc::clone(&conductor));
        thread::spawn(move || {
            let taken = Arc::new(AtomicUsize::new(0));
            let counter = Arc::clone(&taken);
            let items = (0..ITEMS).inspect(move |_| {
                counter.fetch_add(1, Ordering::SeqCst);
            });
            let results = pool.imap(
                move |i: usize| {
                    conductor.perform(i);
                    i * 10
                },
                items,
            );
            // How many items imap had taken before each result was pulled.
            let mut taken_before = vec![taken.load(Ordering::SeqCst)];
            let mut got = Vec::new();
            for result in results {
                got.push(result);
                taken_before.push(taken.load(Ordering::SeqCst));
            }
            let _ = tx.send((got, taken_before));
        });
    }
    conductor.conduct(ITEMS, WORKERS);
    let (got, taken_before) = rx
        .recv_timeout(LIMIT)
        .unwrap_or_else(|_| panic!("imap over {ITEMS} items on {WORKERS} workers did not end"));
    let (order, most) = conductor.report();
    if let Some((pulled, &taken)) = taken_before
        .iter()
        .enumerate()
        .find(|&(pulled, &taken)| taken > pulled + AHEAD)
    {
        panic!(
            "imap on a pool of {WORKERS} had taken {taken} of the {ITEMS} items when only \
             {pulled} results had been pulled: it is not lazy. imap takes an item (and queues \
             its task) only when there is room: at most {AHEAD} (2 × workers) tasks ahead of the \
             results pulled. Items taken before each pull: {taken_before:?}"
        );
    }
    let expected: Vec<Result<usize, TaskError>> = (0..ITEMS).map(|i| Ok(i * 10)).collect();
    assert!(
        got == expected,
        "imap(x → 10·x, 0..{ITEMS}) gave {got:?}; the tasks finished in the order {order:?}. \
         imap hands out results in the order of the items, whatever order the tasks finish in"
    );
    assert!(
        most >= 2,
        "imap ran its tasks one at a time (never more than {most} at once on {WORKERS} \
         workers): lazy is not serial. Keep the workers busy with a few tasks ahead."
    );
}

thread_local! {
    /// Touched by a task, so that the worker thread running it owns one: its destructor runs
    /// when that thread ends.
    static WORKER_EXIT: SlowExit = const { SlowExit };
}

/// Worker threads that have ended, counted at the very end of their thread-local destructors.
static WORKERS_ENDED: AtomicUsize = AtomicUsize::new(0);

/// Takes a while to drop, so that a worker thread that is still ending when `drop(pool)`
/// returns is seen on every run, not only when it happens to be slow.
struct SlowExit;

impl Drop for SlowExit {
    fn drop(&mut self) {
        thread::sleep(Duration::from_millis(200));
        WORKERS_ENDED.fetch_add(1, Ordering::SeqCst);
    }
}

/// A gate that tasks wait at (for at most a while) until it is opened.
#[derive(Default)]
struct Gate {
    open: Mutex<bool>,
    opened: Condvar,
}

impl Gate {
    fn wait_at_most(&self, limit: Duration) {
        let open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let _ = self.opened.wait_timeout_while(open, limit, |open| !*open);
    }

    fn open(&self) {
        *self.open.lock().unwrap_or_else(|e| e.into_inner()) = true;
        self.opened.notify_all();
    }
}

#[test]
fn drop_finishes_queued_work_and_joins_the_workers() {
    let _turn = turn();
    const WORKERS: usize = 2;
    const TASKS: usize = 6;
    let outcome = in_time(LIMIT, move || {
        let ended_before = WORKERS_ENDED.load(Ordering::SeqCst);
        let pool = ThreadPool::new(WORKERS);
        let done = Arc::new(AtomicUsize::new(0));
        let gauge = Arc::new(Gauge::new());
        let lonely = Arc::new(AtomicBool::new(false));
        let gate = Arc::new(Gate::default());
        for i in 0..TASKS {
            let (done, gauge, lonely, gate) = (
                Arc::clone(&done),
                Arc::clone(&gauge),
                Arc::clone(&lonely),
                Arc::clone(&gate),
            );
            // The handles are dropped at once: the work is still the pool's to finish.
            drop(pool.apply_async(move || {
                WORKER_EXIT.with(|_| ());
                if i < WORKERS {
                    // The first tasks keep every worker busy until the check has looked (or
                    // 400 ms have passed): the rest are still queued when `drop` is called.
                    let _inside = gauge.enter();
                    wait_for_company(&gauge, WORKERS, &lonely);
                    gate.wait_at_most(Duration::from_millis(400));
                } else {
                    thread::sleep(Duration::from_millis(10));
                }
                done.fetch_add(1, Ordering::SeqCst);
            }));
        }
        drop(pool);
        let finished = done.load(Ordering::SeqCst);
        let ended = WORKERS_ENDED.load(Ordering::SeqCst) - ended_before;
        gate.open();
        (finished, ended)
    });
    let Some((finished, ended)) = outcome else {
        panic!("drop(pool) with {TASKS} short tasks queued had not returned after {LIMIT:?}")
    };
    assert!(
        finished == TASKS,
        "when drop(pool) returned, {finished} of the {TASKS} tasks given to the pool had \
         finished: the others were still queued or running, or thrown away. Dropping a pool \
         closes its queue, lets the workers finish every task already in it, then joins them."
    );
    assert!(
        ended == WORKERS,
        "when drop(pool) returned, {} of its {WORKERS} worker threads were still running: \
         dropping a pool must join its workers (`JoinHandle::join`), so that no thread is left \
         behind",
        WORKERS - ended
    );
}

#[test]
fn a_process_pool_runs_the_64_tasks_in_other_processes() {
    let _turn = turn();
    // Parallel Python's example: 64 tasks over the CPUs detected (at most 8 here, to keep the
    // check short), each a piece of the Maclaurin series (1 280 000 terms in all).
    let (tasks, terms) = (64, 1_280_000);
    let workers = cores().clamp(2, 8);
    let me = std::process::id();
    let pool = ProcessPool::new(&program(), workers).expect("start the process pool");
    let pids: BTreeSet<u32> = pool.pids().into_iter().collect();
    let pool = Arc::new(pool);
    let user = Arc::clone(&pool);
    let summed = in_time(Duration::from_secs(8), move || {
        parallel_maclaurin(&user, MACLAURIN_X, terms, tasks)
    })
    .unwrap_or_else(|| panic!("parallel_maclaurin did not return within 8 s"))
    .expect("parallel_maclaurin failed");
    let expected: f64 = maclaurin_jobs(MACLAURIN_X, terms, tasks)
        .into_iter()
        .map(Job::run)
        .sum();
    assert!(
        summed.pids.len() == tasks,
        "{tasks} tasks, but {} pids came back",
        summed.pids.len()
    );
    let here = summed.pids.iter().filter(|&&p| p == me).count();
    assert!(
        here == 0,
        "{here} of the {tasks} tasks ran in this process (pid {me}), not in the pool's worker \
         processes {pids:?}: hand the jobs to the pool (`pool.map`)"
    );
    for (i, pid) in summed.pids.iter().enumerate() {
        assert!(
            pids.contains(pid),
            "task {i} ran in process {pid}, which is not one of the pool's workers {pids:?}"
        );
        assert!(
            proc_info(*pid).is_some_and(|p| p.parent == me),
            "task {i} ran in process {pid}, which is not a child of this process"
        );
    }
    assert!(
        (summed.sum - expected).abs() <= 1e-9 * expected.abs(),
        "the {tasks} tasks added up to {}, but the series' first {terms} terms add up to \
         {expected}",
        summed.sum
    );
    drop(Arc::into_inner(pool).expect("the only pool handle"));
    let left: Vec<u32> = children_of(me)
        .into_iter()
        .filter(|p| pids.contains(&p.pid))
        .map(|p| p.pid)
        .collect();
    assert!(
        left.is_empty(),
        "after the pool was dropped, its workers {left:?} were still there"
    );
}
