//! The lesson's checks (one copy, in lessons/12-pools/tests/checks.rs), run on the solution.
extern crate lesson_12_solution as lesson_12;
include!("../../../lessons/12-pools/tests/checks.rs");
