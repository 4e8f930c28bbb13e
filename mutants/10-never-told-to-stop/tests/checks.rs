//! The lesson's checks, run on this mutant.
extern crate lesson_10_mutant_never_told_to_stop as lesson_10;
include!("../../../lessons/10-process-queues/tests/checks.rs");
