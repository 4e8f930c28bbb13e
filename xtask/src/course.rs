//! The course as `course.toml` describes it: the lessons in order, their folders, titles, hints
//! and time limits, and the mutants that prove the checks catch the bugs they claim to catch.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use serde::Deserialize;

use crate::system::Requirement;

/// The whole course, read from `course.toml` at the workspace root.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Course {
    /// Seconds a check may run before it is killed, unless its lesson says otherwise.
    pub default_time_limit: u64,
    /// How many processes (threads count too) a check may have at once, unless its lesson says
    /// otherwise ([`crate::limits::DEFAULT_MAX_PROCESSES`] if absent).
    pub max_processes: Option<u64>,
    /// How much memory, in MiB, a check's processes may use together, unless its lesson says
    /// otherwise ([`crate::limits::DEFAULT_MAX_MEMORY_MIB`] if absent).
    pub max_memory_mib: Option<u64>,
    #[serde(rename = "lesson")]
    pub lessons: Vec<Lesson>,
    #[serde(default, rename = "mutant")]
    pub mutants: Vec<Mutant>,
    #[serde(skip)]
    pub root: PathBuf,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    /// `lesson-NN`: also the starter's package name.
    pub id: String,
    /// The folder under `lessons/` and `solutions/`, `NN-slug`.
    pub dir: String,
    pub title: String,
    /// Seconds per check; the course's default if absent.
    pub time_limit: Option<u64>,
    /// Seconds for particular checks that need longer than the lesson's limit.
    #[serde(default)]
    pub check_time_limits: BTreeMap<String, u64>,
    /// How many processes (threads count too) each check may have at once.
    pub max_processes: Option<u64>,
    /// How much memory, in MiB, each check's processes may use together.
    pub max_memory_mib: Option<u64>,
    /// Checks that the untouched starter may pass: they guard something the starter already
    /// does right. Every other check must fail on the starter (`verify` enforces it).
    #[serde(default)]
    pub starter_may_pass: Vec<String>,
    /// In the order `cargo xtask hint` gives them out.
    #[serde(default)]
    pub hints: Vec<Hint>,
    /// What the lesson needs beyond Rust (`requires = "mpi"`). Its crates then live in that
    /// requirement's own workspace, and the runner skips the lesson, saying how to install what
    /// is missing, on a machine without it.
    pub requires: Option<Requirement>,
}

/// A hint, and the checks it helps with: after a failed `check`, the grader shows the hint for
/// the first failing check (so a student whose semaphore deadlocks is not told how to keep
/// lines whole).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hint {
    /// The checks this hint helps with; none means the lesson as a whole.
    #[serde(default)]
    pub checks: Vec<String>,
    pub text: String,
}

/// A deliberately broken copy of a solution, and the checks that must catch it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mutant {
    pub lesson: String,
    /// Its package name (the crate lives under `mutants/`).
    pub package: String,
    /// What is broken, in a few words.
    pub bug: String,
    pub must_fail: Vec<String>,
}

/// Which implementation of a lesson to build and grade.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// What the student edits, in `lessons/`.
    Starter,
    /// The reference implementation, in `solutions/`.
    Solution,
}

impl fmt::Display for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Variant::Starter => "starter",
            Variant::Solution => "solution",
        })
    }
}

impl Course {
    /// Reads `course.toml` from the course's root folder.
    pub fn load(root: &Path) -> Result<Course> {
        let path = root.join("course.toml");
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let mut course: Course =
            toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
        course.root = root.to_path_buf();
        Ok(course)
    }

    /// Finds a lesson by `lesson-02`, `02`, `2`, `race-condition` or `02-race-condition`.
    pub fn find(&self, query: &str) -> Option<&Lesson> {
        let q = query.trim().to_lowercase();
        let number = q.strip_prefix("lesson-").unwrap_or(&q);
        self.lessons.iter().find(|l| {
            l.id == q
                || l.dir == q
                || l.slug() == q
                || number
                    .parse::<u32>()
                    .ok()
                    .is_some_and(|n| Some(n) == l.number())
        })
    }

    /// Finds a lesson, or explains which ids exist and which one was probably meant.
    pub fn lookup(&self, query: &str) -> Result<&Lesson, UnknownLesson> {
        self.find(query).ok_or_else(|| UnknownLesson {
            query: query.to_string(),
            closest: self.closest(query).map(|l| l.id.clone()),
            known: self
                .lessons
                .iter()
                .map(|l| format!("{}  {}", l.id, l.slug()))
                .collect(),
        })
    }

