//! Lesson 05's solution with one bug: `Event::wait` polls the flag every 10 ms instead of
//! sleeping on the condition variable: the waiting thread wakes a hundred times a second.

#[path = "../../../solutions/05-conditions-events/src/dataflow.rs"]
pub mod dataflow;
pub mod event;
#[doc(hidden)]
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
