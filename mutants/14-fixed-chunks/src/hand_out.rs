//! The hand-out, with this mutant's bug.

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
    // The bug: each worker's share is fixed before it starts: ceil(len / workers) numbers.
    let chunk = numbers.len().div_ceil(workers.len().max(1));
    let solve = &solve;
    let work = move |k: usize, mut worker: W| {
        let mut share = Share::new();
        let first = k * chunk;
        for (i, &n) in numbers.iter().enumerate().skip(first).take(chunk) {
            match solve(&mut worker, n) {
                Ok(answer) => share.push((i, answer)),
                Err(e) => return (worker, Err(e)),
            }
        }
        (worker, Ok(share))
    };
    let done: Vec<(W, Result<Share, E>)> = thread::scope(|s| {
        let threads: Vec<_> = workers
            .into_iter()
            .enumerate()
            .map(|(k, worker)| s.spawn(move || work(k, worker)))
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
