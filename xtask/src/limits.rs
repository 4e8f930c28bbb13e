//! Limits on how many processes and how much memory one check may use: a check that starts
//! children without end (a fork bomb: the `__main__`-guard mistake) or allocates without bound is
//! stopped early, and the machine stays responsive.
//!
//! # What binds, and what does not (measured on the course's machines: root, 2 cores)
//!
//! - `RLIMIT_NPROC` does not bind root (the kernel skips the check for privileged users), and CI
//!   runs as root. For a normal user it counts *every* process of that user, so it can only be a
//!   coarse cap there (set to what the user already runs, plus the limit).
//! - **cgroups** bind everyone, root included, and count exactly the check's processes: the
//!   check joins a fresh cgroup of its own before it `exec`s (in `pre_exec`), and everything it
//!   starts inherits it. `pids.max` makes `fork` fail with `EAGAIN` past the limit (and
//!   `pids.events` counts the refusals); `memory.max` / `memory.limit_in_bytes` has the kernel's
//!   OOM killer end a process of the check, never one of the machine's (`oom_kill` in
//!   `memory.events` / `memory.oom_control` counts them). cgroup v2 is used where the grader may
//!   create a child cgroup with both controllers; otherwise the v1 `pids` and `memory`
//!   hierarchies, each where writable (the course's machines: v1, writable by root).
//! - Running the check under another, unprivileged uid would make `RLIMIT_NPROC` bind root
//!   too, but it changes what every check may read and write (its own target folder, files
//!   that other lessons create), so it is not done.
//! - Where no cgroup is available: a **watchdog** in the grader's poll loop counts the check's
//!   process group (threads included) and its resident memory every 20 ms and kills the group
//!   past a limit; `RLIMIT_AS` (which binds root) caps each process's address space at four
//!   times the memory limit as a hard stop between two looks; `RLIMIT_NPROC` is the coarse cap
//!   above for a normal user. A fork bomb that doubles faster than 20 ms can overshoot the
//!   watchdog there, which is why the cgroup comes first.
//!
//! Threads count as processes everywhere (the kernel's pids controller counts tasks), so the
//! default limit leaves room for lessons with a hundred threads.

use std::ffi::CString;
use std::fs;
use std::io;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

/// Processes (threads included) one check may have at once, unless course.toml says otherwise.
pub const DEFAULT_MAX_PROCESSES: u64 = 512;
/// MiB of memory one check may use, unless course.toml says otherwise.
pub const DEFAULT_MAX_MEMORY_MIB: u64 = 2048;

const MIB: u64 = 1024 * 1024;
/// Set (to anything) to make the grader use no cgroup, only the fallback: the grader's own tests
/// prove with it that the watchdog holds too.
pub const NO_CGROUPS_ENV: &str = "COURSE_GRADER_NO_CGROUPS";
/// The prefix of the grader's cgroups: `course-grader-<grader pid>-<n>`.
const CGROUP_PREFIX: &str = "course-grader-";

/// The limits a check runs under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Processes (threads included) at once.
    pub max_processes: u64,
    /// MiB of memory, all its processes together.
    pub max_memory_mib: u64,
}

/// Which limit a check went past.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Breach {
    /// It tried to have more than this many processes.
    Processes(u64),
    /// It used more than this many MiB.
    Memory(u64),
}

impl Breach {
    /// What the student reads.
    pub fn message(&self) -> String {
        match self {
            Breach::Processes(n) => format!(
                "started more than {n} processes: a child that starts children without end. \
                 Stopped at the limit. A child that runs the parent's code starts children of \
                 its own: check the role first thing in `main` (the `__main__` guard)"
            ),
            Breach::Memory(n) => format!(
                "used more than {n} MiB: memory that grows without bound. Stopped at the limit"
            ),
        }
    }
}

/// One cgroup directory of one controller (v1), or of both (v2).
#[derive(Debug)]
struct Group {
    dir: PathBuf,
    pids: bool,
    memory: bool,
    v2: bool,
}

