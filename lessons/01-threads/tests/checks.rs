// The checks of lesson 01, run by `cargo xtask check lesson-01`, each in its own process.
// The solution runs this same file (solutions/01-threads/tests/checks.rs includes it).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use common::grading::{CountingAllocator, Gauge, allocated_during, thousands, with_deadline};
use lesson_01::{Report, chunked_sum, run_named, sum_of_squares, worker_name};

// Counts the bytes allocated, to tell borrowing the data from copying it.
#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

const LIMIT: Duration = Duration::from_secs(8);

// The allocation count is process-wide. The grader runs each check in a process of its own,
// but `cargo test` runs them side by side, so the checks that allocate a lot take turns.
static ALLOCATING: Mutex<()> = Mutex::new(());

#[test]
fn workers_run_on_their_own_named_threads() {
    let (caller, reports) = with_deadline(LIMIT, "run_named(4, …)", || {
        (Report::here(), run_named(4, |_| Report::here()))
    });
    assert!(
        reports.len() == 4,
        "run_named(4, …) returned {} results, one per worker expected",
        reports.len()
    );

    for (i, report) in reports.iter().enumerate() {
        let name = report.name.as_deref().unwrap_or("<unnamed>");
        assert!(
            report.os_thread != caller.os_thread,
            "worker {i} ran on the caller's own thread ({name:?}): start a new thread for every job"
        );
        assert!(
            report.name.as_deref() == Some(worker_name(i).as_str()),
            "worker {i} ran on a thread named {name:?}, expected {:?}. \
             Give each thread its name when you start it: thread::Builder::new().name(…).",
            worker_name(i),
        );
    }
    let mut os_threads: Vec<i64> = reports.iter().map(|r| r.os_thread).collect();
    os_threads.sort();
    os_threads.dedup();
    assert!(
        os_threads.len() == 4,
        "the 4 workers ran on only {} distinct OS thread(s): each job needs a thread of its own",
        os_threads.len()
    );
    for report in &reports {
        assert!(
            report.pid == caller.pid,
            "a worker reported pid {} but the caller is pid {}: threads of one process share its pid",
            report.pid,
            caller.pid
        );
    }
}

/// Holds a clone of an `Arc` and, when dropped, waits a moment before letting go of it: a
/// thread that is still finishing when `run_named` returns is then seen on every run, not only
/// when it happens to be slow.
struct LetsGoSlowly(#[allow(dead_code)] Arc<()>);

impl Drop for LetsGoSlowly {
    fn drop(&mut self) {
        thread::sleep(Duration::from_millis(300));
    }
}

#[test]
fn workers_start_together_and_are_joined_in_order() {
    let n = 4;
    let gauge = Arc::new(Gauge::new());
    // The job owns a clone of `alive`; once every thread has finished and the job is dropped,
    // only ours is left. A clone still alive means a thread still running (dropping the job
    // takes a moment, so a thread left running is never quick enough to hide).
    let alive = Arc::new(());
    let (inside, job_alive) = (Arc::clone(&gauge), LetsGoSlowly(Arc::clone(&alive)));
    let results = with_deadline(LIMIT, "run_named(4, …)", move || {
        run_named(n, move |i| {
            let _keep = &job_alive;
            let _inside = inside.enter();
            // Later workers finish first: finishing order is the reverse of worker order.
            thread::sleep(Duration::from_millis(100 * (n - i) as u64));
            i * 10
        })
    });

    assert!(
        results == [0, 10, 20, 30],
        "results came back as {results:?}, expected [0, 10, 20, 30]: results must come back in \
         worker order, whatever order the workers finish in (here the last worker finishes first). \
         Join the handles in the order you started them."
    );
    assert!(
        gauge.most() == n,
        "at most {} of the {n} workers were running at the same time. {}",
        gauge.most(),
        if gauge.most() == 1 {
            "They ran one after another: start every thread first, and only then join them."
        } else {
            "Start all of them before joining any."
        }
    );
    assert!(
        Arc::strong_count(&alive) == 1,
        "run_named returned while a worker thread was still running: join every thread before returning"
    );
}

#[test]
fn chunked_sum_matches_the_serial_sum_for_uneven_splits() {
    let _turn = ALLOCATING.lock().unwrap_or_else(|e| e.into_inner());
    for (len, k) in [
        (12, 4),
        (10, 3),
        (7, 4),
        (3, 5),
        (1, 1),
        (0, 3),
        (1_000_003, 8),
    ] {
        let data: Vec<u64> = (1..=len as u64).collect();
        let expected: u64 = data.iter().map(|x| x * x).sum();
        let got = with_deadline(LIMIT, "sum_of_squares", move || sum_of_squares(&data, k));
        let diagnosis = if got < expected {
            "Some items were left out: when k does not divide the length, the last len % k \
             items still belong to some chunk."
        } else {
            "Some items were counted twice: the chunks overlap."
        };
        assert!(
            got == expected,
            "sum_of_squares of 1..={len} in {k} chunks gave {}, but the serial sum is {}. {diagnosis}",
            thousands(got),
            thousands(expected)
        );
    }
}

#[test]
fn chunked_sum_runs_k_scoped_threads_on_borrowed_data() {
    let _turn = ALLOCATING.lock().unwrap_or_else(|e| e.into_inner());
    let (len, k) = (200_003usize, 4);
    let data: Vec<u64> = (0..len as u64).collect();
    let caller = thread::current().id();
    let items_per_thread = Mutex::new(HashMap::new());
    let (sum, allocated) = allocated_during(|| {
        chunked_sum(&data, k, |&x| {
            *items_per_thread
                .lock()
                .unwrap()
                .entry(thread::current().id())
                .or_insert(0usize) += 1;
            x
        })
    });
    let per_thread = items_per_thread.into_inner().unwrap();
    let counted: usize = per_thread.values().sum();
    assert!(
        !per_thread.contains_key(&caller),
        "the calling thread processed {} items itself: every chunk belongs on a thread of its own",
        thousands(per_thread[&caller] as i128)
    );
    assert!(
        per_thread.len() == k,
        "{len} items in {k} chunks ran on {} thread(s), expected {k}: one scoped thread per chunk",
        per_thread.len()
    );
    assert!(
        counted == len && sum == data.iter().sum::<u64>(),
        "chunked_sum(0..{len}) handed {} of the {} items to f and returned a wrong sum",
        thousands(counted as i128),
        thousands(len as i128)
    );
    let mut sizes: Vec<usize> = per_thread.into_values().collect();
    sizes.sort();
    assert!(
        sizes[k - 1] - sizes[0] <= 1,
        "the chunks had {sizes:?} items: the slowest thread decides when the sum is ready, so give \
         each thread len / k or len / k + 1 items"
    );

    let data_bytes = len * size_of::<u64>();
    assert!(
        allocated < data_bytes / 2,
        "chunked_sum allocated {} bytes while summing {} bytes of data: it copied the data. \
         Scoped threads (thread::scope) can borrow the slice itself.",
        thousands(allocated as i128),
        thousands(data_bytes as i128)
    );
}
