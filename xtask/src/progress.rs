//! A student's progress, kept in `.course-progress.json` at the course root (gitignored): the
//! last result of each lesson's check, and how many hints were shown.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::course::{Course, Lesson};

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Progress {
    #[serde(default)]
    pub lessons: BTreeMap<String, LessonProgress>,
    #[serde(default)]
    pub hints_shown: BTreeMap<String, usize>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LessonProgress {
    pub passed: usize,
    pub total: usize,
    /// The lesson did not compile at the last check.
    #[serde(default)]
    pub compile_error: bool,
}

impl LessonProgress {
    /// Every check passed at the last check.
    pub fn is_done(&self) -> bool {
        !self.compile_error && self.passed == self.total
    }

    pub fn status(&self) -> String {
        if self.compile_error {
            "does not compile".into()
        } else if self.is_done() {
            "passed".into()
        } else {
            format!("failing {} of {}", self.total - self.passed, self.total)
        }
    }
}

fn path(root: &Path) -> PathBuf {
    root.join(".course-progress.json")
}

impl Progress {
    /// The saved progress; none yet (or an unreadable file) is a fresh start.
    pub fn load(root: &Path) -> Progress {
        std::fs::read_to_string(path(root))
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default()
    }

    /// The first lesson, in course order, that has not passed yet.
    pub fn next_lesson<'a>(&self, course: &'a Course) -> Option<&'a Lesson> {
        course
            .lessons
            .iter()
            .find(|l| !self.lessons.get(&l.id).is_some_and(LessonProgress::is_done))
    }

    pub fn save(&self, root: &Path) -> Result<()> {
        let text = serde_json::to_string_pretty(self)?;
        // Write then rename, so that an interrupted save never leaves half a file.
        let tmp = path(root).with_extension("json.tmp");
        std::fs::write(&tmp, text).with_context(|| format!("writing {}", tmp.display()))?;
        std::fs::rename(&tmp, path(root)).context("saving progress")
    }
}
