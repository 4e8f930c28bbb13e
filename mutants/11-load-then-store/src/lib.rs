//! Lesson 11's solution with one bug (a mutant): an atomic balance changed by a load and then a store. Only `balance.rs`, `model.rs` differ from the
//! solution; every other file is the solution's or the lesson's own.

pub mod balance;
#[path = "../../../lessons/11-shared-memory/src/bank.rs"]
pub mod bank;
#[path = "../../../lessons/11-shared-memory/src/children.rs"]
mod children;
#[path = "../../../lessons/11-shared-memory/src/lock.rs"]
pub mod lock;
#[path = "../../../solutions/11-shared-memory/src/manager.rs"]
pub mod manager;
pub mod model;
#[path = "../../../lessons/11-shared-memory/src/plumbing.rs"]
pub mod plumbing;
#[path = "../../../lessons/11-shared-memory/src/segment.rs"]
pub mod segment;
#[path = "../../../solutions/11-shared-memory/src/squares.rs"]
pub mod squares;
#[path = "../../../lessons/11-shared-memory/src/sync.rs"]
mod sync;

include!("../../../lessons/11-shared-memory/src/exports.rs");
