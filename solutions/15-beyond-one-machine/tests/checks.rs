//! The lesson's checks (one copy, in lessons/15-beyond-one-machine/tests/checks.rs), run on the solution.
extern crate lesson_15_solution as lesson_15;
include!("../../../lessons/15-beyond-one-machine/tests/checks.rs");