/// How one check is held to its limits: its cgroups where there are any, a watchdog for what
/// they do not cover. Dropping it removes the cgroups.
#[derive(Debug)]
pub struct Cage {
    limits: Limits,
    groups: Vec<Group>,
    polls: usize,
}

impl Cage {
    /// Creates the cgroups for one check (where the machine lets the grader).
    pub fn new(limits: Limits) -> Cage {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "{CGROUP_PREFIX}{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let mut groups = Vec::new();
        if std::env::var_os(NO_CGROUPS_ENV).is_none() {
            if let Some(group) = v2_group(&name, limits) {
                groups.push(group);
            } else {
                groups.extend(
                    ["pids", "memory"]
                        .into_iter()
                        .filter_map(|controller| v1_group(controller, &name, limits)),
                );
            }
        }
        Cage {
            limits,
            groups,
            polls: 0,
        }
    }

    /// Whether the kernel enforces the limit on processes (else the watchdog does).
    pub fn caps_processes(&self) -> bool {
        self.groups.iter().any(|g| g.pids)
    }

    /// Whether the kernel enforces the limit on memory (else the watchdog does).
    pub fn caps_memory(&self) -> bool {
        self.groups.iter().any(|g| g.memory)
    }

    /// Makes `command`'s process join the cage before it runs the check (and set the hard
    /// caps of the fallback).
    pub fn apply(&self, command: &mut Command) {
        let procs: Vec<CString> = self
            .groups
            .iter()
            .filter_map(|g| CString::new(g.dir.join("cgroup.procs").to_str()?).ok())
            .collect();
        let address_space = (!self.caps_memory())
            .then(|| self.limits.max_memory_mib.saturating_mul(4 * MIB) as libc::rlim_t);
        let nproc = (!self.caps_processes())
            .then(|| user_tasks() + self.limits.max_processes)
            .map(|n| n as libc::rlim_t);
        // SAFETY: the closure runs in the child between fork and exec, where only
        // async-signal-safe calls are allowed: it allocates nothing and calls only getpid, open,
        // write, close and setrlimit, on memory prepared before the fork.
        unsafe {
            command.pre_exec(move || {
                let mut digits = [0u8; 20];
                let len = format_pid(libc::getpid(), &mut digits);
                for path in &procs {
                    let fd = libc::open(path.as_ptr(), libc::O_WRONLY | libc::O_CLOEXEC);
                    if fd < 0 {
                        return Err(io::Error::last_os_error());
                    }
                    let written = libc::write(fd, digits.as_ptr().cast(), len);
                    libc::close(fd);
                    if written < 0 {
                        return Err(io::Error::last_os_error());
                    }
                }
                if let Some(bytes) = address_space {
                    let cap = libc::rlimit {
                        rlim_cur: bytes,
                        rlim_max: bytes,
                    };
                    libc::setrlimit(libc::RLIMIT_AS, &cap);
                }
                if let Some(n) = nproc {
                    let cap = libc::rlimit {
                        rlim_cur: n,
                        rlim_max: n,
                    };
                    libc::setrlimit(libc::RLIMIT_NPROC, &cap);
                }
                Ok(())
            });
        }
    }

    /// Whether the check has gone past a limit. Called every few milliseconds while it runs
    /// (`group` is its process group), and once after it ended.
    pub fn breach(&mut self, group: i32) -> Option<Breach> {
        for g in &self.groups {
            if g.pids && counter(&g.dir.join("pids.events"), "max") > 0 {
                return Some(Breach::Processes(self.limits.max_processes));
            }
            if g.memory {
                let file = if g.v2 {
                    "memory.events"
                } else {
                    "memory.oom_control"
                };
                if counter(&g.dir.join(file), "oom_kill") > 0 {
                    return Some(Breach::Memory(self.limits.max_memory_mib));
                }
            }
        }
        // The watchdog, for what no cgroup covers: a scan of /proc, so not every poll.
        self.polls += 1;
        if (self.caps_processes() && self.caps_memory()) || self.polls % 4 != 1 {
            return None;
        }
        let (tasks, rss) = group_usage(group);
        if !self.caps_processes() && tasks > self.limits.max_processes {
            return Some(Breach::Processes(self.limits.max_processes));
        }
        if !self.caps_memory() && rss > self.limits.max_memory_mib * MIB {
            return Some(Breach::Memory(self.limits.max_memory_mib));
        }
        None
    }

