//! `cargo xtask ci`: everything CI runs, in order, stopping at the first step that fails.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::Result;
use console::style;

use crate::cargo;
use crate::commands::verify;
use crate::course::Course;

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
        println!(
            "{} {name}: cargo {}",
            style("==>").cyan().bold(),
            args.join(" ")
        );
        let start = Instant::now();
        if !cargo::run_step(&course.root, args)? {
            println!("{} {name} failed", style("ci:").red().bold());
            return Ok(ExitCode::FAILURE);
        }
        println!(
            "    {name} passed in {:.0} s",
            start.elapsed().as_secs_f64()
        );
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
