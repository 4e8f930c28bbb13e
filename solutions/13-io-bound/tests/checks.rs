//! The lesson's checks (one copy, in lessons/13-io-bound/tests/checks.rs), run on the solution.
extern crate lesson_13_solution as lesson_13;
include!("../../../lessons/13-io-bound/tests/checks.rs");
