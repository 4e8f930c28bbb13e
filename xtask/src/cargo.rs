//! Building lessons with cargo: the checks binary of a package, and its demo.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use crate::course::Lesson;
use crate::system::Requirement;

/// The profile checks and demos are built with (see the workspace's Cargo.toml).
pub const PROFILE: &str = "grade";

/// The cargo that runs us (so that `cargo +nightly xtask` stays on nightly), or `cargo`, in the
/// course's root and building into [`target_dir`].
pub fn cargo(root: &Path) -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(root);
    if let Some(target) = target_dir(root, std::env::var_os("CARGO_TARGET_DIR")) {
        command.env("CARGO_TARGET_DIR", target);
    }
    command
}

/// Where a course's lessons are built: the course's own `target/` unless `CARGO_TARGET_DIR`
/// (`shared`) says otherwise, and then a folder of that one for this course alone.
///
/// Cargo tells the packages of a workspace apart by their paths *within* the workspace, so
/// `lessons/01-threads` of two clones of the course is one package to a shared target dir. A
/// clone whose sources are older than the other's last build would be graded on the other
/// clone's code, without a word. One folder per course root (named after a hash of the root's
/// path) keeps them apart.
pub fn target_dir(root: &Path, shared: Option<std::ffi::OsString>) -> Option<PathBuf> {
    use std::hash::{Hash, Hasher};
    let shared = PathBuf::from(shared?);
    let mut hasher = std::hash::DefaultHasher::new();
    root.hash(&mut hasher);
    let name = root
        .file_name()
        .map_or_else(|| "course".into(), |n| n.to_string_lossy().into_owned());
    Some(shared.join(format!("{name}-{:016x}", hasher.finish())))
}

/// Cargo for the workspace of the lessons that require `requires` (none: the course's own): [`cargo`], building into [`target_dir`] for the course's own
/// workspace, and into its `mpi` folder for a lesson with its own workspace (two workspaces that
/// share one target folder would rebuild `common` for each other at every switch: its path,
/// relative to each workspace, is part of its fingerprint).
pub fn cargo_for(root: &Path, requires: Option<Requirement>) -> Command {
    let mut command = cargo(root);
    if let Some(requirement) = requires {
        let base = target_dir(root, std::env::var_os("CARGO_TARGET_DIR"))
            .unwrap_or_else(|| root.join("target"));
        command.env("CARGO_TARGET_DIR", base.join(requirement.workspace()));
    }
    command
}

/// What building a lesson's checks produced.
pub enum Build {
    /// The test binary that holds the checks.
    Checks(PathBuf),
    /// Cargo reported errors (already shown to the user).
    DoesNotCompile,
}

#[derive(Deserialize)]
struct Message {
    reason: String,
    #[serde(default)]
    target: Option<Target>,
    #[serde(default)]
    executable: Option<PathBuf>,
}

#[derive(Deserialize)]
struct Target {
    name: String,
    kind: Vec<String>,
}

/// Builds the `checks` test target of `package` (one of `lesson`'s), showing cargo's progress
/// and errors on stderr.
pub fn build_checks(root: &Path, lesson: &Lesson, package: &str, quiet: bool) -> Result<Build> {
    let mut command = cargo_for(root, lesson.requires);
    command
        .args([
            "test",
            "--no-run",
            "--profile",
            PROFILE,
            "--package",
            package,
            "--test",
            "checks",
        ])
        .args(lesson.manifest_args(root))
        .args(["--message-format", "json-render-diagnostics"])
        // JSON messages on stdout, for us; errors rendered as usual on stderr, for the student.
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    if quiet {
        command.arg("--quiet");
    }
    let output = command.output().context("running cargo")?;
    if !output.status.success() {
        return Ok(Build::DoesNotCompile);
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    for line in stdout.lines() {
        let Ok(message) = serde_json::from_str::<Message>(line) else {
            continue;
        };
        if message.reason != "compiler-artifact" {
            continue;
        }
        if let (Some(target), Some(executable)) = (message.target, message.executable)
            && target.name == "checks"
            && target.kind.iter().any(|k| k == "test")
        {
            return Ok(Build::Checks(executable));
        }
    }
    bail!("cargo built {package} but named no checks binary")
}

/// Builds `package`'s demo program in the grading profile (cargo's errors shown on stderr) and
/// returns the path of its executable.
pub fn build_demo(root: &Path, lesson: &Lesson, package: &str) -> Result<PathBuf> {
    let output = cargo_for(root, lesson.requires)
        .args([
            "build",
            "--quiet",
            "--profile",
            PROFILE,
            "--package",
            package,
            "--bins",
        ])
        .args(lesson.manifest_args(root))
        .args(["--message-format", "json-render-diagnostics"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .output()
        .context("running cargo")?;
    if !output.status.success() {
        bail!("{package} does not compile");
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<Message>(line).ok())
        .filter(|m| m.reason == "compiler-artifact")
        .find_map(|m| match (m.target, m.executable) {
            (Some(target), Some(executable)) if target.kind.iter().any(|k| k == "bin") => {
                Some(executable)
            }
            _ => None,
        })
        .with_context(|| format!("cargo built {package} but named no program"))
}

/// Runs `package`'s demo program with `args`, in the grading profile, and waits for it.
pub fn run_demo(
    root: &Path,
    lesson: &Lesson,
    package: &str,
    args: &[String],
) -> Result<ExitStatus> {
    cargo_for(root, lesson.requires)
        .args(["run", "--quiet", "--profile", PROFILE, "--package", package])
        .args(lesson.manifest_args(root))
        .arg("--")
        .args(args)
        .status()
        .context("running cargo")
}

/// Runs a cargo command for `ci`, showing its output, and says whether it succeeded.
pub fn run_step(root: &Path, requires: Option<Requirement>, args: &[&str]) -> Result<bool> {
    let status = cargo_for(root, requires)
        .args(args)
        .status()
        .context("running cargo")?;
    Ok(status.success())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_course_root_gets_its_own_folder_of_a_shared_target_dir() {
        let shared = || Some("/tmp/shared-target".into());
        let a = target_dir(Path::new("/home/me/course"), shared()).unwrap();
        let b = target_dir(Path::new("/home/me/course-copy"), shared()).unwrap();
        let c = target_dir(Path::new("/srv/class/course"), shared()).unwrap();
        assert!(a.starts_with("/tmp/shared-target") && a.to_string_lossy().contains("course-"));
        assert!(a != b && a != c && b != c, "{a:?} {b:?} {c:?}");
        assert_eq!(
            a,
            target_dir(Path::new("/home/me/course"), shared()).unwrap()
        );
        assert_eq!(target_dir(Path::new("/home/me/course"), None), None);
    }
}
