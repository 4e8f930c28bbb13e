//! The protocol between `cargo xtask bench` and a lesson's demo, written once for both sides.
//!
//! A lesson opts in by giving its solution's demo two hidden subcommands:
//!
//! - `bench-cases` prints the rows to measure, in table order: [`print_cases`] of a list of
//!   [`Case`]s. A case is run by the same demo (`Case::run`, arguments such as
//!   `bench-run --workers 4`), by a Python script (`Case::python`, a path relative to the
//!   course root, then its arguments), or by another lesson's solution demo
//!   ([`Case::by_lesson`]: lesson 15's ranks beside lesson 14's threads and processes).
//! - `bench-run …` does the work once and prints, as its last line, a [`Record`]: the seconds the
//!   work alone took (measured inside the program, so that start-up is not counted), a result to
//!   show beside it (so that a wrong fast row is seen), and, when `--timeline` was appended to
//!   its arguments, one [`Bar`] per piece of work.
//!
//! The runner measures every case several times, round by round, and prints the table of
//! medians with speedup and efficiency against the same variant's one-worker row.
//!
//! ```
//! use common::bench::{Case, Record};
//!
//! let cases = vec![
//!     Case::run("t1", "Rust threads", 1, ["bench-run", "--workers", "1"]).items(300),
//!     Case::python("py1", "Python threads", 1, ["lessons/14-capstone/python/factorize.py"])
//!         .quick(["lessons/14-capstone/python/factorize.py", "--count", "60"])
//!         .items(300)
//!         .quick_items(60),
//! ];
//! let json = serde_json::to_string(&cases).unwrap();
//! assert_eq!(serde_json::from_str::<Vec<Case>>(&json).unwrap(), cases);
//!
//! let record = Record::new(0.125).result("300/300 right");
//! assert_eq!(record.to_string(), r#"{"seconds":0.125,"result":"300/300 right"}"#);
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

pub use crate::plot::Bar;

/// One row of a lesson's benchmark table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    /// A short name, unique in the lesson (`t4`); the runner names the row after its variant
    /// and workers when there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The series the row belongs to (a line of the speedup chart).
    pub variant: String,
    /// Threads, processes or ranks: the speedup is against the variant's row with one.
    pub workers: usize,
    /// Arguments for the demo that runs the row (this lesson's, or [`Case::lesson`]'s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<Vec<String>>,
    /// A Python script (relative to the course root) and its arguments, run with `python3`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub python: Option<Vec<String>>,
    /// Pieces of work in one run: the table then shows items per second.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<u64>,
    /// Whether to draw this row's timeline (one row of a lesson at most).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub timeline: bool,
    /// The demo's arguments under `--quick`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quick_run: Option<Vec<String>>,
    /// The script's arguments under `--quick`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quick_python: Option<Vec<String>>,
    /// Pieces of work in one quick run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quick_items: Option<u64>,
    /// Another lesson (its id) whose solution's demo runs this row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lesson: Option<String>,
}

fn strings<S: ToString>(args: impl IntoIterator<Item = S>) -> Vec<String> {
    args.into_iter().map(|a| a.to_string()).collect()
}

impl Case {
    fn new(id: impl Into<String>, variant: impl Into<String>, workers: usize) -> Case {
        Case {
            id: Some(id.into()),
            variant: variant.into(),
            workers,
            run: None,
            python: None,
            items: None,
            timeline: false,
            quick_run: None,
            quick_python: None,
            quick_items: None,
            lesson: None,
        }
    }

    /// A row that the lesson's own demo runs, with `args` (`bench-run …`).
    pub fn run<S: ToString>(
        id: impl Into<String>,
        variant: impl Into<String>,
        workers: usize,
        args: impl IntoIterator<Item = S>,
    ) -> Case {
        Case {
            run: Some(strings(args)),
            ..Case::new(id, variant, workers)
        }
    }

    /// A row that a Python script runs: `args` starts with the script's path.
    pub fn python<S: ToString>(
        id: impl Into<String>,
        variant: impl Into<String>,
        workers: usize,
        args: impl IntoIterator<Item = S>,
    ) -> Case {
        Case {
            python: Some(strings(args)),
            ..Case::new(id, variant, workers)
        }
    }

    /// Other arguments for a `--quick` run, of the demo or of the script, whichever runs it.
    pub fn quick<S: ToString>(mut self, args: impl IntoIterator<Item = S>) -> Case {
        if self.python.is_some() {
            self.quick_python = Some(strings(args));
        } else {
            self.quick_run = Some(strings(args));
        }
        self
    }

    /// Pieces of work in one run.
    pub fn items(mut self, items: u64) -> Case {
        self.items = Some(items);
        self
    }

    /// Pieces of work in one quick run.
    pub fn quick_items(mut self, items: u64) -> Case {
        self.quick_items = Some(items);
        self
    }

    /// Draws this row's timeline (set on one row of a lesson at most).
    pub fn with_timeline(mut self) -> Case {
        self.timeline = true;
        self
    }

    /// Runs the row with lesson `id`'s solution demo instead of this lesson's.
    pub fn by_lesson(mut self, id: impl Into<String>) -> Case {
        self.lesson = Some(id.into());
        self
    }

