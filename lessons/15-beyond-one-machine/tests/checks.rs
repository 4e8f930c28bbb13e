// The checks of lesson 15, run by `cargo xtask check lesson-15`, each in its own process.
// The solution runs this same file (solutions/15-beyond-one-machine/tests/checks.rs includes it).
//
// Each check is two programs in one. Run by the grader, it starts an MPI job with `mpirun`
// (through common::mpirun: the flags this machine needs, a deadline, and a search for anything
// the job left behind) whose ranks are this very checks binary, running this very check again;
// a rank knows it is one by the folder the launcher hands it in COURSE_CHECK_DIR. The ranks call
// your code and leave evidence in that folder — which rank factorised which number, in what
// order — and the launcher judges the evidence, not what your code says about itself.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::grading::plural;
use common::mpirun::{Job, Outcome};
use common::reference::factorizations;
use common::workloads::{factorize_naive, lecture_factor_numbers};
use lesson_15::mpi::topology::Communicator;
use lesson_15::mpi::traits::*;

/// Where the launcher tells a rank to leave its evidence.
const DIR_VARIABLE: &str = "COURSE_CHECK_DIR";

/// How long a job may run before it is called a hang. A correct job takes about a second even
/// with 4 ranks on 2 busy cores.
const DEADLINE: Duration = Duration::from_secs(10);

/// The evidence folder, when this process is a rank of a job a check started.
fn rank_dir() -> Option<PathBuf> {
    std::env::var_os(DIR_VARIABLE).map(PathBuf::from)
}

/// Starts `ranks` copies of this check as an MPI job and waits for it (at most `deadline`).
fn launch(
    check: &str,
    ranks: usize,
    hostfile: Option<&Path>,
    env: &[(&str, &str)],
    deadline: Duration,
) -> (Outcome, tempfile::TempDir) {
    let dir = tempfile::Builder::new()
        .prefix("lesson-15-check-")
        .tempdir()
        .expect("make a folder for the ranks' evidence");
    let mut job = Job::new(ranks, std::env::current_exe().expect("the checks binary"));
    job.args = [check, "--exact", "--nocapture", "--test-threads=1"]
        .map(Into::into)
        .to_vec();
    job.env.push((DIR_VARIABLE.into(), dir.path().into()));
    job.env.push(("RUST_BACKTRACE".into(), "0".into()));
    for (name, value) in env {
        job.env.push((name.to_string(), value.into()));
    }
    job.hostfile = hostfile.map(Path::to_path_buf);
    job.deadline = deadline;
    let outcome = job
        .run()
        .expect("start mpirun (is Open MPI installed? `cargo xtask setup mpi`)");
    (outcome, dir)
}

/// How the job went, for a message: "the job with 2 ranks".
fn job_name(ranks: usize, hostfile: bool) -> String {
    if hostfile {
        format!("the job with {ranks} ranks placed by a hostfile (localhost twice)")
    } else {
        format!("the job with {}", plural(ranks, "rank"))
    }
}

/// Fails the check if the job hung, failed or left something behind.
fn require_clean_end(outcome: &Outcome, what: &str) {
    if outcome.status.is_none() {
        panic!(
            "{what} did not finish within {} s and was ended: a rank is blocked forever — a \
             worker waiting for a task or a stop message that never comes, or a master waiting \
             for a request that never comes. Every worker must be told to stop once the work has \
             run out.\nIts last output:\n{}",
            outcome.elapsed.as_secs(),
            outcome.tail(12)
        );
    }
    if !outcome.succeeded() {
        panic!(
            "{what} failed ({}).\nIts last output:\n{}",
            outcome.status.expect("finished"),
            outcome.tail(20)
        );
    }
    if !outcome.leftovers.is_empty() {
        panic!(
            "{what} finished, but left behind: {}. A finished job must leave nothing.",
            outcome.leftovers.join("; ")
        );
    }
}

/// One rank's evidence: the numbers it factorised, in order, one line each.
struct Evidence {
    file: fs::File,
}

impl Evidence {
    fn open(dir: &Path, rank: i32) -> Evidence {
        let file = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join(format!("rank-{rank}")))
            .expect("open the rank's evidence file");
        Evidence { file }
    }

    fn record(&self, line: &str) {
        (&self.file)
            .write_all(format!("{line}\n").as_bytes())
            .expect("write evidence");
    }
}

