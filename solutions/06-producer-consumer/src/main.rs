//! The lesson's demo (one copy, in lessons/06-producer-consumer/src/main.rs), run on the solution.
extern crate lesson_06_solution as lesson_06;
include!("../../../lessons/06-producer-consumer/src/main.rs");
