// The checks of lesson 06, run by `cargo xtask check lesson-06`, each in its own process.
// The solution runs this same file (solutions/06-producer-consumer/tests/checks.rs includes it).

use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use common::grading::{Gauge, thousands, with_deadline};
use common::model::{check_every_interleaving, check_sampled_interleavings, fail, spawn};
use lesson_06::{
    BoundedQueue, GetError, GetTimeoutError, LifoQueue, PriorityQueue, PutError, model, pipeline,
};

const LIMIT: Duration = Duration::from_secs(6);
const SEED: u64 = 6;
const RUNS: usize = 10_000;

/// Polls `condition` every millisecond until it holds (true) or `limit` has passed (false).
fn wait_until(limit: Duration, condition: impl Fn() -> bool) -> bool {
    let start = Instant::now();
    while !condition() {
        if start.elapsed() >= limit {
            return false;
        }
        thread::sleep(Duration::from_millis(1));
    }
    true
}

// ---------------------------------------------------------------------------------------------
// The bounded queue, on real threads
// ---------------------------------------------------------------------------------------------

#[test]
fn queue_never_holds_more_than_capacity() {
    // First, one producer and nobody getting: the ninth put into a queue of 8 must wait.
    const CAP: usize = 8;
    let queue = Arc::new(BoundedQueue::<u64>::new(CAP));
    let puts = Arc::new(AtomicUsize::new(0));
    let producer = {
        let (queue, puts) = (Arc::clone(&queue), Arc::clone(&puts));
        thread::spawn(move || {
            for item in 0..2 * CAP as u64 {
                if queue.put(item).is_err() {
                    return;
                }
                puts.fetch_add(1, Ordering::SeqCst);
            }
        })
    };
    let filled = wait_until(Duration::from_secs(3), || {
        puts.load(Ordering::SeqCst) >= CAP
    });
    assert!(
        filled,
        "a producer put only {} items into an empty queue of capacity {CAP} and then waited: \
         put must accept items while there is room",
        puts.load(Ordering::SeqCst)
    );
    // Give the producer a full second to put a ninth item, which it must not manage.
    let overfilled = wait_until(Duration::from_secs(1), || puts.load(Ordering::SeqCst) > CAP);
    assert!(
        !overfilled,
        "a queue of capacity {CAP} accepted {} items while nobody took any: put must wait while \
         the queue is full (the lectures' Queue(maxsize) blocks producers)",
        puts.load(Ordering::SeqCst)
    );
    let q = Arc::clone(&queue);
    with_deadline(LIMIT, "taking the 16 items back", move || {
        for expected in 0..2 * CAP as u64 {
            match q.get() {
                Ok(item) => assert!(
                    item == expected,
                    "got item {item} where {expected} was due: the queue is first in, first out"
                ),
                Err(e) => panic!("get failed on an open queue: {e}"),
            }
        }
        producer.join().unwrap();
    });

    // Then 4 producers and 4 consumers. Evidence, from counters kept outside the queue: an item
    // can only leave through a get that has started, so (puts finished) − (gets started) never
    // exceeds what the queue holds, and must never exceed its capacity.
    const SMALL: usize = 4;
    const EACH: u64 = 20_000;
    let queue = Arc::new(BoundedQueue::<u64>::new(SMALL));
    let puts_done = Arc::new(AtomicI64::new(0));
    let gets_started = Arc::new(AtomicI64::new(0));
    let most = Arc::new(AtomicI64::new(0));
    let (q, p, g, m) = (
        Arc::clone(&queue),
        Arc::clone(&puts_done),
        Arc::clone(&gets_started),
        Arc::clone(&most),
    );
    with_deadline(LIMIT, "4 producers and 4 consumers", move || {
        let start = Barrier::new(8);
        thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    start.wait();
                    for item in 0..EACH {
                        q.put(item).expect("put failed on an open queue");
                        let held = p.fetch_add(1, Ordering::SeqCst) + 1 - g.load(Ordering::SeqCst);
                        m.fetch_max(held, Ordering::SeqCst);
                    }
                });
                s.spawn(|| {
                    start.wait();
                    for _ in 0..EACH {
                        g.fetch_add(1, Ordering::SeqCst);
                        q.get().expect("get failed on an open queue");
                    }
                });
            }
        });
    });
    let most = most.load(Ordering::SeqCst);
    assert!(
        most <= SMALL as i64,
        "a queue of capacity {SMALL} held at least {most} items at once while 4 producers and 4 \
         consumers used it: a producer that wakes up must check again that there is room \
         (while, not if)"
    );
}

