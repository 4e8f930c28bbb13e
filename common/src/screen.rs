//! A shared fake terminal for the lock lessons.
//!
//! It behaves like a slow stdout: each [`Screen::write`] is one indivisible piece, but a line
//! written in several pieces can be torn by another thread's piece in between, and every write
//! takes a little time, during which the writer counts as "at the screen". The screen remembers
//! what was written and the most writers that were at it at once, which is what the checks need.

use std::collections::HashMap;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

use crate::grading::Gauge;

/// A fake terminal shared by threads. See the [module docs](self).
#[derive(Debug)]
pub struct Screen {
    state: Mutex<State>,
    // Signalled whenever a piece lands or a writer arrives, for writers that wait for company.
    changed: Condvar,
    at_screen: Gauge,
    // Exclusive use of the screen for several writes, like `std::io::Stdout::lock`.
    line_lock: Mutex<()>,
    delay: Duration,
    echo: bool,
    company: Option<Company>,
}

/// How a screen built for a check makes the bad schedules certain rather than likely.
#[derive(Debug, Clone, Copy)]
struct Company {
    /// A writer that starts a line without holding the screen waits (its first such line only)
    /// up to this long for another writer's piece to land after it: an unprotected line is torn.
    for_unprotected_lines: Duration,
    /// Writers arriving at the screen wait, until `gather` of them are there together or this
    /// long has passed once, so that "at most k at once" is tested with k + 1 really trying.
    gather: usize,
    gather_for: Duration,
}

/// What the screen remembers, under one mutex.
#[derive(Debug, Default)]
struct State {
    text: String,
    pieces: u64,
    /// Each writer's unfinished line: what it has written since its last newline.
    open_lines: HashMap<ThreadId, OpenLine>,
    /// The generation of the [`ScreenLock`] held now, and by whom.
    holder: Option<(ThreadId, u64)>,
    locks_taken: u64,
    /// Sentences describing how a line was left open to tearing.
    broken: Vec<String>,
    /// Lines each writer started without holding the screen (for the company wait).
    unprotected_starts: HashMap<ThreadId, usize>,
    gathering_over: bool,
    /// A piece has landed in the middle of another writer's line.
    torn: bool,
}

#[derive(Debug)]
struct OpenLine {
    so_far: String,
    /// The screen lock under which the line was started, if any.
    under_lock: Option<u64>,
    reported: bool,
}

/// Exclusive use of a [`Screen`] until dropped: other threads' [`Screen::lock`] calls wait.
#[derive(Debug)]
#[must_use = "the screen is released as soon as the lock is dropped"]
pub struct ScreenLock<'a> {
    screen: &'a Screen,
    generation: u64,
    _held: MutexGuard<'a, ()>,
}

impl Default for Screen {
    fn default() -> Self {
        Self::new()
    }
}

fn thread_name() -> String {
    thread::current().name().unwrap_or("a thread").to_string()
}

impl Screen {
    /// A screen whose writes each take 300 µs (a slow device makes races visible).
    pub fn new() -> Self {
        Self::with_delay(Duration::from_micros(300))
    }

    /// A screen whose writes each take `delay`.
    pub fn with_delay(delay: Duration) -> Self {
        Screen {
            state: Mutex::new(State::default()),
            changed: Condvar::new(),
            at_screen: Gauge::new(),
            line_lock: Mutex::new(()),
            delay,
            echo: false,
            company: None,
        }
    }

    /// A screen that also copies every piece to the real stdout as it arrives (for demos).
    pub fn echoing(delay: Duration) -> Self {
        Screen {
            echo: true,
            ..Self::with_delay(delay)
        }
    }

