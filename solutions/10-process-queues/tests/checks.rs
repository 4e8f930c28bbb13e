//! The lesson's checks (one copy, in lessons/10-process-queues/tests/checks.rs), run on the solution.
extern crate lesson_10_solution as lesson_10;
include!("../../../lessons/10-process-queues/tests/checks.rs");