/// Four producers put `EACH` items apiece (producer p's item i is `p << 32 | i`) into a queue of
/// 64, four consumers get until they receive the sentinel `END`, the lectures' way of ending
/// consumers; returns what each consumer received, in the order it received it.
fn four_by_four(each: u64) -> Vec<Vec<u64>> {
    const END: u64 = u64::MAX;
    let queue = Arc::new(BoundedQueue::<u64>::new(64));
    with_deadline(
        Duration::from_secs(8),
        "4 producers and 4 consumers",
        move || {
            let start = Barrier::new(8);
            thread::scope(|s| {
                let consumers: Vec<_> = (0..4)
                    .map(|_| {
                        let (queue, start) = (&queue, &start);
                        s.spawn(move || {
                            start.wait();
                            let mut got = Vec::with_capacity(each as usize);
                            loop {
                                match queue.get() {
                                    Ok(END) => return got,
                                    Ok(item) => got.push(item),
                                    Err(e) => panic!("get failed on an open queue: {e}"),
                                }
                            }
                        })
                    })
                    .collect();
                let producers: Vec<_> = (0..4u64)
                    .map(|p| {
                        let (queue, start) = (&queue, &start);
                        s.spawn(move || {
                            start.wait();
                            for i in 0..each {
                                queue.put(p << 32 | i).expect("put failed on an open queue");
                            }
                        })
                    })
                    .collect();
                producers.into_iter().for_each(|p| p.join().unwrap());
                for _ in 0..4 {
                    queue.put(END).expect("put failed on an open queue");
                }
                consumers.into_iter().map(|c| c.join().unwrap()).collect()
            })
        },
    )
}

#[test]
fn nothing_is_lost_or_duplicated() {
    const EACH: u64 = 100_000;
    let received = four_by_four(EACH);
    let mut seen = vec![0u32; 4 * EACH as usize];
    for &item in received.iter().flatten() {
        let (p, i) = (item >> 32, item & 0xffff_ffff);
        assert!(
            p < 4 && i < EACH,
            "a consumer received {item:#x}, which no producer put: the queue's storage is corrupt"
        );
        seen[(p * EACH + i) as usize] += 1;
    }
    let lost: Vec<usize> = (0..seen.len()).filter(|&k| seen[k] == 0).collect();
    let doubled = seen.iter().filter(|&&n| n > 1).count();
    let name = |k: usize| {
        format!(
            "item {} of producer {}",
            k as u64 % EACH,
            k as u64 / EACH + 1
        )
    };
    assert!(
        lost.is_empty() && doubled == 0,
        "4 producers × {} items through a queue of 64 to 4 consumers: {} lost{}, {} received \
         more than once. Every put and get must change the queue under its lock, and each item \
         must be taken out exactly once",
        thousands(EACH),
        thousands(lost.len() as i128),
        lost.first()
            .map(|&k| format!(" (the first: {})", name(k)))
            .unwrap_or_default(),
        thousands(doubled as i128)
    );
}

#[test]
fn items_from_one_producer_arrive_in_order() {
    // One thread first: fill, take some, put more (a ring buffer wraps around here), take all.
    let q = BoundedQueue::<u32>::new(4);
    let order = with_deadline(LIMIT, "one thread putting and getting", move || {
        let mut out = Vec::new();
        (0..4).for_each(|i| q.put(i).unwrap());
        (0..2).for_each(|_| out.push(q.get().unwrap()));
        (4..6).for_each(|i| q.put(i).unwrap());
        (0..4).for_each(|_| out.push(q.get().unwrap()));
        out
    });
    assert!(
        order == [0, 1, 2, 3, 4, 5],
        "put 0 1 2 3, got two, put 4 5, got the rest: the items came out as {order:?}, \
         not 0 to 5 in order. A queue is first in, first out"
    );
    // Then 4 × 4 threads: each consumer must see each producer's items in the order they were put.
    let received = four_by_four(25_000);
    for (c, items) in received.iter().enumerate() {
        let mut last = [None::<u64>; 4];
        for &item in items {
            let (p, i) = ((item >> 32) as usize, item & 0xffff_ffff);
            if let Some(before) = last[p] {
                assert!(
                    i > before,
                    "consumer {} received producer {}'s item {i} after its item {before}: the \
                     items of one producer must come out in the order it put them",
                    c + 1,
                    p + 1
                );
            }
            last[p] = Some(i);
        }
    }
}

