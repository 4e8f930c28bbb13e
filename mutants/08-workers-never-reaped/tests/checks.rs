//! The lesson's checks, run on this mutant.
extern crate lesson_08_mutant_workers_never_reaped as lesson_08;
include!("../../../lessons/08-processes/tests/checks.rs");
