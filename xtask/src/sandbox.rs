//! Running one check so that it can neither hang the grader nor leave anything behind.
//!
//! Each check runs as its own process, leader of its own process group, with a private
//! `TMPDIR`, its output going to a file (a pipe could be held open forever by a grandchild).
//! When it ends, or when its time is up, or on Ctrl-C, the whole group is killed; processes that
//! escaped the group (a `setsid` daemon) are found too, because the grader makes itself the
//! "subreaper" that adopts its descendants' orphans. Then it looks for what the check left:
//! processes, new `/dev/shm` segments, files in its `TMPDIR`. Each is reported and removed.
//!
//! Each check is also held to a limit on processes and on memory (see [`crate::limits`]): a
//! check that starts children without end, or allocates without bound, is stopped at once and
//! reported as such, with the machine still responsive.

use std::collections::BTreeSet;
use std::fs;
use std::io::Read;
use std::os::unix::fs::MetadataExt;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use common::process::{self, ProcInfo};

use crate::limits::{Breach, Cage, Limits};

/// Set by Ctrl-C: stop after cleaning up the check in progress.
pub static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// The process group of the check running now (0 when none), for the Ctrl-C handler.
static RUNNING_GROUP: AtomicI32 = AtomicI32::new(0);

const SHM_DIR: &str = "/dev/shm";

/// Prepares the grader's process: adopt orphaned descendants, and make Ctrl-C kill the running
/// check's group instead of leaving it behind.
pub fn init() -> Result<()> {
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with PR_SET_CHILD_SUBREAPER takes an integer flag and touches no memory.
    unsafe {
        libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    }
    ctrlc::set_handler(|| {
        INTERRUPTED.store(true, Ordering::SeqCst);
        kill_group(RUNNING_GROUP.load(Ordering::SeqCst));
    })
    .context("installing the Ctrl-C handler")
}

/// How a check's process ended.
#[derive(Debug)]
pub enum Exit {
    /// It exited (or was killed by a signal it brought on itself).
    Finished(ExitStatus),
    /// It ran past its time limit and was killed.
    TimedOut,
    /// The user pressed Ctrl-C while it ran.
    Interrupted,
    /// It went past its limit on processes or memory and was stopped.
    Exceeded(Breach),
}

/// What running one check produced.
#[derive(Debug)]
pub struct Outcome {
    pub exit: Exit,
    pub output: String,
    pub duration: Duration,
    /// Things the check left behind, each described in a line; all of them have been removed.
    pub leaks: Vec<String>,
}

/// Runs `command` as an isolated check with a time limit and limits on processes and memory,
/// then cleans up after it.
pub fn run(mut command: Command, limit: Duration, limits: Limits) -> Result<Outcome> {
    let scratch = tempfile::Builder::new()
        .prefix("course-grader-")
        .tempdir()?;
    let tmpdir = scratch.path().join("tmp");
    fs::create_dir(&tmpdir)?;
    let output_path = scratch.path().join("output");
    let output_file = fs::File::create(&output_path)?;
    let shm_before = list_dir(Path::new(SHM_DIR));

    command
        .env("TMPDIR", &tmpdir)
        .stdin(Stdio::null())
        .stdout(output_file.try_clone()?)
        .stderr(output_file)
        .process_group(0);
    let mut cage = Cage::new(limits);
    cage.apply(&mut command);
    let start = Instant::now();
    let mut child = command.spawn().context("starting the check")?;
    let group = child.id() as i32;
    RUNNING_GROUP.store(group, Ordering::SeqCst);

    let exit = loop {
        if let Some(status) = child.try_wait()? {
            break if INTERRUPTED.load(Ordering::SeqCst) {
                Exit::Interrupted
            } else if let Some(breach) = cage.breach(group) {
                // It ended because of the limit (a fork that failed, the OOM killer).
                Exit::Exceeded(breach)
            } else {
                Exit::Finished(status)
            };
        }
        if let Some(breach) = cage.breach(group) {
            kill_group(group);
            kill_all(&cage.members());
            child.wait()?;
            break Exit::Exceeded(breach);
        }
        if INTERRUPTED.load(Ordering::SeqCst) {
            kill_group(group);
            child.wait()?;
            break Exit::Interrupted;
        }
        if start.elapsed() >= limit {
            kill_group(group);
            child.wait()?;
            break Exit::TimedOut;
        }
        thread::sleep(Duration::from_millis(5));
    };
    let duration = start.elapsed();
    RUNNING_GROUP.store(0, Ordering::SeqCst);

    let mut leaks = Vec::new();
    // A check that timed out or was interrupted was killed while busy: what it was running is
    // not its fault, but it is still swept away.
    let blame = matches!(exit, Exit::Finished(_));
    let stragglers = sweep_processes(group, &cage);
    drop(cage);
    let exit = match exit {
        // Past RLIMIT_AS (where no cgroup limits memory), Rust's allocator aborts with this.
        Exit::Finished(status)
            if signal_of(&status) == Some(libc::SIGABRT)
                && fs::read_to_string(&output_path)
                    .is_ok_and(|o| o.contains("memory allocation of")) =>
        {
            Exit::Exceeded(Breach::Memory(limits.max_memory_mib))
        }
        exit => exit,
    };
    if blame && !stragglers.is_empty() {
        leaks.push(format!(
            "left {} running after it finished: {} (killed now)",
            plural_processes(stragglers.len()),
            stragglers.join(", ")
        ));
    }
    // /dev/shm is shared by the whole machine: a browser, or another grader's check, may have
    // created an entry meanwhile. The check's processes are all gone by now, so an entry that a
    // live process holds open or mapped is that process's (and removing it would break it), as
    // is one another user owns.
    let new_entries: BTreeSet<String> = list_dir(Path::new(SHM_DIR))
        .difference(&shm_before)
        .cloned()
        .collect();
    let in_use = if new_entries.is_empty() {
        BTreeSet::new()
    } else {
        process::files_in_use(Path::new(SHM_DIR))
    };
    let user = fs::metadata(&tmpdir)?.uid();
    let segments: Vec<String> = new_entries
        .into_iter()
        .filter(|name| {
            let path = Path::new(SHM_DIR).join(name);
            let ours = fs::symlink_metadata(&path).is_ok_and(|m| m.uid() == user);
            ours && !in_use.contains(&path)
        })
        .collect();
    if !segments.is_empty() {
        for name in &segments {
            let _ = fs::remove_file(Path::new(SHM_DIR).join(name));
        }
        leaks.push(format!(
            "left shared memory in {SHM_DIR}: {} (removed now; a segment lives until it is unlinked)",
            segments.join(", ")
        ));
    }
    let temp_files = list_dir(&tmpdir);
    if !temp_files.is_empty() {
        leaks.push(format!(
            "left temporary files: {} (removed now)",
            temp_files.into_iter().collect::<Vec<_>>().join(", ")
        ));
    }

    let mut output = String::new();
    fs::File::open(&output_path)?
        .read_to_string(&mut output)
        .ok();
    if output.is_empty() {
        // Not valid UTF-8, say: read it lossily.
        output = String::from_utf8_lossy(&fs::read(&output_path)?).into_owned();
    }
    Ok(Outcome {
        exit,
        output,
        duration,
        leaks,
    })
}

