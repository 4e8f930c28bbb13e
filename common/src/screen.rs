//! A shared fake terminal for the lock lessons.
//!
//! It behaves like a slow stdout: each [`Screen::write`] is one indivisible piece, but a line
//! written in several pieces can be torn by another thread's piece in between, and every write
//! takes a little time, during which the writer counts as "at the screen". The screen remembers
//! what was written and the most writers that were at it at once, which is what the checks need.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::Duration;

use crate::grading::Gauge;

/// A fake terminal shared by threads. See the [module docs](self).
#[derive(Debug)]
pub struct Screen {
    text: Mutex<String>,
    at_screen: Gauge,
    // Exclusive use of the screen for several writes, like `std::io::Stdout::lock`.
    line_lock: Mutex<()>,
    delay: Duration,
    echo: bool,
}

/// Exclusive use of a [`Screen`] until dropped: other threads' [`Screen::lock`] calls wait.
#[derive(Debug)]
#[must_use = "the screen is released as soon as the lock is dropped"]
pub struct ScreenLock<'a> {
    screen: &'a Screen,
    _held: MutexGuard<'a, ()>,
}

impl Default for Screen {
    fn default() -> Self {
        Self::new()
    }
}

impl Screen {
    /// A screen whose writes each take 300 µs (a slow device makes races visible).
    pub fn new() -> Self {
        Self::with_delay(Duration::from_micros(300))
    }

    /// A screen whose writes each take `delay`.
    pub fn with_delay(delay: Duration) -> Self {
        Screen {
            text: Mutex::new(String::new()),
            at_screen: Gauge::new(),
            line_lock: Mutex::new(()),
            delay,
            echo: false,
        }
    }

    /// A screen that also copies every piece to the real stdout as it arrives (for demos).
    pub fn echoing(delay: Duration) -> Self {
        Screen {
            echo: true,
            ..Self::with_delay(delay)
        }
    }

    /// Writes one piece. The piece itself is never split, but nothing keeps another thread's
    /// piece from landing between two of yours.
    pub fn write(&self, piece: &str) {
        let _at_screen = self.at_screen.enter();
        thread::sleep(self.delay);
        // A writer that panicked mid-write must not take the screen down with it.
        self.text
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push_str(piece);
        if self.echo {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(piece.as_bytes());
            let _ = out.flush();
        }
    }

    /// Waits until no other thread holds the screen, then holds it until the lock is dropped.
    pub fn lock(&self) -> ScreenLock<'_> {
        let held = self
            .line_lock
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        ScreenLock {
            screen: self,
            _held: held,
        }
    }

    /// Everything written so far.
    pub fn contents(&self) -> String {
        self.text
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
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
}

impl ScreenLock<'_> {
    /// Writes one piece while holding the screen.
    pub fn write(&mut self, piece: &str) {
        self.screen.write(piece);
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
    fn lines_leave_out_an_unfinished_line() {
        let screen = Screen::with_delay(Duration::ZERO);
        screen.write("one\ntwo\nthr");
        assert_eq!(screen.lines(), ["one", "two"]);
        assert_eq!(screen.contents(), "one\ntwo\nthr");
    }
}
