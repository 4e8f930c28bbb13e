//! The lesson's demo, run on this mutant.
extern crate lesson_14_mutant_fixed_chunks as lesson_14;
include!("../../../lessons/14-capstone/src/main.rs");
