//! The children's side of the lesson: which function a child process runs in each role. You do
//! not need to change this file.
//!
//! Every child is this same binary, started again with [`common::process::ROLE_ENV`] set to its
//! role. `main` calls [`child_main`] first: in a child it does the role's work and returns the
//! exit code, so that the child never reaches the parent's code (the `__main__` guard).

use std::process::ExitCode;

use common::process;

/// Role of the child that squares the numbers (the lectures' `square_list`).
pub const SQUARER: &str = "squarer";
/// Role of the child that withdraws 1, again and again.
pub const WITHDRAW: &str = "withdraw";
/// Role of the child that deposits 1, again and again.
pub const DEPOSIT: &str = "deposit";
/// Role of the manager process, which owns the list.
pub const MANAGER: &str = "manager";
/// Role of a client of the manager.
pub const CLIENT: &str = "client";

/// The `__main__` guard: call it first thing in `main`. In the original process it returns
/// `None` and `main` goes on; in a child of this lesson it does the child's role and returns its
/// exit code. A role it does not know (the demo's own) is left to `main`: `None` too.
pub fn child_main() -> Option<ExitCode> {
    let role = process::role()?;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match role.as_str() {
        SQUARER => super::squarer(&args),
        WITHDRAW | DEPOSIT => super::transact(&role, &args),
        MANAGER => super::manager_main(&args),
        CLIENT => super::client_main(),
        _ => return None,
    };
    Some(match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("child {} in role {role:?}: {e}", std::process::id());
            ExitCode::from(2)
        }
    })
}
