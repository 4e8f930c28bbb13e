//! `cargo xtask list`: every lesson with its title and the student's status.

use std::process::ExitCode;

use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};

use crate::course::Course;
use crate::progress::Progress;

pub fn list(course: &Course) -> ExitCode {
    let progress = Progress::load(&course.root);
    let mut table = Table::new();
    table
        .load_style(UTF8_FULL_CONDENSED)
        .set_header(["lesson", "topic", "title", "status"]);
    for lesson in &course.lessons {
        let status = progress
            .lessons
            .get(&lesson.id)
            .map_or_else(|| "not started".to_string(), |p| p.status());
        table.add_row([
            lesson.id.as_str(),
            lesson.slug(),
            lesson.title.as_str(),
            status.as_str(),
        ]);
    }
    println!("{table}");
    match progress.next_lesson(course) {
        Some(next) => println!("Next: cargo xtask check {}", next.id),
        None => println!("Every lesson passes. Well done."),
    }
    ExitCode::SUCCESS
}
