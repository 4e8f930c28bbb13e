//! Who holds which lock and who waits for what, in a model-checked execution: what turns the
//! model checker's bare "deadlock!" into the course's account of it.
//!
//! The traced types in [`super::sync`] report here each time a thread asks for a lock, takes it,
//! gives it back, or goes to sleep on a condition variable. When every thread is blocked, the
//! model checker stops the execution; [`super::check_every_interleaving`] and
//! [`super::check_sampled_interleavings`] then ask [`report`] to say what happened as the lectures
//! draw it: thread-1 holds account A and waits for account B, thread-2 holds account B and waits
//! for account A, a cycle that nobody can break. Or a lost wake-up: a thread asleep on a condition
//! variable that no thread is left to notify.
//!
//! Locks are named `lock #1`, `lock #2`, … in the order the execution creates them, unless the
//! check names them with [`super::named`] (which leaves the lesson's own code untouched).

use std::cell::RefCell;
use std::fmt::Write;

/// The name of a traced lock, given when it is created.
#[derive(Debug, Clone)]
pub struct LockName {
    id: usize,
    name: String,
    /// Whether a check named it (see [`super::named`]).
    given: bool,
}

impl LockName {
    /// The next lock's name: the name [`super::named`] asks for, or `lock #n`.
    pub(crate) fn next() -> Self {
        STATE.with(|s| {
            let mut s = s.borrow_mut();
            s.created += 1;
            let id = s.created;
            let given = s.naming.is_some();
            let name = match &mut s.naming {
                Some((name, n)) => {
                    *n += 1;
                    if name.contains("{}") {
                        // Numbered from 0, as the lessons' code counts.
                        name.replace("{}", &(*n - 1).to_string())
                    } else if *n == 1 {
                        name.clone()
                    } else {
                        format!("{name} (lock {n})")
                    }
                }
                None => format!("lock #{id}"),
            };
            LockName { id, name, given }
        })
    }

    /// What the trace shows for `verb` on this lock: `lock account A` for a named lock, the
    /// bare `lock` otherwise (the tables of lessons that name nothing stay as they were).
    pub(crate) fn action(&self, verb: &str) -> String {
        if self.given {
            format!("{verb} {}", self.name)
        } else {
            verb.to_string()
        }
    }
}

impl Default for LockName {
    fn default() -> Self {
        Self::next()
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Thread {
    id: shuttle::thread::ThreadId,
    name: String,
}

fn me() -> Thread {
    let current = shuttle::thread::current();
    Thread {
        id: current.id(),
        name: current.name().unwrap_or("unnamed").to_string(),
    }
}

#[derive(Debug, Clone)]
enum Wait {
    /// Blocked in `lock()`.
    Lock(LockName),
    /// Asleep on a condition variable, having given back `lock`, which then held `seen`.
    Condvar { lock: LockName, seen: String },
}

#[derive(Debug, Default)]
struct State {
    /// Locks created in this execution.
    created: usize,
    /// The name [`super::named`] gives the locks created now, and how many it has named.
    naming: Option<(String, usize)>,
    /// Each held lock and its holder, in the order they were taken.
    held: Vec<(LockName, Thread)>,
    /// What each blocked thread waits for.
    waits: Vec<(Thread, Wait)>,
    /// Threads that failed a `try_lock` and have not let go of a lock since.
    backing_off: Vec<shuttle::thread::ThreadId>,
}

thread_local! {
    // Like the trace: shuttle runs all of an execution's threads on the checker's OS thread.
    static STATE: RefCell<State> = RefCell::new(State::default());
}

/// Forgets everything: a new execution starts.
pub(crate) fn reset() {
    STATE.with(|s| {
        let naming = s.borrow_mut().naming.take();
        *s.borrow_mut() = State {
            naming,
            ..State::default()
        };
    });
}

/// Names the locks created while `f` runs (see [`super::named`]).
pub(crate) fn naming<T>(name: &str, f: impl FnOnce() -> T) -> T {
    let outer = STATE.with(|s| s.borrow_mut().naming.replace((name.to_string(), 0)));
    struct Restore(Option<(String, usize)>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let outer = self.0.take();
            STATE.with(|s| s.borrow_mut().naming = outer);
        }
    }
    let _restore = Restore(outer);
    f()
}

fn set_wait(thread: Thread, wait: Option<Wait>) {
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        s.waits.retain(|(t, _)| t.id != thread.id);
        if let Some(wait) = wait {
            s.waits.push((thread, wait));
        }
    });
}

/// The calling thread is about to block on `lock`. A thread that asks for a lock it already
/// holds waits for itself: that fails the execution at once, in the course's words.
pub(crate) fn wants(lock: &LockName) {
    let me = me();
    let mine = STATE.with(|s| {
        s.borrow()
            .held
            .iter()
            .any(|(l, t)| l.id == lock.id && t.id == me.id)
    });
    if mine {
        super::fail(format!(
            "a deadlock: {} holds {} and asks for it again, so it waits for itself. A Mutex is not \
             re-entrant: lock it once and pass the guard (or the data) to the code that needs it.",
            me.name, lock.name
        ));
    }
    set_wait(me, Some(Wait::Lock(lock.clone())));
}

