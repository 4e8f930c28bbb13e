//! Charts as SVG and PNG, with no system libraries: the speedup of each variant against its
//! number of workers (with the ideal line), and the timeline of one parallel run (one lane per
//! thread, one bar per piece of work).
//!
//! Text is drawn with DejaVu Sans, shipped in `common/fonts/` with its licence and registered on
//! first use, so that a fresh clone on a machine without fonts draws readable labels.

use std::error::Error;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Once;

use plotters::coord::Shift;
use plotters::coord::combinators::BindKeyPoints;
use plotters::prelude::*;
use plotters::style::FontStyle;

/// The font every chart uses (DejaVu Sans, see `common/fonts/LICENSE-DejaVu.txt`).
const FONT: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");

/// The family name charts ask for; the bundled font is registered under it.
const FAMILY: &str = "sans-serif";

/// Size of the PNG files, in pixels (the SVG files have the same size in user units).
const SIZE: (u32, u32) = (1200, 640);

/// Width of the legend column beside a speedup chart, in pixels.
const LEGEND_WIDTH: u32 = 390;

/// Registers the bundled font with plotters (once per process). Every chart function calls it;
/// call it yourself only to draw with plotters directly.
pub fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if plotters::style::register_font(FAMILY, FontStyle::Normal, FONT).is_err() {
            panic!("the font shipped in common/fonts is not a valid TrueType font");
        }
    });
}

/// One line of a speedup chart: a variant's speedup (y) at each number of workers (x).
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// The variant's name, shown in the legend.
    pub name: String,
    /// (workers, speedup) points, in any order.
    pub points: Vec<(f64, f64)>,
}

/// One piece of work on a timeline: who did it, from when to when (seconds from the start).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Bar {
    /// The thread or process that did it: one lane each.
    pub lane: String,
    /// When it started.
    pub start_s: f64,
    /// When it ended.
    pub end_s: f64,
    /// What it was (drawn inside the bar when there is room).
    #[serde(default)]
    pub label: String,
}

type DrawResult = Result<(), Box<dyn Error>>;

fn to_io(error: Box<dyn Error>) -> io::Error {
    io::Error::other(error.to_string())
}

/// Draws the same chart to `dir/stem.svg` and `dir/stem.png`; returns both paths.
fn both_formats(
    dir: &Path,
    stem: &str,
    draw_svg: impl FnOnce(DrawingArea<SVGBackend, Shift>) -> DrawResult,
    draw_png: impl FnOnce(DrawingArea<BitMapBackend, Shift>) -> DrawResult,
) -> io::Result<Vec<PathBuf>> {
    register_font();
    std::fs::create_dir_all(dir)?;
    let svg = dir.join(format!("{stem}.svg"));
    let png = dir.join(format!("{stem}.png"));
    draw_svg(SVGBackend::new(&svg, SIZE).into_drawing_area()).map_err(to_io)?;
    draw_png(BitMapBackend::new(&png, SIZE).into_drawing_area()).map_err(to_io)?;
    Ok(vec![svg, png])
}

/// The speedup chart: one line per variant (speedup against workers) and the ideal line
/// (speedup = workers), written as `dir/stem.svg` and `dir/stem.png`.
pub fn speedup_chart(
    dir: &Path,
    stem: &str,
    title: &str,
    lines: &[Line],
) -> io::Result<Vec<PathBuf>> {
    both_formats(
        dir,
        stem,
        |area| draw_speedup(area, title, lines),
        |area| draw_speedup(area, title, lines),
    )
}

/// The timeline chart: one lane per thread or process, one bar per piece of work, written as
/// `dir/stem.svg` and `dir/stem.png`.
pub fn timeline_chart(
    dir: &Path,
    stem: &str,
    title: &str,
    bars: &[Bar],
) -> io::Result<Vec<PathBuf>> {
    both_formats(
        dir,
        stem,
        |area| draw_timeline(area, title, bars),
        |area| draw_timeline(area, title, bars),
    )
}

