//! The lectures' locking exercise: threads that write to one stdout, each line in two pieces
//! with a slow write in between, so that their lines get jumbled.

use common::screen::Screen;

use crate::semaphore::Semaphore;

/// The line each writer prints, as in the lectures: `Thread-1 Hello World!`.
pub fn greeting(name: &str) -> String {
    format!("{name} Hello World!")
}

/// Writes [`greeting`]`(name)` `lines` times to `screen`, a line at a time.
///
/// Like the lectures' writer, it writes each line in two pieces: the name, then the rest.
pub fn write_greetings(screen: &Screen, name: &str, lines: usize) {
    for _ in 0..lines {
        // THE BUG: each `lock()` is a temporary, released at the end of its statement, so the
        // screen is free between the name and the rest of the line.
        screen.lock().write(name);
        screen.lock().write(" Hello World!\n");
    }
}

/// Writes [`greeting`]`(name)` `lines` times to `screen`, holding one of `permits` for each
/// line: with a semaphore of 2, at most two writers are at the screen at once (and, as in the
/// lectures, the lines of those two may mix).
pub fn write_greetings_two_at_a_time(
    screen: &Screen,
    permits: &Semaphore,
    name: &str,
    lines: usize,
) {
    for _ in 0..lines {
        let _permit = permits.acquire();
        screen.write(name);
        screen.write(" Hello World!\n");
    }
}