    fn closest(&self, query: &str) -> Option<&Lesson> {
        let q = query.to_lowercase();
        self.lessons
            .iter()
            .map(|l| {
                let score = [l.id.as_str(), l.slug(), l.dir.as_str()]
                    .iter()
                    .map(|name| strsim::jaro_winkler(&q, name))
                    .fold(0.0, f64::max);
                (score, l)
            })
            .filter(|(score, _)| *score > 0.6)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, l)| l)
    }

    /// The lesson that comes after `lesson`, if any.
    pub fn after(&self, lesson: &Lesson) -> Option<&Lesson> {
        self.lessons.iter().skip_while(|l| l.id != lesson.id).nth(1)
    }

    pub fn mutants_of<'a>(&'a self, lesson: &'a Lesson) -> impl Iterator<Item = &'a Mutant> {
        self.mutants.iter().filter(move |m| m.lesson == lesson.id)
    }
}

impl Lesson {
    /// The number in the id: 2 for `lesson-02`.
    pub fn number(&self) -> Option<u32> {
        self.id.strip_prefix("lesson-")?.parse().ok()
    }

    /// The folder name without its number: `race-condition`.
    pub fn slug(&self) -> &str {
        self.dir.split_once('-').map_or(&self.dir, |(_, slug)| slug)
    }

    /// The package that implements this variant.
    pub fn package(&self, variant: Variant) -> String {
        match variant {
            Variant::Starter => self.id.clone(),
            Variant::Solution => format!("{}-solution", self.id),
        }
    }

    /// The folder of this variant's crate.
    pub fn crate_dir(&self, root: &Path, variant: Variant) -> PathBuf {
        let parent = match variant {
            Variant::Starter => "lessons",
            Variant::Solution => "solutions",
        };
        root.join(parent).join(&self.dir)
    }

    /// Cargo's arguments that name the workspace holding this lesson's crates: none for the
    /// course's own, `--manifest-path mpi/Cargo.toml` for a lesson that requires MPI.
    pub fn manifest_args(&self, root: &Path) -> Vec<std::ffi::OsString> {
        match self.requires {
            None => Vec::new(),
            Some(requirement) => vec![
                "--manifest-path".into(),
                root.join(requirement.workspace())
                    .join("Cargo.toml")
                    .into_os_string(),
            ],
        }
    }

    /// Why this lesson cannot be built on this machine, with the command that fixes it; `None`
    /// when nothing it requires is missing.
    pub fn unavailable(&self) -> Option<String> {
        self.requires.and_then(Requirement::why_not_here)
    }

    /// The one file of checks that starter and solution share.
    pub fn checks_file(&self, root: &Path) -> PathBuf {
        self.crate_dir(root, Variant::Starter)
            .join("tests")
            .join("checks.rs")
    }

    /// The hint to show when `failing` (in the order the checks ran) failed: the first hint
    /// about the first failing check that has one, else the first hint about the lesson as a
    /// whole, else the first hint.
    pub fn hint_for<'a>(&'a self, failing: &[&str]) -> Option<&'a Hint> {
        failing
            .iter()
            .find_map(|check| {
                self.hints
                    .iter()
                    .find(|h| h.checks.iter().any(|c| c == check))
            })
            .or_else(|| self.hints.iter().find(|h| h.checks.is_empty()))
            .or_else(|| self.hints.first())
    }

    /// How long `check` may run.
    pub fn time_limit(&self, course: &Course, check: &str) -> Duration {
        let secs = self
            .check_time_limits
            .get(check)
            .copied()
            .or(self.time_limit)
            .unwrap_or(course.default_time_limit);
        Duration::from_secs(secs)
    }

    /// The limits on processes and memory that each check of this lesson runs under.
    pub fn limits(&self, course: &Course) -> crate::limits::Limits {
        crate::limits::Limits {
            max_processes: self
                .max_processes
                .or(course.max_processes)
                .unwrap_or(crate::limits::DEFAULT_MAX_PROCESSES),
            max_memory_mib: self
                .max_memory_mib
                .or(course.max_memory_mib)
                .unwrap_or(crate::limits::DEFAULT_MAX_MEMORY_MIB),
        }
    }
}

/// A lesson id that matches no lesson.
#[derive(Debug)]
pub struct UnknownLesson {
    query: String,
    closest: Option<String>,
    known: Vec<String>,
}

impl fmt::Display for UnknownLesson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "there is no lesson {:?}.", self.query)?;
        if let Some(closest) = &self.closest {
            writeln!(f, "Did you mean {closest}?")?;
        }
        writeln!(f, "The lessons are:")?;
        for line in &self.known {
            writeln!(f, "  {line}")?;
        }
        Ok(())
    }
}

impl std::error::Error for UnknownLesson {}

#[cfg(test)]
mod tests {
    use super::*;

