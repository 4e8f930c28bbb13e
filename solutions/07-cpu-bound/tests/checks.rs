//! The lesson's checks (one copy, in lessons/07-cpu-bound/tests/checks.rs), run on the solution.
extern crate lesson_07_solution as lesson_07;
include!("../../../lessons/07-cpu-bound/tests/checks.rs");
