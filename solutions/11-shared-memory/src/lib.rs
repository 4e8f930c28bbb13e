//! Lesson 11: shared memory and managers (the reference solution). The files you do not edit
//! in the lesson are the lesson's own, compiled here too.

pub mod balance;
#[path = "../../../lessons/11-shared-memory/src/bank.rs"]
pub mod bank;
#[path = "../../../lessons/11-shared-memory/src/children.rs"]
mod children;
#[path = "../../../lessons/11-shared-memory/src/lock.rs"]
pub mod lock;
pub mod manager;
pub mod model;
#[path = "../../../lessons/11-shared-memory/src/plumbing.rs"]
pub mod plumbing;
#[path = "../../../lessons/11-shared-memory/src/segment.rs"]
pub mod segment;
pub mod squares;
#[path = "../../../lessons/11-shared-memory/src/sync.rs"]
mod sync;

include!("../../../lessons/11-shared-memory/src/exports.rs");
