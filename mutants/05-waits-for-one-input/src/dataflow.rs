//! The lectures' L1–L5 calculation with one thread per line, each line waiting only for the
//! lines whose results it reads.

use std::thread;

use crate::event::Event;
use crate::program::{Memory, PROGRAM, writer_of};

/// Runs the five lines of [`PROGRAM`] against `memory`, each on a thread of its own, and
/// returns `r`.
///
/// L1 and L2 may run at once, then L3 and L4 at once, then L5: each line must wait for the
/// lines that write its inputs (and for nothing else), then run ([`Line::run`]).
///
/// [`Line::run`]: crate::program::Line::run
pub fn run_program(memory: &Memory) -> i64 {
    // One event per line: "my result is in memory".
    let done: Vec<Event> = PROGRAM.iter().map(|_| Event::new()).collect();
    let done_by = |variable: &str| {
        let writer = writer_of(variable).expect("every input has a writer");
        &done[writer.number - 1]
    };
    thread::scope(|s| {
        for line in &PROGRAM {
            // The bug: each line waits for its first input only.
            let inputs: Vec<&Event> = line
                .inputs
                .iter()
                .take(1)
                .map(|name| done_by(name))
                .collect();
            let mine = &done[line.number - 1];
            thread::Builder::new()
                .name(format!("L{}", line.number))
                .spawn_scoped(s, move || {
                    for input in inputs {
                        input.wait();
                    }
                    line.run(memory);
                    mine.set();
                })
                .expect("spawn a line's thread");
        }
    });
    memory.value("r").unwrap_or_default()
}
