//! `cargo xtask bench <lesson> [--runs N] [--quick] [--no-python]`: the lesson's timing table,
//! `bench.json` and charts, under `target/course/lesson-NN/`.
//!
//! The protocol between this runner and a lesson's demo (`bench-cases`, `bench-run`) is
//! `common::bench`: its `Case` is one row, its `Record` what one run prints last.
//!
//! Speedup and efficiency of a row are against the row of the same variant with one worker
//! (by median); a variant without one gets none. Efficiency is speedup / workers.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{Context, Result, bail};
use comfy_table::{Cell, CellAlignment, Table, presets::UTF8_FULL_CONDENSED};
use common::bench::{Case, Record};
use common::plot::{self, Bar, Line};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use crate::cargo;
use crate::course::{Course, Lesson, Variant};

/// A measured case: its times in seconds and its last result.
#[derive(Debug, Clone)]
pub struct Measured {
    pub case: Case,
    pub seconds: Vec<f64>,
    pub result: Option<String>,
}

/// One record of `bench.json` and one row of the table.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Row {
    pub id: String,
    pub variant: String,
    pub workers: usize,
    pub median_s: f64,
    pub min_s: f64,
    pub max_s: f64,
    pub runs: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speedup: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub efficiency: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items_per_s: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
}

fn median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

/// The rows of the table: min, median and max of each case's runs, and speedup, efficiency and
/// items/s where the case allows them. Cases without a single run are left out.
pub fn summarise(measured: &[Measured], quick: bool) -> Vec<Row> {
    let mut rows: Vec<Row> = measured
        .iter()
        .filter(|m| !m.seconds.is_empty())
        .map(|m| {
            let mut sorted = m.seconds.clone();
            sorted.sort_by(f64::total_cmp);
            let median_s = median(&sorted);
            Row {
                id: m.case.name(),
                variant: m.case.variant.clone(),
                workers: m.case.workers,
                median_s,
                min_s: sorted[0],
                max_s: sorted[sorted.len() - 1],
                runs: sorted.len(),
                speedup: None,
                efficiency: None,
                items_per_s: m
                    .case
                    .items_per_run(quick)
                    .map(|items| items as f64 / median_s.max(1e-12)),
                result: m.result.clone(),
            }
        })
        .collect();
    let baselines: Vec<(String, f64)> = rows
        .iter()
        .filter(|r| r.workers == 1)
        .map(|r| (r.variant.clone(), r.median_s))
        .collect();
    for row in &mut rows {
        if let Some((_, base)) = baselines.iter().find(|(v, _)| *v == row.variant) {
            let speedup = base / row.median_s.max(1e-12);
            row.speedup = Some(speedup);
            row.efficiency = Some(speedup / row.workers.max(1) as f64);
        }
    }
    rows
}

/// A duration the way the table shows it: ms below a second.
/// One bar per measured row, from 0 to its median time, labelled with that time.
fn time_bars(rows: &[Row]) -> Vec<Bar> {
    rows.iter()
        .map(|r| Bar {
            lane: format!("{} ×{}", r.variant, r.workers),
            start_s: 0.0,
            end_s: r.median_s,
            label: duration(r.median_s),
        })
        .collect()
}

fn duration(seconds: f64) -> String {
    if seconds < 1.0 {
        format!("{:.1} ms", seconds * 1e3)
    } else {
        format!("{seconds:.3} s")
    }
}

/// Items per second with an SI prefix: `12.3 M/s`.
fn rate(per_s: f64) -> String {
    match per_s {
        r if r >= 1e9 => format!("{:.2} G/s", r / 1e9),
        r if r >= 1e6 => format!("{:.1} M/s", r / 1e6),
        r if r >= 1e3 => format!("{:.1} k/s", r / 1e3),
        r => format!("{r:.0} /s"),
    }
}

