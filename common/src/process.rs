//! Processes: the same binary started again in a named role, children that are killed and reaped
//! when their guard is dropped, a typed `ipc-channel` handshake with a deadline, process groups,
//! and what `/proc` says about a process.
//!
//! # Roles: the Rust face of Python's `if __name__ == "__main__":`
//!
//! Python's `multiprocessing` starts a child that imports the parent's main module again; code at
//! the top level of that module runs once more in every child, and a `Process(...).start()` left
//! there outside the `__main__` guard starts children that start children, without end. Rust
//! has no `multiprocessing`: a child is a program started with [`std::process::Command`]. This
//! module starts *the same binary* again with an environment variable, [`ROLE_ENV`], naming what
//! the child is for; `main` asks [`role`] first and, in a child, does that role's work instead of
//! the parent's:
//!
//! ```no_run
//! use common::process::{self, Program};
//!
//! fn main() {
//!     if let Some(role) = process::role() {
//!         // The guard: a child does its role and never reaches the parent's code below.
//!         return match role.as_str() {
//!             "worker" => println!("worker {} of parent {}", std::process::id(), process::parent_id()),
//!             other => eprintln!("unknown role {other}"),
//!         };
//!     }
//!     let mut child = Program::current().unwrap().role("worker").spawn().unwrap();
//!     child.wait().unwrap();
//! }
//! ```
//!
//! The guard is enforced as well as taught: [`Spawn::spawn`] refuses to start a child from a
//! process that is itself a child ([`ProcessError::SpawnFromChild`]) unless the caller says that
//! it means to with [`Spawn::from_a_child`]. A child that re-runs the parent's code by mistake
//! fails at once with a message about the guard, instead of taking the machine down.
//!
//! Inside an integration test, [`std::env::current_exe`] is the *test* binary (libtest's `main`,
//! not the lesson's), so the checks start the lesson's own binary: [`Program::at`] with
//! `env!("CARGO_BIN_EXE_<name>")`, or the [`package_binary!`](crate::package_binary) macro,
//! which names the binary of the package being compiled (the same checks file then works for the
//! starter, the solution and the mutants).
//!
//! # Children are guarded
//!
//! [`Spawn::spawn`] returns a [`ChildGuard`]. Dropping it kills the child (its whole group, if it
//! leads one) and waits for it, so that a child is never left running (a runaway) nor left
//! dead-but-unreaped (a zombie: an entry in the process table that holds the exit status until
//! the parent collects it with `wait`). [`ChildGuard::wait_timeout`] and
//! [`ChildGuard::kill_and_reap`] cover the "kill it at a deadline" pattern.
//!
//! # Typed messages: bootstrapping `ipc-channel` with a deadline
//!
//! `ipc-channel` connects two processes with an [`IpcOneShotServer`]: the parent creates it and
//! passes its name to the child; the child connects and sends a first message (often a sender for
//! the other direction). `IpcOneShotServer::accept` has no timeout: if the child dies before it
//! connects, `accept` blocks forever. [`Spawn::spawn_connected`] waits for `accept` on a helper
//! thread while polling the child: a child that exits first is [`ProcessError::ExitedBeforeConnecting`],
//! one that takes too long is [`ProcessError::NoConnection`] (and is killed), never a hang. The
//! child side is [`connect_to_parent`].
//!
//! # Why not `procspawn`
//!
//! `procspawn` (a `thread::spawn` for processes, with a pool) was tried and left out. It depends
//! on `ipc-channel` 0.22, while the course uses 0.23 (the version this machine's registry builds):
//! an `IpcSender` of one version passed through the other compiles and fails at run time, so using
//! it would pin the whole workspace to the older version. It also hides what the lessons are
//! about: its `procspawn::init()` must be the first line of `main` because the code before it runs
//! again in every child (the `__main__` guard, made implicit), and its children are not killed
//! at a deadline. What it saves is a few lines, which this module spells out where students can
//! read them: roles, guards, a handshake with a deadline. The lessons' process pool (lesson 12)
//! is built from these parts.
//!
//! # Process groups and names
//!
//! [`Spawn::new_group`] makes a child the leader of a new process group so that it and everything
//! it starts can be signalled at once ([`signal_group`]); the grader does the same with each check.
//! Things that outlive a process by design (a shared-memory segment in `/dev/shm`) should be named
//! with [`unique_name`], which the grader recognises when it cleans up after a killed check.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::fmt;
use std::io;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use ipc_channel::ipc::{IpcOneShotServer, IpcReceiver, IpcSender};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The environment variable that names a child's role. Absent in the original process.
pub const ROLE_ENV: &str = "COURSE_PROCESS_ROLE";

