//! The lesson's checks (one copy, in lessons/05-conditions-events/tests/checks.rs), run on the solution.
extern crate lesson_05_solution as lesson_05;
include!("../../../lessons/05-conditions-events/tests/checks.rs");