/// The table printed after the runs.
pub fn table(rows: &[Row]) -> Table {
    let with_items = rows.iter().any(|r| r.items_per_s.is_some());
    let mut header = vec![
        "variant",
        "workers",
        "median",
        "min",
        "max",
        "speedup",
        "efficiency",
    ];
    if with_items {
        header.push("items/s");
    }
    header.push("result");
    let mut table = Table::new();
    table.load_style(UTF8_FULL_CONDENSED).set_header(header);
    let right = |text: String| Cell::new(text).set_alignment(CellAlignment::Right);
    for r in rows {
        let mut cells = vec![
            Cell::new(&r.variant),
            right(r.workers.to_string()),
            right(duration(r.median_s)),
            right(duration(r.min_s)),
            right(duration(r.max_s)),
            right(r.speedup.map_or_else(String::new, |s| format!("{s:.2}×"))),
            right(
                r.efficiency
                    .map_or_else(String::new, |e| format!("{:.0} %", e * 100.0)),
            ),
        ];
        if with_items {
            cells.push(right(r.items_per_s.map_or_else(String::new, rate)));
        }
        cells.push(Cell::new(r.result.clone().unwrap_or_default()));
        table.add_row(cells);
    }
    table
}

/// The lines of the speedup chart: every variant with a speedup at two or more worker counts.
pub fn speedup_lines(rows: &[Row]) -> Vec<Line> {
    let mut lines: Vec<Line> = Vec::new();
    for row in rows {
        let Some(speedup) = row.speedup else { continue };
        let point = (row.workers as f64, speedup);
        match lines.iter_mut().find(|l| l.name == row.variant) {
            Some(line) => line.points.push(point),
            None => lines.push(Line {
                name: row.variant.clone(),
                points: vec![point],
            }),
        }
    }
    lines.retain(|l| l.points.len() >= 2);
    lines
}

/// Whether `python3` can be run here.
fn have_python() -> bool {
    Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The one-minute load average (Linux), if it can be read.
fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Runs one case once; the JSON object its program printed last.
fn run_once(root: &Path, demo: &Path, python: bool, args: &[String]) -> Result<Record> {
    let mut command = if python {
        let mut c = Command::new("python3");
        c.args(args);
        c
    } else {
        let mut c = Command::new(demo);
        c.args(args);
        c
    };
    let output = command
        .current_dir(root)
        .output()
        .with_context(|| format!("starting {}", args.join(" ")))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(6).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        bail!("it ended with {}:\n{}", output.status, tail.join("\n"));
    }
    let last = stdout
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    serde_json::from_str(last).with_context(|| {
        format!("its last line is not the JSON result the protocol asks for: {last:?}")
    })
}

/// The solution demos of the other lessons that `cases` name (`lesson`), built, by the id the
/// cases give.
fn other_lessons_demos(
    course: &Course,
    lesson: &Lesson,
    cases: &[Case],
) -> Result<BTreeMap<String, PathBuf>> {
    let mut demos = BTreeMap::new();
    for case in cases {
        let Some(id) = &case.lesson else { continue };
        if case.run.is_none() {
            bail!(
                "case {} of {} names {id}, whose demo runs a case's `run`: it has none",
                case.name(),
                lesson.id
            );
        }
        if demos.contains_key(id) {
            continue;
        }
        let other = course.find(id).with_context(|| {
            format!(
                "case {} of {} names {id}, which is not a lesson of this course",
                case.name(),
                lesson.id
            )
        })?;
        if let Some(why) = other.unavailable() {
            bail!(
                "{}'s bench has rows of {}, which cannot be built here: {why}",
                lesson.id,
                other.id
            );
        }
        let package = other.package(Variant::Solution);
        eprintln!(
            "Building {package} (optimised), for the rows of {} beside these…",
            other.id
        );
        demos.insert(
            id.clone(),
            cargo::build_demo(&course.root, other, &package)?,
        );
    }
    Ok(demos)
}

/// Where a lesson's benchmark files go: `target/course/lesson-NN/` of the course's target dir.
pub fn output_dir(root: &Path, lesson: &Lesson) -> PathBuf {
    cargo::target_dir(root, std::env::var_os("CARGO_TARGET_DIR"))
        .unwrap_or_else(|| root.join("target"))
        .join("course")
        .join(&lesson.id)
}

