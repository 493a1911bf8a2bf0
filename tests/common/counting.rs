//! A counting global allocator for allocation tests. A test binary installs
//! it with
//!
//! ```ignore
//! #[global_allocator]
//! static GLOBAL: common::counting::Counting = common::counting::Counting;
//! ```
//!
//! and measures with [`allocations_during`]. Counts are per thread, so
//! tests running in parallel do not disturb each other.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

pub struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: defers to the system allocator; only counts calls on this thread.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// Heap allocations (and reallocations) made on this thread so far.
pub fn allocations() -> usize {
    ALLOCATIONS.with(Cell::get)
}

/// Heap allocations (and reallocations) `f` makes on this thread.
pub fn allocations_during<R>(f: impl FnOnce() -> R) -> (usize, R) {
    let before = ALLOCATIONS.with(Cell::get);
    let r = f();
    (ALLOCATIONS.with(Cell::get) - before, r)
}

/// Drives a future that never waits to completion with one poll, so that a
/// measurement includes no runtime. Panics if it would wait.
pub fn ready<F: std::future::Future>(future: F) -> F::Output {
    use std::task::{Context, Poll, Waker};
    let mut future = std::pin::pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("a measured service had to wait"),
    }
}

/// The policy the allocation tests decide with (the peers benchmark's):
/// two origins, three methods and headers, an exposed header,
/// credentials, max-age.
pub const CONFIG: cors_engine::Config = cors_engine::Config::new()
    .allowed_origins(&["https://app.example.com", "https://www.example.com"])
    .allowed_methods(&["GET", "PUT", "DELETE"])
    .allowed_headers(&["content-type", "authorization", "x-request-id"])
    .exposed_headers(&["x-total-count"])
    .allow_credentials(true)
    .max_age(600);

/// Name, method, header lines.
pub type Scenario = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

/// The allocation tests' and the peers benchmark's requests, the same for
/// every framework: name, method and header lines (the requested headers
/// as browsers send them). A name starting with `preflight` is answered by
/// the CORS layer without the application.
pub const SCENARIOS: [Scenario; 5] = [
    ("not CORS", "GET", &[]),
    (
        "actual, allowed",
        "GET",
        &[("origin", "https://app.example.com")],
    ),
    (
        "actual, denied",
        "GET",
        &[("origin", "https://evil.example.com")],
    ),
    (
        "preflight, 3 headers",
        "OPTIONS",
        &[
            ("origin", "https://app.example.com"),
            ("access-control-request-method", "PUT"),
            (
                "access-control-request-headers",
                "content-type,authorization,x-request-id",
            ),
        ],
    ),
    (
        "preflight, denied",
        "OPTIONS",
        &[
            ("origin", "https://evil.example.com"),
            ("access-control-request-method", "PUT"),
        ],
    ),
];
