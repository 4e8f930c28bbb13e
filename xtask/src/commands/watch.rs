//! `cargo xtask watch [<lesson>]`: check a lesson again every time one of its files is saved,
//! and move on to the next lesson when it passes.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use anyhow::{Context, Result, bail};
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
    let first_unfinished = progress.next_lesson(course);
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

    let mut watching: Option<PathBuf> = None;
    loop {
        let dir = lesson.crate_dir(&course.root, Variant::Starter);
        if watching.as_ref() != Some(&dir) {
            if let Some(old) = watching.take() {
                watcher.unwatch(&old).ok();
            }
            watcher
                .watch(&dir, RecursiveMode::Recursive)
                .with_context(|| format!("watching {}", dir.display()))?;
            watching = Some(dir.clone());
        }
        // The saves that led here are in the build this check makes.
        while changes.try_recv().is_ok() {}
        match check::check(course, lesson, Variant::Starter, 1, false)? {
            Verdict::Interrupted => return Ok(Verdict::Interrupted),
            // Nothing to watch: check said what to install.
            Verdict::Skipped => return Ok(Verdict::Skipped),
            Verdict::Passed => match course.after(lesson) {
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
        // A save while the check ran may have come after its build: check again at once.
        if changes.try_recv().is_err() {
            println!(
                "\nWatching {}: save a file to check again, Ctrl-C to stop.",
                relative(&dir, &course.root)
            );
            loop {
                match changes.recv_timeout(Duration::from_millis(100)) {
                    Ok(()) => break,
                    Err(RecvTimeoutError::Timeout) if INTERRUPTED.load(Ordering::SeqCst) => {
                        return Ok(Verdict::Interrupted);
                    }
                    Err(RecvTimeoutError::Timeout) => {}
                    Err(RecvTimeoutError::Disconnected) => bail!("the file watcher stopped"),
                }
            }
        }
        std::thread::sleep(SETTLE);
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