#[test]
fn get_timeout_times_out_with_a_typed_error() {
    let queue = Arc::new(BoundedQueue::<u32>::new(4));
    let q = Arc::clone(&queue);
    let (result, waited) =
        with_deadline(LIMIT, "get_timeout(200 ms) on an empty queue", move || {
            let start = Instant::now();
            let result = q.get_timeout(Duration::from_millis(200));
            (result, start.elapsed())
        });
    assert!(
        result == Err(GetTimeoutError::Timeout),
        "get_timeout(200 ms) on an empty, open queue returned {result:?}, expected \
         Err(GetTimeoutError::Timeout)"
    );
    assert!(
        waited >= Duration::from_millis(190),
        "get_timeout(200 ms) gave up after {:.0} ms: it must wait the whole timeout (a wait can \
         end early, spuriously or because another thread took the item: wait until a deadline)",
        waited.as_secs_f64() * 1000.0
    );

    // An item put while a getter waits is handed to it, long before the timeout.
    let q = Arc::clone(&queue);
    let putter = thread::spawn(move || {
        thread::sleep(Duration::from_millis(100));
        q.put(7).unwrap();
    });
    let q = Arc::clone(&queue);
    let (result, waited) = with_deadline(
        LIMIT,
        "get_timeout(30 s) while another thread puts an item",
        move || {
            let start = Instant::now();
            let result = q.get_timeout(Duration::from_secs(30));
            (result, start.elapsed())
        },
    );
    putter.join().unwrap();
    assert!(
        result == Ok(7),
        "get_timeout returned {result:?} though another thread put 7 while it waited"
    );
    assert!(
        waited < Duration::from_secs(5),
        "get_timeout took {:.1} s to hand over an item put after 0.1 s: a put must wake a \
         waiting getter",
        waited.as_secs_f64()
    );

    // An item already there is taken at once.
    queue.put(8).unwrap();
    let q = Arc::clone(&queue);
    let result = with_deadline(LIMIT, "get_timeout on a queue holding an item", move || {
        q.get_timeout(Duration::from_secs(30))
    });
    assert!(
        result == Ok(8),
        "get_timeout on a queue holding 8 returned {result:?}"
    );
}

