//! Shared memory between processes: the counterparts of Python's `multiprocessing.Value` and
//! `multiprocessing.Array`, on a `shared_memory` segment. You do not need to change this file;
//! read it for its `unsafe` blocks and why each is sound.
//!
//! A segment is a piece of memory with a name (`/dev/shm/course-…` on Linux) that every process
//! which opens the name maps into its own address space: a write by one process is a write to
//! the same physical memory the others read. That is all the operating system gives: bytes, with
//! no types, no ownership, no borrow checker. The compiler checks one program at a time and
//! cannot see that another process writes to these bytes, so every way of looking at them as a
//! Rust value is `unsafe`: we promise, in the `// Safety:` comments, what the compiler cannot
//! check.
//!
//! The promises this file makes, once, so that the rest of the lesson can be safe code:
//!
//! - **Layout.** A type that lives in a segment is `#[repr(C)]` (fields in the order written, no
//!   reordering), built only of atomics and of locks made of atomics, and its all-zero bytes are
//!   a valid value (a new segment is filled with zeros). Both processes run this same binary, so
//!   both read the bytes with the very same layout. The marker trait [`InSegment`] says so.
//! - **No data race.** Another process may write at any time, so we only ever hand out shared
//!   references (`&T`), and every change goes through an atomic (or a lock built on one). A plain
//!   `*p += 1` through a raw pointer from two processes would be a data race: undefined
//!   behaviour, not merely a wrong answer.
//! - **Lifetime.** The mapping lives as long as the [`SharedValue`] or [`SharedArray`] that
//!   holds it, and every reference we hand out borrows from that handle, so none outlives it.
//!
//! Who cleans up: the process that *creates* a segment owns it and unlinks its name from
//! `/dev/shm` when its handle is dropped; a process that *opens* it only unmaps it. A creator
//! that is killed (SIGKILL runs no destructors) leaves the segment behind until someone removes
//! it: the grader does, and reports it. Names come from [`common::process::unique_name`], so
//! that what a killed check left can be found.

use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;
use std::sync::atomic::{
    AtomicBool, AtomicI32, AtomicI64, AtomicU8, AtomicU32, AtomicU64, AtomicUsize,
};

use shared_memory::{Shmem, ShmemConf};

/// Types that may live in a segment shared by processes of this program.
///
/// # Safety
///
/// Implement it only for a type that is `#[repr(C)]` (or a primitive), whose all-zero bytes are
/// a valid value, that holds no pointers or references (an address means nothing in another
/// process), and whose every change through `&self` is an atomic operation, or is made under a
/// lock that is itself in the segment. `Sync` is required: the other process is, for this type,
/// just another thread.
pub unsafe trait InSegment: Sync {}

// Safety: atomics are plain integers in memory (the same size and bit validity as the integer),
// zero is a valid value, and every change through `&self` is one atomic instruction. On Linux the
// CPU's atomic instructions work on physical memory, so they are atomic between processes too.
unsafe impl InSegment for AtomicBool {}
// Safety: as for AtomicBool.
unsafe impl InSegment for AtomicU8 {}
// Safety: as for AtomicBool.
unsafe impl InSegment for AtomicI32 {}
// Safety: as for AtomicBool.
unsafe impl InSegment for AtomicU32 {}
// Safety: as for AtomicBool.
unsafe impl InSegment for AtomicI64 {}
// Safety: as for AtomicBool.
unsafe impl InSegment for AtomicU64 {}
// Safety: as for AtomicBool.
unsafe impl InSegment for AtomicUsize {}
// Safety: an array is its elements side by side, with no padding between them and no header.
unsafe impl<T: InSegment, const N: usize> InSegment for [T; N] {}

/// A segment could not be created or opened.
#[derive(Debug)]
pub struct SegmentError(pub String);

impl fmt::Display for SegmentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SegmentError {}

/// A named, mapped segment: the bytes, with no type yet.
struct Segment {
    shmem: Shmem,
    name: String,
}

impl Segment {
    /// Creates a new segment of `size` bytes, all zero, named `course-<tag>-<pid>-<n>`. This
    /// process owns it: dropping it unlinks the name.
    fn create(tag: &str, size: usize) -> Result<Segment, SegmentError> {
        let name = common::process::unique_name(tag);
        // A segment of 0 bytes cannot be mapped: take at least one.
        let shmem = ShmemConf::new()
            .size(size.max(1))
            .os_id(&name)
            .create()
            .map_err(|e| SegmentError(format!("creating shared memory {name}: {e}")))?;
        Segment::checked(shmem, name, size)
    }

