//! Producers → consumers on crossbeam channels, ended by disconnection instead of sentinels.
//!
//! The lectures end a consumer loop by putting one `'end'` sentinel per consumer in the queue
//! after the producers are done. A channel ends itself: once every `Sender` is dropped, a
//! receiver gets the items still queued and then `Err(RecvError)`, so `for item in receiver`
//! simply stops. No sentinel to forget, to count, or to confuse with real data.

use std::thread;

use crossbeam_channel::{Sender, bounded, unbounded};

/// Runs every producer on its own thread and `consumers` consumer threads, and returns what
/// `consume` made of every item, in no particular order, once every item is consumed.
///
/// A producer is given its own `Sender` on a channel holding at most `capacity` items: it sends
/// its items and returns (dropping the sender). Consumers take items as they come and apply
/// `consume`; they stop when the channel is empty and every producer is done.
pub fn pipeline<T, R, P, C>(
    producers: Vec<P>,
    consumers: usize,
    capacity: usize,
    consume: C,
) -> Vec<R>
where
    T: Send,
    R: Send,
    P: FnOnce(Sender<T>) + Send,
    C: Fn(T) -> R + Sync,
{
    assert!(consumers > 0, "a pipeline needs at least one consumer");
    let (items, inbox) = bounded::<T>(capacity);
    let (results, outbox) = unbounded::<R>();
    thread::scope(|s| {
        for (i, produce) in producers.into_iter().enumerate() {
            let items = items.clone();
            thread::Builder::new()
                .name(format!("producer-{}", i + 1))
                .spawn_scoped(s, move || produce(items))
                .expect("spawn a producer");
        }
        // The producers hold the only senders now: when the last one returns, the channel
        // disconnects and the consumers' loops end.
        drop(items);
        for i in 0..consumers {
            let (inbox, results, consume) = (inbox.clone(), results.clone(), &consume);
            thread::Builder::new()
                .name(format!("consumer-{}", i + 1))
                .spawn_scoped(s, move || {
                    for item in inbox {
                        // The receiving end (below) lives until every consumer is done.
                        let _ = results.send(consume(item));
                    }
                })
                .expect("spawn a consumer");
        }
        // Likewise for the results: the loop below ends when the last consumer returns.
        drop(results);
        outbox.iter().collect()
    })
}
