//! The lesson's checks, run on this mutant.
extern crate lesson_11_mutant_segment_never_unlinked as lesson_11;
include!("../../../lessons/11-shared-memory/tests/checks.rs");
