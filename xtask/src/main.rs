//! `cargo xtask`: the course's runner. Students check their lessons with it; instructors run the
//! solutions' demos; maintainers verify the course and run CI.

mod cargo;
mod commands;
mod course;
mod grade;
mod limits;
mod progress;
mod report;
mod sandbox;
mod system;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};

use course::{Course, Variant};

/// Exit code for a command that was used wrongly (an unknown lesson, say).
const USAGE: u8 = 2;

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "The course runner: check lessons, run demos, verify the course."
)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Every lesson, its title, and how far you got.
    List,
    /// Grade a lesson: each check in its own process, with a time limit.
    Check {
        /// lesson-05, 05, 5 or producer-consumer.
        lesson: String,
        /// Grade the reference solution instead of your code.
        #[arg(long)]
        solution: bool,
        /// Run every check N times and report how often each failed (races are a matter of odds).
        #[arg(long, default_value_t = 1, value_name = "N")]
        repeat: usize,
        /// Print the results as JSON (one record per check) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Run a lesson's demo program; arguments after `--` go to the demo.
    Run {
        lesson: String,
        /// Run the reference solution's demo.
        #[arg(long)]
        solution: bool,
        #[arg(last = true)]
        args: Vec<String>,
    },
    /// Show the next hint for a lesson.
    Hint {
        lesson: String,
        /// Show every hint.
        #[arg(long)]
        all: bool,
    },
    /// Check a lesson again on every save; move on to the next lesson when it passes.
    Watch {
        /// The lesson to start with (the first unfinished one if absent).
        lesson: Option<String>,
    },
    /// Put a lesson's starter back as it was at the last commit (asks first).
    Reset {
        lesson: String,
        /// Do not ask.
        #[arg(long)]
        yes: bool,
    },
    /// Prove that every solution passes and every untouched starter fails its checks.
    Verify {
        /// Only this lesson.
        lesson: Option<String>,
        /// Run every check N times.
        #[arg(long, default_value_t = 1, value_name = "N")]
        repeat: usize,
    },
    /// Time a lesson's programs: a table, bench.json and charts under target/course/lesson-NN/.
    Bench {
        lesson: String,
        /// Runs per row (default 5, 3 with --quick).
        #[arg(long, value_name = "N")]
        runs: Option<usize>,
        /// Smaller sizes and fewer runs: a first look in seconds.
        #[arg(long)]
        quick: bool,
        /// Leave out the Python rows.
        #[arg(long)]
        no_python: bool,
    },
    /// What CI runs: formatting, clippy, tests, verify.
    Ci,
    /// Lesson 13's local HTTP server on 127.0.0.1, standalone, until Ctrl-C.
    Serve {
        /// The port (0: any free one).
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// How long every request waits before it is answered.
        #[arg(long, default_value_t = 200)]
        latency_ms: u64,
        /// How many files /files/00.bin, /files/01.bin, … there are.
        #[arg(long, default_value_t = 16)]
        files: usize,
        /// Each file's size in bytes.
        #[arg(long, default_value_t = 64 * 1024)]
        size: u64,
        /// Send answers at this many bytes per second (default: as fast as possible).
        #[arg(long)]
        bytes_per_s: Option<u64>,
    },
    /// Install what a lesson needs beyond Rust (`mpi`: Open MPI and libclang, for lesson 15).
    Setup {
        /// What to install.
        #[arg(value_enum)]
        what: SetupWhat,
        /// Install without asking (for CI).
        #[arg(long)]
        yes: bool,
    },
}

/// What `cargo xtask setup` can install.
#[derive(Clone, Copy, clap::ValueEnum)]
enum SetupWhat {
    /// Open MPI and libclang, for lesson 15.
    Mpi,
}

/// The course's root folder, found when the runner starts (never compiled in: two clones of the
/// course that share a target dir run the same binary, and each must grade its own files).
///
/// `COURSE_ROOT` if set (the grader's own tests point it at fixture courses); else the
/// workspace of the `xtask` package cargo just ran (`cargo xtask` sets `CARGO_MANIFEST_DIR` for
/// the program it runs); else the nearest folder with a `course.toml`, from here upwards.
fn course_root() -> Result<PathBuf> {
    if let Some(root) = std::env::var_os("COURSE_ROOT") {
        return Ok(PathBuf::from(root));
    }
    let is_course = |dir: &Path| dir.join("course.toml").is_file();
    if let Some(manifest) = std::env::var_os("CARGO_MANIFEST_DIR")
        && let Some(root) = Path::new(&manifest).parent()
        && is_course(root)
    {
        return Ok(root.to_path_buf());
    }
    let here = std::env::current_dir().context("finding the current folder")?;
    here.ancestors()
        .find(|dir| is_course(dir))
        .map(Path::to_path_buf)
        .with_context(|| {
            format!(
                "no course.toml in {} or any folder above it: run `cargo xtask` inside the course",
                here.display()
            )
        })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            if let Some(unknown) = error.downcast_ref::<course::UnknownLesson>() {
                eprint!("error: {unknown}");
                return ExitCode::from(USAGE);
            }
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    // Setting up the machine needs no course (and must not touch the grader's signal handling).
    if let Cmd::Setup { what, yes } = cli.command {
        let requirement = match what {
            SetupWhat::Mpi => system::Requirement::Mpi,
        };
        return commands::setup::setup(requirement, yes);
    }
    let root = course_root()?;
    let root = root.canonicalize().unwrap_or(root);
    let course = Course::load(&root)?;
    sandbox::init()?;
    let variant = |solution: bool| {
        if solution {
            Variant::Solution
        } else {
            Variant::Starter
        }
    };
    match cli.command {
        Cmd::List => Ok(commands::list::list(&course)),
        Cmd::Check {
            lesson,
            solution,
            repeat,
            json,
        } => {
            let lesson = course.lookup(&lesson)?;
            let verdict =
                commands::check::check(&course, lesson, variant(solution), repeat.max(1), json)?;
            Ok(verdict.exit_code())
        }
        Cmd::Run {
            lesson,
            solution,
            args,
        } => {
            let lesson = course.lookup(&lesson)?;
            commands::run::run(&course, lesson, variant(solution), &args)
        }
        Cmd::Watch { lesson } => {
            let start = lesson.map(|l| course.lookup(&l)).transpose()?;
            Ok(commands::watch::watch(&course, start)?.exit_code())
        }
        Cmd::Reset { lesson, yes } => commands::reset::reset(&course, course.lookup(&lesson)?, yes),
        Cmd::Hint { lesson, all } => commands::hint::hint(&course, course.lookup(&lesson)?, all),
        Cmd::Verify { lesson, repeat } => {
            let only = lesson.map(|l| course.lookup(&l)).transpose()?;
            commands::verify::verify(&course, only, repeat.max(1))
        }
        Cmd::Bench {
            lesson,
            runs,
            quick,
            no_python,
        } => commands::bench::bench(&course, course.lookup(&lesson)?, runs, quick, no_python),
        Cmd::Ci => commands::ci::ci(&course),
        Cmd::Serve {
            port,
            latency_ms,
            files,
            size,
            bytes_per_s,
        } => commands::serve::serve(commands::serve::Options {
            port,
            latency_ms,
            files,
            size,
            bytes_per_s,
        }),
        Cmd::Setup { .. } => unreachable!("handled above"),
    }
}
