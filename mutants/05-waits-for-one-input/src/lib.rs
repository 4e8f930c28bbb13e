//! Lesson 05's solution with one bug: each line of L1–L5 waits only for its first input, so
//! L3 and L4 may read b before L2 writes it, and L5 p before L3 does.

pub mod dataflow;
#[path = "../../../solutions/05-conditions-events/src/event.rs"]
pub mod event;
#[doc(hidden)]
#[path = "../../../solutions/05-conditions-events/src/model.rs"]
pub mod model;
#[path = "../../../lessons/05-conditions-events/src/program.rs"]
pub mod program;
#[path = "../../../lessons/05-conditions-events/src/sched.rs"]
pub mod sched;
#[path = "../../../solutions/05-conditions-events/src/sync.rs"]
mod sync;
#[path = "../../../solutions/05-conditions-events/src/timer.rs"]
pub mod timer;

pub use dataflow::run_program;
pub use event::Event;
pub use program::{Line, Memory, Moment, PROGRAM, Record};
pub use sched::Scheduler;
pub use timer::Timer;
