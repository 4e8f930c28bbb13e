// The checks of lesson 14, run by `cargo xtask check lesson-14`.
//
// The answers are compared with reference values computed once by other methods (GNU `factor`,
// a sieve) and kept in common/data. Who solved which number, and when, is not taken from your
// code's word: a `Probe` wraps the problem, and every number solved writes a record (pid, parent
// pid, thread) into a folder the check reads. Sharing the work is proven without the clock: one
// number of the list waits until most of the others are done (a `Gate`), so only a worker that
// is *free* can open it. A worker that was handed a fixed share before it started holds part of
// that share behind the waiting number, and the gate never opens. The two speedup checks are the
// only ones that time anything: ratios measured in the same run, several tries, each beside a
// measure of how many cores the machine gives us then; skipped on one core or a machine too busy
// to tell.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use common::grading::{cores, skip};
use common::process::children_of;
use common::reference;
use common::workloads::burn_cpu;
use lesson_14::{
    Answer, Gate, Probe, Problem, Program, Record, hardest_first, in_processes, read_records,
    serial, threaded,
};

// The grader runs every check in a process of its own, but `cargo test` runs them side by side in
// one process, where they would see each other's child processes and steal each other's cores:
// there, they take turns.
static ALONE: Mutex<()> = Mutex::new(());

fn alone() -> MutexGuard<'static, ()> {
    ALONE.lock().unwrap_or_else(|e| e.into_inner())
}

fn program() -> Program {
    common::package_binary!()
}

fn me() -> u32 {
    std::process::id()
}

/// A temporary folder for a probe's records.
fn log_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("lesson-14-probe-")
        .tempdir()
        .expect("a temporary folder")
}

/// The reference answers for the lectures' 300 numbers.
fn factor_reference() -> (Vec<u64>, Vec<Answer>) {
    reference::factorizations()
        .into_iter()
        .map(|(n, factors)| (n, Answer::Factors(factors)))
        .unzip()
}

/// The reference answers for the assignment's 24 limits.
fn sum_reference() -> (Vec<u64>, Vec<Answer>) {
    reference::prime_sums()
        .into_iter()
        .map(|(n, sum)| (n, Answer::Sum(sum)))
        .unzip()
}

/// Fails, in the course's words, unless `got` holds the `expected` answer for every number, in
/// the order of the numbers.
fn assert_answers(what: &str, numbers: &[u64], got: &[Answer], expected: &[Answer]) {
    if got.len() != expected.len() {
        panic!(
            "{what} returned {} answers for {} numbers: {} never came back. Work shared out in \
             chunks of len / workers loses the remainder (300 numbers on 7 workers: chunks of 42 \
             cover 294); every number must be handed to some worker.",
            got.len(),
            numbers.len(),
            expected.len().abs_diff(got.len()),
        );
    }
    let wrong: Vec<usize> = (0..got.len()).filter(|&i| got[i] != expected[i]).collect();
    let Some(&first) = wrong.first() else {
        return;
    };
    let elsewhere = expected.iter().position(|a| *a == got[first]);
    let why = match elsewhere {
        Some(j) => format!(
            "that is the answer for {} (number {j} of the list): the answers came back in \
             another order than the numbers (the order the workers finished in?). Put each \
             answer at its number's index.",
            numbers[j]
        ),
        None => "no number of the list has that answer".to_string(),
    };
    panic!(
        "{what}: {} of {} answers are wrong. The first is for {} (number {first} of the list): \
         got {:?}, expected {:?}; {why}",
        wrong.len(),
        got.len(),
        numbers[first],
        got[first],
        expected[first],
    );
}

// --- Uneven work: a gate that only a free worker can open -------------------------------------

/// 40 small numbers; the first waits, before it is solved, until 25 of the other 39 are done
/// (or 2 s). Two workers that each take the next number when free open it: one holds the gated
/// number, the other solves the rest. Two workers with fixed halves never do: the other worker
/// has only 20 numbers, and the holder's other 19 wait behind the gate. (A hand-out in chunks
/// of up to 15 passes, and so does rayon's work stealing, which leaves 10 behind the gate.)
const GATED_NUMBERS: usize = 40;
const GATE_OTHERS: usize = 25;
const GATE_GIVE_UP_MS: u64 = 2000;

