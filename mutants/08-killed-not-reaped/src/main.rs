//! The lesson's demo, run on this mutant.
extern crate lesson_08_mutant_killed_not_reaped as lesson_08;
include!("../../../lessons/08-processes/src/main.rs");
