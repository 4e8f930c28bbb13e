//! The lesson's checks (one copy, in lessons/03-locks/tests/checks.rs), run on the solution.
extern crate lesson_03_solution as lesson_03;
include!("../../../lessons/03-locks/tests/checks.rs");
