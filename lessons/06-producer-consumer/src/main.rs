// The demo of lesson 06: `cargo xtask run lesson-06 [--solution] -- queue --capacity 3`.
// The solution's demo is this same file (solutions/06-producer-consumer/src/main.rs includes it).

use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand, ValueEnum};
use common::bench::{self, Case, Record};
use common::grading::thousands;
use crossbeam_channel::{Receiver, bounded, select};
use lesson_06::throughput::{self, Kind};
use lesson_06::{BoundedQueue, GetTimeoutError, LifoQueue, PriorityQueue, pipeline};
use tracing::info;

/// Producers and consumers: the lectures' Queue(maxsize), LifoQueue, PriorityQueue, the
/// results queue of the threaded integral, and crossbeam channels that end by disconnection.
#[derive(Parser)]
struct Args {
    #[command(subcommand)]
    demo: Demo,
}

#[derive(Subcommand)]
enum Demo {
    /// Producers and consumers around a BoundedQueue: watch producers wait while it is full.
    Queue {
        #[arg(long, default_value_t = 2)]
        producers: usize,
        #[arg(long, default_value_t = 2)]
        consumers: usize,
        /// Items each producer puts.
        #[arg(long, default_value_t = 5)]
        items: u32,
        /// The queue's maxsize.
        #[arg(long, default_value_t = 3)]
        capacity: usize,
        /// How long a consumer takes per item (slow consumers fill the queue).
        #[arg(long, default_value_t = 100)]
        delay_ms: u64,
        /// How the consumers learn that the work is over.
        #[arg(long, value_enum, default_value_t = End::Close)]
        end: End,
    },
    /// The lectures' `q.put(37337); q.get(block, timeout=2)`, then a get that times out.
    Timeout {
        #[arg(long, default_value_t = 2.0)]
        seconds: f64,
    },
    /// The same items through a Queue, a LifoQueue and a PriorityQueue.
    Orders,
    /// Producers → consumers on a crossbeam channel, ended by disconnection: each consumer says
    /// how many items it processed (the lectures' sentinel example, without sentinels).
    Pipeline {
        #[arg(long, default_value_t = 3)]
        producers: usize,
        #[arg(long, default_value_t = 3)]
        consumers: usize,
        /// Items each producer sends.
        #[arg(long, default_value_t = 4)]
        items: u32,
    },
    /// One consumer waiting on two channels at once with `select!`, until both disconnect.
    Select,
    /// The lectures' threaded integral of x² on [0, 10]: each thread puts its part on a
    /// results queue and the main thread adds up `threads` gets.
    Integrate {
        #[arg(long, default_value_t = 8)]
        threads: usize,
        #[arg(long, default_value_t = 100_000_000)]
        n: u64,
    },
    /// Items per second through the hand-made queue, crossbeam's channel and std's
    /// sync_channel, 1 → 1 and 4 → 4.
    Throughput {
        #[arg(long, default_value_t = 1_000_000)]
        items: u64,
        #[arg(long, default_value_t = 1024)]
        capacity: usize,
    },
    /// For `cargo xtask bench lesson-06`: the rows to measure, as JSON.
    #[command(hide = true)]
    BenchCases,
    /// For `cargo xtask bench lesson-06`: one measured run, as a JSON line.
    #[command(hide = true)]
    BenchRun {
        #[arg(long, value_enum)]
        queue: QueueKind,
        #[arg(long, default_value_t = 1)]
        producers: usize,
        #[arg(long, default_value_t = 1)]
        consumers: usize,
        #[arg(long, default_value_t = BENCH_ITEMS)]
        items: u64,
        #[arg(long, default_value_t = BENCH_CAPACITY)]
        capacity: usize,
        /// Also report one timeline bar per thread.
        #[arg(long)]
        timeline: bool,
    },
}

#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum End {
    /// `close()` once the producers are done: consumers get what is left, then an error.
    Close,
    /// The lectures' way: one sentinel item per consumer.
    Sentinel,
}

#[derive(Clone, Copy, ValueEnum)]
enum QueueKind {
    HandMade,
    Crossbeam,
    SyncChannel,
}

impl QueueKind {
    fn kind(self) -> Kind {
        match self {
            QueueKind::HandMade => Kind::HandMade,
            QueueKind::Crossbeam => Kind::Crossbeam,
            QueueKind::SyncChannel => Kind::SyncChannel,
        }
    }
}

const BENCH_ITEMS: u64 = 1_000_000;
const BENCH_CAPACITY: usize = 1024;
/// CPython moves far fewer items per second: fewer items keep its rows to a second or two.
const PYTHON_ITEMS: u64 = 200_000;

