//! Lesson 15's checks (lessons/15-beyond-one-machine/tests/checks.rs), run on this mutant.
extern crate lesson_15_mutant_static_chunks as lesson_15;
include!("../../../lessons/15-beyond-one-machine/tests/checks.rs");
