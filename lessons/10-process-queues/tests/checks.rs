// The checks of lesson 10, run by `cargo xtask check lesson-10`.
//
// Each check runs the work queue on this package's own binary (`common::package_binary!()`):
// 10 000 items on 4 worker processes, under a deadline. The evidence does not depend on timing:
//
// - every result names its position and its worker, so an item done twice or never shows;
// - four of the items (positions 0, 4, 8 and 12) are `Meet` items: the worker that takes one
//   waits until four different workers each hold one at once. Workers that ask for one item at
//   a time always meet (a waiting worker asks for nothing more, so the others take the other
//   Meet items), which also proves that every worker took some work. A worker handed several in
//   advance waits alone, and says so;
// - the Meet items make the arrival order certain not to be sorted: item 0 is finished only
//   after items 1, 2 and 3 (its worker waits for the others, who did those first), so results
//   that are not sorted by the dispatcher are out of order on every run;
// - after the run, every worker's pid is looked up in /proc: running or a zombie is a leak.

use std::collections::BTreeMap;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use common::grading::thousands;
use common::process::proc_info;
use lesson_10::{Cost, Item, QueueRun, run_queue, value_of};

const ITEMS: u64 = 10_000;
const WORKERS: usize = 4;
const MEETS: [u64; 4] = [0, 4, 8, 12];

/// How long a run may take: it needs well under a second; only a hang reaches this.
const LIMIT: Duration = Duration::from_secs(6);

fn items(dir: &std::path::Path) -> Vec<Item> {
    (0..ITEMS)
        .map(|pos| Item {
            pos,
            cost: if MEETS.contains(&pos) {
                Cost::Meet {
                    dir: dir.to_path_buf(),
                    company: WORKERS,
                }
            } else {
                // Uneven costs: some items take a hundred times longer than others.
                Cost::Spin((pos % 7) * (pos % 11) * 20)
            },
        })
        .collect()
}

