//! The lesson's demo (one copy, in lessons/05-conditions-events/src/main.rs), run on the solution.
extern crate lesson_05_solution as lesson_05;
include!("../../../lessons/05-conditions-events/src/main.rs");
