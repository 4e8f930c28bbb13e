//! `cargo xtask run <lesson> [--solution] [-- ARGS]`: the lesson's demo program.

use std::process::ExitCode;

use anyhow::Result;

use crate::cargo;
use crate::course::{Course, Lesson, Variant};

pub fn run(
    course: &Course,
    lesson: &Lesson,
    variant: Variant,
    args: &[String],
) -> Result<ExitCode> {
    if let Some(why) = lesson.unavailable() {
        eprintln!("{} ({}) cannot run here: {why}.", lesson.id, lesson.title);
        return Ok(ExitCode::FAILURE);
    }
    let status = cargo::run_demo(&course.root, lesson, &lesson.package(variant), args)?;
    // Pass the demo's own exit code on (and 1 for a demo killed by a signal).
    Ok(ExitCode::from(
        status.code().map_or(1, |c| c.clamp(0, 255) as u8),
    ))
}