/// Runs the queue under [`LIMIT`]; a run that does not return fails the check with what that
/// means.
fn run() -> QueueRun {
    let dir = tempfile::tempdir().expect("a folder for the Meet items");
    let items = items(dir.path());
    let (done, result) = mpsc::channel();
    thread::spawn(move || {
        let _ = done.send(run_queue(&common::package_binary!(), items, WORKERS));
    });
    match result.recv_timeout(LIMIT) {
        Ok(Ok(run)) => run,
        Ok(Err(e)) => panic!("run_queue failed: {e}"),
        Err(mpsc::RecvTimeoutError::Timeout) => {
            let stuck = kill_our_children();
            panic!(
                "run_queue did not return within {} s ({} items, {WORKERS} workers; it needs \
                 well under a second), and {stuck} of its workers were still there (killed and \
                 reaped now). When the work runs out, a worker that asks for more must be told \
                 to stop (Work::Stop, the lectures' 'end') or have its channel closed; otherwise \
                 it waits for an answer that never comes, and the dispatcher waits for its report",
                LIMIT.as_secs(),
                thousands(ITEMS)
            )
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("run_queue panicked (see above)"),
    }
}

/// Kills and reaps every child of this process (the workers of a run that hung, whose guards
/// are stuck on another thread), so that a failed check leaves nothing behind. Returns how many.
fn kill_our_children() -> usize {
    let children = common::process::children_of(std::process::id());
    for child in &children {
        // SAFETY: kill sends a signal to our own child; no memory is touched.
        unsafe { libc::kill(child.pid as i32, libc::SIGKILL) };
        let mut status = 0;
        // SAFETY: waitpid writes only to `status`; the pid is our child.
        unsafe { libc::waitpid(child.pid as i32, &mut status, 0) };
    }
    children.len()
}

/// Examples from a list, for a message: the first few, and how many in all.
fn some<T: std::fmt::Display>(list: &[T]) -> String {
    let shown: Vec<String> = list.iter().take(5).map(|x| x.to_string()).collect();
    if list.len() > 5 {
        format!("{} … ({} in all)", shown.join(", "), list.len())
    } else {
        shown.join(", ")
    }
}

#[test]
fn every_item_is_processed_exactly_once() {
    let run = run();
    let mut by_pos: BTreeMap<u64, Vec<usize>> = BTreeMap::new();
    for done in &run.results {
        by_pos.entry(done.pos).or_default().push(done.worker);
    }
    let twice: Vec<String> = by_pos
        .iter()
        .filter(|(_, workers)| workers.len() > 1)
        .map(|(pos, workers)| format!("{pos} (by workers {workers:?})"))
        .collect();
    let never: Vec<u64> = (0..ITEMS).filter(|p| !by_pos.contains_key(p)).collect();
    let strange: Vec<u64> = by_pos.keys().filter(|&&p| p >= ITEMS).copied().collect();
    assert!(
        twice.is_empty() && never.is_empty() && strange.is_empty(),
        "{} items on {WORKERS} workers gave {} results. Done more than once: {}. Never done: {}. \
         Not in the input: {}. Each item must leave the one queue once, to one worker: a copy \
         of the queue per worker (processes share no memory) does it once per worker, and a \
         split that overlaps does some twice",
        thousands(ITEMS),
        thousands(run.results.len() as u64),
        if twice.is_empty() {
            "none".into()
        } else {
            some(&twice)
        },
        if never.is_empty() {
            "none".into()
        } else {
            some(&never)
        },
        if strange.is_empty() {
            "none".into()
        } else {
            some(&strange)
        },
    );
    for done in &run.results {
        assert!(
            done.value == value_of(done.pos),
            "the result for item {} has the value {}, not {}: a result must stay with its item",
            done.pos,
            done.value,
            value_of(done.pos)
        );
    }
}

#[test]
fn worker_counts_add_up_and_every_worker_took_some() {
    let run = run();
    let mut reported: Vec<usize> = run.reports.iter().map(|r| r.worker).collect();
    reported.sort_unstable();
    assert!(
        reported == (0..WORKERS).collect::<Vec<_>>(),
        "reports came from workers {reported:?}, not from each of 0..{WORKERS} once: every \
         worker reports (FromWorker::Finished) when it stops, and the dispatcher keeps each report"
    );
    let total: u64 = run.reports.iter().map(|r| r.taken).sum();
    let counts: Vec<String> = run
        .reports
        .iter()
        .map(|r| format!("worker {} took {}", r.worker, r.taken))
        .collect();
    assert!(
        total == ITEMS,
        "the workers' counts ({}) add up to {}, not the {} items there were: each item must be \
         taken by exactly one worker",
        counts.join(", "),
        thousands(total),
        thousands(ITEMS)
    );
    for r in &run.reports {
        let results = run.results.iter().filter(|d| d.worker == r.worker).count() as u64;
        assert!(
            results == r.taken,
            "worker {} says it took {} items, but {} results name it",
            r.worker,
            r.taken,
            results
        );
    }
    let alone: Vec<String> = run
        .results
        .iter()
        .filter(|d| d.met == Some(false))
        .map(|d| format!("item {} (worker {})", d.pos, d.worker))
        .collect();
    assert!(
        alone.is_empty(),
        "the Meet items ({MEETS:?}) each wait until {WORKERS} different workers hold one at \
         once, but {} waited alone ({}). Handed out one at a time, on request, they always \
         meet: a worker that waits asks for nothing more, so the others take the rest. A worker \
         given its share in advance (a static split) holds them all and waits alone",
        alone.len(),
        alone.join(", ")
    );
    for r in &run.reports {
        assert!(
            r.taken > 0,
            "worker {} took no items ({}): every worker must get work",
            r.worker,
            counts.join(", ")
        );
    }
}

#[test]
fn results_come_back_sorted_by_position() {
    let run = run();
    let order: Vec<u64> = run.results.iter().map(|d| d.pos).collect();
    if let Some(i) = order.windows(2).position(|w| w[0] >= w[1]) {
        assert!(
            order[i] != order[i + 1],
            "results {i} and {} are both item {}: an item done twice cannot be in order (see \
             every_item_is_processed_exactly_once)",
            i + 1,
            order[i]
        );
        panic!(
            "the results are not in order of position: result {i} is item {}, result {} is item \
             {}. They arrive in the order the workers finish them (item 0 waits for company, so \
             it always comes after items 1 to 3); the dispatcher must put them back in the order \
             of the input: sort them by `pos`",
            order[i],
            i + 1,
            order[i + 1]
        );
    }
    assert!(
        order.len() as u64 == ITEMS,
        "{} results for {} items",
        thousands(order.len() as u64),
        thousands(ITEMS)
    );
}

#[test]
fn no_worker_is_left_running() {
    let run = run();
    assert!(
        run.reports.len() == WORKERS,
        "{} reports from {WORKERS} workers: every worker sends its report when it stops",
        run.reports.len()
    );
    let me = std::process::id();
    let mut left = Vec::new();
    for r in &run.reports {
        let Some(info) = proc_info(r.pid).filter(|p| p.parent == me) else {
            continue;
        };
        let what = if info.is_zombie() {
            "a zombie: it ended but was never waited for"
        } else {
            // SAFETY: kill sends a signal to our own child; no memory is touched.
            unsafe { libc::kill(r.pid as i32, libc::SIGKILL) };
            "still running"
        };
        let mut status = 0;
        // SAFETY: waitpid writes only to `status`; the pid is our child.
        unsafe { libc::waitpid(r.pid as i32, &mut status, 0) };
        left.push(format!("worker {} (pid {}) was {what}", r.worker, r.pid));
    }
    assert!(
        left.is_empty(),
        "run_queue returned, but {}. When the work runs out every worker must stop on its own, \
         and the dispatcher must wait for each (which reaps it)",
        left.join("; ")
    );
}
