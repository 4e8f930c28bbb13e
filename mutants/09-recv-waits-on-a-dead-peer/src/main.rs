//! The lesson's demo, run on this mutant.
extern crate lesson_09_mutant_recv_waits_on_a_dead_peer as lesson_09;
include!("../../../lessons/09-pipes/src/main.rs");
