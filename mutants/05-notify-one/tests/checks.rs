//! Lesson 05's checks (lessons/05-conditions-events/tests/checks.rs), run on this mutant.
extern crate lesson_05_mutant_notify_one as lesson_05;
include!("../../../lessons/05-conditions-events/tests/checks.rs");
