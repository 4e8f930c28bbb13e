//! `cargo xtask watch [<lesson>]`: check a lesson again every time one of its files is saved,
//! and move on to the next lesson when it passes.

use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use anyhow::{Context, Result};
use console::style;
use notify::{EventKind, RecursiveMode, Watcher};

use crate::commands::check::{self, Verdict};
use crate::course::{Course, Lesson, Variant};
use crate::progress::Progress;
use crate::sandbox::INTERRUPTED;

/// Editors save in bursts (a temporary file, a rename, a touch): wait this long after the
/// first change before checking, so that one save means one check.
const SETTLE: Duration = Duration::from_millis(250);

pub fn watch(course: &Course, start: Option<&Lesson>) -> Result<Verdict> {
    let progress = Progress::load(&course.root);
    let first_unfinished = course.lessons.iter().find(|l| {
        progress
            .lessons
            .get(&l.id)
            .is_none_or(|p| p.status() != "passed")
    });
    let Some(mut lesson) = start.or(first_unfinished) else {
        println!("Every lesson passes: nothing to watch. Well done.");
        return Ok(Verdict::Passed);
    };

    let (saved, changes) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event
            && is_a_save(&event)
        {
            let _ = saved.send(());
        }
    })
    .context("starting the file watcher")?;

    loop {
        let dir = lesson.crate_dir(&course.root, Variant::Starter);
        watcher
            .watch(&dir, RecursiveMode::Recursive)
            .with_context(|| format!("watching {}", dir.display()))?;
        let verdict = check::check(course, lesson, Variant::Starter, 1, false)?;
        watcher.unwatch(&dir).ok();
        match verdict {
            Verdict::Interrupted => return Ok(Verdict::Interrupted),
            Verdict::Passed => match course
                .lessons
                .iter()
                .skip_while(|l| l.id != lesson.id)
                .nth(1)
            {
                Some(next) => {
                    println!(
                        "\n{}\n",
                        style(format!("On to {}: {}", next.id, next.title)).bold()
                    );
                    lesson = next;
                    continue;
                }
                None => return Ok(Verdict::Passed),
            },
            Verdict::Failed => {}
        }
        println!(
            "\nWatching {}: save a file to check again, Ctrl-C to stop.",
            relative(&dir, &course.root)
        );
        watcher.watch(&dir, RecursiveMode::Recursive)?;
        // Changes that arrived while the check ran were made before its build, or by it.
        while changes.try_recv().is_ok() {}
        loop {
            match changes.recv_timeout(Duration::from_millis(100)) {
                Ok(()) => break,
                Err(RecvTimeoutError::Timeout) if INTERRUPTED.load(Ordering::SeqCst) => {
                    return Ok(Verdict::Interrupted);
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => anyhow::bail!("the file watcher stopped"),
            }
        }
        std::thread::sleep(SETTLE);
        while changes.try_recv().is_ok() {}
        watcher.unwatch(&dir).ok();
        println!();
    }
}

/// A change to a source file or a manifest (not an editor's swap file, not a mere read).
fn is_a_save(event: &notify::Event) -> bool {
    let writes = matches!(
        event.kind,
        EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)
    );
    writes
        && event.paths.iter().any(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            (name.ends_with(".rs") || name == "Cargo.toml") && !name.starts_with('.')
        })
}

fn relative(path: &Path, root: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}
