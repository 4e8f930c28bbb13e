//! The lesson's demo (one copy, in lessons/02-race-condition/src/main.rs), run on the solution.
extern crate lesson_02_solution as lesson_02;
include!("../../../lessons/02-race-condition/src/main.rs");
