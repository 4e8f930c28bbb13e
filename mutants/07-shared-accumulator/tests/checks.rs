//! Lesson 07's checks (lessons/07-cpu-bound/tests/checks.rs), run on this mutant.
extern crate lesson_07_mutant_shared_accumulator as lesson_07;
include!("../../../lessons/07-cpu-bound/tests/checks.rs");
