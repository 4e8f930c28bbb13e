//! What the lessons' checks share.
//!
//! A check proves concurrent behaviour by evidence (how many workers were inside at once, which
//! OS threads ran, how many bytes were allocated) and fails with a message that says what was
//! expected, what happened, and what that means concurrently.

use std::alloc::{GlobalAlloc, Layout, System};
use std::fmt::Display;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// The line a check prints to tell the grader it was skipped rather than passed
/// (see [`skip`]). The grader looks for it at the start of a line of the check's output.
pub const SKIP_MARKER: &str = "course-check-skipped:";

/// Tells the grader that this check does not apply here (say, a speedup check on one core),
/// with the reason to show. The check should return right after calling this.
pub fn skip(reason: impl Display) {
    println!("{SKIP_MARKER} {reason}");
}

/// Runs `f` on its own thread and returns its result, or panics with a message naming `what` if
/// it takes longer than `limit`: a check can then report a hang in its own words, well before
/// the grader's time limit. The stuck thread is left behind; the check process ends anyway.
pub fn with_deadline<T: Send + 'static>(
    limit: Duration,
    what: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (tx, rx) = mpsc::channel();
    thread::Builder::new()
        .name("check".into())
        .spawn(move || {
            let _ = tx.send(f());
        })
        .expect("spawn a thread");
    match rx.recv_timeout(limit) {
        Ok(value) => value,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!(
            "{what} did not finish within {:.1} s: a thread is blocked forever \
             (a deadlock, a lost wake-up) or never stops",
            limit.as_secs_f64()
        ),
        // The closure panicked: its own message has been printed; say where it happened.
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("{what} panicked (see above)"),
    }
}

/// Counts how many threads are inside a region at once, and the most there ever were.
///
/// The evidence for "at most k at once" and "really ran in parallel": each worker holds a
/// [`Gauge::enter`] guard while it is inside.
#[derive(Debug, Default)]
pub struct Gauge {
    inside: AtomicUsize,
    most: AtomicUsize,
    entries: AtomicUsize,
}

/// Held while a thread is inside a [`Gauge`]'s region; leaving is dropping it.
#[derive(Debug)]
#[must_use = "the thread leaves the region as soon as the guard is dropped"]
pub struct GaugeGuard<'a>(&'a Gauge);

impl Gauge {
    /// A gauge with nobody inside.
    pub const fn new() -> Self {
        Gauge {
            inside: AtomicUsize::new(0),
            most: AtomicUsize::new(0),
            entries: AtomicUsize::new(0),
        }
    }

    /// Enters the region until the guard is dropped.
    pub fn enter(&self) -> GaugeGuard<'_> {
        let now = self.inside.fetch_add(1, Ordering::SeqCst) + 1;
        self.most.fetch_max(now, Ordering::SeqCst);
        self.entries.fetch_add(1, Ordering::SeqCst);
        GaugeGuard(self)
    }

    /// How many threads are inside now.
    pub fn current(&self) -> usize {
        self.inside.load(Ordering::SeqCst)
    }

    /// The most threads that were ever inside at the same time (the high-water mark).
    pub fn most(&self) -> usize {
        self.most.load(Ordering::SeqCst)
    }

    /// How many times the region was entered.
    pub fn entries(&self) -> usize {
        self.entries.load(Ordering::SeqCst)
    }
}

impl Drop for GaugeGuard<'_> {
    fn drop(&mut self) {
        self.0.inside.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A global allocator that counts the bytes allocated, so that a check can tell whether code
/// borrowed its input or copied it. Install it in the check's crate:
///
/// ```ignore
/// #[global_allocator]
/// static ALLOCATOR: common::grading::CountingAllocator = common::grading::CountingAllocator;
/// ```
#[derive(Debug)]
pub struct CountingAllocator;

static ALLOCATED: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; the counter has no effect
// on the memory handed out.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATED.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCATED.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATED.fetch_add(new_size.saturating_sub(layout.size()), Ordering::Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) }
    }
}

/// Bytes allocated by the whole process since it started, as counted by [`CountingAllocator`]
/// (always 0 where that allocator is not installed).
pub fn bytes_allocated() -> usize {
    ALLOCATED.load(Ordering::Relaxed)
}

/// Runs `f` and returns its result with the bytes the process allocated meanwhile (all threads).
pub fn allocated_during<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = bytes_allocated();
    let value = f();
    (value, bytes_allocated() - before)
}

/// The kernel's id of the calling thread (what `ps -L` shows as LWP).
pub fn os_thread_id() -> i64 {
    // SAFETY: gettid has no preconditions and cannot fail.
    unsafe { libc::gettid() as i64 }
}

/// How many CPU cores this process may use.
pub fn cores() -> usize {
    thread::available_parallelism().map_or(1, |n| n.get())
}

/// The CPU time the whole process (all its threads) has used so far.
///
/// Evidence for speedup checks that a loaded machine cannot fool: work done under a lock (or
/// on one core at a time) takes at least as much wall-clock time as CPU time, so finishing in
/// less wall-clock time than the CPU time the same work costs on one thread proves that several
/// cores worked at once.
pub fn process_cpu_time() -> Duration {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid timespec to write to; this clock exists on every Linux.
    let ok = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut t) } == 0;
    assert!(ok, "the process CPU-time clock is not available");
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

/// A number with thin spaces between thousands, as the course's messages print them: `613 452`.
pub fn thousands(n: impl Into<i128>) -> String {
    let n: i128 = n.into();
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// "1 run", "3 runs": a count with its noun.
pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{} {noun}s", thousands(n as i128))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Barrier;

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1 000");
        assert_eq!(thousands(613_452), "613 452");
        assert_eq!(thousands(-1_281), "-1 281");
        assert_eq!(thousands(1_000_000u32), "1 000 000");
        assert_eq!(plural(1, "run"), "1 run");
        assert_eq!(plural(1500, "run"), "1 500 runs");
    }

    #[test]
    fn gauge_sees_threads_that_overlap() {
        let gauge = Gauge::new();
        let barrier = Barrier::new(3);
        thread::scope(|s| {
            for _ in 0..3 {
                s.spawn(|| {
                    let _inside = gauge.enter();
                    barrier.wait(); // all three are inside here
                });
            }
        });
        assert_eq!((gauge.most(), gauge.current(), gauge.entries()), (3, 0, 3));
    }

    #[test]
    fn gauge_of_serial_work_stays_at_one() {
        let gauge = Gauge::new();
        for _ in 0..5 {
            let _inside = gauge.enter();
        }
        assert_eq!((gauge.most(), gauge.entries()), (1, 5));
    }

    #[test]
    fn deadline_returns_the_value_in_time() {
        assert_eq!(with_deadline(Duration::from_secs(5), "adding", || 2 + 2), 4);
    }

    #[test]
    #[should_panic(expected = "waiting forever did not finish within 0.1 s")]
    fn deadline_names_what_hung() {
        with_deadline(Duration::from_millis(100), "waiting forever", || {
            thread::sleep(Duration::from_secs(3600))
        });
    }

    #[test]
    fn process_cpu_time_counts_work_on_other_threads() {
        let before = process_cpu_time();
        thread::spawn(|| crate::workloads::burn_cpu(20_000_000))
            .join()
            .unwrap();
        assert!(process_cpu_time() > before);
    }

    #[test]
    fn os_thread_ids_differ_between_threads() {
        let here = os_thread_id();
        let there = thread::spawn(os_thread_id).join().unwrap();
        assert_ne!(here, there);
        assert!(here > 0 && there > 0);
    }
}