/// The environment variable that carries the name of the parent's [`IpcOneShotServer`] to a child
/// started with [`Spawn::spawn_connected`].
pub const SERVER_ENV: &str = "COURSE_PROCESS_SERVER";

/// The prefix of every name made by [`unique_name`]. The grader looks for it in `/dev/shm`.
pub const NAME_PREFIX: &str = "course-";

/// How often a waiting parent looks at its child (a few milliseconds: cheap, and quick enough
/// that a dead child is noticed at once on a human scale).
const POLL: Duration = Duration::from_millis(2);

/// What can go wrong when starting, connecting to or waiting for a child.
#[derive(Debug, thiserror::Error)]
pub enum ProcessError {
    /// The program could not be started (not found, not executable, no more processes allowed).
    #[error("could not start {program} in role {role:?}: {source}")]
    Spawn {
        /// The program's path.
        program: String,
        /// The role it was to play.
        role: String,
        /// What the OS said.
        source: io::Error,
    },
    /// A child tried to start a child: the mistake that Python's `__main__` guard prevents.
    #[error(
        "this process is already a child (role {current:?}) and tried to start a child in role \
         {wanted:?}: a child that runs the parent's code starts children without end. Check \
         `process::role()` first thing in `main` (the `__main__` guard), or call \
         `Spawn::from_a_child()` if a child really must start its own"
    )]
    SpawnFromChild {
        /// The role of this process.
        current: String,
        /// The role of the child it tried to start.
        wanted: String,
    },
    /// The child ended before it connected to the parent's channel.
    #[error("the child in role {role:?} ({status}) before it connected to its parent")]
    ExitedBeforeConnecting {
        /// The child's role.
        role: String,
        /// How it ended.
        status: Ended,
    },
    /// The child did not connect within the deadline (it was killed and reaped).
    #[error("the child in role {role:?} did not connect within {deadline:?} (killed)")]
    NoConnection {
        /// The child's role.
        role: String,
        /// How long the parent waited.
        deadline: Duration,
    },
    /// This process is not a child started by [`Spawn::spawn_connected`].
    #[error(
        "no parent to connect to: {SERVER_ENV} is not set (start this role with spawn_connected)"
    )]
    NoParent,
    /// The channel failed (the other side is gone, or a message could not be decoded).
    #[error("ipc-channel: {0}")]
    Ipc(String),
    /// Waiting for or signalling the child failed.
    #[error("waiting for the child: {0}")]
    Io(#[from] io::Error),
}

/// How a process ended, in the words a parent needs: an exit code, or the signal that killed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Ended {
    /// It called `exit` (or returned from `main`) with this code.
    Exited(i32),
    /// A signal ended it (9 is SIGKILL, 6 is SIGABRT).
    Signalled(i32),
}

impl Ended {
    /// Reads an [`ExitStatus`].
    pub fn from_status(status: ExitStatus) -> Ended {
        match (status.code(), status.signal()) {
            (Some(code), _) => Ended::Exited(code),
            (None, Some(signal)) => Ended::Signalled(signal),
            // Neither code nor signal happens only for a stopped process, which `wait` does not
            // report unless asked to.
            (None, None) => Ended::Signalled(0),
        }
    }
}

impl fmt::Display for Ended {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ended::Exited(code) => write!(f, "exited with code {code}"),
            Ended::Signalled(signal) => write!(f, "was killed by signal {signal}"),
        }
    }
}

/// The role this process was started in by [`Spawn::spawn`], or `None` in the original process
/// (the one a person started). Ask it first thing in `main`: it is the `__main__` guard.
pub fn role() -> Option<String> {
    std::env::var(ROLE_ENV).ok()
}

/// The pid of this process's parent (`os.getppid()`).
pub fn parent_id() -> u32 {
    std::os::unix::process::parent_id()
}

/// A program to start children from: this very binary, or another one (a lesson's binary, from
/// its integration tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Program {
    path: PathBuf,
}

