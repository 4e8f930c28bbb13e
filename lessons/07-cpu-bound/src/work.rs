//! The work: what one part of the integral and of the Maclaurin series is. Everything here goes
//! through [`crate::sum_parts`], so it runs on as many threads, as privately, as that does.

use std::ops::Range;

use crate::sum_parts;

/// The lectures' number of integration steps: N = 10⁸.
pub const LECTURE_STEPS: u64 = 100_000_000;

/// The lectures' number of Maclaurin terms: 12 800 000.
pub const LECTURE_TERMS: u64 = 12_800_000;

/// The x of the Maclaurin series used throughout: 1 + ½ + ¼ + … = 2.
pub const MACLAURIN_X: f64 = 0.5;

/// ∫ f(x) dx on `[a, b]` as the left Riemann sum with `n` steps (the lectures' `integrate`),
/// computed on `threads` threads: step `i` adds `f(a + i·dx)·dx`, with `dx = (b − a)/n`.
pub fn integrate(f: impl Fn(f64) -> f64 + Sync, a: f64, b: f64, n: u64, threads: usize) -> f64 {
    if n == 0 {
        return 0.0;
    }
    let dx = (b - a) / n as f64;
    sum_parts(n, threads, |steps| {
        common::workloads::riemann_steps(&f, a, dx, steps)
    })
}

/// The first `terms` terms of the Maclaurin series 1/(1−x) = 1 + x + x² + …, on `threads`
/// threads, each term computed as `x.powf(k)` (what Python's `x**k` does: see [`Term`]).
pub fn maclaurin(x: f64, terms: u64, threads: usize) -> f64 {
    maclaurin_with(Term::Powf, x, terms, threads)
}

/// [`maclaurin`], with each term computed the way `term` says.
pub fn maclaurin_with(term: Term, x: f64, terms: u64, threads: usize) -> f64 {
    sum_parts(terms, threads, |k| term.sum(x, k))
}

/// How a Maclaurin term xᵏ is computed. The three give the same sum, at very different speeds,
/// and a comparison between languages must say which one it times.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Term {
    /// `x.powf(k)`: C's `pow` for every term, the same work as CPython's `x**k`.
    #[default]
    Powf,
    /// `x.powi(k)`: repeated squaring for every term. For large k the squares of 0.5 pass
    /// through subnormal numbers, whose arithmetic is slow: slower than CPython here.
    Powi,
    /// A running product: `term *= x` after each term, one multiplication per term. A range
    /// starting at k begins with `x.powf(k)`.
    Product,
}

impl Term {
    /// The sum of xᵏ for k in `terms`, each term computed this way.
    pub fn sum(self, x: f64, terms: Range<u64>) -> f64 {
        match self {
            Term::Powf => terms.map(|k| x.powf(k as f64)).sum(),
            Term::Powi => terms.map(|k| x.powi(k.min(i32::MAX as u64) as i32)).sum(),
            Term::Product => {
                let mut term = x.powf(terms.start as f64);
                let mut sum = 0.0;
                for _ in terms {
                    sum += term;
                    term *= x;
                }
                sum
            }
        }
    }
}
