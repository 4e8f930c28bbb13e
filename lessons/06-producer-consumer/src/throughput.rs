//! How many items per second pass through a queue: the hand-made [`BoundedQueue`], crossbeam's
//! bounded channel and std's `sync_channel`, with `p` producers and `c` consumers. The demo's
//! `throughput` table and `cargo xtask bench lesson-06` use it. Nothing to edit here.

use std::sync::{Arc, Barrier, Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use common::plot::Bar;

use crate::BoundedQueue;

/// The queues measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// This lesson's [`BoundedQueue`] (a mutex and two condition variables).
    HandMade,
    /// `crossbeam_channel::bounded`.
    Crossbeam,
    /// `std::sync::mpsc::sync_channel`. Its one receiver is shared by the consumers behind a
    /// mutex: std's channel has a single consumer.
    SyncChannel,
}

/// What one run measured.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// From the common start until the last consumer finished.
    pub elapsed: Duration,
    /// How many items the consumers received (must be the number sent).
    pub items: u64,
    /// The sum of the items received (must be 0 + 1 + … + (items − 1)).
    pub sum: u64,
    /// One span per producer and consumer thread.
    pub timeline: Vec<Bar>,
}

impl Run {
    /// Items per second.
    pub fn items_per_second(&self) -> f64 {
        self.items as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// Whether every item arrived exactly once: the count and the sum are those sent.
    pub fn is_complete(&self, sent: u64) -> bool {
        self.items == sent && self.sum == sent * sent.saturating_sub(1) / 2
    }
}

/// Sends the numbers `0..items` from `producers` threads (producer `p` sends `p`,
/// `p + producers`, …) through a queue of `kind` holding at most `capacity` items, to
/// `consumers` threads that count and sum what they receive. Timed from a common start (a
/// barrier, so thread start-up is left out) to the end of the last consumer.
pub fn run(kind: Kind, producers: usize, consumers: usize, items: u64, capacity: usize) -> Run {
    assert!(producers > 0 && consumers > 0 && capacity > 0);
    match kind {
        Kind::HandMade => {
            let queue = Arc::new(BoundedQueue::<u64>::new(capacity));
            let senders = (0..producers)
                .map(|_| {
                    let q = Arc::clone(&queue);
                    move |item| q.put(item).is_ok()
                })
                .collect();
            let receivers = (0..consumers)
                .map(|_| {
                    let q = Arc::clone(&queue);
                    move || q.get().ok()
                })
                .collect();
            // The hand-made queue ends by `close` once the producers are done.
            measure(items, senders, receivers, move || queue.close())
        }
        Kind::Crossbeam => {
            let (tx, rx) = crossbeam_channel::bounded::<u64>(capacity);
            let senders = (0..producers)
                .map(|_| {
                    let tx = tx.clone();
                    move |item| tx.send(item).is_ok()
                })
                .collect();
            let receivers = (0..consumers)
                .map(|_| {
                    let rx = rx.clone();
                    move || rx.recv().ok()
                })
                .collect();
            // Channels end by disconnection: the producers hold the only senders.
            drop(tx);
            measure(items, senders, receivers, || {})
        }
        Kind::SyncChannel => {
            let (tx, rx) = mpsc::sync_channel::<u64>(capacity);
            let rx = Arc::new(Mutex::new(rx));
            let senders = (0..producers)
                .map(|_| {
                    let tx = tx.clone();
                    move |item| tx.send(item).is_ok()
                })
                .collect();
            let receivers = (0..consumers)
                .map(|_| {
                    let rx = Arc::clone(&rx);
                    move || rx.lock().unwrap().recv().ok()
                })
                .collect();
            drop(tx);
            measure(items, senders, receivers, || {})
        }
    }
}

fn measure<S, R>(items: u64, senders: Vec<S>, receivers: Vec<R>, finish: impl FnOnce()) -> Run
where
    S: FnMut(u64) -> bool + Send,
    R: FnMut() -> Option<u64> + Send,
{
    let producers = senders.len();
    let start = Barrier::new(producers + receivers.len() + 1);
    let spans = Mutex::new(Vec::new());
    let t0 = Mutex::new(None::<Instant>);
    let record = |lane: String, from: Instant, to: Instant, label: String| {
        spans.lock().unwrap().push((lane, from, to, label));
    };
    let (mut count, mut sum) = (0, 0);
    thread::scope(|s| {
        let producer_threads: Vec<_> = senders
            .into_iter()
            .enumerate()
            .map(|(p, mut send)| {
                let (start, record) = (&start, &record);
                s.spawn(move || {
                    start.wait();
                    let from = Instant::now();
                    let mut sent = 0u64;
                    for item in (p as u64..items).step_by(producers) {
                        if !send(item) {
                            break;
                        }
                        sent += 1;
                    }
                    let lane = format!("producer-{}", p + 1);
                    record(lane, from, Instant::now(), format!("sent {sent}"));
                    // Dropping `send` here drops this producer's end of the channel.
                })
            })
            .collect();
        let consumer_threads: Vec<_> = receivers
            .into_iter()
            .enumerate()
            .map(|(c, mut receive)| {
                let (start, record) = (&start, &record);
                s.spawn(move || {
                    start.wait();
                    let from = Instant::now();
                    let (mut count, mut sum) = (0u64, 0u64);
                    while let Some(item) = receive() {
                        count += 1;
                        sum += item;
                    }
                    let lane = format!("consumer-{}", c + 1);
                    record(lane, from, Instant::now(), format!("received {count}"));
                    (count, sum)
                })
            })
            .collect();
        start.wait();
        *t0.lock().unwrap() = Some(Instant::now());
        for t in producer_threads {
            t.join().expect("a producer panicked");
        }
        finish();
        for t in consumer_threads {
            let (c, s) = t.join().expect("a consumer panicked");
            count += c;
            sum += s;
        }
    });
    let t0 = t0.into_inner().unwrap().expect("the run started");
    let mut spans = spans.into_inner().unwrap();
    spans.sort_by(|a, b| a.0.cmp(&b.0));
    let seconds = |t: Instant| t.saturating_duration_since(t0).as_secs_f64();
    let end = spans.iter().map(|s| s.2).max().unwrap_or(t0);
    Run {
        elapsed: end.saturating_duration_since(t0),
        items: count,
        sum,
        timeline: spans
            .into_iter()
            .map(|(lane, from, to, label)| Bar {
                start_s: seconds(from),
                end_s: seconds(to),
                lane,
                label,
            })
            .collect(),
    }
}
