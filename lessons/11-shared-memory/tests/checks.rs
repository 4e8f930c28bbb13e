// The checks of lesson 11, run by `cargo xtask check lesson-11`, each in its own process.
// The solution runs this same file (solutions/11-shared-memory/tests/checks.rs includes it).
//
// Each check starts this package's own binary (`common::package_binary!()`) in the lesson's
// roles. The balance race is checked twice:
// - with real processes, 10 rounds, as the lectures run it: the two processes meet at a start
//   line in the segment and each transaction's read and write are a microsecond apart, so the
//   racy balance ends far from 100 in practically every round, and the check fails if any round
//   is off;
// - under a model checker, two threads standing in for the two processes and running the very
//   same `balance.rs` and `lock.rs` step by step through every interleaving (or a fixed sample
//   of them, for the lock that spins): the lost update is found on every run on every machine.
// Every check also looks for what it may have left: a segment of ours in /dev/shm, a child.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use common::grading::{plural, thousands};
use common::model::{check_every_interleaving, check_sampled_interleavings, fail, spawn};
use common::process::{NAME_PREFIX, Program, children_of};
use lesson_11::{
    Fix, Manager, START_BALANCE, TRANSACTIONS, model, perform_transactions, run_clients,
    squares_in_child,
};

const ROUNDS: usize = 10;

fn program() -> Program {
    common::package_binary!()
}

/// One check at a time in this process. The grader runs each check in a process of its own, but
/// `cargo test` runs them on threads of one process, where the children and segments of one
/// check would be seen (and removed) by another's look for leftovers.
fn alone() -> MutexGuard<'static, ()> {
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

/// Our segments still in /dev/shm (named by `unique_name`, which holds our pid), removed now.
fn our_leftover_segments() -> Vec<String> {
    let mine = format!("-{}-", std::process::id());
    let mut left: Vec<String> = std::fs::read_dir("/dev/shm")
        .map(|entries| {
            entries
                .filter_map(|e| Some(e.ok()?.file_name().to_str()?.to_string()))
                .filter(|name| name.starts_with(NAME_PREFIX) && name.contains(&mine))
                .collect()
        })
        .unwrap_or_default();
    left.sort();
    for name in &left {
        let _ = std::fs::remove_file(format!("/dev/shm/{name}"));
    }
    left
}

/// Fails if a child of ours is still there (running, or a zombie).
fn no_child_left(after: &str) {
    let left = children_of(std::process::id());
    assert!(
        left.is_empty(),
        "after {after}, {} of ours {} still there: {}. Wait for every child you start.",
        plural(left.len(), "child process"),
        if left.len() == 1 { "is" } else { "are" },
        left.iter()
            .map(|p| format!(
                "pid {} ({})",
                p.pid,
                if p.is_zombie() { "a zombie" } else { "running" }
            ))
            .collect::<Vec<_>>()
            .join(", ")
    );
}

#[test]
fn the_parent_reads_the_childs_squares_and_sum() {
    let _alone = alone();
    let numbers = [1, 2, 3, 4, -5, 12, 0, 1_000_000];
    let squares = squares_in_child(&program(), &numbers).expect("squares_in_child failed");
    let expected: Vec<i64> = numbers.iter().map(|n| n * n).collect();
    let sum: i64 = expected.iter().sum();
    assert!(
        squares.squares == expected,
        "the child squared {numbers:?}, and the parent read {:?}, not {expected:?}. {}",
        squares.squares,
        if squares.squares.iter().all(|&s| s == 0) {
            "All zeros: the child wrote into memory of its own, which dies with it. A process \
             has its own copy of everything; what both must see goes in a segment that both \
             map (the lectures' multiprocessing.Array)."
        } else {
            "Some squares are missing or wrong."
        }
    );
    assert!(
        squares.sum == sum,
        "the parent read the sum of squares as {}, not {sum}: the child's sum must be in shared \
         memory too (the lectures' multiprocessing.Value)",
        squares.sum
    );
    no_child_left("squares_in_child");
}

