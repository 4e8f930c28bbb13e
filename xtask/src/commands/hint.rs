//! `cargo xtask hint <lesson>`: one more hint each call, or all of them with `--all`.

use std::process::ExitCode;

use anyhow::Result;

use crate::course::{Course, Hint, Lesson};
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
                "Hint {} of {} for {}{}:\n  {}\n",
                i + 1,
                lesson.hints.len(),
                lesson.id,
                about(hint),
                hint.text
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

/// What a hint is about, for its heading: ` (for counter_counts)`, or nothing.
pub fn about(hint: &Hint) -> String {
    if hint.checks.is_empty() {
        String::new()
    } else {
        format!(" (for {})", hint.checks.join(", "))
    }
}
