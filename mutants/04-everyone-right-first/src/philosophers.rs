//! The solution's philosophers, with the mutant's bug (see lib.rs).

use super::sync::pause;
use super::table::Table;

/// Philosopher `seat` eats `meals` meals, each with the two forks beside them.
pub fn dine(table: &Table, seat: usize, meals: usize) {
    let (left, right) = table.forks_beside(seat);
    for _ in 0..meals {
        // BUG: everyone reaches right first. The cycle only turns the other way.
        let (low, high) = (right, left);
        let mut first = table.fork(low).lock().unwrap();
        pause(); // the lectures' `time.sleep` between the two locks: harmless now
        let mut second = table.fork(high).lock().unwrap();
        table.eat(seat, &mut first, &mut second);
    }
}