    /// A screen for checks, on which what may go wrong does go wrong, on every run:
    ///
    /// - a writer that starts a line without holding the screen waits (its first such line
    ///   only, and until some line has been torn) up to a fifth of `patience` for another
    ///   writer's piece to land in the middle of it;
    /// - writers that arrive at the screen wait until `gather` of them are there together, or
    ///   until one of them has waited `patience` (then no one waits any more): a limit of
    ///   `gather - 1` writers at once is really put to the test (0: no one waits).
    ///
    /// The screen also notes every line a writer left open to tearing by letting go of
    /// [`Screen::lock`] before its newline ([`Screen::broken_lines`]).
    pub fn for_checks(gather: usize, patience: Duration) -> Self {
        Screen {
            company: Some(Company {
                for_unprotected_lines: patience / 5,
                gather,
                gather_for: patience,
            }),
            ..Self::new()
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A writer that panicked mid-write must not take the screen down with it.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Writes one piece. The piece itself is never split, but nothing keeps another thread's
    /// piece from landing between two of yours.
    pub fn write(&self, piece: &str) {
        let _at_screen = self.at_screen.enter();
        self.wait_for_the_others();
        thread::sleep(self.delay);
        let me = thread::current().id();
        let mut state = self.state();
        let held = state.holder.filter(|(id, _)| *id == me).map(|(_, g)| g);
        if let Some(open) = state.open_lines.get(&me)
            && !open.reported
            && open.under_lock.is_some()
            && open.under_lock != held
        {
            // (A line begun without the screen is not reported: the writer may hold a lock of
            // its own. On a screen for checks another writer's piece lands in it instead.)
            let sentence = format!(
                "{} wrote the rest of a line ({piece:?}) without holding the screen it began \
                 the line ({:?}) with",
                thread_name(),
                open.so_far
            );
            state.broken.push(sentence);
            state.open_lines.get_mut(&me).expect("just found").reported = true;
        }
        if state.open_lines.keys().any(|id| *id != me) {
            state.torn = true;
        }
        state.text.push_str(piece);
        state.pieces += 1;
        let pieces = state.pieces;
        // Only what follows the last newline is still open.
        let (closed, rest) = match piece.rfind('\n') {
            Some(end) => (true, &piece[end + 1..]),
            None => (false, piece),
        };
        if closed {
            state.open_lines.remove(&me);
        }
        let mut started_unprotected = false;
        if !rest.is_empty() {
            let open = state.open_lines.entry(me).or_insert_with(|| {
                started_unprotected = held.is_none();
                OpenLine {
                    so_far: String::new(),
                    under_lock: held,
                    reported: false,
                }
            });
            open.so_far.push_str(rest);
        }
        self.changed.notify_all();
        if self.echo {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(piece.as_bytes());
            let _ = out.flush();
        }
        if let Some(company) = self.company
            && started_unprotected
        {
            let starts = state.unprotected_starts.entry(me).or_insert(0);
            *starts += 1;
            // Once one line has been torn the verdict is clear, and a writer that holds a lock
            // of its own (so that no one can come) waits only once.
            if *starts == 1 && !state.torn {
                // Nothing protects this line: let another writer's piece land in it, as one
                // would sooner or later on a real terminal.
                let (state, _) = self
                    .changed
                    .wait_timeout_while(state, company.for_unprotected_lines, |s| {
                        s.pieces == pieces
                    })
                    .unwrap_or_else(PoisonError::into_inner);
                drop(state);
            }
        }
    }

    /// With [`Screen::for_checks`]: waits until enough writers are at the screen together, or
    /// until waiting is over for everyone.
    fn wait_for_the_others(&self) {
        let Some(company) = self.company else { return };
        let start = Instant::now();
        let mut state = self.state();
        self.changed.notify_all();
        while !state.gathering_over && self.at_screen.most() < company.gather {
            let left = company.gather_for.saturating_sub(start.elapsed());
            if left.is_zero() {
                state.gathering_over = true;
                break;
            }
            let (next, _) = self
                .changed
                .wait_timeout(state, left.min(Duration::from_millis(5)))
                .unwrap_or_else(PoisonError::into_inner);
            state = next;
        }
    }

    /// Waits until no other thread holds the screen, then holds it until the lock is dropped.
    pub fn lock(&self) -> ScreenLock<'_> {
        let held = self
            .line_lock
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let mut state = self.state();
        state.locks_taken += 1;
        let generation = state.locks_taken;
        state.holder = Some((thread::current().id(), generation));
        ScreenLock {
            screen: self,
            generation,
            _held: held,
        }
    }

    /// Everything written so far.
    pub fn contents(&self) -> String {
        self.state().text.clone()
    }

    /// The complete lines written so far (without their newlines).
    pub fn lines(&self) -> Vec<String> {
        let text = self.contents();
        let complete = text.rfind('\n').map_or("", |end| &text[..end]);
        complete
            .split('\n')
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// The most threads that were writing to the screen at the same moment.
    pub fn most_writers_at_once(&self) -> usize {
        self.at_screen.most()
    }

    /// Every line a writer left open to tearing, in a sentence each: it let go of the screen
    /// before the line's newline, or wrote the rest of a line begun under another hold of it. Such a line may come out whole by luck; this says it was not safe.
    pub fn broken_lines(&self) -> Vec<String> {
        self.state().broken.clone()
    }
}

impl ScreenLock<'_> {
    /// Writes one piece while holding the screen.
    pub fn write(&mut self, piece: &str) {
        self.screen.write(piece);
    }
}

impl Drop for ScreenLock<'_> {
    fn drop(&mut self) {
        let me = thread::current().id();
        let mut state = self.screen.state();
        state.holder = None;
        if let Some(open) = state.open_lines.get_mut(&me)
            && open.under_lock == Some(self.generation)
            && !open.reported
        {
            open.reported = true;
            let sentence = format!(
                "{} let go of the screen in the middle of a line (it had written {:?}, not yet \
                 the newline)",
                thread_name(),
                open.so_far
            );
            state.broken.push(sentence);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_from_two_threads_can_tear_a_line() {
        let screen = Screen::with_delay(Duration::from_millis(5));
        let barrier = std::sync::Barrier::new(2);
        thread::scope(|s| {
            for name in ["a", "b"] {
                let (screen, barrier) = (&screen, &barrier);
                s.spawn(move || {
                    barrier.wait();
                    screen.write(name);
                    screen.write(" done\n");
                });
            }
        });
        assert_eq!(screen.lines().len(), 2);
        assert_eq!(screen.most_writers_at_once(), 2);
    }

    #[test]
    fn a_held_lock_keeps_lines_whole() {
        let screen = Screen::with_delay(Duration::from_micros(200));
        thread::scope(|s| {
            for name in ["a", "b", "c", "d"] {
                let screen = &screen;
                s.spawn(move || {
                    for _ in 0..10 {
                        let mut out = screen.lock();
                        out.write(name);
                        out.write(" done\n");
                    }
                });
            }
        });
        let lines = screen.lines();
        assert_eq!(lines.len(), 40);
        assert!(
            lines.iter().all(|l| l.len() == 6 && l.ends_with(" done")),
            "{lines:?}"
        );
        assert_eq!(screen.most_writers_at_once(), 1);
    }

    #[test]
    fn letting_go_mid_line_is_seen_on_every_run() {
        let screen = Screen::with_delay(Duration::ZERO);
        thread::scope(|s| {
            thread::Builder::new()
                .name("Thread-3".into())
                .spawn_scoped(s, || {
                    // The lock is a temporary, dropped at the end of each statement.
                    screen.lock().write("Thread-3");
                    screen.lock().write(" Hello World!\n");
                })
                .unwrap();
        });
        let broken = screen.broken_lines();
        assert_eq!(broken.len(), 1, "{broken:?}");
        assert!(
            broken[0].starts_with("Thread-3 let go of the screen in the middle of a line"),
            "{broken:?}"
        );
        // Held for the whole line, or written in one piece: nothing to report.
        let screen = Screen::with_delay(Duration::ZERO);
        {
            let mut out = screen.lock();
            out.write("a");
            out.write(" done\n");
        }
        screen.write("b done\n");
        assert!(
            screen.broken_lines().is_empty(),
            "{:?}",
            screen.broken_lines()
        );
    }

    #[test]
    fn an_unprotected_line_is_torn_on_a_screen_for_checks() {
        let screen = Screen::for_checks(usize::MAX, Duration::from_secs(2));
        thread::scope(|s| {
            for name in ["a", "b"] {
                let screen = &screen;
                s.spawn(move || {
                    screen.write(name);
                    screen.write(" done\n");
                });
            }
        });
        assert_eq!(screen.lines().len(), 2);
        assert!(
            screen.lines().iter().any(|l| l.len() != 6),
            "{:?}",
            screen.lines()
        );
    }

    #[test]
    fn a_screen_for_checks_gathers_writers_until_enough_are_there() {
        let screen = Screen::for_checks(3, Duration::from_secs(5));
        thread::scope(|s| {
            for name in ["a", "b", "c", "d"] {
                let screen = &screen;
                s.spawn(move || screen.write(&format!("{name}\n")));
            }
        });
        assert!(screen.most_writers_at_once() >= 3);
        // Two writers, three wanted: they give up after the patience, once.
        let screen = Screen::for_checks(3, Duration::from_millis(50));
        let start = Instant::now();
        thread::scope(|s| {
            for name in ["a", "b"] {
                let screen = &screen;
                s.spawn(move || {
                    for _ in 0..5 {
                        screen.write(&format!("{name}\n"));
                    }
                });
            }
        });
        assert!(
            start.elapsed() < Duration::from_secs(2),
            "{:?}",
            start.elapsed()
        );
        assert_eq!(screen.lines().len(), 10);
    }

    #[test]
    fn lines_leave_out_an_unfinished_line() {
        let screen = Screen::with_delay(Duration::ZERO);
        screen.write("one\ntwo\nthr");
        assert_eq!(screen.lines(), ["one", "two"]);
        assert_eq!(screen.contents(), "one\ntwo\nthr");
    }
}
