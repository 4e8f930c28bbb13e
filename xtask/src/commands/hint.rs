//! `cargo xtask hint <lesson>`: one more hint each call, or all of them with `--all`.

use std::process::ExitCode;

use anyhow::Result;

use crate::course::{Course, Lesson};
use crate::progress::Progress;

pub fn hint(course: &Course, lesson: &Lesson, all: bool) -> Result<ExitCode> {
    if lesson.hints.is_empty() {
        println!(
            "{} has no hints: its README is the place to start.",
            lesson.id
        );
        return Ok(ExitCode::SUCCESS);
    }
    let mut progress = Progress::load(&course.root);
    let shown = progress.hints_shown.entry(lesson.id.clone()).or_insert(0);
    let upto = if all {
        lesson.hints.len()
    } else {
        (*shown + 1).min(lesson.hints.len())
    };
    for (i, hint) in lesson.hints.iter().enumerate().take(upto) {
        // Show only the new hint, unless all were asked for.
        if all || i + 1 == upto {
            println!(
                "Hint {} of {} for {}:\n  {hint}\n",
                i + 1,
                lesson.hints.len(),
                lesson.id
            );
        }
    }
    if upto == lesson.hints.len() && !all {
        println!(
            "That was the last hint. `cargo xtask hint {} --all` shows them all.",
            lesson.id
        );
    }
    *shown = upto;
    progress.save(&course.root)?;
    Ok(ExitCode::SUCCESS)
}

/// The first hint, shown by `check` when a check fails.
pub fn first(lesson: &Lesson) -> Option<&str> {
    lesson.hints.first().map(String::as_str)
}
