//! How results are shown: a line per check as it finishes (✓/✗ and its message, in colour on a
//! terminal, plain PASS/FAIL when piped), a progress bar for repeated runs, and JSON for tools.

use console::{Term, style};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use crate::grade::{CheckReport, Reporter, Status, summary};

/// How much of a check's output goes into its JSON record.
const OUTPUT_CUT: usize = 600;

/// Prints each check as it finishes, with a progress bar when checks repeat.
pub struct Printer {
    bar: Option<ProgressBar>,
    fancy: bool,
    pub passed: usize,
}

impl Printer {
    pub fn new() -> Self {
        Printer {
            bar: None,
            fancy: Term::stdout().is_term(),
            passed: 0,
        }
    }

    fn mark(&self, report: &CheckReport) -> String {
        let (symbol, word) = if report.skipped() {
            ("–", "SKIP")
        } else if report.passed() {
            ("✓", "PASS")
        } else {
            ("✗", "FAIL")
        };
        match (self.fancy, word) {
            (false, _) => word.to_string(),
            (true, "PASS") => style(symbol).green().bold().to_string(),
            (true, "FAIL") => style(symbol).red().bold().to_string(),
            (true, _) => style(symbol).yellow().to_string(),
        }
    }

    /// The lines for one check: the verdict, then the message indented below it.
    pub fn render(&self, report: &CheckReport) -> String {
        let run = report.telling_run();
        let name = report.name.replace('_', " ");
        let time = format!("{:.2} s", run.duration.as_secs_f64());
        let time = if self.fancy {
            style(time).dim().to_string()
        } else {
            time
        };
        let mut text = format!("  {} {name}  {time}", self.mark(report));
        let headline = summary(report);
        if !headline.is_empty() {
            text.push_str(&format!("\n      {headline}"));
        }
        if let Status::Fail(message) = &run.status {
            text.push('\n');
            text.push_str(&indent(message, 6));
        }
        if let Status::TimedOut(_) = run.status {
            let tail = last_lines(&run.output, 12);
            if !tail.trim().is_empty() {
                text.push_str("\n      Its last output:\n");
                text.push_str(&indent(&tail, 8));
            }
        }
        text
    }
}

impl Reporter for Printer {
    fn started(&mut self, checks: &[String], repeat: usize) {
        if repeat > 1 {
            let bar = ProgressBar::new((checks.len() * repeat) as u64);
            bar.set_style(
                ProgressStyle::with_template("  {bar:30} {pos}/{len} runs  {msg}")
                    .expect("a valid template"),
            );
            self.bar = Some(bar);
        }
    }

    fn finished_run(&mut self, check: &str) {
        if let Some(bar) = &self.bar {
            bar.set_message(check.replace('_', " "));
            bar.inc(1);
        }
    }

    fn finished_check(&mut self, report: &CheckReport) {
        if report.passed() {
            self.passed += 1;
        }
        let text = self.render(report);
        match &self.bar {
            Some(bar) => bar.suspend(|| println!("{text}")),
            None => println!("{text}"),
        }
    }
}

impl Drop for Printer {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

fn indent(text: &str, by: usize) -> String {
    let pad = " ".repeat(by);
    text.lines()
        .map(|l| format!("{pad}{l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// One check in `--json` output (like exercism's results file).
#[derive(Serialize)]
pub struct JsonCheck {
    pub name: String,
    pub status: &'static str,
    pub message: String,
    pub output: String,
    pub duration_ms: u128,
    pub runs: usize,
    pub failures: usize,
}

/// A whole lesson in `--json` output.
#[derive(Serialize)]
pub struct JsonLesson {
    pub lesson: String,
    pub variant: String,
    pub compiled: bool,
    pub passed: bool,
    pub checks: Vec<JsonCheck>,
}

impl JsonCheck {
    pub fn from_report(report: &CheckReport) -> Self {
        let run = report.telling_run();
        let (status, message) = match &run.status {
            Status::Pass => ("pass", summary(report)),
            Status::Fail(m) => ("fail", join(&summary(report), m)),
            Status::TimedOut(_) => ("timeout", summary(report)),
            Status::Skipped(r) => ("skip", r.clone()),
        };
        let status = if report.passed() && status != "skip" {
            "pass"
        } else {
            status
        };
        let output = &run.output;
        let cut = output.len().saturating_sub(OUTPUT_CUT);
        let cut = (cut..=output.len())
            .find(|&i| output.is_char_boundary(i))
            .unwrap_or(output.len());
        JsonCheck {
            name: report.name.clone(),
            status,
            message,
            output: output[cut..].to_string(),
            duration_ms: run.duration.as_millis(),
            runs: report.runs.len(),
            failures: report.failures(),
        }
    }
}

fn join(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        format!("{a}: {b}")
    }
}