fn gated(log: &Path) -> (Problem, Vec<u64>) {
    let numbers: Vec<u64> = (0..GATED_NUMBERS as u64)
        .map(|i| 1_000_001 + 2 * i)
        .collect();
    let gate = Gate {
        number: numbers[0],
        others: GATE_OTHERS,
        give_up_ms: GATE_GIVE_UP_MS,
    };
    let probe = Probe::new(Problem::Factorize, log).with_gate(gate);
    (Problem::Probed(probe), numbers)
}

/// Fails unless the gate of a [`gated`] run opened, explaining what the records show otherwise.
fn assert_gate_opened(
    what: &str,
    (worker, workers): (&str, &str),
    numbers: &[u64],
    records: &[Record],
) {
    let Some(held) = records.iter().find(|r| r.number == numbers[0]) else {
        panic!(
            "{what}: the number {} was never solved (the probe has no record of it)",
            numbers[0]
        );
    };
    if held.gate_opened == Some(true) {
        return;
    }
    let same_worker = |r: &&Record| r.pid == held.pid && r.thread == held.thread;
    let behind = records
        .iter()
        .filter(same_worker)
        .filter(|r| r.start_ns >= held.end_ns)
        .count();
    let others = records.iter().filter(|r| !same_worker(r)).count();
    panic!(
        "{what}: the first number waits until {GATE_OTHERS} of the other {} numbers are done, so \
         the {worker} that holds it is busy and the others must do the rest. In {:.1} s the \
         other {workers} solved only {others}; then it gave up and went on to {behind} more \
         numbers that had waited behind it all along. Those numbers were given to that {worker} \
         before the work began, so a free {worker} could not take them: with uneven work, \
         fixed shares leave workers idle while another still has a backlog. Let each {worker} \
         take the next number as soon as it is free.",
        numbers.len() - 1,
        GATE_GIVE_UP_MS as f64 / 1000.0,
    );
}

// --- Speedup ---------------------------------------------------------------------------------

/// How much faster two threads do a fixed piece of pure arithmetic than one thread does twice
/// as much, now: about 2 when this machine gives us two cores, nearer 1 when it is busy.
fn two_cores_now() -> f64 {
    const ROUNDS: u64 = 10_000_000;
    let start = Instant::now();
    std::hint::black_box(burn_cpu(2 * ROUNDS));
    let one = start.elapsed();
    let start = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| std::hint::black_box(burn_cpu(ROUNDS)));
        }
    });
    one.as_secs_f64() / start.elapsed().as_secs_f64().max(1e-9)
}

/// Times the serial version against `parallel` on two workers, several times, and passes as soon
/// as a try gives a speedup of 1.3 (two free cores give up to 2). Each try also measures, before
/// and after, how many cores the machine gives us: a try in which two threads of pure arithmetic
/// do not reach 1.6× over one cannot judge a speedup and does not count, either way. If fewer
/// than two tries count, the check is skipped rather than failed.
fn assert_speedup(what: &str, parallel: impl Fn(&Problem, &[u64]) -> Vec<Answer>) {
    if cores() < 2 {
        skip(format!(
            "only {} core here: a speedup needs at least two",
            cores()
        ));
        return;
    }
    const WANTED: f64 = 1.3;
    const QUIET: f64 = 1.6;
    const TRIES: usize = 8;
    let numbers = hardest_first();
    let problem = Problem::Factorize;
    let expected = serial(&problem, &numbers);
    let mut quiet_tries = Vec::new();
    let mut best_machine: f64 = 0.0;
    for _ in 0..TRIES {
        let machine_before = two_cores_now();
        let time_serial = || {
            let start = Instant::now();
            std::hint::black_box(serial(&problem, &numbers));
            start.elapsed()
        };
        let serial_before = time_serial();
        let start = Instant::now();
        let answers = parallel(&problem, &numbers);
        let parallel_time = start.elapsed();
        // The serial time on both sides of the parallel run, the better of the two: one serial
        // run slowed by a burst of other work does not make a speedup.
        let serial_time = serial_before.min(time_serial());
        let machine = machine_before.min(two_cores_now());
        assert_answers(what, &numbers, &answers, &expected);
        let speedup = serial_time.as_secs_f64() / parallel_time.as_secs_f64().max(1e-9);
        best_machine = best_machine.max(machine);
        if machine < QUIET {
            continue;
        }
        if speedup >= WANTED {
            return;
        }
        quiet_tries.push(format!(
            "{speedup:.2}× ({:.3} s against {:.3} s serial, while pure arithmetic got \
             {machine:.2}×)",
            parallel_time.as_secs_f64(),
            serial_time.as_secs_f64()
        ));
    }
    if quiet_tries.len() < 2 {
        skip(format!(
            "this machine is too busy to measure a speedup: in only {} of {TRIES} tries did two \
             threads of pure arithmetic run 1.6× faster than one both before and after (the best \
             moment: {best_machine:.2}×)",
            quiet_tries.len()
        ));
        return;
    }
    panic!(
        "{what} was not faster than serial, though the machine had two cores free: in the \
         quiet tries it got {} — not the {WANTED}× that two cores allow. The list has its \
         hardest numbers first: if each worker is handed a fixed half before it starts, one gets \
         nearly all the work while the other finishes at once and waits. Let each worker take \
         the next number as soon as it is free.",
        quiet_tries.join("; "),
    );
}

