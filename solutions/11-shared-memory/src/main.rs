//! The lesson's demo (one copy, in lessons/11-shared-memory/src/main.rs), run on the solution.
extern crate lesson_11_solution as lesson_11;
include!("../../../lessons/11-shared-memory/src/main.rs");
