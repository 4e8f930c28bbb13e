// The lesson's names, re-exported at the crate's root: `include!`d by the lesson's lib.rs and by
// the solution's and the mutants', so that the list is written once.

pub use balance::{AtomicBalance, LockedBalance};
pub use bank::{
    Bank, Fix, PAPERWORK, START_BALANCE, StartLine, TRANSACTIONS, paperwork, perform_transactions,
    transact,
};
pub use children::{CLIENT, DEPOSIT, MANAGER, SQUARER, WITHDRAW, child_main};
pub use common::process::Program;
pub use lock::ProcessMutex;
pub use manager::{ManagerClient, Request, serve};
pub use plumbing::{
    CONNECT_DEADLINE, ClientJob, Error, FromClient, Manager, client_main, expect_success, join,
    manager_main, parse_list, run_clients,
};
pub use segment::{InSegment, SegmentError, SharedArray, SharedValue};
pub use squares::{Squares, square_list, squarer, squares_in_child};
