//! `cargo xtask reset <lesson> [--yes]`: put a lesson's starter back as it was at the last
//! commit, after showing what would be lost and asking for confirmation.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::process::{Command, ExitCode};

use anyhow::{Context, Result, bail};

use crate::course::{Course, Lesson, Variant};
use crate::progress::Progress;

pub fn reset(course: &Course, lesson: &Lesson, yes: bool) -> Result<ExitCode> {
    let dir = lesson.crate_dir(&course.root, Variant::Starter);
    let dir = dir.strip_prefix(&course.root).unwrap_or(&dir).to_path_buf();
    let dir = dir
        .to_str()
        .context("the lesson's folder name is not UTF-8")?;

    let changes = git(
        &course.root,
        &["status", "--porcelain", "--untracked-files=all", "--", dir],
    )?;
    if changes.trim().is_empty() {
        println!("{dir} is as it was at the last commit: nothing to reset.");
        return Ok(ExitCode::SUCCESS);
    }
    println!("This puts {dir} back as it was at the last commit. These changes would be lost:");
    for line in changes.lines() {
        println!("  {line}");
    }
    if !yes {
        if !std::io::stdin().is_terminal() {
            eprintln!("Nothing changed: to reset without a question, add --yes.");
            return Ok(ExitCode::from(2));
        }
        print!("Type yes to reset {}: ", lesson.id);
        std::io::stdout().flush()?;
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        if answer.trim() != "yes" {
            println!("Nothing changed.");
            return Ok(ExitCode::FAILURE);
        }
    }
    git(&course.root, &["checkout", "HEAD", "--", dir])?;
    // Files the student added are not in the last commit: remove them too.
    git(&course.root, &["clean", "-f", "-d", "--quiet", "--", dir])?;

    let mut progress = Progress::load(&course.root);
    progress.lessons.remove(&lesson.id);
    progress.save(&course.root)?;
    println!(
        "{} is back to its starter. `cargo xtask check {}` to begin again.",
        lesson.id, lesson.id
    );
    Ok(ExitCode::SUCCESS)
}

fn git(root: &Path, args: &[&str]) -> Result<String> {
    let output = Command::new("git")
        .args(args)
        .current_dir(root)
        .output()
        .context("reset needs git, and git could not be started")?;
    if !output.status.success() {
        bail!(
            "git {} failed (reset needs the course to be a git checkout): {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}
