//! The lesson's demo, run on this mutant.
extern crate lesson_09_mutant_end_ignored as lesson_09;
include!("../../../lessons/09-pipes/src/main.rs");