impl Program {
    /// The binary this process runs. In an integration test that is the test binary, whose `main`
    /// is libtest's: use [`Program::at`] or [`package_binary!`](crate::package_binary) there.
    pub fn current() -> io::Result<Program> {
        Ok(Program {
            path: std::env::current_exe()?,
        })
    }

    /// The binary at `path`, for example `env!("CARGO_BIN_EXE_lesson-08")`.
    pub fn at(path: impl Into<PathBuf>) -> Program {
        Program { path: path.into() }
    }

    /// The binary's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Prepares to start this program in `role` (see [`Spawn`]).
    pub fn role(&self, role: &str) -> Spawn {
        Spawn {
            program: self.path.clone(),
            role: role.to_string(),
            args: Vec::new(),
            envs: Vec::new(),
            stdin: None,
            stdout: None,
            stderr: None,
            new_group: false,
            from_a_child: false,
        }
    }
}

/// The [`Program`] of the binary target named like the package being compiled, as cargo builds
/// it for that package's integration tests (`CARGO_BIN_EXE_<package>`). A checks file shared by
/// a lesson, its solution and its mutants (each a package with its own binary) starts the right
/// one in each.
#[macro_export]
macro_rules! package_binary {
    () => {
        $crate::process::Program::at(env!(concat!("CARGO_BIN_EXE_", env!("CARGO_PKG_NAME"))))
    };
}

/// A child about to be started: a program, its role, arguments, environment and standard streams.
/// Built by [`Program::role`]; started by [`Spawn::spawn`] or [`Spawn::spawn_connected`].
#[derive(Debug)]
pub struct Spawn {
    program: PathBuf,
    role: String,
    args: Vec<OsString>,
    envs: Vec<(OsString, OsString)>,
    stdin: Option<Stdio>,
    stdout: Option<Stdio>,
    stderr: Option<Stdio>,
    new_group: bool,
    from_a_child: bool,
}

impl Spawn {
    /// Adds an argument.
    pub fn arg(mut self, arg: impl Into<OsString>) -> Spawn {
        self.args.push(arg.into());
        self
    }

