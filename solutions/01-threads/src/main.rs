//! The lesson's demo (one copy, in lessons/01-threads/src/main.rs), run on the solution.
extern crate lesson_01_solution as lesson_01;
include!("../../../lessons/01-threads/src/main.rs");
