//! The lectures' L1–L5 calculation with one thread per line, each line waiting only for the
//! lines whose results it reads.

use std::thread;

use crate::program::{Memory, PROGRAM};

/// Runs the five lines of [`PROGRAM`] against `memory`, each on a thread of its own, and
/// returns `r`.
///
/// L1 and L2 may run at once, then L3 and L4 at once, then L5: each line must wait for the
/// lines that write its inputs (and for nothing else), then run ([`Line::run`]).
///
/// [`Line::run`]: crate::program::Line::run
pub fn run_program(memory: &Memory) -> i64 {
    // TODO: as it is, every line runs at once and reads whatever is there: L3 may read `a`
    // before L1 has written it. Give every line a way to say "my result is ready", and make each
    // line wait until all of its inputs are ready before it runs.
    thread::scope(|s| {
        for line in &PROGRAM {
            thread::Builder::new()
                .name(format!("L{}", line.number))
                .spawn_scoped(s, move || {
                    line.run(memory);
                })
                .expect("spawn a line's thread");
        }
    });
    memory.value("r").unwrap_or_default()
}