// --- Threads ---------------------------------------------------------------------------------

#[test]
fn threads_factorise_all_300_numbers() {
    let _alone = alone();
    let (numbers, expected) = factor_reference();
    let answers = threaded(&Problem::Factorize, &numbers, 7);
    assert_answers(
        "threaded(Factorize, the lectures' 300 numbers, 7 threads)",
        &numbers,
        &answers,
        &expected,
    );
}

#[test]
fn threads_sum_the_primes_below_all_24_limits() {
    let _alone = alone();
    let (limits, expected) = sum_reference();
    let answers = threaded(&Problem::SumPrimesBelow, &limits, 5);
    assert_answers(
        "threaded(SumPrimesBelow, the assignment's 24 limits, 5 threads)",
        &limits,
        &answers,
        &expected,
    );
}

#[test]
fn threads_take_numbers_as_they_become_free() {
    let _alone = alone();
    let log = log_dir();
    let (problem, numbers) = gated(log.path());
    let answers = threaded(&problem, &numbers, 2);
    assert_gate_opened(
        "threaded(…, 2 threads)",
        ("thread", "threads"),
        &numbers,
        &read_records(log.path()),
    );
    assert_answers(
        "threaded(…, 2 threads)",
        &numbers,
        &answers,
        &serial(&Problem::Factorize, &numbers),
    );
}

#[test]
fn threads_are_faster_than_serial_on_two_cores() {
    let _alone = alone();
    assert_speedup("threaded(…, 2 threads)", |problem, numbers| {
        threaded(problem, numbers, 2)
    });
}

// --- Processes -------------------------------------------------------------------------------

#[test]
fn processes_factorise_all_300_numbers() {
    let _alone = alone();
    let (numbers, expected) = factor_reference();
    let answers =
        in_processes(&program(), &Problem::Factorize, &numbers, 7).expect("in_processes failed");
    assert_answers(
        "in_processes(Factorize, the lectures' 300 numbers, 7 processes)",
        &numbers,
        &answers,
        &expected,
    );
}

#[test]
fn processes_sum_the_primes_below_all_24_limits() {
    let _alone = alone();
    let (limits, expected) = sum_reference();
    let answers = in_processes(&program(), &Problem::SumPrimesBelow, &limits, 5)
        .expect("in_processes failed");
    assert_answers(
        "in_processes(SumPrimesBelow, the assignment's 24 limits, 5 processes)",
        &limits,
        &answers,
        &expected,
    );
}

