//! The order a queue hands its items out in. Python's `LifoQueue` and `PriorityQueue` are
//! `Queue` with two methods overridden (`_put` and `_get`): the locking and the waiting are
//! written once. Here the same idea is a trait, [`Order`], with one implementation per
//! discipline; [`Queue`](crate::Queue) does the locking and waiting for all of them.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// How a queue stores its items and which one it hands out next. Plain single-threaded code:
/// the queue calls it only while it holds its lock.
pub trait Order {
    /// What the queue holds.
    type Item;
    /// Stores `item`.
    fn push(&mut self, item: Self::Item);
    /// Takes the next item out, or `None` if there is none.
    fn pop(&mut self) -> Option<Self::Item>;
    /// How many items are stored.
    fn len(&self) -> usize;
    /// Whether no item is stored.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// First in, first out: Python's `Queue`.
#[derive(Debug)]
pub struct Fifo<T>(VecDeque<T>);

/// Last in, first out (a stack): Python's `LifoQueue`.
#[derive(Debug)]
pub struct Lifo<T>(Vec<T>);

/// Lowest first: Python's `PriorityQueue`, which hands out the smallest entry first. Put
/// `(priority, data)` tuples in it, as the lectures do: tuples compare by their first field,
/// then by the next.
#[derive(Debug)]
pub struct Lowest<T: Ord>(BinaryHeap<Reverse<T>>);

impl<T> Default for Fifo<T> {
    fn default() -> Self {
        Fifo(VecDeque::new())
    }
}

impl<T> Default for Lifo<T> {
    fn default() -> Self {
        Lifo(Vec::new())
    }
}

impl<T: Ord> Default for Lowest<T> {
    fn default() -> Self {
        Lowest(BinaryHeap::new())
    }
}

impl<T> Order for Fifo<T> {
    type Item = T;
    fn push(&mut self, item: T) {
        self.0.push_back(item);
    }
    fn pop(&mut self) -> Option<T> {
        self.0.pop_front()
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

impl<T> Order for Lifo<T> {
    type Item = T;
    fn push(&mut self, item: T) {
        self.0.push(item);
    }
    fn pop(&mut self) -> Option<T> {
        self.0.pop()
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

impl<T: Ord> Order for Lowest<T> {
    type Item = T;
    fn push(&mut self, item: T) {
        // `BinaryHeap` is a max-heap: it pops the greatest item. `Reverse` turns the order
        // around, so the greatest `Reverse` is the smallest item.
        self.0.push(Reverse(item));
    }
    fn pop(&mut self) -> Option<T> {
        self.0.pop().map(|Reverse(item)| item)
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}
