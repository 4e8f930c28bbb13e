//! Logging for the demos: the lectures' advice "use logging, not print" in Rust terms.
//!
//! Every line says which thread wrote it, so interleavings are visible; lines are never torn,
//! because the subscriber writes each event in one go.

/// Sends `tracing` events to stderr with thread names and times since start. `RUST_LOG`-style
/// levels are not needed in the demos: everything at INFO and above is shown.
pub fn init() {
    use std::io::IsTerminal;
    let _ = tracing_subscriber::fmt()
        .with_ansi(std::io::stderr().is_terminal())
        .with_thread_names(true)
        .with_target(false)
        .with_timer(tracing_subscriber::fmt::time::uptime())
        .with_writer(std::io::stderr)
        .try_init();
}
