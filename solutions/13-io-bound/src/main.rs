//! The lesson's demo (one copy, in lessons/13-io-bound/src/main.rs), run on the solution.
extern crate lesson_13_solution as lesson_13;
include!("../../../lessons/13-io-bound/src/main.rs");