    /// Opens the segment `name` that another process created (at least `size` bytes). Dropping
    /// it unmaps it here and leaves the segment to its owner.
    fn open(name: &str, size: usize) -> Result<Segment, SegmentError> {
        let shmem = ShmemConf::new()
            .os_id(name)
            .open()
            .map_err(|e| SegmentError(format!("opening shared memory {name}: {e}")))?;
        Segment::checked(shmem, name.to_string(), size)
    }

    fn checked(shmem: Shmem, name: String, size: usize) -> Result<Segment, SegmentError> {
        if shmem.len() < size {
            return Err(SegmentError(format!(
                "shared memory {name} holds {} bytes, not the {size} expected",
                shmem.len()
            )));
        }
        // mmap gives page-aligned memory (4 096 bytes): enough for any type of this lesson.
        if !(shmem.as_ptr() as usize).is_multiple_of(4096) {
            return Err(SegmentError(format!(
                "shared memory {name} is not page-aligned"
            )));
        }
        Ok(Segment { shmem, name })
    }

    fn ptr(&self) -> *const u8 {
        self.shmem.as_ptr()
    }
}

/// One value of type `T` in shared memory: `multiprocessing.Value`.
///
/// The parent creates it and passes its [`name`](SharedValue::name) to a child, which opens it;
/// both then see one `T` (through `Deref`). `T` is typically an atomic, or a `#[repr(C)]` struct
/// of atomics and locks. Not `Send`: a mapping belongs to the process (and thread) that made it.
pub struct SharedValue<T: InSegment> {
    segment: Segment,
    _type: PhantomData<T>,
}

impl<T: InSegment> SharedValue<T> {
    /// Creates a new segment holding a `T` whose bytes are all zero, owned by this process.
    pub fn create(tag: &str) -> Result<Self, SegmentError> {
        Ok(SharedValue {
            segment: Segment::create(tag, size_of::<T>())?,
            _type: PhantomData,
        })
    }

    /// Opens the `T` that another process created under `name`.
    pub fn open(name: &str) -> Result<Self, SegmentError> {
        Ok(SharedValue {
            segment: Segment::open(name, size_of::<T>())?,
            _type: PhantomData,
        })
    }

    /// The segment's name, to pass to another process.
    pub fn name(&self) -> &str {
        &self.segment.name
    }
}

impl<T: InSegment> Deref for SharedValue<T> {
    type Target = T;

    fn deref(&self) -> &T {
        // Safety: the segment is at least size_of::<T>() bytes, page-aligned (checked when it was
        // made), and mapped for as long as `self` lives, which the returned borrow cannot outlive.
        // Its bytes are a valid T: zeros when created, and since then changed only through
        // `&T` by T's own atomic operations, here or in another process running this same
        // binary, which reads them with the same #[repr(C)] layout (T: InSegment). We never hand
        // out `&mut T`, so a shared reference is all there is, as for a value shared by threads.
        unsafe { &*self.segment.ptr().cast::<T>() }
    }
}

/// A fixed number of `T`s in shared memory, side by side: `multiprocessing.Array`.
pub struct SharedArray<T: InSegment> {
    segment: Segment,
    len: usize,
    _type: PhantomData<T>,
}

impl<T: InSegment> SharedArray<T> {
    /// Creates a new segment holding `len` elements whose bytes are all zero, owned by this
    /// process.
    pub fn create(tag: &str, len: usize) -> Result<Self, SegmentError> {
        Ok(SharedArray {
            segment: Segment::create(tag, len * size_of::<T>())?,
            len,
            _type: PhantomData,
        })
    }

    /// Opens the array of `len` elements that another process created under `name`.
    pub fn open(name: &str, len: usize) -> Result<Self, SegmentError> {
        Ok(SharedArray {
            segment: Segment::open(name, len * size_of::<T>())?,
            len,
            _type: PhantomData,
        })
    }

    /// The segment's name, to pass to another process.
    pub fn name(&self) -> &str {
        &self.segment.name
    }
}

impl<T: InSegment> Deref for SharedArray<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        // Safety: as for SharedValue: the segment holds at least `len` Ts (checked when it was
        // made), aligned, valid, mapped while `self` lives, and only ever shared.
        unsafe { std::slice::from_raw_parts(self.segment.ptr().cast::<T>(), self.len) }
    }
}
