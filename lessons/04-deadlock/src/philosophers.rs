//! The dining philosophers: your task. If each of them picks up the left fork and then reaches
//! for the right one, all can hold a left fork at once and wait forever.

use super::sync::pause;
use super::table::Table;

/// Philosopher `seat` eats `meals` meals, each with the two forks beside them.
pub fn dine(table: &Table, seat: usize, meals: usize) {
    let (left, right) = table.forks_beside(seat);
    for _ in 0..meals {
        // TODO: if every philosopher holds a left fork, each waits forever for the right one.
        // Break the cycle: every philosopher picks up the two forks in an order all of them
        // agree on (or never waits for the second fork while holding the first). Keep the
        // pause between the two forks.
        let mut first = table.fork(left).lock().unwrap();
        pause(); // the lectures' `time.sleep` between the two locks
        let mut second = table.fork(right).lock().unwrap();
        table.eat(seat, &mut first, &mut second);
    }
}
