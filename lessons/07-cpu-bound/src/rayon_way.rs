//! Rayon: Rust's Parallel Python.
//!
//! The lectures' `pp` module stops caring about threads and processes: it cuts the problem into
//! tasks (64 of them) and hands them to a pool sized to the machine's CPUs. Rayon does the same
//! for a range or a slice: `into_par_iter()` splits the work, idle threads steal halves of
//! other threads' work, and `sum()` adds the partial sums. No lock, no chunk arithmetic.

use rayon::prelude::*;

use crate::Term;

/// ∫ f(x) dx on `[a, b]`, the left Riemann sum with `n` steps, on rayon's global pool.
pub fn integrate(f: impl Fn(f64) -> f64 + Sync, a: f64, b: f64, n: u64) -> f64 {
    if n == 0 {
        return 0.0;
    }
    let dx = (b - a) / n as f64;
    (0..n)
        .into_par_iter()
        .map(|i| f(a + i as f64 * dx))
        .sum::<f64>()
        * dx
}

/// The first `terms` terms of the Maclaurin series of 1/(1−x), cut into `tasks` tasks as
/// Parallel Python does (at least one), each computed the way `term` says.
pub fn maclaurin(term: Term, x: f64, terms: u64, tasks: u64) -> f64 {
    let tasks = tasks.max(1);
    (0..tasks)
        .into_par_iter()
        .map(|t| term.sum(x, t * terms / tasks..(t + 1) * terms / tasks))
        .sum()
}

/// Runs `f` on a pool of `threads` rayon threads (rayon's global pool has one per core).
pub fn with_threads<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
        .expect("start a rayon pool")
        .install(f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use common::workloads;

    #[test]
    fn rayon_agrees_with_the_serial_sums() {
        let serial = workloads::integrate(workloads::square, 0.0, 10.0, 100_001);
        let parallel = with_threads(3, || integrate(workloads::square, 0.0, 10.0, 100_001));
        assert!((parallel - serial).abs() <= 1e-9 * serial);
        let serial = workloads::maclaurin(0.5, 0..1001);
        for term in [Term::Powf, Term::Powi, Term::Product] {
            assert!((maclaurin(term, 0.5, 1001, 64) - serial).abs() <= 1e-12);
        }
    }
}
