//! Lesson 06's solution with one bug (see `queue.rs`). `cargo xtask verify` proves that the
//! lesson's checks catch it.

#[path = "../../../lessons/06-producer-consumer/src/error.rs"]
mod error;
#[doc(hidden)]
pub mod model;
#[path = "../../../solutions/06-producer-consumer/src/order.rs"]
pub mod order;
#[path = "../../../solutions/06-producer-consumer/src/pipeline.rs"]
pub mod pipeline;
pub mod queue;
#[path = "../../../solutions/06-producer-consumer/src/sync.rs"]
mod sync;
#[path = "../../../lessons/06-producer-consumer/src/throughput.rs"]
pub mod throughput;

pub use error::{GetError, GetTimeoutError, PutError};
pub use order::{Fifo, Lifo, Lowest, Order};
pub use pipeline::pipeline;
pub use queue::{BoundedQueue, LifoQueue, PriorityQueue, Queue};
