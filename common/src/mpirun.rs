//! Starting an MPI job with Open MPI's `mpirun`, and making sure it ends and leaves nothing
//! behind: what lesson 15's checks and its demo's benchmark cases share.
//!
//! This module does not link MPI (the course builds without it); it runs the `mpirun` program.
//! A job is started in its own process group with a private `TMPDIR` (where Open MPI keeps its
//! session folder), its output going to a file (a rank could hold a pipe open forever). It is
//! given a deadline: a job still running then is a hang (a rank waiting for a message that never
//! comes), and is ended — `SIGTERM` to `mpirun`, which takes its ranks down with it, then
//! `SIGKILL` to whatever is left. Afterwards the ranks' processes, new Open MPI segments in
//! `/dev/shm` and session folders are looked for, removed, and reported.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::fs;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::process;

/// The environment variable every process of a job inherits, naming the job: how its leftovers
/// are told apart from every other process on the machine.
pub const JOB_VARIABLE: &str = "COURSE_MPI_JOB";

/// A job to start: `ranks` copies of `program args…`.
#[derive(Debug, Clone)]
pub struct Job {
    /// How many ranks (`mpirun -n`).
    pub ranks: usize,
    /// The program every rank runs.
    pub program: PathBuf,
    /// Its arguments.
    pub args: Vec<OsString>,
    /// Variables to set for the ranks (passed on with `mpirun -x`, so that they reach ranks
    /// on other machines too).
    pub env: Vec<(String, OsString)>,
    /// A hostfile (`--hostfile`): where the ranks may run.
    pub hostfile: Option<PathBuf>,
    /// How long the job may run before it is called a hang and ended.
    pub deadline: Duration,
    /// Let the job print straight to our stdout and stderr (a live demo) instead of keeping its
    /// output for [`Outcome::output`].
    pub show_output: bool,
}

/// How a job ended.
#[derive(Debug)]
pub struct Outcome {
    /// `mpirun`'s exit status; `None` when the job ran past its deadline and was ended.
    pub status: Option<ExitStatus>,
    /// Everything `mpirun` and the ranks printed, stdout and stderr together.
    pub output: String,
    /// From the start of `mpirun` to its end.
    pub elapsed: Duration,
    /// What the job left behind, one description each (all of it removed by now).
    pub leftovers: Vec<String>,
}

impl Outcome {
    /// Whether `mpirun` finished in time and reported success.
    pub fn succeeded(&self) -> bool {
        self.status.is_some_and(|s| s.success())
    }

    /// The last `lines` lines of the output, to quote in a message.
    pub fn tail(&self, lines: usize) -> String {
        let all: Vec<&str> = self.output.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }
}

impl Job {
    /// A job of `ranks` copies of `program`, with a deadline of 20 s.
    pub fn new(ranks: usize, program: impl Into<PathBuf>) -> Job {
        Job {
            ranks,
            program: program.into(),
            args: Vec::new(),
            env: Vec::new(),
            hostfile: None,
            deadline: Duration::from_secs(20),
            show_output: false,
        }
    }

    /// The `mpirun` command line for this job (without the job's name and its `TMPDIR`, which
    /// [`Job::run`] adds).
    pub fn command(&self) -> Command {
        let mut command = Command::new("mpirun");
        command.args(mpirun_flags(self.ranks, self.hostfile.is_some()));
        if let Some(hostfile) = &self.hostfile {
            command.arg("--hostfile").arg(hostfile);
        }
        command.arg("-n").arg(self.ranks.to_string());
        for (name, value) in &self.env {
            command.env(name, value).arg("-x").arg(name);
        }
        command.arg(&self.program).args(&self.args);
        command
    }