#[test]
fn close_wakes_every_blocked_caller() {
    // Three getters blocked on an empty queue, two putters blocked on a full one.
    let empty = Arc::new(BoundedQueue::<u32>::new(2));
    let full = Arc::new(BoundedQueue::<u32>::new(1));
    full.put(100).unwrap();
    let entered = Arc::new(Gauge::new());
    let (done, results) = mpsc::channel::<String>();
    for i in 0..3 {
        let (q, entered, done) = (Arc::clone(&empty), Arc::clone(&entered), done.clone());
        thread::spawn(move || {
            let _inside = entered.enter();
            let verdict = match q.get() {
                Err(GetError) => "ok".to_string(),
                Ok(item) => format!(
                    "getter {} received {item} from a queue nobody put into",
                    i + 1
                ),
            };
            let _ = done.send(verdict);
        });
    }
    for i in 0..2 {
        let (q, entered, done) = (Arc::clone(&full), Arc::clone(&entered), done.clone());
        thread::spawn(move || {
            let _inside = entered.enter();
            let verdict = match q.put(i) {
                Err(PutError(back)) if back == i => "ok".to_string(),
                Err(PutError(back)) => format!("a failed put gave back {back}, not its item {i}"),
                Ok(()) => format!("putter {} put into a full queue nobody took from", i + 1),
            };
            let _ = done.send(verdict);
        });
    }
    drop(done);
    // Wait until all five are inside their calls, then give them time to fall asleep.
    assert!(
        wait_until(Duration::from_secs(3), || entered.current() == 5),
        "the getters and putters did not start"
    );
    thread::sleep(Duration::from_millis(100));
    let (e, f) = (Arc::clone(&empty), Arc::clone(&full));
    with_deadline(LIMIT, "close()", move || {
        e.close();
        f.close();
    });
    let mut woken = 0;
    for _ in 0..5 {
        match results.recv_timeout(Duration::from_secs(3)) {
            Ok(verdict) if verdict == "ok" => woken += 1,
            Ok(verdict) => panic!("{verdict}"),
            Err(_) => break,
        }
    }
    assert!(
        woken == 5,
        "3 getters waited on an empty queue and 2 putters on a full one; after close(), {} of \
         the 5 were still asleep 3 s later (a lost wake-up). close must wake every waiting \
         thread, on both sides: notify_all, not notify_one",
        5 - woken
    );

    // Later calls fail at once, but what was queued before close is still handed out.
    let (e, f) = (Arc::clone(&empty), Arc::clone(&full));
    with_deadline(LIMIT, "calls on a closed queue", move || {
        let put = e.put(5);
        assert!(
            put == Err(PutError(5)),
            "put(5) on a closed queue returned {put:?}, expected Err(PutError(5))"
        );
        let get = e.get();
        assert!(
            get == Err(GetError),
            "get on a closed, empty queue returned {get:?}, expected Err(GetError)"
        );
        let get = e.get_timeout(Duration::from_secs(30));
        assert!(
            get == Err(GetTimeoutError::Closed),
            "get_timeout on a closed, empty queue returned {get:?}, expected \
             Err(GetTimeoutError::Closed)"
        );
        let (first, then) = (f.get(), f.get());
        assert!(
            first == Ok(100) && then == Err(GetError),
            "a queue closed while holding 100 answered get with {first:?}, then {then:?}: \
             expected Ok(100), then Err(GetError). Items queued before close are still handed \
             out; only then does get fail"
        );
    });
}

// ---------------------------------------------------------------------------------------------
// The bounded queue, under the model checker
// ---------------------------------------------------------------------------------------------

type ModelQueue = model::queue::BoundedQueue<u32>;

/// Spawns a model thread that puts `item`, then checks that the queue holds no more than `cap`.
fn model_producer(
    queue: &Arc<ModelQueue>,
    name: &'static str,
    item: u32,
    cap: usize,
) -> impl FnOnce() + Send + 'static {
    let queue = Arc::clone(queue);
    move || {
        if queue.put(item).is_err() {
            fail(format!(
                "{name}'s put({item}) failed, but the queue was never closed."
            ));
        }
        let held = queue.len();
        if held > cap {
            fail(format!(
                "a queue of capacity {cap} holds {held} items after {name}'s put: put must wait \
                 while the queue is full, and a putter that wakes up must check again that there \
                 is room (while, not if)."
            ));
        }
    }
}

fn model_get(queue: &ModelQueue, name: &str) -> u32 {
    match queue.get() {
        Ok(item) => item,
        Err(GetError) => fail(format!(
            "{name}'s get returned GetError, but the queue was never closed: it woke up, found \
             the queue empty (another thread took the item first) and gave up. A wake-up only \
             says \"look again\": wait in a loop (while, not if)."
        )),
    }
}

