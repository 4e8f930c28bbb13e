//! Timers, repeated measurements, and speedup tables.
//!
//! The lectures time one run with `time.time()`; a single run on a shared machine is noise, so
//! here a claim about speed is a [`Stats`] over several runs, and a comparison is a ratio.

use std::fmt;
use std::time::{Duration, Instant};

use comfy_table::{Cell, CellAlignment, Table, presets::UTF8_FULL_CONDENSED};

/// A named stopwatch, started when it is made (the lectures' `Timer` context manager).
#[derive(Debug)]
pub struct Timer {
    label: String,
    start: Instant,
}

impl Timer {
    /// Starts a timer called `label`.
    pub fn start(label: impl Into<String>) -> Self {
        Timer {
            label: label.into(),
            start: Instant::now(),
        }
    }

    /// Time since the start.
    pub fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }

    /// The timer's label.
    pub fn label(&self) -> &str {
        &self.label
    }
}

/// `[label] 1.234 s`, the lectures' `Timer` output.
impl fmt::Display for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}", self.label, seconds(self.elapsed()))
    }
}

/// Runs `f` once, returning its result and how long it took.
pub fn time<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let value = f();
    (value, start.elapsed())
}

/// Minimum, median and maximum of repeated runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stats {
    /// The fastest run: the best estimate of the cost without interference.
    pub min: Duration,
    /// The middle run.
    pub median: Duration,
    /// The slowest run.
    pub max: Duration,
    /// How many runs were measured.
    pub runs: usize,
}

impl Stats {
    /// Summarises a set of durations. Panics if `samples` is empty.
    pub fn from_samples(mut samples: Vec<Duration>) -> Self {
        assert!(!samples.is_empty(), "no samples to summarise");
        samples.sort();
        let runs = samples.len();
        let median = if runs % 2 == 1 {
            samples[runs / 2]
        } else {
            (samples[runs / 2 - 1] + samples[runs / 2]) / 2
        };
        Stats {
            min: samples[0],
            median,
            max: samples[runs - 1],
            runs,
        }
    }
}

impl fmt::Display for Stats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "median {} (min {}, max {}, {} runs)",
            seconds(self.median),
            seconds(self.min),
            seconds(self.max),
            self.runs
        )
    }
}

/// Runs `f` `runs` times (at least once) and summarises the durations.
pub fn measure(runs: usize, mut f: impl FnMut()) -> Stats {
    let samples = (0..runs.max(1))
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    Stats::from_samples(samples)
}

/// A duration in seconds with three decimals, as the lectures print them: `4.522 s`.
pub fn seconds(d: Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
}

/// A table of runs of the same work with different numbers of workers, with speedup
/// (`baseline median / median`) and efficiency (`speedup / workers`) against the first row.
#[derive(Debug, Default)]
pub struct SpeedupTable {
    rows: Vec<(String, usize, Stats)>,
}

impl SpeedupTable {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a row; the first row added is the baseline.
    pub fn add(&mut self, label: impl Into<String>, workers: usize, stats: Stats) {
        self.rows.push((label.into(), workers.max(1), stats));
    }

    /// Speedup of each row against the baseline, by median, in row order.
    pub fn speedups(&self) -> Vec<f64> {
        let Some((_, _, base)) = self.rows.first() else {
            return Vec::new();
        };
        self.rows
            .iter()
            .map(|(_, _, s)| base.median.as_secs_f64() / s.median.as_secs_f64().max(1e-12))
            .collect()
    }

    /// The table, ready to print.
    pub fn to_table(&self) -> Table {
        let mut table = Table::new();
        table.load_style(UTF8_FULL_CONDENSED).set_header([
            "run",
            "workers",
            "median",
            "min",
            "max",
            "speedup",
            "efficiency",
        ]);
        for ((label, workers, s), speedup) in self.rows.iter().zip(self.speedups()) {
            let right = |text: String| Cell::new(text).set_alignment(CellAlignment::Right);
            table.add_row([
                Cell::new(label),
                right(workers.to_string()),
                right(seconds(s.median)),
                right(seconds(s.min)),
                right(seconds(s.max)),
                right(format!("{speedup:.2}×")),
                right(format!("{:.0} %", 100.0 * speedup / *workers as f64)),
            ]);
        }
        table
    }
}

impl fmt::Display for SpeedupTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_table())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn stats_of_odd_and_even_sample_counts() {
        let s = Stats::from_samples(vec![ms(30), ms(10), ms(20)]);
        assert_eq!(
            (s.min, s.median, s.max, s.runs),
            (ms(10), ms(20), ms(30), 3)
        );
        let s = Stats::from_samples(vec![ms(40), ms(10), ms(20), ms(30)]);
        assert_eq!(s.median, ms(25));
    }

    #[test]
    fn measure_runs_at_least_once() {
        let mut calls = 0;
        let s = measure(0, || calls += 1);
        assert_eq!((calls, s.runs), (1, 1));
    }

    #[test]
    fn speedup_and_efficiency_against_the_first_row() {
        let one = |d| Stats::from_samples(vec![d]);
        let mut t = SpeedupTable::new();
        t.add("1 thread", 1, one(ms(400)));
        t.add("2 threads", 2, one(ms(200)));
        t.add("4 threads", 4, one(ms(200)));
        assert_eq!(t.speedups(), [1.0, 2.0, 2.0]);
        let text = t.to_string();
        assert!(text.contains("2.00×"), "{text}");
        assert!(text.contains("50 %"), "{text}");
    }

    #[test]
    fn a_timer_prints_its_label_and_time() {
        let timer = Timer::start("serial");
        let text = timer.to_string();
        assert!(
            text.starts_with("[serial] 0.0") && text.ends_with(" s"),
            "{text}"
        );
        assert_eq!(timer.label(), "serial");
    }

    #[test]
    fn seconds_has_three_decimals() {
        assert_eq!(seconds(Duration::from_micros(4_522_400)), "4.522 s");
    }
}