    /// Runs the job to its end or its deadline, then removes and reports what it left behind.
    pub fn run(&self) -> std::io::Result<Outcome> {
        let scratch = tempfile::Builder::new().prefix("course-mpi-").tempdir()?;
        let tmpdir = scratch.path().join("tmp");
        fs::create_dir(&tmpdir)?;
        let output_path = scratch.path().join("output");
        let output = fs::File::create(&output_path)?;
        let name = format!("{}-{:x}", std::process::id(), rand_ish());
        let shm_before = list(Path::new(SHM));
        let tmp_before = ompi_session_dirs();

        let mut command = self.command();
        command
            // Every process of the job inherits the job's name: how its leftovers are found.
            .env(JOB_VARIABLE, &name)
            .env("TMPDIR", &tmpdir)
            .stdin(Stdio::null());
        if self.show_output {
            // A live demo stays in the terminal's process group: Ctrl-C reaches mpirun, which
            // takes its ranks down.
        } else {
            command
                .stdout(output.try_clone()?)
                .stderr(output)
                .process_group(0);
        }
        let start = Instant::now();
        let mut child = command.spawn()?;
        let group = if self.show_output {
            own_group()
        } else {
            child.id() as i32
        };
        let status = loop {
            if let Some(status) = child.try_wait()? {
                break Some(status);
            }
            if start.elapsed() >= self.deadline {
                end_group(group, &mut child);
                break None;
            }
            thread::sleep(Duration::from_millis(5));
        };
        let elapsed = start.elapsed();

        let mut leftovers = Vec::new();
        let stragglers = sweep(&name, group);
        if !stragglers.is_empty() {
            leftovers.push(format!(
                "{} of the job still running after mpirun ended: {} (killed now)",
                if stragglers.len() == 1 {
                    "1 process".to_string()
                } else {
                    format!("{} processes", stragglers.len())
                },
                stragglers.join(", ")
            ));
        }
        // A segment a live process uses is not a leftover: another job is using it.
        let in_use = process::files_in_use(Path::new(SHM));
        let segments: Vec<String> = list(Path::new(SHM))
            .difference(&shm_before)
            .filter(|n| is_open_mpi_segment(n))
            .filter(|n| !in_use.contains(&Path::new(SHM).join(n)))
            .cloned()
            .collect();
        for segment in &segments {
            let _ = fs::remove_file(Path::new(SHM).join(segment));
        }
        if !segments.is_empty() {
            leftovers.push(format!(
                "Open MPI's shared memory left in {SHM}: {} (removed now)",
                segments.join(", ")
            ));
        }
        let mut sessions: Vec<PathBuf> = ompi_session_dirs()
            .difference(&tmp_before)
            .cloned()
            .collect();
        sessions.extend(
            list(&tmpdir)
                .into_iter()
                .filter(|n| n.starts_with("ompi."))
                .map(|n| tmpdir.join(n)),
        );
        for dir in &sessions {
            let _ = fs::remove_dir_all(dir);
        }
        if !sessions.is_empty() {
            leftovers.push(format!(
                "Open MPI's session folders left behind: {} (removed now)",
                sessions
                    .iter()
                    .map(|d| d.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        let output = String::from_utf8_lossy(&fs::read(&output_path)?).into_owned();
        Ok(Outcome {
            status,
            output,
            elapsed,
            leftovers,
        })
    }
}

/// The flags `mpirun` needs here: `--allow-run-as-root` when we are root (Open MPI refuses to
/// run as root without it), and `--oversubscribe` when there are more ranks than cores (Open MPI
/// refuses to start more ranks than it has slots, one per core) or a hostfile names the slots.
///
/// And two that suit a machine the ranks share with other programs (a laptop, a class server):
/// `--bind-to none` lets the kernel move a rank to a free core (Open MPI pins each rank to one
/// core by default), and `mpi_yield_when_idle` makes a rank that waits for a message give its
/// core up instead of spinning on it (Open MPI spins by default, for the lowest latency). Measured
/// on 2 shared cores, 2 ranks: 0.8–1.4 s with the defaults, 0.21–0.25 s with both. On a cluster
/// node with a core for every rank, the defaults are the better choice.
pub fn mpirun_flags(ranks: usize, hostfile: bool) -> Vec<&'static str> {
    let mut flags = vec!["--bind-to", "none", "--mca", "mpi_yield_when_idle", "1"];
    // SAFETY: geteuid reads a number from the kernel and touches no memory.
    if unsafe { libc::geteuid() } == 0 {
        flags.push("--allow-run-as-root");
    }
    if hostfile || ranks > crate::grading::cores() {
        flags.push("--oversubscribe");
    }
    flags
}

/// The rank of this process in its MPI job, from what `mpirun` tells it (`None` outside a job).
/// It is known before MPI is initialised: a program can choose its role with it.
pub fn rank_from_env() -> Option<usize> {
    std::env::var("OMPI_COMM_WORLD_RANK")
        .or_else(|_| std::env::var("PMI_RANK"))
        .ok()?
        .parse()
        .ok()
}

const SHM: &str = "/dev/shm";

/// Open MPI's shared-memory files: `vader_segment.*` (4.x), `sm_segment.*` (5.x), PMIx's.
fn is_open_mpi_segment(name: &str) -> bool {
    ["vader_segment", "sm_segment", "pmix", "ompi", "opal"]
        .iter()
        .any(|prefix| name.starts_with(prefix))
}

/// Open MPI's session folders in the machine's temporary folders (`/tmp/ompi.<host>.<uid>`).
fn ompi_session_dirs() -> BTreeSet<PathBuf> {
    let mut dirs = BTreeSet::new();
    for base in [PathBuf::from("/tmp"), std::env::temp_dir()] {
        for name in list(&base) {
            if name.starts_with("ompi.") {
                dirs.insert(base.join(name));
            }
        }
    }
    dirs
}

/// Ends a job that ran past its deadline: `SIGTERM` first, so that `mpirun` takes its ranks
/// down and cleans up, then `SIGKILL` to its group.
fn end_group(group: i32, child: &mut std::process::Child) {
    // SAFETY: sending a signal touches no memory of ours.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(3) {
        if let Ok(Some(_)) = child.try_wait() {
            break;
        }
        thread::sleep(Duration::from_millis(10));
    }
    // SAFETY: as above. (Open MPI puts each rank in a process group of its own: those that
    // outlive mpirun are found by the job's name, see `sweep`.)
    if group != own_group() {
        unsafe {
            libc::killpg(group, libc::SIGKILL);
        }
    }
    let _ = child.wait();
}

/// Kills every live process that belongs to the job named `name` (it has the job's variable in
/// its environment) or to its process group; returns a description of each.
fn sweep(name: &str, group: i32) -> Vec<String> {
    let marker = format!("{JOB_VARIABLE}={name}");
    let mut found = BTreeSet::new();
    for round in 0..5 {
        let mut left = Vec::new();
        for p in process::processes() {
            if p.pid == std::process::id() || p.is_zombie() {
                continue;
            }
            let ours = (p.group as i32 == group && group != own_group())
                || fs::read(format!("/proc/{}/environ", p.pid))
                    .is_ok_and(|env| env.split(|&b| b == 0).any(|var| var == marker.as_bytes()));
            if ours {
                left.push(p);
            }
        }
        if left.is_empty() {
            break;
        }
        for p in left {
            found.insert(format!("{} (pid {})", p.name, p.pid));
            // SAFETY: sending a signal touches no memory of ours.
            unsafe {
                libc::kill(p.pid as i32, libc::SIGKILL);
            }
        }
        thread::sleep(Duration::from_millis(20 * (round + 1)));
    }
    found.into_iter().collect()
}

fn own_group() -> i32 {
    // SAFETY: getpgrp cannot fail and touches no memory.
    unsafe { libc::getpgrp() }
}

fn list(dir: &Path) -> BTreeSet<String> {
    fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| Some(e.ok()?.file_name().to_string_lossy().into_owned()))
                .collect()
        })
        .unwrap_or_default()
}

/// A number that differs between two calls in one process (the job's name must be unique).
fn rand_ish() -> u128 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static CALLS: AtomicU64 = AtomicU64::new(0);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    now.wrapping_add(u128::from(CALLS.fetch_add(1, Ordering::Relaxed)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_mpi_segments_are_recognised() {
        assert!(is_open_mpi_segment("vader_segment.host.1f2e0001.0"));
        assert!(is_open_mpi_segment("sm_segment.host.0.1"));
        assert!(!is_open_mpi_segment("course-shm-1234"));
    }

    #[test]
    fn the_command_names_the_ranks_and_passes_variables_on() {
        let mut job = Job::new(3, "/bin/true");
        job.env.push(("SOME_VAR".into(), "1".into()));
        let command = job.command();
        let args: Vec<String> = command
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        let n = args.iter().position(|a| a == "-n").unwrap();
        assert_eq!(args[n + 1], "3");
        let x = args.iter().position(|a| a == "-x").unwrap();
        assert_eq!(args[x + 1], "SOME_VAR");
        assert_eq!(args.last().unwrap(), "/bin/true");
    }
}
