//! A timeline of one parallel run: which thread computed which part, from when to when.
//!
//! `cargo xtask bench` draws it, one lane per thread and one bar per part, so that overlap
//! (or its absence under a global lock) is something to see.

use std::collections::HashMap;
use std::sync::Mutex;
use std::thread::{self, ThreadId};
use std::time::Instant;

/// One piece of work: who did it (the thread's name, or `thread-N` in order of first appearance
/// for unnamed threads) and when, in seconds from the start of the run.
pub use common::plot::Bar;

/// Records bars from any number of threads at once.
#[derive(Debug)]
pub struct Recorder {
    start: Instant,
    bars: Mutex<(Vec<Bar>, HashMap<ThreadId, String>)>,
}

impl Default for Recorder {
    fn default() -> Self {
        Self::new()
    }
}

impl Recorder {
    /// A recorder whose clock starts now.
    pub fn new() -> Self {
        Recorder {
            start: Instant::now(),
            bars: Mutex::new((Vec::new(), HashMap::new())),
        }
    }

    /// Runs `f` on this thread, recording a bar called `label` for it.
    pub fn record<T>(&self, label: impl Into<String>, f: impl FnOnce() -> T) -> T {
        let start = self.start.elapsed().as_secs_f64();
        let value = f();
        let end = self.start.elapsed().as_secs_f64();
        let mut guard = self.bars.lock().unwrap();
        let (bars, lanes) = &mut *guard;
        let next = lanes.len() + 1;
        let me = thread::current();
        let lane = lanes
            .entry(me.id())
            .or_insert_with(|| {
                me.name()
                    .map_or_else(|| format!("thread-{next}"), str::to_string)
            })
            .clone();
        bars.push(Bar {
            lane,
            start_s: start,
            end_s: end,
            label: label.into(),
        });
        value
    }

    /// The bars recorded, in order of their start.
    pub fn bars(self) -> Vec<Bar> {
        let mut bars = self.bars.into_inner().unwrap().0;
        bars.sort_by(|a, b| a.start_s.total_cmp(&b.start_s));
        bars
    }
}