#[test]
fn queue_is_right_in_thousands_of_interleavings() {
    // Room for one item; two producers and two consumers. Every order of their steps must
    // deliver both items. (One condition variable shared by both sides, with notify_one, can
    // wake a consumer where a producer needed waking: then everyone sleeps.)
    let schedules = check_sampled_interleavings(SEED, RUNS, || {
        let queue = Arc::new(ModelQueue::new(1));
        let producers = [
            spawn("producer-1", model_producer(&queue, "producer-1", 1, 1)),
            spawn("producer-2", model_producer(&queue, "producer-2", 2, 1)),
        ];
        let consumers = ["consumer-1", "consumer-2"].map(|name| {
            let queue = Arc::clone(&queue);
            spawn(name, move || model_get(&queue, name))
        });
        producers.into_iter().for_each(|p| p.join().unwrap());
        let mut got: Vec<u32> = consumers.into_iter().map(|c| c.join().unwrap()).collect();
        got.sort();
        if got != [1, 2] {
            fail(format!(
                "the consumers received {got:?}, expected 1 and 2 once each."
            ));
        }
    });
    println!("two producers, two consumers, room for one: right in {schedules} interleavings");

    // Room for one item; three producers and one consumer taking three.
    let schedules = check_sampled_interleavings(SEED, RUNS, || {
        let queue = Arc::new(ModelQueue::new(1));
        let producers = [
            spawn("producer-1", model_producer(&queue, "producer-1", 1, 1)),
            spawn("producer-2", model_producer(&queue, "producer-2", 2, 1)),
            spawn("producer-3", model_producer(&queue, "producer-3", 3, 1)),
        ];
        let q = Arc::clone(&queue);
        let consumer = spawn("consumer", move || {
            (0..3)
                .map(|_| model_get(&q, "consumer"))
                .collect::<Vec<_>>()
        });
        producers.into_iter().for_each(|p| p.join().unwrap());
        let mut got = consumer.join().unwrap();
        got.sort();
        if got != [1, 2, 3] {
            fail(format!(
                "the consumer received {got:?}, expected 1, 2 and 3 once each."
            ));
        }
    });
    println!("three producers, one consumer, room for one: right in {schedules} interleavings");
}

#[test]
fn close_wakes_everyone_in_every_interleaving() {
    // Two getters on an empty queue; the main thread closes it at any point of their steps.
    let schedules = check_every_interleaving(|| {
        let queue = Arc::new(ModelQueue::new(1));
        let getters = ["getter-1", "getter-2"].map(|name| {
            let queue = Arc::clone(&queue);
            spawn(name, move || {
                if let Ok(item) = queue.get() {
                    fail(format!(
                        "{name} received {item} from a queue nobody put into."
                    ));
                }
            })
        });
        queue.close();
        getters.into_iter().for_each(|g| g.join().unwrap());
    });
    println!("close with two getters waiting: right in {schedules} interleavings");

    // Two putters on a full queue; the main thread closes it, then takes what is left.
    let schedules = check_every_interleaving(|| {
        let queue = Arc::new(ModelQueue::new(1));
        queue.put(0).unwrap();
        let putters = [("putter-1", 1), ("putter-2", 2)].map(|(name, item)| {
            let queue = Arc::clone(&queue);
            spawn(name, move || {
                if queue.put(item).is_ok() {
                    fail(format!(
                        "{name} put {item} into a full queue of capacity 1 that nobody took from."
                    ));
                }
            })
        });
        queue.close();
        putters.into_iter().for_each(|p| p.join().unwrap());
        let (first, then) = (queue.get(), queue.get());
        if first != Ok(0) || then != Err(GetError) {
            fail(format!(
                "a queue closed while holding 0 answered get with {first:?}, then {then:?}: \
                 expected Ok(0), then Err(GetError)."
            ));
        }
    });
    println!("close with two putters waiting: right in {schedules} interleavings");
}

// ---------------------------------------------------------------------------------------------
// Other orders
// ---------------------------------------------------------------------------------------------

#[test]
fn priority_queue_serves_the_lowest_first() {
    let order = with_deadline(LIMIT, "a priority queue", || {
        // The lectures' pattern: (priority_number, data) tuples.
        let queue = PriorityQueue::<(u32, String)>::new(16);
        for (priority, data) in [
            (3, "write"),
            (1, "urgent"),
            (5, "idle"),
            (2, "read"),
            (4, "log"),
        ] {
            queue.put((priority, data.to_string())).unwrap();
        }
        let mut order = vec![queue.get().unwrap(), queue.get().unwrap()];
        queue.put((0, "more urgent".to_string())).unwrap();
        queue.put((9, "whenever".to_string())).unwrap();
        while order.len() < 7 {
            order.push(queue.get().unwrap());
        }
        order
    });
    let priorities: Vec<u32> = order.iter().map(|(p, _)| *p).collect();
    assert!(
        priorities == [1, 2, 0, 3, 4, 5, 9],
        "put priorities 3 1 5 2 4, got two, put 0 and 9, got the rest: they came out as \
         {priorities:?}, expected [1, 2, 0, 3, 4, 5, 9]. Python's PriorityQueue hands out the \
         lowest entry first"
    );
}