/// The calling thread has taken `lock` (after waiting, or at once).
pub(crate) fn took(lock: &LockName) {
    let me = me();
    set_wait(me.clone(), None);
    STATE.with(|s| s.borrow_mut().held.push((lock.clone(), me)));
}

/// `lock` has been given back.
pub(crate) fn released(lock: &LockName) {
    STATE.with(|s| s.borrow_mut().held.retain(|(l, _)| l.id != lock.id));
}

/// The calling thread failed a `try_lock`. It will most likely let go of what it holds and try
/// again, maybe after `std`'s sleep or yield_now, which the checker cannot see: see [`let_go`].
pub(crate) fn failed_try() {
    let me = me();
    let holds_nothing = STATE.with(|s| {
        let mut s = s.borrow_mut();
        if !s.backing_off.contains(&me.id) {
            s.backing_off.push(me.id);
        }
        !s.held.iter().any(|(_, t)| t.id == me.id)
    });
    if holds_nothing {
        let_go();
    }
}

/// The calling thread has let go of a lock (or holds none after a failed `try_lock`). If it is
/// backing off, it lets the other threads run first, as a real machine's timing would. Without
/// that, a scheduler that favours one thread (PCT) could keep a retry loop spinning forever, or
/// keep two threads that back off and retry in step with each other: livelocks that no real
/// scheduler sustains. (It costs an exhaustive search nothing: that tries every order anyway.)
pub(crate) fn let_go() {
    let me = me().id;
    let backing_off = STATE.with(|s| {
        let mut s = s.borrow_mut();
        let was = s.backing_off.contains(&me);
        s.backing_off.retain(|t| *t != me);
        was
    });
    if backing_off {
        shuttle::thread::yield_now();
    }
}

/// The calling thread goes to sleep on a condition variable, giving back `lock`, which holds
/// `seen` (the state it found not to its liking).
pub(crate) fn sleeps(lock: &LockName, seen: String) {
    released(lock);
    set_wait(
        me(),
        Some(Wait::Condvar {
            lock: lock.clone(),
            seen,
        }),
    );
}

/// What the execution's blocked threads were doing, in the course's words, or `None` when the
/// traced types saw nobody blocked (the threads were stuck in something else: a join, a barrier,
/// a channel).
///
/// `blocked` are the names of every thread the model checker found blocked (taken from its
/// message); those that wait for nothing traced are said to wait for another thread.
pub(crate) fn report(blocked: &[String]) -> Option<String> {
    STATE.with(|s| {
        let state = s.borrow();
        // The last row of each blocked thread in the schedule: what it waits for.
        for (thread, wait) in &state.waits {
            let (action, value) = match wait {
                Wait::Lock(lock) => (format!("waits for {}", lock.name), "-".to_string()),
                Wait::Condvar { seen, .. } => ("asleep".to_string(), seen.clone()),
            };
            let step = super::Step {
                thread: thread.name.clone(),
                action,
                value,
            };
            super::TRACE.with(|t| t.borrow_mut().push(step));
        }
        describe(&state, blocked)
    })
}

fn holder_of<'a>(state: &'a State, lock: &LockName) -> Option<&'a Thread> {
    state
        .held
        .iter()
        .find(|(l, _)| l.id == lock.id)
        .map(|(_, t)| t)
}

fn holdings(state: &State, thread: &Thread) -> Vec<String> {
    holdings_where(state, |t| t.id == thread.id)
}

fn holdings_where(state: &State, holder: impl Fn(&Thread) -> bool) -> Vec<String> {
    state
        .held
        .iter()
        .filter(|(_, t)| holder(t))
        .map(|(l, _)| l.name.clone())
        .collect()
}

/// "account A", "account A and account B", "fork 1, fork 2 and fork 3".
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// A cycle of threads each waiting for a lock the next one holds, starting from `start`.
fn cycle_from(state: &State, start: &Thread) -> Option<Vec<(Thread, LockName)>> {
    let mut path: Vec<(Thread, LockName)> = Vec::new();
    let mut thread = start.clone();
    loop {
        let lock = state.waits.iter().find_map(|(t, w)| match w {
            Wait::Lock(lock) if t.id == thread.id => Some(lock.clone()),
            _ => None,
        })?;
        let holder = holder_of(state, &lock)?.clone();
        if let Some(i) = path.iter().position(|(t, _)| t.id == holder.id) {
            path.push((thread, lock));
            return Some(path.split_off(i));
        }
        path.push((thread, lock));
        if holder.id == start.id {
            return Some(path);
        }
        thread = holder;
    }
}

