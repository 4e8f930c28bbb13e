//! `cargo xtask check <lesson> [--solution] [--repeat N] [--json]`: grade a lesson.

use std::process::ExitCode;

use anyhow::Result;
use console::style;

use crate::course::{Course, Lesson, Variant};
use crate::grade::{self, CheckReport, Grade, Silent};
use crate::progress::{LessonProgress, Progress};
use crate::report::{JsonCheck, JsonLesson, Printer};

/// How a check of a whole lesson ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Passed,
    /// A check failed, or the lesson did not compile.
    Failed,
    /// The user pressed Ctrl-C.
    Interrupted,
    /// The lesson needs something this machine lacks (MPI): not checked, and not passed.
    Skipped,
}

impl Verdict {
    pub fn exit_code(self) -> ExitCode {
        match self {
            Verdict::Passed => ExitCode::SUCCESS,
            // Not passed: a script that checks a lesson must not take a skip for a pass.
            Verdict::Failed | Verdict::Skipped => ExitCode::FAILURE,
            // 128 + SIGINT, as shells report a program stopped by Ctrl-C.
            Verdict::Interrupted => ExitCode::from(130),
        }
    }
}

pub fn check(
    course: &Course,
    lesson: &Lesson,
    variant: Variant,
    repeat: usize,
    json: bool,
) -> Result<Verdict> {
    let package = lesson.package(variant);
    if let Some(why) = lesson.unavailable() {
        if json {
            println!(
                "{}",
                serde_json::json!({"lesson": lesson.id, "variant": variant.to_string(), "skipped": why})
            );
        } else {
            println!(
                "{} {} ({variant}): {} {why}, then check again.",
                style(&lesson.id).bold(),
                lesson.title,
                style("skipped:").yellow().bold(),
            );
        }
        return Ok(Verdict::Skipped);
    }
    if !json {
        let limit = lesson.time_limit(course, "").as_secs();
        let runs = if repeat > 1 {
            format!(", {repeat} runs each")
        } else {
            String::new()
        };
        println!(
            "{} {} ({variant}): each check in its own process, limited to {limit} s{runs}",
            style(&lesson.id).bold(),
            lesson.title
        );
    }
    let mut printer = Printer::new();
    let reporter: &mut dyn grade::Reporter = if json { &mut Silent } else { &mut printer };
    let result = grade::grade(course, lesson, &package, repeat, json, reporter)?;
    drop(printer);

    let reports = match result {
        Grade::DoesNotCompile => {
            if json {
                print_json(lesson, variant, false, &[]);
            } else {
                eprintln!(
                    "\n{} does not compile yet: cargo's errors are above. Fix the first one, then check again.",
                    lesson.id
                );
            }
            record(
                course,
                lesson,
                variant,
                LessonProgress {
                    passed: 0,
                    total: 0,
                    compile_error: true,
                },
            )?;
            return Ok(Verdict::Failed);
        }
        Grade::Interrupted(_) => {
            eprintln!(
                "\nInterrupted: the running check was killed, and nothing it started was left behind."
            );
            return Ok(Verdict::Interrupted);
        }
        Grade::Checked(reports) => reports,
    };

    let total = reports.len();
    let passed = reports.iter().filter(|r| r.passed()).count();
    record(
        course,
        lesson,
        variant,
        LessonProgress {
            passed,
            total,
            compile_error: false,
        },
    )?;
    if json {
        print_json(lesson, variant, true, &reports);
    } else {
        let failing: Vec<&str> = reports
            .iter()
            .filter(|r| !r.passed())
            .map(|r| r.name.as_str())
            .collect();
        print_summary(course, lesson, variant, &failing, total);
    }
    Ok(if passed == total {
        Verdict::Passed
    } else {
        Verdict::Failed
    })
}

fn print_summary(
    course: &Course,
    lesson: &Lesson,
    variant: Variant,
    failing: &[&str],
    total: usize,
) {
    let passed = total - failing.len();
    println!();
    if passed == total {
        println!(
            "{}",
            style(format!("All {total} checks of {} pass.", lesson.id))
                .green()
                .bold()
        );
        if variant == Variant::Starter {
            let next = course.after(lesson);
            match next {
                Some(next) => println!(
                    "Next: {} ({}): cargo xtask check {}",
                    next.id, next.title, next.id
                ),
                None => println!("That was the last lesson. Well done."),
            }
        }
    } else {
        println!(
            "{}",
            style(format!("{passed} of {total} checks of {} pass.", lesson.id)).bold()
        );
        if variant == Variant::Starter
            && let Some(hint) = lesson.hint_for(failing)
        {
            // Name the failing check the hint was chosen for (the hint may cover several).
            match failing.iter().find(|f| hint.checks.iter().any(|c| c == *f)) {
                Some(check) => println!("Hint for {check}: {}", hint.text),
                None => println!("Hint: {}", hint.text),
            }
            println!("More hints: cargo xtask hint {}", lesson.id);
        }
    }
}

fn print_json(lesson: &Lesson, variant: Variant, compiled: bool, reports: &[CheckReport]) {
    let record = JsonLesson {
        lesson: lesson.id.clone(),
        variant: variant.to_string(),
        compiled,
        passed: compiled && reports.iter().all(CheckReport::passed),
        checks: reports.iter().map(JsonCheck::from_report).collect(),
    };
    println!(
        "{}",
        serde_json::to_string_pretty(&record).expect("results serialise")
    );
}

/// Remembers the student's result (the solution's results are not the student's progress).
fn record(
    course: &Course,
    lesson: &Lesson,
    variant: Variant,
    result: LessonProgress,
) -> Result<()> {
    if variant != Variant::Starter {
        return Ok(());
    }
    let mut progress = Progress::load(&course.root);
    progress.lessons.insert(lesson.id.clone(), result);
    progress.save(&course.root)
}
