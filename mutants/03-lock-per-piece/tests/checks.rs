//! Lesson 03's checks (lessons/03-locks/tests/checks.rs), run on this mutant.
extern crate lesson_03_mutant_lock_per_piece as lesson_03;
include!("../../../lessons/03-locks/tests/checks.rs");
