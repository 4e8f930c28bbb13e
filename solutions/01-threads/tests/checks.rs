//! The lesson's checks (one copy, in lessons/01-threads/tests/checks.rs), run on the solution.
extern crate lesson_01_solution as lesson_01;
include!("../../../lessons/01-threads/tests/checks.rs");