fn main() {
    common::log::init();
    match Args::parse().demo {
        Demo::Queue {
            producers,
            consumers,
            items,
            capacity,
            delay_ms,
            end,
        } => queue_demo(producers, consumers, items, capacity, delay_ms, end),
        Demo::Timeout { seconds } => {
            let q = BoundedQueue::new(10);
            q.put(37337).unwrap();
            let timeout = Duration::from_secs_f64(seconds);
            info!("got {:?}", q.get_timeout(timeout));
            let start = Instant::now();
            match q.get_timeout(timeout) {
                Err(GetTimeoutError::Timeout) => info!(
                    "the queue is empty: get_timeout gave up after {:.2} s (Python raises queue.Empty)",
                    start.elapsed().as_secs_f64()
                ),
                other => info!("unexpected: {other:?}"),
            }
        }
        Demo::Orders => {
            let entries = [(3, "write"), (1, "urgent"), (5, "idle"), (2, "read")];
            let fifo = BoundedQueue::new(8);
            let lifo = LifoQueue::new(8);
            let lowest = PriorityQueue::new(8);
            for entry in entries {
                fifo.put(entry).unwrap();
                lifo.put(entry).unwrap();
                lowest.put(entry).unwrap();
            }
            info!("put, in this order:  {entries:?}");
            let drain = |get: &dyn Fn() -> Option<(i32, &'static str)>| {
                std::iter::from_fn(get)
                    .take(entries.len())
                    .collect::<Vec<_>>()
            };
            info!("Queue hands out:     {:?}", drain(&|| fifo.get().ok()));
            info!("LifoQueue:           {:?}", drain(&|| lifo.get().ok()));
            info!("PriorityQueue:       {:?}", drain(&|| lowest.get().ok()));
        }
        Demo::Pipeline {
            producers,
            consumers,
            items,
        } => {
            let jobs: Vec<_> = (0..producers as u32)
                .map(|p| {
                    move |tx: crossbeam_channel::Sender<u32>| {
                        for i in 0..items {
                            tx.send(p * 100 + i).unwrap();
                        }
                        info!("done: dropping my Sender");
                    }
                })
                .collect();
            let done = pipeline(jobs, consumers, 2, |item| {
                thread::sleep(Duration::from_millis(20));
                (thread::current().name().unwrap_or("?").to_string(), item)
            });
            for c in 1..=consumers {
                let name = format!("consumer-{c}");
                let n = done.iter().filter(|(who, _)| *who == name).count();
                info!("{name} processed {n} items");
            }
            info!(
                "{} results; every consumer stopped when the last Sender was dropped",
                done.len()
            );
        }
        Demo::Select => select_demo(),
        Demo::Integrate { threads, n } => integrate_demo(threads, n),
        Demo::Throughput { items, capacity } => {
            for kind in [
                QueueKind::HandMade,
                QueueKind::Crossbeam,
                QueueKind::SyncChannel,
            ] {
                for workers in [1, 4] {
                    let run = throughput::run(kind.kind(), workers, workers, items, capacity);
                    info!(
                        "{:<26} {workers} → {workers}: {:>12} items/s ({:.3} s){}",
                        variant(kind),
                        thousands(run.items_per_second() as i128),
                        run.elapsed.as_secs_f64(),
                        if run.is_complete(items) {
                            ""
                        } else {
                            "  ITEMS LOST"
                        }
                    );
                }
            }
        }
        Demo::BenchCases => bench::print_cases(&bench_cases()),
        Demo::BenchRun {
            queue,
            producers,
            consumers,
            items,
            capacity,
            timeline,
        } => {
            let run = throughput::run(queue.kind(), producers, consumers, items, capacity);
            let result = if run.is_complete(items) {
                format!("{items} ok")
            } else {
                format!("WRONG: {} of {items} items received", run.items)
            };
            let mut record = Record::new(run.elapsed.as_secs_f64()).result(result);
            if timeline {
                record = record.timeline(run.timeline);
            }
            record.print();
        }
    }
}

fn variant(kind: QueueKind) -> &'static str {
    match kind {
        QueueKind::HandMade => "hand-made queue",
        QueueKind::Crossbeam => "crossbeam_channel::bounded",
        QueueKind::SyncChannel => "std sync_channel",
    }
}

/// The rows of `cargo xtask bench lesson-06`: every queue 1 → 1 and 4 → 4, then CPython's
/// `queue.Queue` the same way (fewer items: it is that much slower).
fn bench_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    let (items, capacity) = (BENCH_ITEMS.to_string(), BENCH_CAPACITY.to_string());
    for (kind, id, arg) in [
        (QueueKind::HandMade, "hand", "hand-made"),
        (QueueKind::Crossbeam, "crossbeam", "crossbeam"),
        (QueueKind::SyncChannel, "sync-channel", "sync-channel"),
    ] {
        for workers in [1, 4] {
            let w = workers.to_string();
            let run = [
                "bench-run",
                "--queue",
                arg,
                "--producers",
                &w,
                "--consumers",
                &w,
                "--items",
                &items,
                "--capacity",
                &capacity,
            ];
            let mut case = Case::run(
                format!("{id}-{workers}-{workers}"),
                variant(kind),
                workers,
                run,
            )
            .items(BENCH_ITEMS);
            if matches!(kind, QueueKind::HandMade) && workers == 4 {
                case = case.with_timeline();
            }
            cases.push(case);
        }
    }
    let python_items = PYTHON_ITEMS.to_string();
    for workers in [1, 4] {
        let w = workers.to_string();
        let python = [
            "lessons/06-producer-consumer/python/queues.py",
            "--producers",
            &w,
            "--consumers",
            &w,
            "--items",
            &python_items,
            "--capacity",
            &capacity,
        ];
        cases.push(
            Case::python(
                format!("py-{workers}-{workers}"),
                "Python queue.Queue",
                workers,
                python,
            )
            .items(PYTHON_ITEMS),
        );
    }
    cases
}

