//! Lesson 05's solution with one bug: the Timer's thread sleeps (nothing can wake it); `cancel`
//! raises a flag and returns, and the action never runs, but the thread lingers for the whole
//! delay.

#[path = "../../../solutions/05-conditions-events/src/dataflow.rs"]
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
pub mod timer;

pub use dataflow::run_program;
pub use event::Event;
pub use program::{Line, Memory, Moment, PROGRAM, Record};
pub use sched::Scheduler;
pub use timer::Timer;
