//! The lesson's checks (one copy, in lessons/14-capstone/tests/checks.rs), run on the solution.
extern crate lesson_14_solution as lesson_14;
include!("../../../lessons/14-capstone/tests/checks.rs");
