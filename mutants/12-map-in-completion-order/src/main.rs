//! The lesson's demo, run on this mutant.
extern crate lesson_12_mutant_map_in_completion_order as lesson_12;
include!("../../../lessons/12-pools/src/main.rs");
