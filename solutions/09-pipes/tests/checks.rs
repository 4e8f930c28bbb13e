//! The lesson's checks (one copy, in lessons/09-pipes/tests/checks.rs), run on the solution.
extern crate lesson_09_solution as lesson_09;
include!("../../../lessons/09-pipes/tests/checks.rs");
