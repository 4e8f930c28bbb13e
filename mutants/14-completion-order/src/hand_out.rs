//! The hand-out, with this mutant's bug.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
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
    // The bug: each answer goes on a channel as soon as it is found (the lectures' processes put
    // theirs on a queue), and the answers are read back in the order they arrived.
    let (finished, arrivals) = mpsc::channel();
    let finished = &finished;
    let work = move |mut worker: W| {
        let mut share = Share::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(&n) = numbers.get(i) else {
                return (worker, Ok(share));
            };
            match solve(&mut worker, n) {
                Ok(answer) => {
                    finished.send(answer.clone()).expect("the parent is there");
                    share.push((i, answer));
                }
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
    let mut workers = Vec::new();
    for (worker, share) in done {
        workers.push(worker);
        share?;
    }
    let answers = arrivals.try_iter().collect();
    Ok((answers, workers))
}