    /// Adds arguments.
    pub fn args<I: IntoIterator<Item = S>, S: Into<OsString>>(mut self, args: I) -> Spawn {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Sets an environment variable for the child.
    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Spawn {
        self.envs.push((key.into(), value.into()));
        self
    }

    /// The child's standard input (inherited unless set; `Stdio::piped()` for a pipe that
    /// [`ChildGuard::take_stdin`] hands over).
    pub fn stdin(mut self, stdio: impl Into<Stdio>) -> Spawn {
        self.stdin = Some(stdio.into());
        self
    }

    /// The child's standard output (inherited unless set; `Stdio::piped()` for a pipe that
    /// [`ChildGuard::take_stdout`] hands over).
    pub fn stdout(mut self, stdio: impl Into<Stdio>) -> Spawn {
        self.stdout = Some(stdio.into());
        self
    }

    /// The child's standard error (inherited unless set).
    pub fn stderr(mut self, stdio: impl Into<Stdio>) -> Spawn {
        self.stderr = Some(stdio.into());
        self
    }

    /// Makes the child the leader of a new process group: its guard then kills the whole group,
    /// grandchildren included.
    pub fn new_group(mut self) -> Spawn {
        self.new_group = true;
        self
    }

    /// Allows a child to start this child. Without it, [`Spawn::spawn`] in a process that has a
    /// [`role`] is refused: the `__main__` guard, enforced.
    pub fn from_a_child(mut self) -> Spawn {
        self.from_a_child = true;
        self
    }

    /// The role the child will have.
    pub fn role_name(&self) -> &str {
        &self.role
    }

    /// Starts the child.
    pub fn spawn(self) -> Result<ChildGuard, ProcessError> {
        refuse_from_a_child(role(), &self.role, self.from_a_child)?;
        let mut command = Command::new(&self.program);
        command
            .args(&self.args)
            .envs(self.envs.iter().map(|(k, v)| (k, v)))
            .env(ROLE_ENV, &self.role);
        if let Some(stdio) = self.stdin {
            command.stdin(stdio);
        }
        if let Some(stdio) = self.stdout {
            command.stdout(stdio);
        }
        if let Some(stdio) = self.stderr {
            command.stderr(stdio);
        }
        if self.new_group {
            command.process_group(0);
        }
        let child = command.spawn().map_err(|source| ProcessError::Spawn {
            program: self.program.display().to_string(),
            role: self.role.clone(),
            source,
        })?;
        Ok(ChildGuard {
            child: Some(child),
            role: self.role,
            group: self.new_group,
            status: None,
        })
    }

    /// Starts the child with a one-shot `ipc-channel` server for it to connect to (see
    /// [`connect_to_parent`]), and waits at most `deadline` for its first message of type `T`.
    /// Returns the guarded child, the receiver for its further messages, and the first message.
    ///
    /// A child that ends before connecting is [`ProcessError::ExitedBeforeConnecting`]; one that
    /// does not connect in time is killed, reaped, and [`ProcessError::NoConnection`].
    pub fn spawn_connected<T>(
        self,
        deadline: Duration,
    ) -> Result<(ChildGuard, IpcReceiver<T>, T), ProcessError>
    where
        T: Serialize + DeserializeOwned + Send + 'static,
    {
        let (server, name) =
            IpcOneShotServer::<T>::new().map_err(|e| ProcessError::Ipc(e.to_string()))?;
        let mut child = self.env(SERVER_ENV, &name).spawn()?;
        let (done, accepted) = mpsc::channel();
        let acceptor = thread::Builder::new()
            .name("ipc-accept".into())
            .spawn(move || {
                let _ = done.send(server.accept());
            })?;
        // `accept` blocks until a connection comes; when we stop waiting (the child died, or its
        // time is up), we connect and hang up ourselves, so that it returns and its thread ends.
        // A connection the child made is queued before ours: `accept` takes the child's first.
        let hang_up = || {
            drop(IpcSender::<T>::connect(name.clone()));
            accepted.recv_timeout(Duration::from_secs(10))
        };
        let start = Instant::now();
        let outcome = loop {
            match accepted.recv_timeout(POLL) {
                Ok(result) => break result.map_err(|e| ProcessError::Ipc(e.to_string())),
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    break Err(ProcessError::Ipc("the accepting thread panicked".into()));
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
            }
            if let Some(status) = child.try_wait()? {
                // It may have connected and sent its message just before it ended.
                break match hang_up() {
                    Ok(Ok(accepted)) => Ok(accepted),
                    _ => Err(ProcessError::ExitedBeforeConnecting {
                        role: child.role.clone(),
                        status,
                    }),
                };
            }
            if start.elapsed() >= deadline {
                child.kill_and_reap()?;
                let _ = hang_up();
                break Err(ProcessError::NoConnection {
                    role: child.role.clone(),
                    deadline,
                });
            }
        };
        let _ = acceptor.join();
        let (receiver, first) = outcome?;
        Ok((child, receiver, first))
    }
}

/// The `__main__` guard, enforced: a process in a role may start a child only if it says so.
fn refuse_from_a_child(
    current: Option<String>,
    wanted: &str,
    from_a_child: bool,
) -> Result<(), ProcessError> {
    match current {
        Some(current) if !from_a_child => Err(ProcessError::SpawnFromChild {
            current,
            wanted: wanted.to_string(),
        }),
        _ => Ok(()),
    }
}

/// In a child started with [`Spawn::spawn_connected`]: connects to the parent. The first message
/// sent on the returned sender is what `spawn_connected` returns to the parent.
pub fn connect_to_parent<T: Serialize + DeserializeOwned>() -> Result<IpcSender<T>, ProcessError> {
    let name = std::env::var(SERVER_ENV).map_err(|_| ProcessError::NoParent)?;
    IpcSender::connect(name).map_err(|e| ProcessError::Ipc(e.to_string()))
}

/// A running child that is killed and reaped when dropped: never a runaway, never a zombie.
///
/// `wait`, `try_wait` and `wait_timeout` reap the child when it has ended; after that, dropping
/// the guard does nothing more.
#[derive(Debug)]
pub struct ChildGuard {
    child: Option<Child>,
    role: String,
    group: bool,
    status: Option<Ended>,
}

impl ChildGuard {
    /// The child's pid.
    pub fn id(&self) -> u32 {
        self.child().id()
    }

    /// The child's role.
    pub fn role(&self) -> &str {
        &self.role
    }