#[test]
fn the_work_runs_in_child_processes_of_ours() {
    let _alone = alone();
    let log = log_dir();
    let (problem, numbers) = gated(log.path());
    in_processes(&program(), &problem, &numbers, 2).expect("in_processes failed");
    let records = read_records(log.path());
    if let Some(here) = records.iter().find(|r| r.pid == me()) {
        panic!(
            "the number {} was solved in this very process (pid {}), on one of its threads: \
             threads share their process's pid and memory. Each worker must be a process of \
             its own, a child of this one (WorkerProcess::start).",
            here.number,
            me()
        );
    }
    if let Some(stranger) = records.iter().find(|r| r.parent != me()) {
        panic!(
            "the number {} was solved by process {}, whose parent is {}, not this process \
             ({}): the workers must be our own children (the lectures' father and sons).",
            stranger.number,
            stranger.pid,
            stranger.parent,
            me()
        );
    }
    let pids: BTreeSet<u32> = records.iter().map(|r| r.pid).collect();
    assert!(
        pids.len() >= 2,
        "in_processes(…, 2 processes) solved every number in one process ({pids:?}), though one \
         of the numbers waits for most of the others: the two workers must run at the same time."
    );
}

#[test]
fn processes_take_numbers_as_they_become_free() {
    let _alone = alone();
    let log = log_dir();
    let (problem, numbers) = gated(log.path());
    let answers = in_processes(&program(), &problem, &numbers, 2).expect("in_processes failed");
    assert_gate_opened(
        "in_processes(…, 2 processes)",
        ("process", "processes"),
        &numbers,
        &read_records(log.path()),
    );
    assert_answers(
        "in_processes(…, 2 processes)",
        &numbers,
        &answers,
        &serial(&Problem::Factorize, &numbers),
    );
}

#[test]
fn answers_come_back_in_the_order_of_the_numbers() {
    let _alone = alone();
    // The gated number is the first of the list and finishes after at least 25 others: answers
    // gathered as the workers finish would put it near the end.
    type Run<'a> = (
        &'a str,
        (&'a str, &'a str),
        Box<dyn Fn(&Problem, &[u64]) -> Vec<Answer>>,
    );
    let runs: [Run; 2] = [
        (
            "threaded(…, 2 threads)",
            ("thread", "threads"),
            Box::new(|p, n| threaded(p, n, 2)),
        ),
        (
            "in_processes(…, 2 processes)",
            ("process", "processes"),
            Box::new(|p, n| in_processes(&program(), p, n, 2).expect("in_processes failed")),
        ),
    ];
    for (what, worker, run) in runs {
        let log = log_dir();
        let (problem, numbers) = gated(log.path());
        let answers = run(&problem, &numbers);
        assert_gate_opened(what, worker, &numbers, &read_records(log.path()));
        assert_answers(
            what,
            &numbers,
            &answers,
            &serial(&Problem::Factorize, &numbers),
        );
    }
}

#[test]
fn no_child_process_is_left_behind() {
    let _alone = alone();
    let log = log_dir();
    let numbers: Vec<u64> = (0..30).map(|i| 1_000_001 + 2 * i).collect();
    let problem = Problem::Probed(Probe::new(Problem::Factorize, log.path()));
    in_processes(&program(), &problem, &numbers, 3).expect("in_processes failed");
    let workers: BTreeSet<u32> = read_records(log.path())
        .iter()
        .map(|r| r.pid)
        .filter(|&pid| pid != me())
        .collect();
    let mut left = Vec::new();
    for child in children_of(me()) {
        let what = if child.is_zombie() {
            "a zombie: it exited, but nobody waited for it"
        } else {
            // SAFETY: kill sends a signal to our own child; no memory is touched.
            unsafe { libc::kill(child.pid as i32, libc::SIGKILL) };
            "still running"
        };
        let mut status = 0;
        // SAFETY: waitpid writes only to `status`; the pid is our child's.
        unsafe { libc::waitpid(child.pid as i32, &mut status, 0) };
        left.push(format!("process {} ({}) is {what}", child.pid, child.name));
    }
    assert!(
        left.is_empty(),
        "in_processes returned, but {}. Stop every worker and wait for it (WorkerProcess::stop) \
         before returning: a child that is not waited for stays in the process table as a \
         zombie, and one that is not stopped runs on.",
        left.join("; ")
    );
    assert!(
        !workers.is_empty(),
        "in_processes(…, 3 processes) ran no child process at all: every number was solved in \
         this process (pid {}).",
        me()
    );
}

#[test]
fn processes_are_faster_than_serial_on_two_cores() {
    let _alone = alone();
    assert_speedup("in_processes(…, 2 processes)", |problem, numbers| {
        in_processes(&program(), problem, numbers, 2).expect("in_processes failed")
    });
}
