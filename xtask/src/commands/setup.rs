//! `cargo xtask setup mpi [--yes]`: installs what lesson 15 needs (Open MPI and libclang) with
//! the system's package manager, after saying exactly what it will run and asking.
//!
//! It runs the package manager directly when we are root (CI here), through `sudo` otherwise,
//! and does nothing when everything is already there. Only apt-get (Debian, Ubuntu) has been
//! tried on the course's machines; the other plans are the distributions' documented package
//! names, printed before anything runs so that a user can see what is about to happen.

use std::io::{BufRead, IsTerminal, Write};
use std::process::{Command, ExitCode};

use anyhow::{Context, Result, bail};
use console::style;

use crate::system::{Requirement, find_program};

/// One package manager's way of installing MPI and libclang.
struct Plan {
    /// The program that must be on PATH for this plan to apply.
    manager: &'static str,
    /// The commands, in order, without `sudo`.
    commands: &'static [&'static [&'static str]],
    /// Whether the commands need root (Homebrew refuses to run as root).
    needs_root: bool,
    /// Said after a successful install.
    note: Option<&'static str>,
}

const PLANS: &[Plan] = &[
    Plan {
        manager: "apt-get",
        commands: &[
            &["env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "update"],
            &[
                "env",
                "DEBIAN_FRONTEND=noninteractive",
                "apt-get",
                "install",
                "-y",
                "--no-install-recommends",
                "libopenmpi-dev",
                "openmpi-bin",
                "libclang-dev",
            ],
        ],
        needs_root: true,
        note: None,
    },
    Plan {
        manager: "dnf",
        commands: &[&["dnf", "install", "-y", "openmpi-devel", "clang-devel"]],
        needs_root: true,
        note: Some(
            "Fedora and RHEL put Open MPI outside PATH: run `module load mpi/openmpi-x86_64` (or add /usr/lib64/openmpi/bin to PATH) before building lesson 15.",
        ),
    },
    Plan {
        manager: "zypper",
        commands: &[&[
            "zypper",
            "--non-interactive",
            "install",
            "openmpi4-devel",
            "clang-devel",
        ]],
        needs_root: true,
        note: Some(
            "openSUSE puts Open MPI outside PATH: run `module load gnu openmpi` (or source /usr/lib64/mpi/gcc/openmpi4/bin/mpivars.sh) before building lesson 15.",
        ),
    },
    Plan {
        manager: "pacman",
        commands: &[&[
            "pacman",
            "-S",
            "--needed",
            "--noconfirm",
            "openmpi",
            "clang",
        ]],
        needs_root: true,
        note: None,
    },
    Plan {
        manager: "brew",
        commands: &[&["brew", "install", "open-mpi", "llvm"]],
        needs_root: false,
        note: Some(
            "Homebrew's llvm is keg-only: export LIBCLANG_PATH=\"$(brew --prefix llvm)/lib\" before building lesson 15.",
        ),
    },
];

pub fn setup(what: Requirement, yes: bool) -> Result<ExitCode> {
    let missing = what.missing();
    if missing.is_empty() {
        println!(
            "{} everything lesson 15 needs is installed (mpicc, mpirun, libclang): nothing to do.",
            style("setup mpi:").green().bold()
        );
        return Ok(ExitCode::SUCCESS);
    }
    println!("This machine lacks {}.", missing.join(", "));

    let Some(plan) = PLANS.iter().find(|p| find_program(p.manager).is_some()) else {
        bail!(
            "no package manager I know is on PATH (tried {}). Install Open MPI (with its development files: mpicc) and libclang yourself, then run `cargo xtask setup mpi` again to check.",
            PLANS
                .iter()
                .map(|p| p.manager)
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let prefix = privilege_prefix(plan)?;
    let commands: Vec<Vec<String>> = plan
        .commands
        .iter()
        .map(|c| {
            prefix
                .iter()
                .chain(c.iter())
                .map(|s| s.to_string())
                .collect()
        })
        .collect();

    println!("To install them, I will run ({}):", plan.manager);
    for command in &commands {
        println!("    {}", command.join(" "));
    }
    if !yes && !confirm()? {
        println!("Nothing was installed.");
        return Ok(ExitCode::FAILURE);
    }
    for command in &commands {
        println!("{} {}", style("==>").cyan().bold(), command.join(" "));
        let status = Command::new(&command[0])
            .args(&command[1..])
            .status()
            .with_context(|| format!("starting {}", command[0]))?;
        if !status.success() {
            bail!("`{}` failed ({status})", command.join(" "));
        }
    }
    if let Some(note) = plan.note {
        println!("{note}");
    }
    let still = what.missing();
    if still.is_empty() {
        println!(
            "{} Open MPI and libclang are installed. Next: cargo xtask check lesson-15",
            style("setup mpi:").green().bold()
        );
        Ok(ExitCode::SUCCESS)
    } else {
        println!(
            "{} the packages installed, but this machine still lacks {}.",
            style("setup mpi:").red().bold(),
            still.join(", ")
        );
        Ok(ExitCode::FAILURE)
    }
}

/// Nothing when we are root (or the manager must not run as root); `sudo` when it is there.
fn privilege_prefix(plan: &Plan) -> Result<Vec<&'static str>> {
    // SAFETY: geteuid reads a number from the kernel and touches no memory.
    let root = unsafe { libc::geteuid() } == 0;
    if !plan.needs_root || root {
        return Ok(Vec::new());
    }
    if find_program("sudo").is_some() {
        return Ok(vec!["sudo"]);
    }
    bail!(
        "{} needs root, and sudo is not installed: run `cargo xtask setup mpi` as root",
        plan.manager
    )
}

/// Asks on the terminal; refuses (with the flag to use) when nobody can answer.
fn confirm() -> Result<bool> {
    if !std::io::stdin().is_terminal() {
        bail!(
            "not asking without a terminal: run `cargo xtask setup mpi --yes` to install without asking"
        );
    }
    print!("Run these commands? [y/N] ");
    std::io::stdout().flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "Yes"))
}