    fn child(&self) -> &Child {
        self.child
            .as_ref()
            .expect("the child is there until the guard is consumed")
    }

    fn child_mut(&mut self) -> &mut Child {
        self.child
            .as_mut()
            .expect("the child is there until the guard is consumed")
    }

    /// Takes the write end of the child's standard input, if it was `Stdio::piped()`.
    pub fn take_stdin(&mut self) -> Option<ChildStdin> {
        self.child_mut().stdin.take()
    }

    /// Takes the read end of the child's standard output, if it was `Stdio::piped()`.
    pub fn take_stdout(&mut self) -> Option<ChildStdout> {
        self.child_mut().stdout.take()
    }

    /// Takes the read end of the child's standard error, if it was `Stdio::piped()`.
    pub fn take_stderr(&mut self) -> Option<ChildStderr> {
        self.child_mut().stderr.take()
    }

    /// Waits for the child to end and reaps it.
    pub fn wait(&mut self) -> io::Result<Ended> {
        if let Some(ended) = self.status {
            return Ok(ended);
        }
        let ended = Ended::from_status(self.child_mut().wait()?);
        self.status = Some(ended);
        Ok(ended)
    }

    /// Reaps the child if it has ended, without blocking.
    pub fn try_wait(&mut self) -> io::Result<Option<Ended>> {
        if self.status.is_none() {
            self.status = self.child_mut().try_wait()?.map(Ended::from_status);
        }
        Ok(self.status)
    }

    /// Waits at most `limit` for the child to end; `None` if it is still running then (it is
    /// left running: call [`ChildGuard::kill_and_reap`] to end it).
    pub fn wait_timeout(&mut self, limit: Duration) -> io::Result<Option<Ended>> {
        let start = Instant::now();
        loop {
            if let Some(ended) = self.try_wait()? {
                return Ok(Some(ended));
            }
            let left = limit.saturating_sub(start.elapsed());
            if left.is_zero() {
                return Ok(None);
            }
            thread::sleep(left.min(POLL));
        }
    }

    /// Kills the child (its group, if it leads one) with SIGKILL and reaps it. Returns how it
    /// ended (`Signalled(9)`, unless it had ended on its own already).
    pub fn kill_and_reap(&mut self) -> io::Result<Ended> {
        if let Some(ended) = self.try_wait()? {
            if self.group {
                // Its grandchildren may live on in its group.
                let _ = signal_group(self.id(), libc::SIGKILL);
            }
            return Ok(ended);
        }
        if self.group {
            signal_group(self.id(), libc::SIGKILL)?;
        } else {
            self.child_mut().kill()?;
        }
        self.wait()
    }

    /// Gives up the guard: the child is no longer killed on drop (whoever holds it must wait).
    pub fn into_inner(mut self) -> Child {
        self.child
            .take()
            .expect("the child is there until the guard is consumed")
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        if self.child.is_some() {
            let _ = self.kill_and_reap();
        }
    }
}

/// Sends `signal` to every process in the process group `group` (a group's id is its leader's
/// pid).
pub fn signal_group(group: u32, signal: i32) -> io::Result<()> {
    let group = i32::try_from(group).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
    if group <= 0 {
        return Err(io::ErrorKind::InvalidInput.into());
    }
    // SAFETY: killpg only sends a signal; it reads and writes no memory of ours.
    if unsafe { libc::killpg(group, signal) } == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// The process group this process belongs to.
pub fn group_id() -> u32 {
    // SAFETY: getpgrp takes no arguments and cannot fail.
    unsafe { libc::getpgrp() as u32 }
}

/// What `/proc/<pid>/stat` says about a process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcInfo {
    /// Its pid.
    pub pid: u32,
    /// Its command name (at most 15 bytes, as the kernel keeps it).
    pub name: String,
    /// Its state: `R` running, `S` sleeping, `D` in uninterruptible wait, `T` stopped, `Z` zombie.
    pub state: char,
    /// Its parent's pid.
    pub parent: u32,
    /// Its process group.
    pub group: u32,
}

impl ProcInfo {
    /// Whether it is a zombie: dead, its exit status waiting for its parent to reap it.
    pub fn is_zombie(&self) -> bool {
        self.state == 'Z'
    }
}

/// Reads `/proc/<pid>/stat`: `None` once the process is gone (dead and reaped).
pub fn proc_info(pid: u32) -> Option<ProcInfo> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    parse_stat(&stat)
}

