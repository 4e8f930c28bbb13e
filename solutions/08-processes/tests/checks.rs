//! The lesson's checks (one copy, in lessons/08-processes/tests/checks.rs), run on the solution.
extern crate lesson_08_solution as lesson_08;
include!("../../../lessons/08-processes/tests/checks.rs");
