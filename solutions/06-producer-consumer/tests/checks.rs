//! The lesson's checks (one copy, in lessons/06-producer-consumer/tests/checks.rs), run on the solution.
extern crate lesson_06_solution as lesson_06;
include!("../../../lessons/06-producer-consumer/tests/checks.rs");
