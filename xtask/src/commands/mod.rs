//! One module per `cargo xtask` command.

pub mod bench;
pub mod check;
pub mod ci;
pub mod hint;
pub mod list;
pub mod reset;
pub mod run;
pub mod serve;
pub mod setup;
pub mod verify;
pub mod watch;
