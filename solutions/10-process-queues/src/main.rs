//! The lesson's demo (one copy, in lessons/10-process-queues/src/main.rs), run on the solution.
extern crate lesson_10_solution as lesson_10;
include!("../../../lessons/10-process-queues/src/main.rs");