fn font(size: u32) -> TextStyle<'static> {
    (FAMILY, size).into_font().into()
}

fn draw_speedup<DB: DrawingBackend>(
    area: DrawingArea<DB, Shift>,
    title: &str,
    lines: &[Line],
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    area.fill(&WHITE)?;
    // The chart on the left, its legend in a column of its own on the right, so that no line
    // hides behind the legend however many variants there are.
    let (area, legend) = area.split_horizontally(SIZE.0 - LEGEND_WIDTH);
    let points = || lines.iter().flat_map(|l| l.points.iter().copied());
    let most_workers = points().map(|p| p.0).fold(2.0, f64::max);
    let best = points().map(|p| p.1).fold(1.0, f64::max);
    // Room for the ideal line a little above the best speedup: enough to see how far off the
    // measured lines are, not so much that they lie flat along the bottom.
    let y_top = (best * 1.15)
        .max(2.2)
        .min(most_workers * 1.05)
        .max(best * 1.05);
    let mut chart = ChartBuilder::on(&area)
        .caption(title, font(26))
        .margin(16)
        .x_label_area_size(50)
        .y_label_area_size(64)
        .build_cartesian_2d(0.5..most_workers + 0.5, 0.0..y_top)?;
    chart
        .configure_mesh()
        .x_desc("workers (threads or processes)")
        .y_desc("speedup (time of 1 worker / time)")
        .axis_desc_style(font(18))
        .label_style(font(16))
        .x_labels(most_workers as usize + 1)
        .x_label_formatter(&|x| {
            if x.fract() == 0.0 && *x >= 1.0 {
                format!("{x:.0}")
            } else {
                String::new()
            }
        })
        .draw()?;

    let ideal = BLACK.mix(0.5).stroke_width(2);
    let ideal_end = most_workers.min(y_top);
    chart.draw_series(LineSeries::new([(1.0, 1.0), (ideal_end, ideal_end)], ideal))?;
    let mut entries = vec![("ideal: speedup = workers".to_string(), ideal)];
    for (i, line) in lines.iter().enumerate() {
        let colour = Palette99::pick(i).to_rgba();
        let mut points = line.points.clone();
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
        chart.draw_series(LineSeries::new(
            points.iter().copied(),
            colour.stroke_width(3),
        ))?;
        chart.draw_series(points.iter().map(|&p| Circle::new(p, 5, colour.filled())))?;
        entries.push((line.name.clone(), colour.stroke_width(3)));
    }
    for (i, (name, style)) in entries.into_iter().enumerate() {
        let y = 70 + 28 * i as i32;
        legend.draw(&PathElement::new([(8, y), (40, y)], style))?;
        legend.draw(&Text::new(name, (50, y - 9), font(16)))?;
    }
    area.present()?;
    Ok(())
}

