//! What a thread costs while it waits, and whether it is asleep now: the evidence that tells a
//! thread blocked on a condition variable from one that polls.
//!
//! A thread that waits well sleeps once and wakes once; one that polls (`while !ready {
//! sleep(10 ms) }`) wakes again and again, and one that spins burns a CPU. The kernel counts
//! both: [`ThreadUsage`] reads them for the calling thread. [`is_blocked`] looks at another
//! thread's state, so that a check can wait until its waiters really sleep before it wakes them.
//! Linux only (`/proc`, `getrusage(RUSAGE_THREAD)`), like the grader.

use std::time::{Duration, Instant};

/// CPU time and voluntary sleeps of the calling thread so far (or between two readings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ThreadUsage {
    /// CPU time the thread has used (user and system).
    pub cpu: Duration,
    /// How many times the thread went to sleep of its own accord (blocked on a lock, a
    /// condition variable, a sleep, I/O): the kernel's voluntary context switches.
    pub sleeps: u64,
}

impl ThreadUsage {
    /// The calling thread's usage since it started.
    pub fn now() -> Self {
        let mut time = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `time` is a valid timespec to write to; the clock id is a constant.
        let cpu = if unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut time) } == 0 {
            Duration::new(time.tv_sec as u64, time.tv_nsec as u32)
        } else {
            Duration::ZERO
        };
        // SAFETY: an all-zero rusage is a valid value for getrusage to overwrite.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: `usage` is a valid rusage to write to.
        let sleeps = if unsafe { libc::getrusage(libc::RUSAGE_THREAD, &mut usage) } == 0 {
            usage.ru_nvcsw as u64
        } else {
            0
        };
        ThreadUsage { cpu, sleeps }
    }

    /// The usage between `earlier` (a reading on the same thread) and this reading.
    pub fn since(&self, earlier: &ThreadUsage) -> ThreadUsage {
        ThreadUsage {
            cpu: self.cpu.saturating_sub(earlier.cpu),
            sleeps: self.sleeps.saturating_sub(earlier.sleeps),
        }
    }
}

/// Runs `f` on the calling thread and returns its result with the usage it cost.
pub fn usage_of<T>(f: impl FnOnce() -> T) -> (T, ThreadUsage) {
    let before = ThreadUsage::now();
    let value = f();
    (value, ThreadUsage::now().since(&before))
}

/// Whether the thread of this process with kernel id `tid` (see
/// [`crate::grading::os_thread_id`]) is asleep, blocked in the kernel (`S` or `D` in `ps`);
/// `None` if it has exited.
pub fn is_blocked(tid: i64) -> Option<bool> {
    let stat = std::fs::read_to_string(format!("/proc/self/task/{tid}/stat")).ok()?;
    // The state follows the command name, which is in parentheses and may contain spaces.
    let state = stat.rsplit_once(')')?.1.trim_start().chars().next()?;
    Some(matches!(state, 'S' | 'D'))
}

/// Waits until every thread in `tids` is blocked (seen so on three looks in a row, a
/// millisecond apart, so that a thread that only paused on a busy lock is not taken for a
/// sleeper), or `limit` has passed. Returns whether they all were.
pub fn wait_until_blocked(tids: &[i64], limit: Duration) -> bool {
    let start = Instant::now();
    let mut in_a_row = 0;
    while start.elapsed() < limit {
        if tids.iter().all(|&tid| is_blocked(tid) == Some(true)) {
            in_a_row += 1;
            if in_a_row == 3 {
                return true;
            }
        } else {
            in_a_row = 0;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    false
}

/// How many threads this process has now.
pub fn thread_count() -> usize {
    std::fs::read_dir("/proc/self/task").map_or(0, |d| d.count())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::thread;

    #[test]
    fn a_sleeping_thread_is_blocked_and_cheap() {
        let (tx, rx) = mpsc::channel();
        let (tid_tx, tid_rx) = mpsc::channel();
        let sleeper = thread::spawn(move || {
            tid_tx.send(crate::grading::os_thread_id()).unwrap();
            usage_of(|| rx.recv().unwrap())
        });
        let tid = tid_rx.recv().unwrap();
        assert!(wait_until_blocked(&[tid], Duration::from_secs(5)));
        tx.send(()).unwrap();
        let ((), usage) = sleeper.join().unwrap();
        assert!(usage.sleeps >= 1, "{usage:?}");
        assert!(usage.cpu < Duration::from_millis(100), "{usage:?}");
        assert_eq!(is_blocked(tid), None);
    }

    #[test]
    fn a_polling_thread_wakes_often() {
        let ((), usage) = usage_of(|| {
            for _ in 0..20 {
                thread::sleep(Duration::from_millis(1));
            }
        });
        assert!(usage.sleeps >= 20, "{usage:?}");
    }

    #[test]
    fn a_spinning_thread_burns_cpu() {
        let start = Instant::now();
        let ((), usage) = usage_of(|| while start.elapsed() < Duration::from_millis(30) {});
        assert!(usage.cpu > Duration::from_millis(1), "{usage:?}");
        assert!(thread_count() >= 1);
    }
}