/// What the ranks of a job did: for each rank, the lines it recorded, in order.
fn read_evidence(dir: &Path, ranks: usize) -> Vec<Vec<String>> {
    (0..ranks)
        .map(|r| {
            fs::read_to_string(dir.join(format!("rank-{r}")))
                .unwrap_or_default()
                .lines()
                .map(str::to_string)
                .collect()
        })
        .collect()
}

/// Rank 0's results, as `n: f1 f2 …` lines, to the evidence folder.
fn write_results(dir: &Path, results: &[(u64, Vec<u64>)]) {
    let text: String = results
        .iter()
        .map(|(n, f)| {
            let f: Vec<String> = f.iter().map(u64::to_string).collect();
            format!("{n}: {}\n", f.join(" "))
        })
        .collect();
    fs::write(dir.join("results"), text).expect("write the results");
}

fn read_results(dir: &Path) -> Option<Vec<(u64, Vec<u64>)>> {
    let text = fs::read_to_string(dir.join("results")).ok()?;
    Some(
        text.lines()
            .map(|l| {
                let (n, f) = l.split_once(':').expect("n: factors");
                (
                    n.parse().expect("a number"),
                    f.split_whitespace()
                        .map(|x| x.parse().expect("a factor"))
                        .collect(),
                )
            })
            .collect(),
    )
}

/// The rank side of the results check: every rank factorises through `distribute`, noting
/// each number it factorises; rank 0 writes what it gathered.
fn rank_factorises(dir: &Path, numbers: &[u64]) {
    let universe = lesson_15::init();
    let world = universe.world();
    let evidence = Evidence::open(dir, world.rank());
    let results = lesson_15::distribute(&world, numbers, |n| {
        evidence.record(&n.to_string());
        factorize_naive(n)
    });
    if let Some(results) = results {
        write_results(dir, &results);
    }
}

/// Judges a job that factorised `numbers` on `ranks` ranks against `expected`.
fn judge_factorisation(
    dir: &Path,
    ranks: usize,
    what: &str,
    numbers: &[u64],
    expected: &[(u64, Vec<u64>)],
) {
    let Some(results) = read_results(dir) else {
        panic!(
            "{what} ended without results: `distribute` must return Some(results) on rank 0 \
             (the master gathers them there)."
        );
    };
    if results.len() != expected.len() {
        panic!(
            "{what}: rank 0 gathered {} results for {} numbers: every number must come back \
             exactly once.",
            results.len(),
            expected.len()
        );
    }
    for (i, ((n, got), (m, want))) in results.iter().zip(expected).enumerate() {
        if n != m {
            panic!(
                "{what}: result {i} is for {n}, but the {i}th number is {m}: answers arrive in \
                 whatever order the workers finish; put each in its place (send the index with \
                 the task)."
            );
        }
        if got != want {
            panic!("{what}: {n} was factorised as {got:?}, but it is {want:?}.");
        }
    }
    let evidence = read_evidence(dir, ranks);
    let mut by_number: BTreeMap<u64, Vec<usize>> = BTreeMap::new();
    for (rank, lines) in evidence.iter().enumerate() {
        for line in lines {
            let n = line.split_whitespace().next().unwrap_or_default();
            by_number
                .entry(n.parse().expect("a number"))
                .or_default()
                .push(rank);
        }
    }
    for n in numbers {
        match by_number.get(n).map(Vec::as_slice) {
            None | Some([]) => panic!(
                "{what}: no rank factorised {n} with the work function it was given, yet its \
                 result came back: call `work` for every number, on the rank the number went to."
            ),
            Some([_]) => {}
            Some(ranks) => panic!(
                "{what}: {n} was factorised {} times (by ranks {ranks:?}): a task was handed out \
                 more than once.",
                ranks.len()
            ),
        }
    }
    if ranks > 1 && !evidence[0].is_empty() {
        let idle: Vec<String> = (1..ranks)
            .filter(|&r| evidence[r].is_empty())
            .map(|r| r.to_string())
            .collect();
        panic!(
            "{what}: rank 0 factorised {} itself{}. With more than one rank, rank 0 is the \
             master: it hands the numbers out to the workers (ranks 1…) one at a time, on \
             request, and gathers their answers; the workers do the factorising.",
            plural(evidence[0].len(), "number"),
            if idle.is_empty() {
                String::new()
            } else {
                format!(", while rank(s) {} did none", idle.join(", "))
            }
        );
    }
}

