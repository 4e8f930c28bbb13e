//! Where this lesson's code gets its synchronisation types: the standard library's, with the
//! lectures' pause between two locks and a jittered back-off (see `pause.rs`).
//!
//! The checks also compile `bank.rs` and `philosophers.rs` against a model checker's types of
//! the same names (see `model.rs`), so import them from here, not from `std::sync` directly.

pub use crate::pause::pause;
// For a fix that retries with `try_lock`; unused until then.
#[allow(unused_imports)]
pub use crate::pause::back_off;
pub use std::sync::*;