pub fn bench(
    course: &Course,
    lesson: &Lesson,
    runs: Option<usize>,
    quick: bool,
    no_python: bool,
) -> Result<ExitCode> {
    let root = &course.root;
    let runs = runs.unwrap_or(if quick { 3 } else { 5 }).max(1);
    if let Some(why) = lesson.unavailable() {
        bail!("{} cannot be benchmarked on this machine: {why}", lesson.id);
    }
    let package = lesson.package(Variant::Solution);
    eprintln!("Building {package} (optimised)…");
    let demo = cargo::build_demo(root, lesson, &package)?;

    let listing = Command::new(&demo)
        .arg("bench-cases")
        .current_dir(root)
        .output()
        .with_context(|| format!("running {}", demo.display()))?;
    if !listing.status.success() {
        bail!(
            "{} has no benchmark: its demo does not answer `bench-cases` (a lesson opts in by \
             giving its demo the hidden `bench-cases` and `bench-run` subcommands; see \
             common/src/bench.rs)",
            lesson.id
        );
    }
    let cases: Vec<Case> = serde_json::from_slice(&listing.stdout).with_context(|| {
        format!(
            "{}'s `bench-cases` did not print a JSON array of cases",
            lesson.id
        )
    })?;
    if let Some(case) = cases.iter().find(|c| c.run.is_some() == c.python.is_some()) {
        bail!(
            "case {} of {} must have exactly one of `run` and `python`",
            case.name(),
            lesson.id
        );
    }
    let others = other_lessons_demos(course, lesson, &cases)?;
    // The program that runs a case's `run`: this lesson's demo, or the one the case names.
    let program_of = |case: &Case| -> PathBuf {
        case.lesson
            .as_ref()
            .map_or_else(|| demo.clone(), |id| others[id].clone())
    };

    let python_here = !no_python && have_python();
    let mut notes = Vec::new();
    let cores = common::grading::cores();
    if let Some(load) = load_average().filter(|&l| l > 0.5 * cores as f64) {
        notes.push(format!(
            "the load average was {load:.1} on {cores} cores when the bench started: other \
             programs were using the CPUs, and the rows with more workers suffer most"
        ));
    }
    let skipped_python = cases.iter().filter(|c| c.python.is_some()).count();
    if skipped_python > 0 && !python_here {
        notes.push(if no_python {
            format!("{skipped_python} Python rows skipped (--no-python)")
        } else {
            format!("{skipped_python} Python rows skipped: no python3 on the PATH")
        });
    }
    let todo: Vec<&Case> = cases
        .iter()
        .filter(|c| c.run.is_some() || python_here)
        .collect();

    let bar = if std::io::stdout().is_terminal() {
        let bar = ProgressBar::new((todo.len() * runs) as u64);
        bar.set_style(
            ProgressStyle::with_template("  {bar:30} {pos}/{len} runs  {elapsed}  {msg}")
                .expect("a valid template"),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let mut failures = Vec::new();
    let mut timeline: Option<(String, Vec<Bar>)> = None;
    // Round by round, every case once per round: a burst of load from elsewhere then slows one
    // run of many rows, not every run of one row, and the rows stay comparable.
    let mut measured: Vec<Measured> = todo
        .iter()
        .map(|case| Measured {
            case: (*case).clone(),
            seconds: Vec::new(),
            result: None,
        })
        .collect();
    let mut failed = vec![false; measured.len()];
    for _ in 0..runs {
        for (m, failed) in measured.iter_mut().zip(&mut failed) {
            bar.set_message(m.case.name());
            if !*failed {
                let (python, args) = m.case.command(quick).expect("checked above");
                match run_once(root, &program_of(&m.case), python, &args) {
                    Ok(record) => {
                        m.seconds.push(record.seconds);
                        m.result = record.result;
                    }
                    Err(error) => {
                        failures.push(format!("{}: {error:#}", m.case.name()));
                        *failed = true;
                    }
                }
            }
            bar.inc(1);
        }
    }
    // The timeline: one more run of the row that asks for it, with `--timeline`.
    if let Some(m) = measured
        .iter()
        .find(|m| m.case.timeline && !m.seconds.is_empty())
    {
        let case = &m.case;
        let (python, mut args) = case.command(quick).expect("checked above");
        args.push("--timeline".into());
        match run_once(root, &program_of(case), python, &args) {
            Ok(record) if !record.timeline.is_empty() => {
                let bars = record.timeline;
                let title = format!(
                    "{}: {}, {} workers, one bar per piece of work",
                    lesson.id, case.variant, case.workers
                );
                timeline = Some((title, bars));
            }
            Ok(_) => notes.push(format!("{}: its timeline run drew no bars", case.name())),
            Err(error) => failures.push(format!("{} (timeline): {error:#}", case.name())),
        }
    }
    bar.finish_and_clear();

    let rows = summarise(&measured, quick);
    println!(
        "{} — {}{}, {} per row on {} cores",
        lesson.id,
        lesson.title,
        if quick { " (quick)" } else { "" },
        common::grading::plural(runs, "run"),
        cores
    );
    println!("{}", table(&rows));

    let dir = output_dir(root, lesson);
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let json = dir.join("bench.json");
    std::fs::write(&json, serde_json::to_string_pretty(&rows)? + "\n")
        .with_context(|| format!("writing {}", json.display()))?;
    let mut written = vec![json];
    let lines = speedup_lines(&rows);
    if !lines.is_empty() {
        let title = format!("{}: speedup against workers", lesson.id);
        written.extend(plot::speedup_chart(&dir, "speedup", &title, &lines)?);
    }
    if !rows.is_empty() {
        // The lectures' bar chart: one bar per row, as long as its median time.
        let title = format!("{}: median time of each row", lesson.id);
        written.extend(plot::timeline_chart(
            &dir,
            "times",
            &title,
            &time_bars(&rows),
        )?);
    }
    if let Some((title, bars)) = timeline {
        written.extend(plot::timeline_chart(&dir, "timeline", &title, &bars)?);
    }
    for note in &notes {
        println!("Note: {note}");
    }
    println!("Written:");
    for path in &written {
        let shown = path.strip_prefix(root).unwrap_or(path);
        println!("  {}", shown.display());
    }
    if failures.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("Some rows failed:");
        for failure in &failures {
            eprintln!("  {failure}");
        }
        Ok(ExitCode::FAILURE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(variant: &str, workers: usize, items: Option<u64>) -> Case {
        let case = Case::run(
            format!("{variant}-{workers}"),
            variant,
            workers,
            ["bench-run"],
        );
        match items {
            Some(items) => case.items(items).quick_items(items / 10),
            None => case,
        }
    }

    fn measured(case: Case, seconds: &[f64]) -> Measured {
        Measured {
            case,
            seconds: seconds.to_vec(),
            result: Some("333.3".into()),
        }
    }

    #[test]
    fn speedup_and_efficiency_are_against_the_same_variants_one_worker_row() {
        let rows = summarise(
            &[
                measured(case("threads", 1, Some(1000)), &[0.40, 0.50, 0.42]),
                measured(case("threads", 2, Some(1000)), &[0.21, 0.20, 0.30, 0.22]),
                measured(case("gil", 1, None), &[0.4]),
                measured(case("gil", 2, None), &[0.5]),
                measured(case("rayon", 2, None), &[0.1]),
                measured(case("broken", 1, None), &[]),
            ],
            false,
        );
        assert_eq!(rows.len(), 5, "a case with no run has no row");
        let t1 = &rows[0];
        assert_eq!(
            (t1.median_s, t1.min_s, t1.max_s, t1.runs),
            (0.42, 0.40, 0.50, 3)
        );
        assert_eq!(t1.speedup, Some(1.0));
        let t2 = &rows[1];
        assert!(
            (t2.median_s - 0.215).abs() < 1e-12,
            "median of an even count"
        );
        assert!((t2.speedup.unwrap() - 0.42 / 0.215).abs() < 1e-9);
        assert!((t2.efficiency.unwrap() - 0.42 / 0.215 / 2.0).abs() < 1e-9);
        assert!((t2.items_per_s.unwrap() - 1000.0 / 0.215).abs() < 1e-6);
        let gil2 = &rows[3];
        assert!((gil2.speedup.unwrap() - 0.8).abs() < 1e-12);
        assert!((gil2.efficiency.unwrap() - 0.4).abs() < 1e-12);
        let rayon = &rows[4];
        assert_eq!((rayon.speedup, rayon.efficiency), (None, None));
        assert_eq!(rayon.items_per_s, None);

        let quick = summarise(&[measured(case("threads", 1, Some(1000)), &[0.5])], true);
        assert_eq!(
            quick[0].items_per_s,
            Some(200.0),
            "quick runs count quick_items"
        );
    }

    #[test]
    fn json_records_carry_the_protocols_fields() {
        let rows = summarise(
            &[
                measured(case("threads", 1, Some(10)), &[2.0]),
                measured(case("rayon", 4, None), &[1.0]),
            ],
            false,
        );
        let json = serde_json::to_value(&rows).unwrap();
        let first = &json[0];
        for field in [
            "id",
            "variant",
            "workers",
            "median_s",
            "min_s",
            "max_s",
            "runs",
            "speedup",
            "efficiency",
            "items_per_s",
            "result",
        ] {
            assert!(first.get(field).is_some(), "bench.json lacks {field}");
        }
        assert_eq!(first["items_per_s"], 5.0);
        assert!(
            json[1].get("speedup").is_none(),
            "no speedup without a baseline"
        );
    }

    #[test]
    fn the_table_shows_speedup_efficiency_and_items() {
        let rows = summarise(
            &[
                measured(case("threads", 1, Some(2_000_000)), &[0.4]),
                measured(case("threads", 2, Some(2_000_000)), &[0.2]),
            ],
            false,
        );
        let text = table(&rows).to_string();
        for expected in ["2.00×", "100 %", "400.0 ms", "10.0 M/s", "items/s", "333.3"] {
            assert!(text.contains(expected), "{expected:?} missing from\n{text}");
        }
        let lines = speedup_lines(&rows);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].points, [(1.0, 1.0), (2.0, 2.0)]);
    }

    #[test]
    fn cases_parse_from_the_protocols_json() {
        let cases: Vec<Case> = serde_json::from_str(
            r#"[
              {"id": "t2", "variant": "Rust", "workers": 2, "run": ["bench-run"], "timeline": true},
              {"id": "py", "variant": "Python", "workers": 1, "python": ["x.py", "--n", "1"],
               "quick_python": ["x.py", "--n", "0"], "items": 5}
            ]"#,
        )
        .unwrap();
        assert!(cases[0].timeline);
        assert_eq!(
            cases[1].command(true),
            Some((true, vec!["x.py".into(), "--n".into(), "0".into()]))
        );
        assert_eq!(
            cases[0].command(true),
            Some((false, vec!["bench-run".into()]))
        );
        assert_eq!(cases[1].items_per_run(true), Some(5));
        assert_eq!(cases[0].lesson, None);
    }

    #[test]
    fn a_case_may_name_the_lesson_whose_demo_runs_it() {
        let cases: Vec<Case> = serde_json::from_str(
            r#"[{"id": "t2", "variant": "threads", "workers": 2, "lesson": "lesson-14",
                 "run": ["bench-run", "--mode", "threads"]}]"#,
        )
        .unwrap();
        assert_eq!(cases[0].lesson.as_deref(), Some("lesson-14"));
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let course = Course::load(&root).unwrap();
        let lesson = course.find("lesson-15").unwrap();
        let unknown: Vec<Case> = serde_json::from_str(
            r#"[{"variant": "x", "workers": 1, "lesson": "lesson-99", "run": ["bench-run"]}]"#,
        )
        .unwrap();
        let error = other_lessons_demos(&course, lesson, &unknown).unwrap_err();
        assert!(
            error.to_string().contains("not a lesson of this course"),
            "{error:#}"
        );
        let python: Vec<Case> = serde_json::from_str(
            r#"[{"variant": "x", "workers": 1, "lesson": "lesson-14", "python": ["x.py"]}]"#,
        )
        .unwrap();
        let error = other_lessons_demos(&course, lesson, &python).unwrap_err();
        assert!(error.to_string().contains("it has none"), "{error:#}");
    }
}
