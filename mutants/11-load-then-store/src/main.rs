//! The lesson's demo, run on this mutant.
extern crate lesson_11_mutant_load_then_store as lesson_11;
include!("../../../lessons/11-shared-memory/src/main.rs");
