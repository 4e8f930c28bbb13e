//! Lesson 03's checks (lessons/03-locks/tests/checks.rs), run on this mutant.
extern crate lesson_03_mutant_unfair_semaphore as lesson_03;
include!("../../../lessons/03-locks/tests/checks.rs");
