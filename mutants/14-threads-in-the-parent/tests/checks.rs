//! The lesson's checks, run on this mutant.
extern crate lesson_14_mutant_threads_in_the_parent as lesson_14;
include!("../../../lessons/14-capstone/tests/checks.rs");
