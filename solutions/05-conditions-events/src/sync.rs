//! Where this lesson's code gets its synchronisation types: the standard library's.
//!
//! The checks also compile `event.rs` against a model checker's types of the same names (see
//! `model.rs`), so import them from here, not from `std::sync` directly.

pub use std::sync::*;