    /// The processes still in the check's cgroups (they may have left its process group).
    pub fn members(&self) -> Vec<i32> {
        let mut pids: Vec<i32> = self
            .groups
            .iter()
            .flat_map(|g| {
                fs::read_to_string(g.dir.join("cgroup.procs"))
                    .unwrap_or_default()
                    .lines()
                    .filter_map(|l| l.trim().parse().ok())
                    .collect::<Vec<i32>>()
            })
            .collect();
        pids.sort_unstable();
        pids.dedup();
        pids
    }
}

impl Drop for Cage {
    fn drop(&mut self) {
        for g in &self.groups {
            remove_group(&g.dir);
        }
    }
}

/// Removes a cgroup: its processes must be gone (the caller has killed and reaped them; a dying
/// process may take a moment to leave).
fn remove_group(dir: &Path) {
    for _ in 0..100 {
        if fs::remove_dir(dir).is_ok() || !dir.exists() {
            return;
        }
        thread::sleep(Duration::from_millis(10));
    }
}

fn format_pid(pid: i32, out: &mut [u8; 20]) -> usize {
    let mut n = pid.unsigned_abs();
    let mut tmp = [0u8; 20];
    let mut len = 0;
    loop {
        tmp[len] = b'0' + (n % 10) as u8;
        len += 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for i in 0..len {
        out[i] = tmp[len - 1 - i];
    }
    len
}

/// `key N` from a flat-keyed cgroup file (0 if absent).
fn counter(file: &Path, key: &str) -> u64 {
    fs::read_to_string(file)
        .unwrap_or_default()
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(' ')?;
            (k == key).then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0)
}

/// The cgroup2 mount point and this process's cgroup in it, or a v1 controller's.
fn own_cgroup(controller: Option<&str>) -> Option<PathBuf> {
    let mountinfo = fs::read_to_string("/proc/self/mountinfo").ok()?;
    let mount = mountinfo.lines().find_map(|line| {
        let (left, right) = line.split_once(" - ")?;
        let mount_point = left.split_whitespace().nth(4)?;
        let mut right = right.split_whitespace();
        let fs_type = right.next()?;
        let options = right.nth(1)?;
        let wanted = match controller {
            None => fs_type == "cgroup2",
            Some(c) => fs_type == "cgroup" && options.split(',').any(|o| o == c),
        };
        wanted.then(|| PathBuf::from(mount_point))
    })?;
    let cgroups = fs::read_to_string("/proc/self/cgroup").ok()?;
    let path = cgroups.lines().find_map(|line| {
        let mut parts = line.splitn(3, ':');
        let (_, controllers, path) = (parts.next()?, parts.next()?, parts.next()?);
        let wanted = match controller {
            None => controllers.is_empty(),
            Some(c) => controllers.split(',').any(|x| x == c),
        };
        wanted.then_some(path)
    })?;
    Some(mount.join(path.trim_start_matches('/')))
}

fn v2_group(name: &str, limits: Limits) -> Option<Group> {
    let parent = own_cgroup(None)?;
    let controllers = fs::read_to_string(parent.join("cgroup.controllers")).ok()?;
    if !(controllers.contains("pids") && controllers.contains("memory")) {
        return None;
    }
    // Fails unless this cgroup may hand controllers to its children (the root of a cgroup
    // namespace, or a delegated subtree without processes of its own).
    let _ = fs::write(parent.join("cgroup.subtree_control"), "+pids +memory");
    remove_stale(&parent);
    let dir = parent.join(name);
    fs::create_dir(&dir).ok()?;
    let ok = fs::write(dir.join("pids.max"), limits.max_processes.to_string()).is_ok()
        && fs::write(
            dir.join("memory.max"),
            (limits.max_memory_mib * MIB).to_string(),
        )
        .is_ok()
        && set_if_present(&dir, "memory.swap.max", "0");
    if !ok {
        remove_group(&dir);
        return None;
    }
    Some(Group {
        dir,
        pids: true,
        memory: true,
        v2: true,
    })
}

