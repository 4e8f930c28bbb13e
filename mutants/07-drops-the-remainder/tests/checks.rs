//! Lesson 07's checks (lessons/07-cpu-bound/tests/checks.rs), run on this mutant.
extern crate lesson_07_mutant_drops_the_remainder as lesson_07;
include!("../../../lessons/07-cpu-bound/tests/checks.rs");
