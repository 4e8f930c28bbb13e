//! The lesson's checks, run on this mutant.
extern crate lesson_12_mutant_panic_kills_the_worker as lesson_12;
include!("../../../lessons/12-pools/tests/checks.rs");