fn describe(state: &State, blocked: &[String]) -> Option<String> {
    if state.waits.is_empty() {
        return None;
    }
    let mut lines = Vec::new();
    let mut lost_wakeups = Vec::new();
    for (thread, wait) in &state.waits {
        let held = holdings(state, thread);
        let holds = if held.is_empty() {
            String::new()
        } else {
            format!("holds {} and ", and_list(&held))
        };
        match wait {
            Wait::Lock(lock) => {
                let by = holder_of(state, lock)
                    .map(|t| format!(" (held by {})", t.name))
                    .unwrap_or_default();
                lines.push(format!(
                    "{} {holds}waits for {}{by}",
                    thread.name, lock.name
                ));
            }
            Wait::Condvar { lock, seen } => match holder_of(state, lock) {
                Some(holder) => lines.push(format!(
                    "{} {holds}waits on a condition variable and to take {} back (held by {})",
                    thread.name, lock.name, holder.name
                )),
                None => {
                    lines.push(format!(
                        "{} {holds}waits on a condition variable of {}, which held {seen} when it \
                         went to sleep",
                        thread.name, lock.name
                    ));
                    lost_wakeups.push(thread.name.clone());
                }
            },
        }
    }
    for name in blocked {
        if !state.waits.iter().any(|(t, _)| &t.name == name) {
            let held = holdings_where(state, |t| &t.name == name);
            let holds = if held.is_empty() {
                String::new()
            } else {
                format!("holds {} and ", and_list(&held))
            };
            lines.push(format!(
                "{name} {holds}waits for another thread (joining it, at a barrier or on a channel)"
            ));
        }
    }

    let cycle = state.waits.iter().find_map(|(t, _)| cycle_from(state, t));
    // Drawn from the thread whose name comes first (thread-1, philosopher 0), as people count.
    let cycle = cycle.map(|mut cycle| {
        let first = (0..cycle.len())
            .min_by(|&a, &b| cycle[a].0.name.cmp(&cycle[b].0.name))
            .unwrap_or(0);
        cycle.rotate_left(first);
        cycle
    });
    let mut out = String::new();
    if let Some(cycle) = cycle {
        let _ = write!(
            out,
            "a deadlock: {} wait for each other in a cycle, and none of them will ever let go:",
            and_list(
                &cycle
                    .iter()
                    .map(|(t, _)| t.name.clone())
                    .collect::<Vec<_>>()
            )
        );
        let mut drawn = Vec::new();
        for (thread, wanted) in &cycle {
            let held = holdings(state, thread);
            drawn.push(format!(
                "{} holds {}, waits for {}",
                thread.name,
                and_list(&held),
                wanted.name
            ));
        }
        let _ = write!(out, " {}.", drawn.join("; "));
    } else if !lost_wakeups.is_empty() {
        let who = and_list(&lost_wakeups);
        let verb = if lost_wakeups.len() == 1 {
            "waits"
        } else {
            "wait"
        };
        let _ = write!(
            out,
            "a lost wake-up: {who} {verb} on a condition variable and no thread is left to wake it."
        );
    } else {
        out.push_str("a deadlock: every thread is blocked, and none of them can go on.");
    }
    out.push_str("\nEvery thread, as the model checker left them:");
    for line in lines {
        let _ = write!(out, "\n  {line}");
    }
    Some(out)
}

/// The names of the blocked threads in shuttle's deadlock message,
/// `deadlock! blocked tasks: [main-thread (task main-thread(0)), thread-1 (task thread-1(1), …)]`.
pub(crate) fn blocked_threads(message: &str) -> Vec<String> {
    let Some(list) = message
        .strip_prefix("deadlock! blocked tasks: [")
        .and_then(|l| l.strip_suffix(']'))
    else {
        return Vec::new();
    };
    let mut names = Vec::new();
    let mut rest = list;
    while let Some(at) = rest.find(" (task ") {
        names.push(rest[..at].to_string());
        // Skip the parenthesised details, which hold parentheses of their own.
        let mut depth = 0;
        let end = rest[at + 1..].char_indices().find_map(|(i, c)| {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
            (depth == 0).then_some(at + 1 + i + 1)
        });
        match end {
            Some(end) => rest = rest[end..].trim_start_matches(", "),
            None => break,
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_blocked_threads_in_shuttles_message() {
        let message = "deadlock! blocked tasks: [main-thread (task main-thread(0)), thread-1 \
                       (task thread-1(1), pending future), thread-2 (task thread-2(2))]";
        assert_eq!(
            blocked_threads(message),
            ["main-thread", "thread-1", "thread-2"]
        );
        assert!(blocked_threads("something else").is_empty());
    }

    #[test]
    fn lists_read_as_english() {
        let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(and_list(&names(&["a"])), "a");
        assert_eq!(and_list(&names(&["a", "b"])), "a and b");
        assert_eq!(and_list(&names(&["a", "b", "c"])), "a, b and c");
    }
}
