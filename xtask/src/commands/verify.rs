//! `cargo xtask verify [<lesson>] [--repeat N]`: the course's own proof that every solution
//! passes every check, every untouched starter fails every check of its task, and every mutant
//! is caught by the checks that claim to catch it, on every run.

use std::process::ExitCode;

use anyhow::Result;
use console::style;

use crate::course::{Course, Lesson, Variant};
use crate::grade::{self, CheckReport, Grade, Silent, Status};

pub fn verify(course: &Course, only: Option<&Lesson>, repeat: usize) -> Result<ExitCode> {
    let lessons: Vec<&Lesson> = match only {
        Some(lesson) => vec![lesson],
        None => course.lessons.iter().collect(),
    };
    let mut problems = Vec::new();
    let mut skipped = Vec::new();
    for lesson in lessons {
        if let Some(why) = lesson.unavailable() {
            // Not proven, and not a problem of the course: said as such, never as a pass.
            println!(
                "{} {} {}: skipped: {why}",
                style("-").yellow().bold(),
                lesson.id,
                lesson.slug()
            );
            skipped.push(lesson.id.as_str());
            continue;
        }
        let before = problems.len();
        let summary = verify_lesson(course, lesson, repeat, &mut problems)?;
        if grade_interrupted() {
            // A grading cut short proves nothing either way: report nothing of this lesson.
            println!("Interrupted.");
            return Ok(ExitCode::from(130));
        }
        let ok = problems.len() == before;
        let mark = if ok {
            style("✓").green().bold()
        } else {
            style("✗").red().bold()
        };
        println!("{mark} {} {}: {summary}", lesson.id, lesson.slug());
        for problem in &problems[before..] {
            println!("    {problem}");
        }
    }
    let skipped_note = if skipped.is_empty() {
        String::new()
    } else {
        format!(
            " Skipped, not verified: {} (see above for what to install).",
            skipped.join(", ")
        )
    };
    if problems.is_empty() {
        let which = if skipped.is_empty() {
            "every lesson is sound"
        } else {
            "every lesson verified is sound"
        };
        println!("verify: {which} ({repeat} run(s) of every check).{skipped_note}");
        Ok(ExitCode::SUCCESS)
    } else {
        println!("verify: {} problem(s).{skipped_note}", problems.len());
        Ok(ExitCode::FAILURE)
    }
}

fn grade_interrupted() -> bool {
    crate::sandbox::INTERRUPTED.load(std::sync::atomic::Ordering::SeqCst)
}

fn verify_lesson(
    course: &Course,
    lesson: &Lesson,
    repeat: usize,
    problems: &mut Vec<String>,
) -> Result<String> {
    let mut parts = Vec::new();

    match grade_package(course, lesson, &lesson.package(Variant::Solution), repeat)? {
        None => problems.push("the solution does not compile".into()),
        Some(reports) => {
            let names: Vec<&str> = reports.iter().map(|r| r.name.as_str()).collect();
            problems.extend(unknown_check_names(lesson, &names));
            for r in reports.iter().filter(|r| !r.passed()) {
                problems.push(format!("the solution fails {}: {}", r.name, first_line(r)));
            }
            let passed = reports.iter().filter(|r| r.passed()).count();
            parts.push(format!("solution passes {passed}/{}", reports.len()));
        }
    }

    match grade_package(course, lesson, &lesson.package(Variant::Starter), repeat)? {
        None => problems.push("the starter does not compile (it must, untouched)".into()),
        Some(reports) => {
            let must_fail: Vec<&CheckReport> = reports
                .iter()
                .filter(|r| !lesson.starter_may_pass.contains(&r.name))
                .collect();
            for r in &must_fail {
                let failures = r.failures();
                // A check skipped on every run (a speedup check on one core) proves nothing
                // here, either way.
                if failures < r.runs.len() && !r.skipped() {
                    problems.push(format!(
                        "the untouched starter passes {} in {} of {} runs: a check of the task must fail on the starter every time",
                        r.name,
                        r.runs.len() - failures,
                        r.runs.len()
                    ));
                }
            }
            if reports.iter().all(CheckReport::passed) {
                problems.push("the untouched starter passes every check".into());
            }
            let failing = must_fail
                .iter()
                .filter(|r| r.failures() == r.runs.len())
                .count();
            parts.push(format!("starter fails {failing}/{}", must_fail.len()));
        }
    }

    for mutant in course.mutants_of(lesson) {
        match grade_package(course, lesson, &mutant.package, repeat)? {
            None => problems.push(format!("mutant {} does not compile", mutant.package)),
            Some(reports) => {
                for name in &mutant.must_fail {
                    match reports.iter().find(|r| &r.name == name) {
                        None => problems
                            .push(format!("mutant {}: no check named {name}", mutant.package)),
                        Some(r) if r.failures() < r.runs.len() && !r.skipped() => {
                            problems.push(format!(
                                "{name} misses the mutant \"{}\" in {} of {} runs",
                                mutant.bug,
                                r.runs.len() - r.failures(),
                                r.runs.len()
                            ))
                        }
                        Some(_) => {}
                    }
                }
                parts.push(format!("mutant \"{}\" caught", mutant.bug));
            }
        }
    }
    Ok(parts.join(", "))
}

/// Check names in course.toml that the lesson's checks do not have (a typo there would quietly
/// turn off a hint, a time limit or an exception).
fn unknown_check_names(lesson: &Lesson, checks: &[&str]) -> Vec<String> {
    let named = lesson
        .hints
        .iter()
        .flat_map(|h| h.checks.iter().map(|c| ("a hint", c)))
        .chain(
            lesson
                .starter_may_pass
                .iter()
                .map(|c| ("starter_may_pass", c)),
        )
        .chain(
            lesson
                .check_time_limits
                .keys()
                .map(|c| ("check_time_limits", c)),
        );
    named
        .filter(|(_, check)| !checks.contains(&check.as_str()))
        .map(|(place, check)| {
            format!(
                "course.toml: {place} names {check}, which is no check of {}",
                lesson.id
            )
        })
        .collect()
}

fn grade_package(
    course: &Course,
    lesson: &Lesson,
    package: &str,
    repeat: usize,
) -> Result<Option<Vec<CheckReport>>> {
    Ok(
        match grade::grade(course, lesson, package, repeat, true, &mut Silent)? {
            Grade::Checked(reports) | Grade::Interrupted(reports) => Some(reports),
            Grade::DoesNotCompile => None,
        },
    )
}

fn first_line(report: &CheckReport) -> String {
    match &report.telling_run().status {
        Status::Fail(m) => m.lines().next().unwrap_or("").to_string(),
        _ => grade::summary(report),
    }
}
