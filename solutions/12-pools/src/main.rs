//! The lesson's demo (one copy, in lessons/12-pools/src/main.rs), run on the solution.
extern crate lesson_12_solution as lesson_12;
include!("../../../lessons/12-pools/src/main.rs");
