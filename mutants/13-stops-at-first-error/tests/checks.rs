//! Lesson 13's checks (lessons/13-io-bound/tests/checks.rs), run on this mutant.
extern crate lesson_13_mutant_stops_at_first_error as lesson_13;
include!("../../../lessons/13-io-bound/tests/checks.rs");
