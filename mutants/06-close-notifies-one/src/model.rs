//! The same `queue.rs`, compiled a second time against the model checker's synchronisation
//! types, for the checks that try the interleavings of producers, consumers and `close`.
//! Nothing to edit here.

mod sync {
    pub use common::model::sync::*;

    /// Under the model checker a mutex's value must print itself: the trace shows it.
    pub trait Traceable: std::fmt::Debug {}
    impl<T: std::fmt::Debug + ?Sized> Traceable for T {}
}

// The file is also a module of the library itself: that is the point.
#[allow(clippy::duplicate_mod)]
#[path = "queue.rs"]
pub mod queue;
