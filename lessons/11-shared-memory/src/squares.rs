//! Task 1: `multiprocessing.Value` and `Array`: a child squares the numbers, the parent reads
//! the squares and their sum.

use std::sync::atomic::{AtomicI64, Ordering};

use crate::{Error, Program, SQUARER, expect_success, join, parse_list};

/// What the parent read after the child squared the numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Squares {
    /// The square of each number, in order.
    pub squares: Vec<i64>,
    /// Their sum.
    pub sum: i64,
}

/// The lectures' `square_list(mylist, result, square_sum)`: writes the square of each number
/// into `result` and their sum into `square_sum`. Runs in the child. Works on any memory: the
/// question is whose.
pub fn square_list(numbers: &[i64], result: &[AtomicI64], square_sum: &AtomicI64) {
    for (slot, n) in result.iter().zip(numbers) {
        slot.store(n * n, Ordering::Relaxed);
    }
    let sum = result.iter().map(|s| s.load(Ordering::Relaxed)).sum();
    square_sum.store(sum, Ordering::Relaxed);
}

/// Starts a child (role [`SQUARER`]) that squares `numbers`, waits for it, and returns the
/// squares and their sum as the child left them for this process to read.
pub fn squares_in_child(program: &Program, numbers: &[i64]) -> Result<Squares, Error> {
    // TODO: `result` and `square_sum` are this process's own memory, and the child has a copy
    // of nothing: it fills in arrays of its own, and ours stay at zero (the lectures' "Result
    // (in main program): []"). Put them in shared memory (`SharedArray`, `SharedValue`), pass
    // their names to the child, and read them back once it has finished.
    let result: Vec<AtomicI64> = numbers.iter().map(|_| AtomicI64::new(0)).collect();
    let square_sum = AtomicI64::new(0);
    let mut child = program.role(SQUARER).arg(join(numbers)).spawn()?;
    expect_success(SQUARER, child.wait()?)?;
    Ok(Squares {
        squares: result.iter().map(|s| s.load(Ordering::Relaxed)).collect(),
        sum: square_sum.load(Ordering::Relaxed),
    })
}

/// The child's side of [`squares_in_child`] (role [`SQUARER`]): `args` are the arguments the
/// parent gave it.
pub fn squarer(args: &[String]) -> Result<(), Error> {
    let numbers = parse_list(args.first().ok_or("no numbers given")?)?;
    // TODO: these are the child's own arrays, which no other process sees. Open the parent's
    // shared ones instead, by the names it passed.
    let result: Vec<AtomicI64> = numbers.iter().map(|_| AtomicI64::new(0)).collect();
    let square_sum = AtomicI64::new(0);
    square_list(&numbers, &result, &square_sum);
    println!(
        "Result (in process {}): {:?}, sum of squares {}",
        std::process::id(),
        result
            .iter()
            .map(|s| s.load(Ordering::Relaxed))
            .collect::<Vec<_>>(),
        square_sum.load(Ordering::Relaxed)
    );
    Ok(())
}