fn draw_timeline<DB: DrawingBackend>(
    area: DrawingArea<DB, Shift>,
    title: &str,
    bars: &[Bar],
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    area.fill(&WHITE)?;
    // Lanes in order of their first bar, the first one on top.
    let mut lanes: Vec<&str> = Vec::new();
    let mut by_start: Vec<&Bar> = bars.iter().collect();
    by_start.sort_by(|a, b| a.start_s.total_cmp(&b.start_s));
    for bar in &by_start {
        if !lanes.contains(&bar.lane.as_str()) {
            lanes.push(&bar.lane);
        }
    }
    // Lane i (from the top) is the band of y from 100·(lanes − 1 − i) to 100 more, in whole
    // numbers so that the axis can label each band's centre with the lane's name.
    let lane_count = lanes.len().max(1) as i32;
    let lane_index = |lane: &str| lanes.iter().position(|l| *l == lane).unwrap_or(0) as i32;
    let band = |lane: &str| (lane_count - 1 - lane_index(lane)) * 100;
    let end_ms = bars
        .iter()
        .map(|b| b.end_s * 1e3)
        .fold(0.0, f64::max)
        .max(1e-3);
    let y_range =
        (0..lane_count * 100).with_key_points((0..lane_count).map(|i| i * 100 + 50).collect());
    let label_width = lanes.iter().map(|l| l.chars().count()).max().unwrap_or(4) as u32 * 10;
    let mut chart = ChartBuilder::on(&area)
        .caption(title, font(26))
        .margin(16)
        .x_label_area_size(50)
        .y_label_area_size(label_width.clamp(60, 420) + 10)
        .build_cartesian_2d(0.0..end_ms * 1.02, y_range)?;
    let lane_name = |y: &i32| -> String {
        let from_top = lane_count - 1 - y.div_euclid(100);
        usize::try_from(from_top)
            .ok()
            .and_then(|i| lanes.get(i))
            .map_or_else(String::new, |s| s.to_string())
    };
    chart
        .configure_mesh()
        .disable_y_mesh()
        .x_desc("time since the start of the run (ms)")
        .axis_desc_style(font(18))
        .label_style(font(16))
        .y_label_formatter(&lane_name)
        .draw()?;

    let show_labels = bars.len() <= 32;
    for bar in bars {
        let y = band(&bar.lane);
        let colour = Palette99::pick(lane_index(&bar.lane) as usize);
        let (x0, x1) = (bar.start_s * 1e3, (bar.end_s * 1e3).max(bar.start_s * 1e3));
        let corners = [(x0, y + 20), (x1, y + 80)];
        chart.draw_series([
            Rectangle::new(corners, colour.mix(0.6).filled()),
            Rectangle::new(corners, BLACK.stroke_width(1)),
        ])?;
        if show_labels {
            chart.draw_series([Text::new(
                bar.label.clone(),
                (x0 + end_ms * 0.005, y + 60),
                font(14),
            )])?;
        }
    }
    area.present()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(name: &str, points: &[(f64, f64)]) -> Line {
        Line {
            name: name.into(),
            points: points.to_vec(),
        }
    }

    #[test]
    fn charts_are_written_as_svg_and_png_with_their_labels() {
        let dir = tempfile::tempdir().unwrap();
        let files = speedup_chart(
            dir.path(),
            "speedup",
            "Speedup of the integral",
            &[
                line("Rust threads", &[(1.0, 1.0), (2.0, 1.9), (4.0, 1.95)]),
                line("Rust threads + GIL", &[(1.0, 1.0), (2.0, 0.9)]),
            ],
        )
        .unwrap();
        assert_eq!(files.len(), 2);
        let svg = std::fs::read_to_string(dir.path().join("speedup.svg")).unwrap();
        for label in [
            "Speedup of the integral",
            "Rust threads + GIL",
            "ideal: speedup = workers",
            "workers (threads or processes)",
        ] {
            assert!(svg.contains(label), "the SVG lacks {label:?}");
        }
        let png = std::fs::read(dir.path().join("speedup.png")).unwrap();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");

        let bar = |lane: &str, start_s: f64, end_s: f64, label: &str| Bar {
            lane: lane.into(),
            start_s,
            end_s,
            label: label.into(),
        };
        timeline_chart(
            dir.path(),
            "timeline",
            "Who computed what, when",
            &[
                bar("worker-1", 0.0, 0.020, "steps 0..500"),
                bar("worker-2", 0.001, 0.021, "steps 500..1000"),
            ],
        )
        .unwrap();
        let svg = std::fs::read_to_string(dir.path().join("timeline.svg")).unwrap();
        for label in [
            "Who computed what, when",
            "worker-1",
            "worker-2",
            "steps 500..1000",
        ] {
            assert!(svg.contains(label), "the SVG lacks {label:?}");
        }
        let png = std::fs::read(dir.path().join("timeline.png")).unwrap();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    }
}