#[test]
fn results_equal_the_reference_on_1_2_and_4_ranks() {
    let numbers = lecture_factor_numbers();
    if let Some(dir) = rank_dir() {
        return rank_factorises(&dir, &numbers);
    }
    let expected = factorizations();
    let hostfile = tempfile::NamedTempFile::new().expect("a hostfile");
    fs::write(hostfile.path(), "localhost\nlocalhost\n").expect("write the hostfile");
    for (ranks, hostfile) in [(1, None), (2, None), (4, None), (2, Some(hostfile.path()))] {
        let what = job_name(ranks, hostfile.is_some());
        let (outcome, dir) = launch(
            "results_equal_the_reference_on_1_2_and_4_ranks",
            ranks,
            hostfile,
            &[],
            DEADLINE,
        );
        require_clean_end(&outcome, &what);
        judge_factorisation(dir.path(), ranks, &what, &numbers, &expected);
    }
}

/// In the work-on-request check, the number handed out first is made slow on purpose: it is
/// finished only once every other number is (or after this long).
const SLOW_PATIENCE: Duration = Duration::from_secs(4);
const ON_REQUEST_NUMBERS: usize = 31;

#[test]
fn the_master_hands_out_work_on_request() {
    let numbers: Vec<u64> = lecture_factor_numbers()[..ON_REQUEST_NUMBERS].to_vec();
    if let Some(dir) = rank_dir() {
        let universe = lesson_15::init();
        let world = universe.world();
        let evidence = Evidence::open(&dir, world.rank());
        let first_handed_out = dir.join("slow");
        let results = lesson_15::distribute(&world, &numbers, |n| {
            // The first number any rank starts is the slow one (a file created once decides).
            let slow = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&first_handed_out)
                .is_ok();
            if slow {
                let start = Instant::now();
                let done = loop {
                    let done = fs::read_dir(&dir)
                        .map(|d| {
                            d.filter(|e| {
                                e.as_ref().is_ok_and(|e| {
                                    e.file_name().to_string_lossy().starts_with("done-")
                                })
                            })
                            .count()
                        })
                        .unwrap_or(0);
                    if done == numbers.len() - 1 || start.elapsed() >= SLOW_PATIENCE {
                        break done;
                    }
                    std::thread::sleep(Duration::from_millis(2));
                };
                evidence.record(&format!("{n} slow {done}"));
            } else {
                evidence.record(&format!("{n}"));
                fs::write(dir.join(format!("done-{n}")), "").expect("mark a number done");
            }
            factorize_naive(n)
        });
        if let Some(results) = results {
            write_results(&dir, &results);
        }
        return;
    }
    let ranks = 4;
    let what = job_name(ranks, false);
    let (outcome, dir) = launch(
        "the_master_hands_out_work_on_request",
        ranks,
        None,
        &[],
        DEADLINE,
    );
    require_clean_end(&outcome, &what);
    let expected: Vec<(u64, Vec<u64>)> = numbers.iter().map(|&n| (n, factorize_naive(n))).collect();
    let evidence = read_evidence(dir.path(), ranks);
    // Who got the slow number, and what it still held when it got to the rest.
    let Some((slow_rank, slow_at, done)) = evidence.iter().enumerate().find_map(|(r, lines)| {
        lines.iter().enumerate().find_map(|(i, l)| {
            let mut parts = l.split_whitespace();
            let _n = parts.next()?;
            (parts.next()? == "slow").then(|| (r, i, parts.next().and_then(|d| d.parse().ok())))
        })
    }) else {
        judge_factorisation(dir.path(), ranks, &what, &numbers, &expected);
        panic!("{what}: no rank factorised anything with the work function it was given.");
    };
    let done: usize = done.unwrap_or(0);
    let others = numbers.len() - 1;
    if done < others {
        let behind = evidence[slow_rank].len() - slow_at - 1;
        let idle: Vec<String> = (0..ranks)
            .filter(|&r| r != slow_rank)
            .map(|r| format!("rank {r} did {}", evidence[r].len()))
            .collect();
        panic!(
            "{what}: the first number handed out was made slow on purpose — it finishes only once \
             the other {others} are done, or after {} s. Rank {slow_rank} got it and waited the \
             {} s out: only {done} of the others were done, and {} were queued behind the slow \
             one on rank {slow_rank} itself, where no one else could take them ({}). A rank sat \
             on a backlog while the others {}. Have the master hand out one number at a time, \
             to whichever worker asks.",
            SLOW_PATIENCE.as_secs(),
            SLOW_PATIENCE.as_secs(),
            plural(behind, "number"),
            idle.join(", "),
            if done == 0 {
                "got no work at all: it kept every number"
            } else {
                "ran out of work: the numbers were dealt out in advance"
            }
        );
    }
    judge_factorisation(dir.path(), ranks, &what, &numbers, &expected);
}