fn plural_processes(n: usize) -> String {
    if n == 1 {
        "1 process".into()
    } else {
        format!("{n} processes")
    }
}

fn kill_group(group: i32) {
    if group > 0 {
        // SAFETY: sending a signal touches no memory of ours.
        unsafe {
            libc::killpg(group, libc::SIGKILL);
        }
    }
}

/// Sends SIGKILL to each of `pids`.
fn kill_all(pids: &[i32]) {
    for &pid in pids {
        // SAFETY: sending a signal touches no memory of ours.
        unsafe {
            libc::kill(pid, libc::SIGKILL);
        }
    }
}

/// Kills and reaps every process left of a check: those still in its group, and orphans that
/// left the group and were adopted by the grader. Returns a description of each.
fn sweep_processes(group: i32, cage: &Cage) -> Vec<String> {
    let me = std::process::id() as i32;
    let mut found = BTreeSet::new();
    // Orphans are re-parented to us only once their parent is dead, so look a few times.
    for round in 0..10 {
        let caged = cage.members();
        let left: Vec<ProcInfo> = process::processes()
            .into_iter()
            .filter(|p| {
                let (pid, parent, pgrp) = (p.pid as i32, p.parent as i32, p.group as i32);
                !p.is_zombie() && (pgrp == group || parent == me || caged.contains(&pid))
            })
            .collect();
        if left.is_empty() && round > 0 {
            break;
        }
        for p in &left {
            found.insert(format!("{} (pid {})", p.name, p.pid));
            // SAFETY: sending a signal touches no memory of ours.
            unsafe {
                libc::kill(p.pid as i32, libc::SIGKILL);
            }
        }
        reap_children();
        thread::sleep(Duration::from_millis(if left.is_empty() { 5 } else { 20 }));
    }
    reap_children();
    found.into_iter().collect()
}

/// Collects the exit status of every finished child of ours (adopted orphans included), so
/// that none stays a zombie.
fn reap_children() {
    loop {
        let mut status = 0;
        // SAFETY: waitpid writes only to `status`.
        let pid = unsafe { libc::waitpid(-1, &mut status, libc::WNOHANG) };
        if pid <= 0 {
            break;
        }
    }
}

fn list_dir(dir: &Path) -> BTreeSet<String> {
    fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| Some(e.ok()?.file_name().to_string_lossy().into_owned()))
                .collect()
        })
        .unwrap_or_default()
}

/// The signal's name, for "crashed with signal 11 (SIGSEGV)".
pub fn signal_name(signal: i32) -> &'static str {
    match signal {
        libc::SIGABRT => "SIGABRT: the process aborted, for example on a panic while panicking",
        libc::SIGSEGV => "SIGSEGV: an invalid memory access",
        libc::SIGBUS => "SIGBUS: an invalid memory access",
        libc::SIGILL => "SIGILL: an illegal instruction",
        libc::SIGFPE => "SIGFPE: an arithmetic fault",
        libc::SIGKILL => "SIGKILL: killed, perhaps for using too much memory",
        libc::SIGTERM => "SIGTERM: asked to terminate",
        _ => "a signal",
    }
}

/// The signal that ended a process, if one did.
pub fn signal_of(status: &ExitStatus) -> Option<i32> {
    status.signal()
}
