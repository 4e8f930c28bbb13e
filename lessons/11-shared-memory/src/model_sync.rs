//! `sync` for the model build: the model checker's types, and a spin that yields to it.

pub use common::model::sync::*;

/// Under the model checker a waiter yields at once: the checker then runs another thread.
pub fn spin_wait(_tries: u32) {
    common::model::yield_now();
}
