//! The lesson's demo, run on this mutant.
extern crate lesson_12_mutant_get_timeout_waits as lesson_12;
include!("../../../lessons/12-pools/src/main.rs");
