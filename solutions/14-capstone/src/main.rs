//! The lesson's demo (one copy, in lessons/14-capstone/src/main.rs), run on the solution.
extern crate lesson_14_solution as lesson_14;
include!("../../../lessons/14-capstone/src/main.rs");
