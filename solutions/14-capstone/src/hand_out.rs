//! The hand-out: one thread per worker, each taking the next number as soon as it is free.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use crate::Answer;

/// What one worker did: the answers it found, each with the index of its number.
type Share = Vec<(usize, Answer)>;

/// Runs one thread per worker; each, as soon as it is free, takes the next number and solves it
/// with `solve`. Returns the answers in the order of `numbers` and the workers, or the first
/// error.
pub fn hand_out<W: Send, E: Send>(
    workers: Vec<W>,
    numbers: &[u64],
    solve: impl Fn(&mut W, u64) -> Result<Answer, E> + Sync,
) -> Result<(Vec<Answer>, Vec<W>), E> {
    let next = AtomicUsize::new(0);
    let (next, solve) = (&next, &solve);
    let work = move |mut worker: W| {
        let mut share = Share::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(&n) = numbers.get(i) else {
                return (worker, Ok(share));
            };
            match solve(&mut worker, n) {
                Ok(answer) => share.push((i, answer)),
                Err(e) => {
                    // No number is left for the others either: let them stop.
                    next.store(numbers.len(), Ordering::Relaxed);
                    return (worker, Err(e));
                }
            }
        }
    };
    let done: Vec<(W, Result<Share, E>)> = thread::scope(|s| {
        let threads: Vec<_> = workers
            .into_iter()
            .map(|worker| s.spawn(move || work(worker)))
            .collect();
        threads
            .into_iter()
            .map(|t| t.join().expect("a worker thread panicked"))
            .collect()
    });
    // Every answer to its number's place: the workers finished in any order.
    let mut answers: Vec<Option<Answer>> = vec![None; numbers.len()];
    let mut workers = Vec::new();
    for (worker, share) in done {
        workers.push(worker);
        for (i, answer) in share? {
            answers[i] = Some(answer);
        }
    }
    let answers = answers
        .into_iter()
        .map(|a| a.expect("every number was handed out once"))
        .collect();
    Ok((answers, workers))
}
