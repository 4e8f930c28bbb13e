//! Lesson 13's checks (lessons/13-io-bound/tests/checks.rs), run on this mutant.
extern crate lesson_13_mutant_thread_per_url as lesson_13;
include!("../../../lessons/13-io-bound/tests/checks.rs");
