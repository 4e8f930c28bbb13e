//! Lesson 06's checks (lessons/06-producer-consumer/tests/checks.rs), run on this mutant.
extern crate lesson_06_mutant_if_instead_of_while as lesson_06;
include!("../../../lessons/06-producer-consumer/tests/checks.rs");
