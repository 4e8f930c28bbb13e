//! The lesson's demo (one copy, in lessons/03-locks/src/main.rs), run on the solution.
extern crate lesson_03_solution as lesson_03;
include!("../../../lessons/03-locks/src/main.rs");