    /// The row's name in the table: its id, or its variant and workers.
    pub fn name(&self) -> String {
        self.id
            .clone()
            .unwrap_or_else(|| format!("{} × {}", self.variant, self.workers))
    }

    /// What runs the row: `(true, script and arguments)` for Python, `(false, arguments)` for a
    /// demo; the quick arguments where `quick` asks for them and the case has them.
    pub fn command(&self, quick: bool) -> Option<(bool, Vec<String>)> {
        let pick = |full: &Option<Vec<String>>, quick_args: &Option<Vec<String>>| {
            if quick {
                quick_args.clone().or_else(|| full.clone())
            } else {
                full.clone()
            }
        };
        if let Some(args) = pick(&self.run, &self.quick_run) {
            return Some((false, args));
        }
        pick(&self.python, &self.quick_python).map(|args| (true, args))
    }

    /// Pieces of work in one run, or in one quick run.
    pub fn items_per_run(&self, quick: bool) -> Option<u64> {
        if quick {
            self.quick_items.or(self.items)
        } else {
            self.items
        }
    }
}

/// Prints `cases` as `bench-cases` answers: one JSON array.
pub fn print_cases(cases: &[Case]) {
    println!(
        "{}",
        serde_json::to_string(cases).expect("cases are plain data")
    );
}

/// What one run of a case prints last: see the [module](self).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// The time the work alone took.
    pub seconds: f64,
    /// What the work found, shown in the table beside its time. A program may print any JSON
    /// value here (a Python script, a number): it is read back as text.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "any_value_as_text"
    )]
    pub result: Option<String>,
    /// One bar per piece of work, with times from the start of the run (with `--timeline`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timeline: Vec<Bar>,
}

/// A JSON string as itself, any other value (`42`, `[1, 2]`) as its JSON text.
fn any_value_as_text<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    Ok(
        match Option::<serde_json::Value>::deserialize(deserializer)? {
            None | Some(serde_json::Value::Null) => None,
            Some(serde_json::Value::String(text)) => Some(text),
            Some(other) => Some(other.to_string()),
        },
    )
}

impl Record {
    /// A run that took `seconds`.
    pub fn new(seconds: f64) -> Record {
        Record {
            seconds,
            result: None,
            timeline: Vec::new(),
        }
    }

    /// With the result to show.
    pub fn result(mut self, result: impl ToString) -> Record {
        self.result = Some(result.to_string());
        self
    }

    /// With its timeline.
    pub fn timeline(mut self, bars: Vec<Bar>) -> Record {
        self.timeline = bars;
        self
    }

    /// Prints the record as the last line of the run.
    pub fn print(&self) {
        println!("{self}");
    }
}

impl fmt::Display for Record {
    /// One line of JSON.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&serde_json::to_string(self).map_err(|_| fmt::Error)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases_read_back_as_written_and_leave_out_what_they_lack() {
        let case = Case::run("t2", "threads", 2, ["bench-run", "--workers", "2"])
            .quick(["bench-run", "--workers", "2", "--count", "60"])
            .items(300)
            .quick_items(60)
            .with_timeline()
            .by_lesson("lesson-14");
        let json = serde_json::to_value(&case).unwrap();
        assert_eq!(json["quick_run"][4], "60");
        assert_eq!(json["lesson"], "lesson-14");
        assert!(json.get("python").is_none() && json.get("quick_python").is_none());
        assert_eq!(serde_json::from_value::<Case>(json).unwrap(), case);
        let plain = serde_json::to_value(Case::python("p", "py", 1, ["x.py"])).unwrap();
        assert!(plain.get("timeline").is_none(), "{plain}");
    }

    #[test]
    fn the_command_picks_quick_arguments_where_there_are_some() {
        let case = Case::python("p", "py", 1, ["x.py", "--n", "10"]).quick(["x.py", "--n", "1"]);
        assert_eq!(case.quick_python.as_deref().map(<[_]>::len), Some(3));
        assert_eq!(
            case.command(true),
            Some((true, strings(["x.py", "--n", "1"])))
        );
        assert_eq!(
            case.command(false),
            Some((true, strings(["x.py", "--n", "10"])))
        );
        let demo = Case::run("r", "rust", 1, ["bench-run"]).items(10);
        assert_eq!(demo.command(true), Some((false, strings(["bench-run"]))));
        assert_eq!(demo.items_per_run(true), Some(10));
        assert_eq!(Case::run("", "v", 3, ["x"]).id.as_deref(), Some(""));
    }

    #[test]
    fn a_record_is_one_line_of_json_with_its_bars() {
        let bar = Bar {
            lane: "worker-1".into(),
            start_s: 0.0,
            end_s: 0.5,
            label: "7".into(),
        };
        let record = Record::new(0.5).result(42).timeline(vec![bar]);
        let line = record.to_string();
        assert!(!line.contains('\n'));
        assert_eq!(serde_json::from_str::<Record>(&line).unwrap(), record);
        let bare: Record = serde_json::from_str(r#"{"seconds": 1.5}"#).unwrap();
        assert_eq!(bare, Record::new(1.5));
        let number: Record = serde_json::from_str(r#"{"seconds": 1, "result": 333.5}"#).unwrap();
        assert_eq!(
            number.result.as_deref(),
            Some("333.5"),
            "any value, read as text"
        );
    }
}