/// Nanoseconds since the epoch: one clock for all processes of this machine.
fn now_ns() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}

/// The rank side of the panic checks: rank 2 panics after a barrier, while the others wait for
/// it in a second barrier that can never complete. Only an abort ends this job.
fn rank_panics(dir: &Path) {
    let universe = lesson_15::init();
    let world = universe.world();
    world.barrier();
    if world.rank() == 2 {
        fs::write(dir.join("panicked-at"), now_ns().to_string()).expect("note the time");
        panic!("rank 2 panics on purpose (the check)");
    }
    world.barrier();
    fs::write(dir.join(format!("barrier-passed-{}", world.rank())), "").expect("note it");
}

/// How soon after the panic the job must be over: MPI_Abort takes well under a second.
const AFTER_PANIC: Duration = Duration::from_secs(5);

/// Runs the panicking job and checks that it ended soon after the panic, with a failure.
fn run_panicking_job(check: &str, env: &[(&str, &str)]) -> Outcome {
    let ranks = 4;
    // The panic comes after the ranks' start-up, which a loaded machine may slow down: the
    // job gets the usual deadline, and the time that counts runs from the panic on.
    let (outcome, dir) = launch(check, ranks, None, env, DEADLINE);
    let ended = now_ns();
    let panicked_at: Option<u128> = fs::read_to_string(dir.path().join("panicked-at"))
        .ok()
        .and_then(|t| t.trim().parse().ok());
    let Some(panicked_at) = panicked_at else {
        panic!(
            "rank 2 never got to its panic: the job ended first ({}).\nIts last output:\n{}",
            outcome
                .status
                .map_or("ended at the deadline".into(), |s| s.to_string()),
            outcome.tail(12)
        );
    };
    let after = Duration::from_nanos((ended.saturating_sub(panicked_at)) as u64);
    if outcome.status.is_none() || after > AFTER_PANIC {
        panic!(
            "rank 2 panicked, and the job was still running {:.1} s later{}: the other three \
             ranks wait in MPI_Barrier for a rank that will never come. A panic unwinds one \
             process; the others never hear of it. In `init`, install a panic hook \
             (std::panic::set_hook) that prints the panic as before and then calls \
             `world.abort(code)` (MPI_Abort): mpirun then ends every rank of the job.",
            after.as_secs_f64(),
            if outcome.status.is_none() {
                " (ended by the check)"
            } else {
                ""
            }
        );
    }
    if outcome.succeeded() {
        panic!(
            "rank 2 panicked, yet mpirun reported success: a job with a panicking rank must \
             fail. Pass a non-zero code to abort."
        );
    }
    outcome
}

#[test]
fn a_panicking_rank_ends_the_whole_job() {
    if let Some(dir) = rank_dir() {
        return rank_panics(&dir);
    }
    run_panicking_job("a_panicking_rank_ends_the_whole_job", &[]);
}

#[test]
fn nothing_is_left_behind() {
    if let Some(dir) = rank_dir() {
        // Two jobs: one that finishes, one with a panicking rank.
        if std::env::var_os(PANIC_VARIABLE).is_some() {
            return rank_panics(&dir);
        }
        return rank_factorises(&dir, &lecture_factor_numbers()[..40]);
    }
    let ranks = 4;
    let what = job_name(ranks, false);
    let (outcome, _dir) = launch("nothing_is_left_behind", ranks, None, &[], DEADLINE);
    // The launcher looks for the job's processes (ranks, orted) still running, Open MPI's
    // segments in /dev/shm and its session folders; require_clean_end reports them.
    require_clean_end(&outcome, &what);
    let outcome = run_panicking_job("nothing_is_left_behind", &[(PANIC_VARIABLE, "1")]);
    if !outcome.leftovers.is_empty() {
        panic!(
            "the job ended by a panic left behind: {}. MPI_Abort lets mpirun kill every rank and \
             remove the job's shared memory and session folder; a rank that ends itself some \
             other way may not.",
            outcome.leftovers.join("; ")
        );
    }
}

/// Tells the ranks of `nothing_is_left_behind`'s second job to panic.
const PANIC_VARIABLE: &str = "COURSE_CHECK_PANIC";