    fn course() -> Course {
        let text = r#"
            default_time_limit = 10
            [[lesson]]
            id = "lesson-01"
            dir = "01-threads"
            title = "Threads"
            [[lesson.hints]]
            text = "one"
            [[lesson]]
            id = "lesson-02"
            dir = "02-race-condition"
            title = "Races"
            time_limit = 20
            check_time_limits = { slow_check = 30 }
            max_processes = 64
            [[lesson.hints]]
            checks = ["counter_counts"]
            text = "atomics"
            [[lesson.hints]]
            checks = ["account_never_overdraws", "account_conserves_money"]
            text = "one guard"
            [[lesson.hints]]
            text = "in general"
            [[lesson]]
            id = "lesson-15"
            dir = "15-beyond-one-machine"
            title = "Beyond one machine"
            requires = "mpi"
        "#;
        toml::from_str(text).unwrap()
    }

    #[test]
    fn every_spelling_of_an_id_finds_the_lesson() {
        let c = course();
        for q in [
            "lesson-02",
            "02",
            "2",
            "race-condition",
            "02-race-condition",
            "LESSON-02",
        ] {
            assert_eq!(c.find(q).map(|l| l.id.as_str()), Some("lesson-02"), "{q}");
        }
        assert!(c.find("3").is_none());
        assert!(c.find("").is_none());
    }

    #[test]
    fn an_unknown_id_names_the_closest_lesson() {
        let c = course();
        let err = c.lookup("race-conditon").unwrap_err().to_string();
        assert!(err.contains("Did you mean lesson-02?"), "{err}");
        assert!(err.contains("lesson-01  threads"), "{err}");
        let err = c.lookup("zzzzzz").unwrap_err().to_string();
        assert!(!err.contains("Did you mean"), "{err}");
    }

    #[test]
    fn time_limits_fall_back_from_check_to_lesson_to_course() {
        let c = course();
        let (l1, l2) = (&c.lessons[0], &c.lessons[1]);
        assert_eq!(l1.time_limit(&c, "x"), Duration::from_secs(10));
        assert_eq!(l2.time_limit(&c, "x"), Duration::from_secs(20));
        assert_eq!(l2.time_limit(&c, "slow_check"), Duration::from_secs(30));
    }

    #[test]
    fn limits_fall_back_from_lesson_to_course_to_defaults() {
        let c = course();
        let (l1, l2) = (&c.lessons[0], &c.lessons[1]);
        assert_eq!(
            l1.limits(&c).max_processes,
            crate::limits::DEFAULT_MAX_PROCESSES
        );
        assert_eq!(l2.limits(&c).max_processes, 64);
        assert_eq!(
            l2.limits(&c).max_memory_mib,
            crate::limits::DEFAULT_MAX_MEMORY_MIB
        );
    }

    #[test]
    fn the_hint_shown_is_for_the_first_failing_check() {
        let c = course();
        let l2 = &c.lessons[1];
        let hint = |failing: &[&str]| l2.hint_for(failing).map(|h| h.text.as_str());
        assert_eq!(hint(&["account_conserves_money"]), Some("one guard"));
        assert_eq!(
            hint(&["account_never_overdraws", "counter_counts"]),
            Some("one guard")
        );
        assert_eq!(hint(&["counter_counts"]), Some("atomics"));
        // A check no hint names gets the hint about the lesson as a whole.
        assert_eq!(hint(&["unnamed_check"]), Some("in general"));
        // A lesson whose hints all name checks falls back to its first.
        assert_eq!(
            c.lessons[0].hint_for(&["x"]).map(|h| h.text.as_str()),
            Some("one")
        );
    }

    #[test]
    fn a_lesson_that_requires_mpi_is_built_in_its_own_workspace() {
        let c = course();
        let l15 = c.find("15").unwrap();
        assert_eq!(l15.requires, Some(Requirement::Mpi));
        assert_eq!(
            l15.manifest_args(Path::new("/r")),
            ["--manifest-path", "/r/mpi/Cargo.toml"].map(std::ffi::OsString::from)
        );
        // The others need nothing beyond Rust, and are never unavailable.
        assert_eq!(c.lessons[0].requires, None);
        assert!(c.lessons[0].manifest_args(Path::new("/r")).is_empty());
        assert_eq!(c.lessons[0].unavailable(), None);
        // Whatever this machine has, an unavailable lesson names the command that installs it.
        if let Some(why) = l15.unavailable() {
            assert!(why.contains("cargo xtask setup mpi"), "{why}");
        }
        let bad: Result<Course, _> = toml::from_str(
            "default_time_limit = 1\n[[lesson]]\nid = \"x\"\ndir = \"y\"\ntitle = \"z\"\nrequires = \"cuda\"\n",
        );
        assert!(
            bad.is_err(),
            "an unknown requirement is an error in course.toml"
        );
    }

    #[test]
    fn packages_and_folders_follow_the_id() {
        let c = course();
        let l = &c.lessons[1];
        assert_eq!(l.package(Variant::Starter), "lesson-02");
        assert_eq!(l.package(Variant::Solution), "lesson-02-solution");
        assert_eq!(l.slug(), "race-condition");
        assert_eq!(
            l.checks_file(Path::new("/r")),
            Path::new("/r/lessons/02-race-condition/tests/checks.rs")
        );
    }
}