fn parse_stat(stat: &str) -> Option<ProcInfo> {
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
    let open = stat.find('(')?;
    let close = stat.rfind(')')?;
    let pid = stat[..open].trim().parse().ok()?;
    let name = stat[open + 1..close].to_string();
    let mut rest = stat.get(close + 2..)?.split_whitespace();
    let state = rest.next()?.chars().next()?;
    let parent = rest.next()?.parse().ok()?;
    let group = rest.next()?.parse().ok()?;
    Some(ProcInfo {
        pid,
        name,
        state,
        parent,
        group,
    })
}

/// The pid of every process this one can see in `/proc`, in no particular order.
pub fn pids() -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect()
}

/// Every process this one can see, zombies included, from `/proc` (one that ends while it is
/// read is left out).
pub fn processes() -> Vec<ProcInfo> {
    pids().into_iter().filter_map(proc_info).collect()
}

/// Every process whose parent is `pid`, zombies included, from `/proc`.
pub fn children_of(pid: u32) -> Vec<ProcInfo> {
    let mut children: Vec<ProcInfo> = processes()
        .into_iter()
        .filter(|p| p.parent == pid)
        .collect();
    children.sort_by_key(|p| p.pid);
    children
}

/// The files under `dir` that some process this one can see holds open or has mapped into its
/// memory (from `/proc/<pid>/fd` and `/proc/<pid>/maps`): a file in `/dev/shm` that a live
/// process uses is that process's, not a leftover to remove.
pub fn files_in_use(dir: &Path) -> BTreeSet<PathBuf> {
    let mut files = BTreeSet::new();
    for pid in pids() {
        if let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) {
            files.extend(fds.filter_map(|fd| std::fs::read_link(fd.ok()?.path()).ok()));
        }
        if let Ok(maps) = std::fs::read_to_string(format!("/proc/{pid}/maps")) {
            // "address perms offset dev inode path": the path is the rest of the line.
            files.extend(
                maps.lines()
                    .filter_map(|l| Some(PathBuf::from(&l[l.find('/')?..]))),
            );
        }
        files.retain(|f| f.starts_with(dir));
    }
    files
}

