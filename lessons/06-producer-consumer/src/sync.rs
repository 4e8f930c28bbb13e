//! Where this lesson's code gets its synchronisation types: the standard library's.
//!
//! The checks also compile `queue.rs` against a model checker's types of the same names (see
//! `model.rs`), so import them from here, not from `std::sync` directly.

pub use std::sync::*;

/// What the model checker needs of the values kept in a mutex. Here: nothing, every type
/// qualifies. Under the model checker (see `model.rs`): `Debug`, so that a failing schedule can
/// print what the mutex held.
pub trait Traceable {}
impl<T: ?Sized> Traceable for T {}
