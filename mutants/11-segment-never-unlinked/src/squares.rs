//! Task 1 (a mutant): `multiprocessing.Value` and `Array`: a child squares the numbers, the parent reads
//! the squares and their sum.

use std::sync::atomic::{AtomicI64, Ordering};

use crate::{Error, Program, SQUARER, SharedArray, SharedValue, expect_success, join, parse_list};

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
    // multiprocessing.Array('q', n) and Value('q'): segments that the child maps too. We created
    // them, so they are unlinked when these handles are dropped, after we have read them.
    let result = SharedArray::<AtomicI64>::create("squares", numbers.len())?;
    let square_sum = SharedValue::<AtomicI64>::create("square-sum")?;
    let mut child = program
        .role(SQUARER)
        .args([join(numbers).as_str(), result.name(), square_sum.name()])
        .spawn()?;
    // `wait` is also what makes the child's writes visible here: the child has exited.
    expect_success(SQUARER, child.wait()?)?;
    let squares = Squares {
        squares: result.iter().map(|s| s.load(Ordering::Relaxed)).collect(),
        sum: square_sum.load(Ordering::Relaxed),
    };
    // The mutant: "keep the segments alive" by forgetting the handles. Their destructors never
    // run, so nobody unlinks them: they stay in /dev/shm after this process has ended.
    std::mem::forget(result);
    std::mem::forget(square_sum);
    Ok(squares)
}

/// The child's side of [`squares_in_child`] (role [`SQUARER`]): `args` are the numbers and the
/// names of the parent's array and value.
pub fn squarer(args: &[String]) -> Result<(), Error> {
    let [numbers, result, square_sum] = args else {
        return Err(format!("expected: numbers array value, got {args:?}").into());
    };
    let numbers = parse_list(numbers)?;
    // Opened, not created: the parent owns them, and they stay when we exit.
    let result = SharedArray::<AtomicI64>::open(result, numbers.len())?;
    let square_sum = SharedValue::<AtomicI64>::open(square_sum)?;
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
