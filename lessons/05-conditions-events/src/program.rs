//! The lectures' "some random calculation", five lines that depend on each other:
//!
//! ```text
//! L1: a = 2
//! L2: b = 3
//! L3: p = a + b
//! L4: q = a * b
//! L5: r = q - p
//! ```
//!
//! L1 ‖ L2 and L3 ‖ L4 may run at the same time; L3 and L4 must wait for L1 and L2, L5 for L3
//! and L4. [`Line::run`] does one line's work against a shared [`Memory`], which records who
//! read what and when: the evidence the checks judge. Nothing to edit here.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Mutex;

use common::grading::os_thread_id;

/// One line of the program: `target = f(inputs)`.
#[derive(Debug)]
pub struct Line {
    /// 1 for L1, …, 5 for L5.
    pub number: usize,
    /// The variable the line writes.
    pub target: &'static str,
    /// The variables the line reads, which other lines write.
    pub inputs: &'static [&'static str],
    /// The line as the lectures write it.
    pub text: &'static str,
    compute: fn(&[i64]) -> i64,
}

/// The five lines, in the lectures' order.
pub const PROGRAM: [Line; 5] = [
    Line {
        number: 1,
        target: "a",
        inputs: &[],
        text: "a = 2",
        compute: |_| 2,
    },
    Line {
        number: 2,
        target: "b",
        inputs: &[],
        text: "b = 3",
        compute: |_| 3,
    },
    Line {
        number: 3,
        target: "p",
        inputs: &["a", "b"],
        text: "p = a + b",
        compute: |x| x[0] + x[1],
    },
    Line {
        number: 4,
        target: "q",
        inputs: &["a", "b"],
        text: "q = a * b",
        compute: |x| x[0] * x[1],
    },
    Line {
        number: 5,
        target: "r",
        inputs: &["q", "p"],
        text: "r = q - p",
        compute: |x| x[0] - x[1],
    },
];

/// The line of [`PROGRAM`] that writes `variable`.
pub fn writer_of(variable: &str) -> Option<&'static Line> {
    PROGRAM.iter().find(|line| line.target == variable)
}

impl fmt::Display for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "L{} ({})", self.number, self.text)
    }
}

impl Line {
    /// Runs the line: reads its inputs from `memory`, computes, writes its target, and returns
    /// the value written. An input that no line has written yet reads as nothing, and the line
    /// goes on with 0 in its place (the memory records it: that is the bug the lesson is about).
    pub fn run(&self, memory: &Memory) -> i64 {
        memory.moment(self, Moment::Started);
        let values: Vec<i64> = self
            .inputs
            .iter()
            .map(|name| memory.read(self, name).unwrap_or(0))
            .collect();
        let value = (self.compute)(&values);
        memory.write(self, value);
        value
    }
}

/// What a line is doing, as a [`Memory`]'s hook sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moment {
    /// The line has started (its thread has waited for whatever it waits for).
    Started,
    /// The line has read `name` and found `value` (`None`: nobody had written it yet).
    Read {
        /// The variable read.
        name: &'static str,
        /// What it held.
        value: Option<i64>,
    },
    /// The line is about to write `value` to its target.
    Writing {
        /// The value it will write.
        value: i64,
    },
}

/// One read, as the memory recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Read {
    /// The variable read.
    pub name: &'static str,
    /// What it held (`None`: nobody had written it yet).
    pub value: Option<i64>,
    /// When, on the memory's clock (one tick per read or write).
    pub at: u64,
}

/// What one run of one line did, as the memory recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The line's number.
    pub line: usize,
    /// The kernel's id of the thread that ran it.
    pub thread: i64,
    /// The name of that thread, if it has one.
    pub thread_name: Option<String>,
    /// Its reads, in order.
    pub reads: Vec<Read>,
    /// What it wrote, and when on the memory's clock (`None` while it has not written yet).
    pub wrote: Option<(i64, u64)>,
}

type Hook = Box<dyn Fn(&Line, Moment) + Send + Sync>;

/// The program's variables, shared by the threads that run its lines, with a record of every
/// read and write (which line, which thread, what it saw, in what order).
pub struct Memory {
    state: Mutex<State>,
    hook: Option<Hook>,
}

#[derive(Default)]
struct State {
    values: BTreeMap<&'static str, i64>,
    log: Vec<Record>,
    clock: u64,
}

impl fmt::Debug for Memory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        f.debug_struct("Memory")
            .field("values", &state.values)
            .finish_non_exhaustive()
    }
}

impl Default for Memory {
    fn default() -> Self {
        Self::new()
    }
}

impl Memory {
    /// An empty memory.
    pub fn new() -> Self {
        Memory {
            state: Mutex::new(State::default()),
            hook: None,
        }
    }

    /// An empty memory that calls `hook` at every [`Moment`] of every line, on the line's
    /// thread (the checks use it to hold a line back, or to wait for company).
    pub fn with_hook(hook: impl Fn(&Line, Moment) + Send + Sync + 'static) -> Self {
        Memory {
            state: Mutex::new(State::default()),
            hook: Some(Box::new(hook)),
        }
    }

    /// The value of `variable`, if a line has written it.
    pub fn value(&self, variable: &str) -> Option<i64> {
        self.lock().values.get(variable).copied()
    }

    /// What every line did, in the order the lines started.
    pub fn log(&self) -> Vec<Record> {
        self.lock().log.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panicking hook must not hide the evidence.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn moment(&self, line: &Line, moment: Moment) {
        if moment == Moment::Started {
            let thread = std::thread::current();
            self.lock().log.push(Record {
                line: line.number,
                thread: os_thread_id(),
                thread_name: thread.name().map(str::to_string),
                reads: Vec::new(),
                wrote: None,
            });
        }
        if let Some(hook) = &self.hook {
            hook(line, moment);
        }
    }

    fn record<'a>(state: &'a mut State, line: &Line) -> &'a mut Record {
        let thread = os_thread_id();
        let index = state
            .log
            .iter()
            .rposition(|r| r.line == line.number && r.thread == thread)
            .expect("a line records its start first");
        &mut state.log[index]
    }

    fn read(&self, line: &Line, name: &'static str) -> Option<i64> {
        let value = {
            let mut state = self.lock();
            state.clock += 1;
            let (at, value) = (state.clock, state.values.get(name).copied());
            Self::record(&mut state, line)
                .reads
                .push(Read { name, value, at });
            value
        };
        self.moment(line, Moment::Read { name, value });
        value
    }

    fn write(&self, line: &Line, value: i64) {
        self.moment(line, Moment::Writing { value });
        let mut state = self.lock();
        state.clock += 1;
        let at = state.clock;
        state.values.insert(line.target, value);
        Self::record(&mut state, line).wrote = Some((value, at));
    }
}
