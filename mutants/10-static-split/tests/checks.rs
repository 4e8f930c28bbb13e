//! The lesson's checks, run on this mutant.
extern crate lesson_10_mutant_static_split as lesson_10;
include!("../../../lessons/10-process-queues/tests/checks.rs");
