//! Lesson 04's checks (lessons/04-deadlock/tests/checks.rs), run on this mutant.
extern crate lesson_04_mutant_order_by_owner as lesson_04;
include!("../../../lessons/04-deadlock/tests/checks.rs");
