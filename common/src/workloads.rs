//! The lectures' workloads, exact and tested.
//!
//! Each function here is the serial reference that a lesson's parallel version must agree with.

use std::ops::Range;

/// The lectures' integrand: y = x².
#[inline]
pub fn square(x: f64) -> f64 {
    x * x
}

/// Left Riemann sum of `f` on `[a, b]` with `n` steps, as in the lectures' `integrate.py`:
/// `dx = (b - a) / n`, the sum of `f(a + i·dx)` for `i` in `0..n`, times `dx`.
pub fn integrate(f: impl Fn(f64) -> f64, a: f64, b: f64, n: u64) -> f64 {
    if n == 0 {
        return 0.0;
    }
    let dx = (b - a) / n as f64;
    riemann_steps(f, a, dx, 0..n)
}

/// The part of a left Riemann sum made of the steps `i` in `steps`: the sum of `f(a + i·dx)·dx`.
///
/// Splitting `0..n` into ranges and adding their sums gives [`integrate`]'s result (up to
/// rounding), which is how a parallel integration divides its work without losing a step.
pub fn riemann_steps(f: impl Fn(f64) -> f64, a: f64, dx: f64, steps: Range<u64>) -> f64 {
    steps.map(|i| f(a + i as f64 * dx)).sum::<f64>() * dx
}

/// The terms `x^k` for `k` in `terms` of the Maclaurin series `1/(1-x) = 1 + x + x² + …`.
///
/// The series splits into ranges that add up in any order, which made it the lectures' threads
/// benchmark (12 800 000 terms).
pub fn maclaurin(x: f64, terms: Range<u64>) -> f64 {
    terms.map(|k| x.powi(k as i32)).sum()
}

/// What the Maclaurin series of `1/(1-x)` converges to, for `|x| < 1`.
pub fn maclaurin_limit(x: f64) -> f64 {
    1.0 / (1.0 - x)
}

/// The lectures' naive factorisation: trial division by 2, then by odd numbers, until `p² ≥ n`.
/// Returns the prime factors in ascending order, with repetition (`12 → [2, 2, 3]`); empty below 2.
pub fn factorize_naive(mut n: u64) -> Vec<u64> {
    let mut factors = Vec::new();
    if n < 2 {
        return factors;
    }
    let mut p = 2;
    loop {
        if n == 1 {
            return factors;
        }
        if n.is_multiple_of(p) {
            factors.push(p);
            n /= p;
        } else if p * p >= n {
            factors.push(n);
            return factors;
        } else if p > 2 {
            p += 2;
        } else {
            p = 3;
        }
    }
}

/// Whether `n` is prime, by trial division (deliberately CPU-bound: this is a workload).
pub fn is_prime(n: u64) -> bool {
    if n < 4 {
        return n >= 2;
    }
    if n.is_multiple_of(2) {
        return false;
    }
    let mut d = 3;
    while d * d <= n {
        if n.is_multiple_of(d) {
            return false;
        }
        d += 2;
    }
    true
}

/// The sum of all primes below `n` (the lectures' assignment: `[10, 17], [20, 77], …`).
pub fn sum_primes_below(n: u64) -> u64 {
    (2..n).filter(|&k| is_prime(k)).sum()
}

/// The lectures' factorisation benchmark input: the 300 odd numbers from 9 999 999 999 999.
pub fn lecture_factor_numbers() -> Vec<u64> {
    (0..300).map(|i| 9_999_999_999_999 + 2 * i).collect()
}

/// The lectures' assignment limits: Python's `range(100_000, 2_500_000, 100_000)` (24 numbers).
pub fn lecture_prime_limits() -> Vec<u64> {
    (100_000..2_500_000).step_by(100_000).collect()
}

