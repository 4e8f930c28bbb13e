//! Lesson 06's checks (lessons/06-producer-consumer/tests/checks.rs), run on this mutant.
extern crate lesson_06_mutant_close_notifies_one as lesson_06;
include!("../../../lessons/06-producer-consumer/tests/checks.rs");