#[test]
fn an_empty_list_has_no_squares() {
    let _alone = alone();
    let squares = squares_in_child(&program(), &[]).expect("squares_in_child failed on []");
    assert!(
        squares.squares.is_empty() && squares.sum == 0,
        "no numbers, yet {squares:?}"
    );
    let squares = squares_in_child(&program(), &[7]).expect("squares_in_child failed on [7]");
    assert!(
        squares.squares == [49] && squares.sum == 49,
        "the child squared [7], and the parent read {squares:?}: it must see [49], sum 49"
    );
}

/// Ten rounds of the lectures' `perform_transactions` with `fix`; fails with every wrong round.
fn ten_rounds(fix: Fix, what: &str) {
    let program = program();
    let mut balances = Vec::new();
    for _ in 0..ROUNDS {
        balances.push(
            perform_transactions(&program, fix, TRANSACTIONS).expect("the transactions failed"),
        );
    }
    no_child_left("perform_transactions");
    let wrong: Vec<String> = balances
        .iter()
        .filter(|&&b| b != START_BALANCE)
        .map(|&b| thousands(b))
        .collect();
    assert!(
        wrong.is_empty(),
        "lost updates between processes ({what}): one process withdrew 1 and the other \
         deposited 1, {} times each, on a balance of {START_BALANCE}, and the balance ended \
         ≠ {START_BALANCE} in {} of {ROUNDS} rounds: {}. A process read the balance, the other \
         changed it, and the first wrote back a value computed from the old one.",
        thousands(TRANSACTIONS),
        wrong.len(),
        wrong.join(", ")
    );
}

#[test]
fn balance_with_atomics_is_100_in_every_round() {
    let _alone = alone();
    ten_rounds(Fix::Atomic, "AtomicBalance");
}

/// Under the model checker: one thread withdraws 1 and another deposits 1 on `balance` (at 100),
/// as the two processes do; returns the balance after both.
fn withdraw_and_deposit<B: Send + Sync + 'static>(
    balance: B,
    withdraw: fn(&B, i64),
    deposit: fn(&B, i64),
    get: fn(&B) -> i64,
) -> i64 {
    let balance = Arc::new(balance);
    let (a, b) = (Arc::clone(&balance), Arc::clone(&balance));
    let withdrawer = spawn("withdraw", move || withdraw(&a, 1));
    let depositor = spawn("deposit", move || deposit(&b, 1));
    withdrawer.join().unwrap();
    depositor.join().unwrap();
    get(&balance)
}

#[test]
fn atomic_balance_is_right_in_every_interleaving() {
    let schedules = check_every_interleaving(|| {
        use model::balance::AtomicBalance as B;
        let value = withdraw_and_deposit(B::new(100), B::withdraw, B::deposit, B::get);
        if value != 100 {
            fail(format!(
                "lost update: on a balance of 100, one process withdrew 1 and the other \
                 deposited 1, and the balance is {value}. Both read 100 before either wrote back \
                 (reading and writing an atomic in two steps is no race in the sense of \
                 undefined behaviour, and still loses an update). An atomic has operations that \
                 read and write in one step."
            ));
        }
    });
    println!("the atomic balance is right in all {schedules} interleavings");
}

#[test]
fn balance_with_a_lock_is_100_in_every_round() {
    let _alone = alone();
    ten_rounds(Fix::Lock, "LockedBalance");
}

#[test]
fn locked_balance_is_right_in_every_interleaving() {
    // The lock spins (yielding), so the schedules are endless in number: try a fixed sample of
    // them, the same on every run, which finds a lock that is let go between read and write.
    let schedules = check_sampled_interleavings(11, 2_000, || {
        use model::balance::LockedBalance as B;
        let value = withdraw_and_deposit(B::new(100), B::withdraw, B::deposit, B::get);
        if value != 100 {
            fail(format!(
                "lost update: on a balance of 100 behind a lock, one process withdrew 1 and the \
                 other deposited 1, and the balance is {value}. A process released the lock \
                 between reading the balance and writing it back, and the other changed it \
                 meanwhile: hold one guard for the whole read-modify-write. (In the table, \
                 compare_exchange 0→1 takes the lock and a write of 0 releases it.)"
            ));
        }
    });
    println!("the locked balance is right in all {schedules} sampled interleavings");
}

