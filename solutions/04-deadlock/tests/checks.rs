//! The lesson's checks (one copy, in lessons/04-deadlock/tests/checks.rs), run on the solution.
extern crate lesson_04_solution as lesson_04;
include!("../../../lessons/04-deadlock/tests/checks.rs");
