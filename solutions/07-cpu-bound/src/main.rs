//! The lesson's demo (one copy, in lessons/07-cpu-bound/src/main.rs), run on the solution.
extern crate lesson_07_solution as lesson_07;
include!("../../../lessons/07-cpu-bound/src/main.rs");