#[test]
fn lifo_queue_serves_the_last_first() {
    let order = with_deadline(LIMIT, "a LIFO queue", || {
        let queue = LifoQueue::<u32>::new(8);
        (1..=4).for_each(|i| queue.put(i).unwrap());
        let mut order = vec![queue.get().unwrap(), queue.get().unwrap()];
        (5..=6).for_each(|i| queue.put(i).unwrap());
        while order.len() < 6 {
            order.push(queue.get().unwrap());
        }
        order
    });
    assert!(
        order == [4, 3, 6, 5, 2, 1],
        "put 1 2 3 4, got two, put 5 6, got the rest: they came out as {order:?}, expected \
         [4, 3, 6, 5, 2, 1]. A LIFO queue is a stack: last in, first out"
    );
}

// ---------------------------------------------------------------------------------------------
// The pipeline on crossbeam channels
// ---------------------------------------------------------------------------------------------

/// Runs a pipeline on its own thread; if it has not returned within `LIMIT`, fails saying why a
/// pipeline does not end.
fn run_pipeline<R: Send + 'static>(what: &str, f: impl FnOnce() -> R + Send + 'static) -> R {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(LIMIT) {
        Ok(results) => results,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!(
            "{what} had not returned {:.0} s after it started, though its producers send only a \
             few thousand items: its consumers are still waiting for more. A consumer's `for \
             item in receiver` ends only once every Sender is dropped; is a Sender alive outside \
             the producers?",
            LIMIT.as_secs_f64()
        ),
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("{what} panicked (see above)"),
    }
}

#[test]
fn pipeline_ends_when_producers_are_done() {
    const EACH: u64 = 10_000;
    let results = run_pipeline("the pipeline (4 producers, 3 consumers)", || {
        let producers: Vec<_> = (0..4u64)
            .map(|p| {
                move |items: crossbeam_channel::Sender<u64>| {
                    for i in 0..EACH {
                        // The last producer pauses halfway: the consumers must wait for
                        // it, not decide that a quiet channel is a finished one.
                        if p == 3 && i == EACH / 2 {
                            thread::sleep(Duration::from_millis(300));
                        }
                        items.send(p * EACH + i).unwrap();
                    }
                }
            })
            .collect();
        pipeline(producers, 3, 16, |item: u64| item * 2)
    });
    let mut seen = vec![0u32; 4 * EACH as usize];
    for r in &results {
        seen[(*r / 2) as usize] += 1;
    }
    let lost = seen.iter().filter(|&&n| n == 0).count();
    let doubled = seen.iter().filter(|&&n| n > 1).count();
    assert!(
        lost == 0 && doubled == 0,
        "4 producers sent {} items; the pipeline returned {} results: {} items never consumed, \
         {} consumed more than once",
        thousands(4 * EACH),
        thousands(results.len() as i128),
        thousands(lost as i128),
        thousands(doubled as i128)
    );
}

#[test]
fn pipeline_consumers_run_in_parallel() {
    const CONSUMERS: usize = 4;
    let inside = Arc::new(Gauge::new());
    let gauge = Arc::clone(&inside);
    let results = run_pipeline("the pipeline (2 producers, 4 consumers)", move || {
        let started = Instant::now();
        let producers: Vec<_> = (0..2u32)
            .map(|p| {
                move |items: crossbeam_channel::Sender<u32>| {
                    (0..100).for_each(|i| items.send(p * 100 + i).unwrap())
                }
            })
            .collect();
        pipeline(producers, CONSUMERS, 8, |item| {
            let _inside = gauge.enter();
            // Wait for company (for at most a second from the start): consumers that really
            // run at the same time meet here.
            while gauge.most() < CONSUMERS && started.elapsed() < Duration::from_secs(1) {
                thread::sleep(Duration::from_millis(1));
            }
            item
        })
    });
    assert!(
        results.len() == 200,
        "the pipeline returned {} results for 200 items",
        results.len()
    );
    assert!(
        inside.most() == CONSUMERS,
        "a pipeline with {CONSUMERS} consumers never had more than {} of them consuming at \
         once, though each waited up to a second for the others: run every consumer on its own \
         thread, all taking from the same channel",
        inside.most()
    );
}
