//! The lesson's demo (one copy, in lessons/15-beyond-one-machine/src/main.rs), run on the solution.
extern crate lesson_15_solution as lesson_15;
include!("../../../lessons/15-beyond-one-machine/src/main.rs");
