//! # Lesson 06: producers and consumers — queues
//!
//! A queue is how threads hand work to each other without sharing it: producers `put`,
//! consumers `get`, and the queue does the locking and the waiting. The lectures use
//! `queue.Queue(maxsize)`: `put` blocks while it is full, `get` while it is empty, both with an
//! optional timeout; `LifoQueue` and `PriorityQueue` hand items out in another order. In Rust
//! you build such a queue from a `Mutex` and two `Condvar`s, and then mostly use a channel
//! (`crossbeam_channel`), which ends by itself when the producers are gone.
//!
//! Three tasks (see README.md):
//!
//! 1. [`Queue`]'s `put`, `get`, `get_timeout` and `close` (in `queue.rs`);
//! 2. the [`Lifo`] and [`Lowest`] orders behind [`LifoQueue`] and [`PriorityQueue`] (in
//!    `order.rs`);
//! 3. [`pipeline`]: producers → consumers on crossbeam channels, ended by disconnection.

mod error;
#[doc(hidden)]
pub mod model;
pub mod order;
pub mod pipeline;
pub mod queue;
mod sync;
pub mod throughput;

pub use error::{GetError, GetTimeoutError, PutError};
pub use order::{Fifo, Lifo, Lowest, Order};
pub use pipeline::pipeline;
pub use queue::{BoundedQueue, LifoQueue, PriorityQueue, Queue};
