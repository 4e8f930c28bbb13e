//! The dining philosophers, deadlock-free: everyone picks up the lower-numbered fork first.

use super::sync::pause;
use super::table::Table;

/// Philosopher `seat` eats `meals` meals, each with the two forks beside them.
pub fn dine(table: &Table, seat: usize, meals: usize) {
    let (left, right) = table.forks_beside(seat);
    for _ in 0..meals {
        // Everyone picks up the lower-numbered fork first. For all but the last philosopher
        // that is the left fork; the last one (between fork n-1 and fork 0) reaches right
        // first, and the cycle around the table is broken.
        let (low, high) = (left.min(right), left.max(right));
        let mut first = table.fork(low).lock().unwrap();
        pause(); // the lectures' `time.sleep` between the two locks: harmless now
        let mut second = table.fork(high).lock().unwrap();
        table.eat(seat, &mut first, &mut second);
    }
}
