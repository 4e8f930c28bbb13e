//! The dining philosophers: five at a round table, a fork between each two neighbours, and a
//! philosopher eats only with both forks beside them.
//!
//! If every philosopher picks up the left fork and then reaches for the right one, all five can
//! hold a left fork at once, and each waits forever for the right one, which the neighbour holds
//! as a left fork: the lectures' cycle of tasks waiting for each other, five long.
//!
//! Your task, `dine`, is in `philosophers.rs`; this file holds the table and its forks.

use std::sync::atomic::{AtomicUsize, Ordering};

use super::sync::Mutex;

/// A fork, and how many meals it served.
#[derive(Debug)]
pub struct Fork {
    id: usize,
    uses: usize,
}

impl Fork {
    /// The fork's number: fork `i` lies between philosopher `i` and philosopher `i + 1`.
    pub fn id(&self) -> usize {
        self.id
    }
}

/// A round table: `seats` philosophers and as many forks.
#[derive(Debug)]
pub struct Table {
    forks: Vec<Mutex<Fork>>,
    // Plain std atomics: only the seat's own philosopher adds to its count, so the model
    // checker need not watch them.
    meals: Vec<AtomicUsize>,
}

impl Table {
    /// A table for `seats` philosophers (two at least).
    pub fn new(seats: usize) -> Self {
        assert!(seats >= 2, "a table needs two philosophers at least");
        Table {
            forks: (0..seats)
                .map(|id| Mutex::new(Fork { id, uses: 0 }))
                .collect(),
            meals: (0..seats).map(|_| AtomicUsize::new(0)).collect(),
        }
    }

    /// How many philosophers sit at the table.
    pub fn seats(&self) -> usize {
        self.forks.len()
    }

    /// The numbers of the forks on the left and on the right of philosopher `seat`.
    pub fn forks_beside(&self, seat: usize) -> (usize, usize) {
        (seat, (seat + 1) % self.seats())
    }

    /// Fork number `id`.
    pub fn fork(&self, id: usize) -> &Mutex<Fork> {
        &self.forks[id]
    }

    /// Philosopher `seat` eats one meal with the two forks beside them, in either order.
    pub fn eat(&self, seat: usize, one: &mut Fork, other: &mut Fork) {
        let (left, right) = self.forks_beside(seat);
        let mut ids = [one.id, other.id];
        ids.sort_unstable();
        let mut beside = [left, right];
        beside.sort_unstable();
        assert_eq!(
            ids, beside,
            "philosopher {seat} must eat with forks {left} and {right}, the two beside them"
        );
        one.uses += 1;
        other.uses += 1;
        self.meals[seat].fetch_add(1, Ordering::Relaxed);
    }

    /// How many meals philosopher `seat` has eaten.
    pub fn meals(&self, seat: usize) -> usize {
        self.meals[seat].load(Ordering::Relaxed)
    }

    /// How many meals fork `id` served.
    pub fn uses(&self, id: usize) -> usize {
        self.forks[id].lock().unwrap().uses
    }
}
