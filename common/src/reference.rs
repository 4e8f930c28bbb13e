//! Reference values for the capstone's workloads, computed once by methods independent of the
//! course's own code and kept as data in `common/data/`: the factorisations of the lectures' 300
//! numbers (GNU `factor`) and the assignment's 24 sums of primes (a sieve in Python). Lessons 14
//! and 15 check their results against these, and common's tests check the workloads.

/// The prime factors (ascending, with repetition) of each of
/// [`lecture_factor_numbers`](crate::workloads::lecture_factor_numbers), in that order.
pub fn factorizations() -> Vec<(u64, Vec<u64>)> {
    pairs(include_str!("../data/factorizations.txt"))
        .map(|(n, factors)| (n, factors.split_whitespace().map(number).collect()))
        .collect()
}

/// The sum of the primes below each of
/// [`lecture_prime_limits`](crate::workloads::lecture_prime_limits), in that order.
pub fn prime_sums() -> Vec<(u64, u64)> {
    pairs(include_str!("../data/prime-sums.txt"))
        .map(|(n, sum)| (n, number(sum)))
        .collect()
}

/// The `n: rest` lines of a data file, without its `#` comments.
fn pairs(text: &'static str) -> impl Iterator<Item = (u64, &'static str)> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (n, rest) = l.split_once(':').expect("a data line is `n: values`");
            (number(n), rest)
        })
}

fn number(text: &str) -> u64 {
    text.trim().parse().expect("the data files hold numbers")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workloads::{
        factorize_naive, lecture_factor_numbers, lecture_prime_limits, sum_primes_below,
    };

    #[test]
    fn the_data_covers_the_lectures_numbers_in_order() {
        let numbers: Vec<u64> = factorizations().iter().map(|(n, _)| *n).collect();
        assert_eq!(numbers, lecture_factor_numbers());
        let limits: Vec<u64> = prime_sums().iter().map(|(n, _)| *n).collect();
        assert_eq!(limits, lecture_prime_limits());
        for (n, factors) in factorizations() {
            assert_eq!(factors.iter().product::<u64>(), n);
        }
    }

    #[test]
    fn trial_division_agrees_with_the_reference_for_all_300_numbers() {
        for (n, factors) in factorizations() {
            assert_eq!(factorize_naive(n), factors, "{n}");
        }
    }

    #[test]
    fn sums_of_primes_agree_with_the_reference() {
        // The first few here; lesson 14's checks go through all 24 in an optimised build.
        for (n, sum) in prime_sums().into_iter().take(3) {
            assert_eq!(sum_primes_below(n), sum, "{n}");
        }
    }
}