/// A deterministic CPU burner: `iterations` rounds of xorshift64, returning the final state so
/// that the optimiser cannot remove the work. Same input, same output, on every machine.
pub fn burn_cpu(iterations: u64) -> u64 {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..iterations {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * b.abs().max(1.0)
    }

    #[test]
    fn integral_of_square_matches_the_closed_form_of_the_left_sum() {
        // Left sum of x² on [0, 10] with n steps: dx³ · (n-1)·n·(2n-1)/6.
        assert!(close(integrate(square, 0.0, 10.0, 10), 285.0));
        assert!(close(integrate(square, 0.0, 10.0, 100), 328.35));
        let n = 1_000_000u64;
        let dx = 10.0 / n as f64;
        let expected = dx.powi(3) * ((n - 1) * n * (2 * n - 1)) as f64 / 6.0;
        assert!(close(integrate(square, 0.0, 10.0, n), expected));
        // And it converges on the exact 1000/3.
        assert!((integrate(square, 0.0, 10.0, n) - 1000.0 / 3.0).abs() < 1e-3);
        assert_eq!(integrate(square, 0.0, 10.0, 0), 0.0);
    }

    #[test]
    fn riemann_steps_split_anywhere_add_up_to_the_whole() {
        let (n, dx) = (1001u64, 10.0 / 1001.0);
        let whole = integrate(square, 0.0, 10.0, n);
        let parts = riemann_steps(square, 0.0, dx, 0..333)
            + riemann_steps(square, 0.0, dx, 333..334)
            + riemann_steps(square, 0.0, dx, 334..n);
        assert!(close(parts, whole));
    }

    #[test]
    fn maclaurin_partial_sums_follow_the_geometric_formula() {
        let x = 0.5f64;
        // Σ_{k<n} x^k = (1 - x^n) / (1 - x)
        for n in [1u64, 2, 10, 40] {
            assert!(close(
                maclaurin(x, 0..n),
                (1.0 - x.powi(n as i32)) / (1.0 - x)
            ));
        }
        assert!(close(
            maclaurin(x, 0..5) + maclaurin(x, 5..200),
            maclaurin_limit(x)
        ));
        assert_eq!(maclaurin_limit(0.5), 2.0);
    }

    #[test]
    fn factorisation_of_lecture_numbers() {
        // Reference values computed independently (Python trial division).
        let nums = lecture_factor_numbers();
        assert_eq!(nums.len(), 300);
        assert_eq!(nums[0], 9_999_999_999_999);
        assert_eq!(nums[299], 10_000_000_000_597);
        assert_eq!(factorize_naive(nums[0]), [3, 3, 53, 79, 265_371_653]);
        assert_eq!(factorize_naive(nums[1]), [11, 859, 1_058_313_049]);
        assert_eq!(factorize_naive(nums[2]), [13, 29, 547, 48_492_137]);
        assert_eq!(factorize_naive(nums[150]), [3, 3_333_333_333_433]);
        assert_eq!(factorize_naive(nums[299]), [1_123_349, 8_901_953]);
    }

    #[test]
    fn factorisation_of_small_numbers() {
        assert_eq!(factorize_naive(0), Vec::<u64>::new());
        assert_eq!(factorize_naive(1), Vec::<u64>::new());
        assert_eq!(factorize_naive(2), [2]);
        assert_eq!(factorize_naive(12), [2, 2, 3]);
        assert_eq!(factorize_naive(97), [97]);
        for n in 2..2000u64 {
            let f = factorize_naive(n);
            assert_eq!(f.iter().product::<u64>(), n);
            assert!(f.iter().all(|&p| is_prime(p)));
            assert!(f.windows(2).all(|w| w[0] <= w[1]));
        }
    }

    #[test]
    fn sums_of_primes_match_the_assignment() {
        let sums: Vec<u64> = (10..100).step_by(10).map(sum_primes_below).collect();
        assert_eq!(sums, [17, 77, 129, 197, 328, 440, 568, 791, 963]);
        assert_eq!(sum_primes_below(100_000), 454_396_537);
        assert_eq!(sum_primes_below(2), 0);
        assert_eq!(sum_primes_below(3), 2);
    }

    #[test]
    fn prime_limits_are_python_range() {
        let limits = lecture_prime_limits();
        assert_eq!(limits.len(), 24);
        assert_eq!(limits[0], 100_000);
        assert_eq!(limits[23], 2_400_000);
    }

    #[test]
    fn burner_is_deterministic() {
        assert_eq!(burn_cpu(1000), burn_cpu(1000));
        assert_ne!(burn_cpu(1000), burn_cpu(1001));
    }
}
