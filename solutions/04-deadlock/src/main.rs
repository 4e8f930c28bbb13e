//! The lesson's demo (one copy, in lessons/04-deadlock/src/main.rs), run on the solution.
extern crate lesson_04_solution as lesson_04;
include!("../../../lessons/04-deadlock/src/main.rs");