/// Writes `value` to `dir/file`; true if that worked or the file does not exist (no swap
/// accounting on this machine).
fn set_if_present(dir: &Path, file: &str, value: &str) -> bool {
    !dir.join(file).exists() || fs::write(dir.join(file), value).is_ok()
}

fn v1_group(controller: &str, name: &str, limits: Limits) -> Option<Group> {
    let parent = own_cgroup(Some(controller))?;
    remove_stale(&parent);
    let dir = parent.join(name);
    fs::create_dir(&dir).ok()?;
    let ok = match controller {
        "pids" => fs::write(dir.join("pids.max"), limits.max_processes.to_string()).is_ok(),
        _ => {
            let bytes = (limits.max_memory_mib * MIB).to_string();
            fs::write(dir.join("memory.limit_in_bytes"), &bytes).is_ok()
                && set_if_present(&dir, "memory.memsw.limit_in_bytes", &bytes)
        }
    };
    if !ok {
        remove_group(&dir);
        return None;
    }
    Some(Group {
        dir,
        pids: controller == "pids",
        memory: controller == "memory",
        v2: false,
    })
}

/// Removes the empty cgroups that a grader which was killed left under `parent`.
fn remove_stale(parent: &Path) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(CGROUP_PREFIX) else {
            continue;
        };
        let owner: Option<u32> = rest.split('-').next().and_then(|p| p.parse().ok());
        if owner.is_some_and(|pid| !Path::new(&format!("/proc/{pid}")).exists()) {
            let _ = fs::remove_dir(entry.path());
        }
    }
}

/// How many tasks (threads included) this process's user runs now, for `RLIMIT_NPROC`.
fn user_tasks() -> u64 {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: getuid cannot fail and touches no memory.
    let uid = unsafe { libc::getuid() };
    let Ok(entries) = fs::read_dir("/proc") else {
        return 0;
    };
    entries
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|n| n.parse::<u32>().is_ok())
        })
        .filter(|e| e.metadata().is_ok_and(|m| m.uid() == uid))
        .filter_map(|e| fs::read_dir(e.path().join("task")).ok())
        .map(|tasks| tasks.count() as u64)
        .sum()
}

/// The tasks (threads included) and resident bytes of the processes in process group `group`.
fn group_usage(group: i32) -> (u64, u64) {
    // SAFETY: sysconf reads a constant.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) }.max(4096) as u64;
    let Ok(entries) = fs::read_dir("/proc") else {
        return (0, 0);
    };
    let mut tasks = 0;
    let mut rss = 0;
    for pid in entries.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok()) {
        let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        let Some(close) = stat.rfind(')') else {
            continue;
        };
        // After "pid (comm) ": state, ppid, pgrp, ..., num_threads (18th), ..., rss (22nd).
        let fields: Vec<&str> = stat[close + 1..].split_whitespace().collect();
        if fields.get(2).and_then(|g| g.parse::<i32>().ok()) != Some(group) {
            continue;
        }
        tasks += fields
            .get(17)
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or(1);
        rss += fields
            .get(21)
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or(0)
            * page;
    }
    (tasks, rss)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pids_are_written_in_decimal() {
        let mut out = [0u8; 20];
        let len = format_pid(4_194_303, &mut out);
        assert_eq!(&out[..len], b"4194303");
        let len = format_pid(7, &mut out);
        assert_eq!(&out[..len], b"7");
    }

    #[test]
    fn counters_are_read_from_flat_keyed_files() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("memory.oom_control");
        fs::write(&file, "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n").unwrap();
        assert_eq!(counter(&file, "oom_kill"), 3);
        assert_eq!(counter(&file, "max"), 0);
    }

    #[test]
    fn this_process_group_is_counted() {
        // SAFETY: getpgrp cannot fail.
        let (tasks, rss) = group_usage(unsafe { libc::getpgrp() });
        assert!(tasks >= 1);
        assert!(rss > 0);
    }
}
