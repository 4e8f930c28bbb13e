//! `cargo xtask ci`: everything CI runs, in order, stopping at the first step that fails.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::Result;
use console::style;

use crate::cargo;
use crate::commands::verify;
use crate::course::Course;
use crate::system::Requirement;

const STEPS: &[(&str, &[&str])] = &[
    ("formatting", &["fmt", "--all", "--", "--check"]),
    (
        "clippy, warnings denied",
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    ),
    ("tests", &["test", "--workspace"]),
];

pub fn ci(course: &Course) -> Result<ExitCode> {
    for (name, args) in STEPS {
        if !step(course, None, name, args)? {
            return Ok(ExitCode::FAILURE);
        }
    }
    // The workspaces of lessons that need more than Rust (lesson 15: MPI). Formatting needs
    // nothing but rustfmt; clippy builds, so it runs only where the requirement is installed
    // (`.ci/run` installs it). Their solutions' checks run in `verify`, through the grader.
    let mut requirements: Vec<Requirement> =
        course.lessons.iter().filter_map(|l| l.requires).collect();
    requirements.dedup();
    for requirement in requirements {
        let manifest = course
            .root
            .join(requirement.workspace())
            .join("Cargo.toml")
            .display()
            .to_string();
        let fmt = [
            "fmt",
            "--all",
            "--manifest-path",
            &manifest,
            "--",
            "--check",
        ];
        let name = format!("formatting ({requirement} lessons)");
        if !step(course, Some(requirement), &name, &fmt)? {
            return Ok(ExitCode::FAILURE);
        }
        let name = format!("clippy, warnings denied ({requirement} lessons)");
        if let Some(why) = requirement.why_not_here() {
            println!("{} {name}: skipped: {why}", style("==>").yellow().bold());
            continue;
        }
        let clippy = [
            "clippy",
            "--manifest-path",
            &manifest,
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ];
        if !step(course, Some(requirement), &name, &clippy)? {
            return Ok(ExitCode::FAILURE);
        }
    }
    println!(
        "{} verify: every solution passes, every starter fails",
        style("==>").cyan().bold()
    );
    let start = Instant::now();
    let code = verify::verify(course, None, 1)?;
    println!("    verify took {:.0} s", start.elapsed().as_secs_f64());
    Ok(code)
}

/// Runs one cargo step, saying what it runs and how it went.
fn step(course: &Course, requires: Option<Requirement>, name: &str, args: &[&str]) -> Result<bool> {
    println!(
        "{} {name}: cargo {}",
        style("==>").cyan().bold(),
        args.join(" ")
    );
    let start = Instant::now();
    if !cargo::run_step(&course.root, requires, args)? {
        println!("{} {name} failed", style("ci:").red().bold());
        return Ok(false);
    }
    println!(
        "    {name} passed in {:.0} s",
        start.elapsed().as_secs_f64()
    );
    Ok(true)
}