/// A name no other process uses, `course-<tag>-<pid>-<n>`, for things that live outside a
/// process (a shared-memory segment): the grader finds what a killed check left by the prefix.
pub fn unique_name(tag: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    format!(
        "{NAME_PREFIX}{tag}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

#[cfg(test)]
mod tests {
    //! The unit tests start `/bin/sh` as the child: the test binary cannot start itself in a
    //! role (its `main` is libtest's). The handshake's child side is covered by lesson 08.
    use super::*;

    fn sh(script: &str) -> Spawn {
        Program::at("/bin/sh").role("test").args(["-c", script])
    }

    #[test]
    fn a_role_reaches_the_child_and_exit_codes_come_back() {
        let mut child = sh("test \"$COURSE_PROCESS_ROLE\" = test && exit 7")
            .spawn()
            .unwrap();
        assert_eq!(child.wait().unwrap(), Ended::Exited(7));
        assert_eq!(child.wait().unwrap(), Ended::Exited(7), "a second wait");
    }

    #[test]
    fn a_child_may_not_start_a_child_unless_it_says_so() {
        assert!(refuse_from_a_child(None, "worker", false).is_ok());
        let err = refuse_from_a_child(Some("worker".into()), "worker", false).unwrap_err();
        assert!(err.to_string().contains("__main__"), "{err}");
        assert!(refuse_from_a_child(Some("manager".into()), "worker", true).is_ok());
    }

    #[test]
    fn a_dropped_guard_kills_and_reaps() {
        let child = sh("sleep 30").spawn().unwrap();
        let pid = child.id();
        assert_eq!(proc_info(pid).unwrap().parent, std::process::id());
        drop(child);
        assert_eq!(proc_info(pid), None, "killed and reaped: no zombie");
    }

    #[test]
    fn wait_timeout_leaves_a_runaway_to_kill_and_reap() {
        let mut child = sh("sleep 30").spawn().unwrap();
        let start = Instant::now();
        assert_eq!(child.wait_timeout(Duration::from_millis(50)).unwrap(), None);
        assert!(start.elapsed() >= Duration::from_millis(50));
        assert_eq!(
            child.kill_and_reap().unwrap(),
            Ended::Signalled(libc::SIGKILL)
        );
        assert_eq!(proc_info(child.id()), None);
    }

    #[test]
    fn an_unreaped_child_is_a_zombie_until_waited_for() {
        let mut child = sh("exit 3").spawn().unwrap().into_inner();
        let pid = child.id();
        let start = Instant::now();
        while !proc_info(pid).unwrap().is_zombie() {
            assert!(start.elapsed() < Duration::from_secs(10), "sh never exited");
            thread::sleep(Duration::from_millis(1));
        }
        assert!(
            children_of(std::process::id())
                .iter()
                .any(|p| p.pid == pid && p.is_zombie())
        );
        assert_eq!(child.wait().unwrap().code(), Some(3));
        assert_eq!(proc_info(pid), None);
    }

    #[test]
    fn a_group_guard_kills_the_grandchildren_too() {
        let (tx, rx) = mpsc::channel();
        let mut child = sh("sleep 30 & echo $!; wait")
            .new_group()
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.take_stdout().unwrap();
        thread::spawn(move || {
            let mut line = String::new();
            io::BufRead::read_line(&mut io::BufReader::new(stdout), &mut line).unwrap();
            tx.send(line.trim().parse::<u32>().unwrap()).unwrap();
        });
        let grandchild = rx.recv_timeout(Duration::from_secs(10)).unwrap();
        assert_eq!(proc_info(grandchild).unwrap().group, child.id());
        drop(child);
        // The grandchild is not ours to reap: its parent's death hands it to init (or a
        // subreaper). It is dead once it is gone or a zombie.
        let start = Instant::now();
        while proc_info(grandchild).is_some_and(|p| !p.is_zombie()) {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "grandchild survived"
            );
            thread::sleep(Duration::from_millis(1));
        }
    }

    #[test]
    fn a_child_that_dies_before_connecting_is_an_error_not_a_hang() {
        let start = Instant::now();
        let err = sh("exit 4")
            .spawn_connected::<u32>(Duration::from_secs(30))
            .unwrap_err();
        assert!(
            matches!(
                err,
                ProcessError::ExitedBeforeConnecting {
                    status: Ended::Exited(4),
                    ..
                }
            ),
            "{err}"
        );
        assert!(start.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn a_child_that_never_connects_is_killed_at_the_deadline() {
        let err = sh("sleep 30")
            .spawn_connected::<u32>(Duration::from_millis(100))
            .unwrap_err();
        assert!(matches!(err, ProcessError::NoConnection { .. }), "{err}");
    }

    #[test]
    fn the_stat_line_is_read_even_with_odd_names() {
        let info = parse_stat("42 (a) b (c)) Z 1 42 42 0 -1").unwrap();
        assert_eq!(
            (
                info.pid,
                info.name.as_str(),
                info.state,
                info.parent,
                info.group
            ),
            (42, "a) b (c)", 'Z', 1, 42)
        );
        assert_eq!(proc_info(std::process::id()).unwrap().parent, parent_id());
    }

    #[test]
    fn files_in_use_are_those_open_or_mapped() {
        let dir = tempfile::tempdir().unwrap();
        let (open, closed) = (dir.path().join("open"), dir.path().join("closed"));
        std::fs::write(&closed, b"nobody holds me").unwrap();
        let held = std::fs::File::create(&open).unwrap();
        let in_use = files_in_use(dir.path());
        assert!(in_use.contains(&open), "{in_use:?}");
        assert!(!in_use.contains(&closed), "{in_use:?}");
        assert!(in_use.iter().all(|f| f.starts_with(dir.path())));
        drop(held);
        assert!(files_in_use(dir.path()).is_empty());
        let me = processes()
            .into_iter()
            .find(|p| p.pid == std::process::id());
        assert_eq!(me.map(|p| p.parent), Some(parent_id()));
    }

    #[test]
    fn unique_names_are_unique_and_findable() {
        let (a, b) = (unique_name("seg"), unique_name("seg"));
        assert_ne!(a, b);
        assert!(a.starts_with("course-seg-"));
    }
}