fn queue_demo(
    producers: usize,
    consumers: usize,
    items: u32,
    capacity: usize,
    delay: u64,
    end: End,
) {
    // The lectures' sentinel must be a value no producer sends; u32::MAX plays `'end'`.
    const SENTINEL: u32 = u32::MAX;
    let queue = Arc::new(BoundedQueue::new(capacity));
    thread::scope(|s| {
        let producer_threads: Vec<_> = (1..=producers)
            .map(|p| {
                let queue = &queue;
                thread::Builder::new()
                    .name(format!("producer-{p}"))
                    .spawn_scoped(s, move || {
                        for i in 0..items {
                            let item = p as u32 * 100 + i;
                            let full = queue.len() >= capacity;
                            if full {
                                info!("queue full ({capacity}): waiting to put {item}");
                            }
                            queue.put(item).unwrap();
                            info!("put {item} (queue holds {})", queue.len());
                        }
                    })
                    .unwrap()
            })
            .collect();
        for c in 1..=consumers {
            let queue = &queue;
            thread::Builder::new()
                .name(format!("consumer-{c}"))
                .spawn_scoped(s, move || {
                    let mut done = 0;
                    while let Ok(item) = queue.get() {
                        if item == SENTINEL {
                            info!("got the sentinel: stopping");
                            break;
                        }
                        info!("got {item}");
                        done += 1;
                        thread::sleep(Duration::from_millis(delay));
                    }
                    info!("processed {done} items");
                })
                .unwrap();
        }
        producer_threads.into_iter().for_each(|p| p.join().unwrap());
        match end {
            End::Close => {
                info!("producers done: close()");
                queue.close();
            }
            End::Sentinel => {
                info!("producers done: one sentinel per consumer");
                (0..consumers).for_each(|_| queue.put(SENTINEL).unwrap());
            }
        }
    });
}

fn select_demo() {
    let (fast_tx, fast) = bounded(1);
    let (slow_tx, slow) = bounded(1);
    thread::scope(|s| {
        s.spawn(move || {
            (0..6).for_each(|i| {
                thread::sleep(Duration::from_millis(50));
                fast_tx.send(format!("fast {i}")).unwrap();
            })
        });
        s.spawn(move || {
            (0..2).for_each(|i| {
                thread::sleep(Duration::from_millis(140));
                slow_tx.send(format!("slow {i}")).unwrap();
            })
        });
        // A disconnected receiver is replaced by `never()`, so select! stops watching it.
        let (mut fast, mut slow): (Receiver<String>, Receiver<String>) = (fast, slow);
        let mut open = 2;
        while open > 0 {
            select! {
                recv(fast) -> msg => match msg {
                    Ok(m) => info!("{m}"),
                    Err(_) => { info!("the fast producer is gone"); fast = crossbeam_channel::never(); open -= 1; }
                },
                recv(slow) -> msg => match msg {
                    Ok(m) => info!("{m}"),
                    Err(_) => { info!("the slow producer is gone"); slow = crossbeam_channel::never(); open -= 1; }
                },
                default(Duration::from_millis(100)) => info!("nothing for 100 ms"),
            }
        }
    });
}

fn integrate_demo(threads: usize, n: u64) {
    let (a, b) = (0.0, 10.0);
    let start = Instant::now();
    let results = BoundedQueue::new(threads);
    let dx = (b - a) / threads as f64;
    let chunk = n / threads as u64;
    thread::scope(|s| {
        for i in 0..threads {
            let results = &results;
            let x0 = a + dx * i as f64;
            thread::Builder::new()
                .name(format!("worker-{}", i + 1))
                .spawn_scoped(s, move || {
                    results
                        .put(common::workloads::integrate(
                            common::workloads::square,
                            x0,
                            x0 + dx,
                            chunk,
                        ))
                        .unwrap()
                })
                .unwrap();
            info!("thread worker-{} started", i + 1);
        }
        // As the lectures do: exactly `threads` gets, one per worker.
        let total: f64 = (0..threads).map(|_| results.get().unwrap()).sum();
        info!(
            "numerical solution with N={n}: {total:.6} ({threads} threads, {:.3} s)",
            start.elapsed().as_secs_f64()
        );
    });
}