#[test]
fn the_lectures_manager_sums_to_15() {
    let _alone = alone();
    let program = program();
    let manager = Manager::start(&program, &[1, 2, 3, 4]).expect("starting the manager");
    run_clients(&program, &manager, &[vec![5]]).expect("a client failed");
    let (list, sum) = {
        let client = manager.client();
        (client.list().expect("list"), client.sum().expect("sum"))
    };
    manager
        .shutdown(Duration::from_secs(5))
        .expect("the manager did not end well");
    assert!(
        list == [1, 2, 3, 4, 5] && sum == 15,
        "the manager held [1, 2, 3, 4], a client process appended 5, and the manager now holds \
         {list:?} with sum {sum}: expected [1, 2, 3, 4, 5] and 15"
    );
    no_child_left("the manager's shutdown");
}

#[test]
fn the_managers_sum_is_right_under_concurrent_clients() {
    let _alone = alone();
    let program = program();
    let (clients, per_client) = (4usize, 150usize);
    let initial = [1i64, 2, 3, 4];
    let jobs: Vec<Vec<i64>> = (0..clients)
        .map(|c| {
            (0..per_client)
                .map(|i| 1_000 * (c as i64 + 1) + i as i64)
                .collect()
        })
        .collect();
    let mut expected: Vec<i64> = initial
        .iter()
        .chain(jobs.iter().flatten())
        .copied()
        .collect();
    expected.sort_unstable();
    let expected_sum: i64 = expected.iter().sum();
    // Three rounds: a lost append is a matter of timing, and any round that loses one fails.
    for round in 1..=3 {
        let manager = Manager::start(&program, &initial).expect("starting the manager");
        let seen = run_clients(&program, &manager, &jobs).expect("a client failed");
        let (mut list, sum) = {
            let client = manager.client();
            (client.list().expect("list"), client.sum().expect("sum"))
        };
        manager
            .shutdown(Duration::from_secs(5))
            .expect("the manager did not end well");
        list.sort_unstable();
        if list != expected {
            let mut count: BTreeMap<i64, i64> = BTreeMap::new();
            expected
                .iter()
                .for_each(|v| *count.entry(*v).or_default() += 1);
            list.iter().for_each(|v| *count.entry(*v).or_default() -= 1);
            let lost = count.values().filter(|&&c| c > 0).sum::<i64>();
            let doubled = count.values().filter(|&&c| c < 0).map(|c| -c).sum::<i64>();
            panic!(
                "lost appends (round {round}): {clients} client processes appended {per_client} \
                 numbers each to the manager's list of 4, which now holds {} numbers, not {} \
                 ({lost} lost, {doubled} extra). A client that fetches the list, appends, and \
                 sends it back overwrites every append that another client made in between: \
                 the manager must do the append itself, one request at a time.",
                list.len(),
                expected.len()
            );
        }
        assert!(
            sum == expected_sum,
            "the manager's list is right, but its sum came back as {sum}, not {expected_sum}"
        );
        assert!(
            seen.iter().all(|&s| s <= expected_sum && s > 0),
            "a client saw a sum of {seen:?} after its appends: more than all of them together"
        );
    }
    no_child_left("the manager and its clients");
}

#[test]
fn nothing_is_left_behind() {
    let _alone = alone();
    let program = program();
    let mut done = Vec::new();
    let _ = squares_in_child(&program, &[1, 2, 3]);
    done.push("squares_in_child");
    let _ = perform_transactions(&program, Fix::Atomic, 100);
    let _ = perform_transactions(&program, Fix::Lock, 100);
    done.push("perform_transactions");
    if let Ok(manager) = Manager::start(&program, &[1]) {
        let _ = run_clients(&program, &manager, &[vec![2], vec![3]]);
        let _ = manager.shutdown(Duration::from_secs(5));
    }
    done.push("the manager");
    let left = our_leftover_segments();
    assert!(
        left.is_empty(),
        "after {}, {} of ours {} still in /dev/shm: {} (removed now). A segment lives until it \
         is unlinked, even after every process that used it has ended: its creator must drop \
         its handle (which unlinks it), and never `mem::forget` it.",
        done.join(", "),
        plural(left.len(), "segment"),
        if left.len() == 1 { "is" } else { "are" },
        left.join(", ")
    );
    no_child_left(&done.join(", "));
}
