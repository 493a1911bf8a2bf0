//! Deciding never touches the heap: a counting global allocator watches
//! every kind of request, including adversarial ones, across policies that
//! use each matching mechanism (exact table, patterns, regexes, wildcards).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use cors_engine::{Config, FixedPolicy, Kind, Policy, RequestDescriptor};

struct Counting;

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

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations_during(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    f();
    ALLOCATIONS.with(Cell::get) - before
}

const CONFIG: Config<'static> = Config::new()
    .allowed_origins(&[
        "https://app.example.com",
        "https://*.example.org",
        "http://localhost:*",
    ])
    .allowed_origin_regexes(&[r"^https://[a-z0-9-]+\.preview\.example\.net$"])
    .allowed_methods(&["GET", "POST", "PUT"])
    .allowed_headers(&["authorization", "content-type"])
    .exposed_headers(&["x-total-count"])
    .allow_credentials(true)
    .max_age(600)
    .allow_private_network(true);

fn requests() -> Vec<(&'static str, RequestDescriptor<'static>, Kind, bool)> {
    let commas: &'static [u8] = Box::leak(vec![b','; 8192].into_boxed_slice());
    let long_name: &'static [u8] = Box::leak(vec![b'a'; 8192].into_boxed_slice());
    let commas: &'static [&'static [u8]] = Box::leak(Box::new([commas]));
    let long_name: &'static [&'static [u8]] = Box::leak(Box::new([long_name]));
    let three: &'static [&'static [u8]] = &[b"Content-Type, authorization", b" content-type "];
    static MANY_LINES: [&[u8]; 20] = [b"a"; 20];
    let many_lines: &'static [&'static [u8]] = &MANY_LINES;
    vec![
        (
            "non-cors",
            RequestDescriptor::new(b"GET"),
            Kind::NotCors,
            true,
        ),
        (
            "actual allowed (exact)",
            RequestDescriptor::new(b"GET").origin(b"https://app.example.com"),
            Kind::Actual,
            true,
        ),
        (
            "actual allowed (pattern)",
            RequestDescriptor::new(b"POST").origin(b"https://a.b.example.org"),
            Kind::Actual,
            true,
        ),
        (
            "actual allowed (regex)",
            RequestDescriptor::new(b"GET").origin(b"https://pr-1.preview.example.net"),
            Kind::Actual,
            true,
        ),
        (
            "actual denied",
            RequestDescriptor::new(b"GET").origin(b"https://app.example.com.evil.com"),
            Kind::Actual,
            false,
        ),
        (
            "actual denied (malformed)",
            RequestDescriptor::new(b"GET").origin(b"https://\xff\r\n"),
            Kind::Actual,
            false,
        ),
        (
            "preflight allowed",
            RequestDescriptor::new(b"OPTIONS")
                .origin(b"http://localhost:3000")
                .request_method(b"PUT")
                .request_headers(three)
                .request_private_network(b"true"),
            Kind::Preflight,
            true,
        ),
        (
            "preflight denied (method)",
            RequestDescriptor::new(b"OPTIONS")
                .origin(b"https://app.example.com")
                .request_method(b"DELETE"),
            Kind::Preflight,
            false,
        ),
        (
            "preflight denied (origin)",
            RequestDescriptor::new(b"OPTIONS")
                .origin(b"https://evil.com")
                .request_method(b"PUT"),
            Kind::Preflight,
            false,
        ),
        (
            "adversarial: 8 KiB of commas",
            RequestDescriptor::new(b"OPTIONS")
                .origin(b"https://app.example.com")
                .request_method(b"PUT")
                .request_headers(commas),
            Kind::Preflight,
            false,
        ),
        (
            "adversarial: one 8 KiB name",
            RequestDescriptor::new(b"OPTIONS")
                .origin(b"https://app.example.com")
                .request_method(b"PUT")
                .request_headers(long_name),
            Kind::Preflight,
            false,
        ),
        (
            "adversarial: many lines",
            RequestDescriptor::new(b"OPTIONS")
                .origin(b"https://app.example.com")
                .request_method(b"PUT")
                .request_headers(many_lines),
            Kind::Preflight,
            false,
        ),
    ]
}

#[test]
fn deciding_never_allocates() {
    let policy = Policy::compile(&CONFIG).expect("valid config");
    for (name, request, kind, allowed) in requests() {
        let mut decision = None;
        let n = allocations_during(|| {
            decision = Some(policy.decide(&request));
            // Reading the decision (headers, denial message) is also free.
            let d = decision.as_ref().unwrap();
            for h in d.headers() {
                std::hint::black_box(h);
            }
            std::hint::black_box(d.headers().len());
        });
        let d = decision.unwrap();
        assert_eq!(d.kind(), kind, "{name}");
        assert_eq!(d.is_allowed(), allowed, "{name}: {d}");
        assert_eq!(n, 0, "{name}: {n} allocation(s) while deciding");
    }
}

#[test]
fn fixed_policy_never_allocates_either() {
    const FIXED: Config<'static> = Config::new()
        .allowed_origins(&["https://app.example.com", "https://*.example.org"])
        .allowed_methods(&["PUT"])
        .allowed_headers(&["content-type"]);
    let policy = FixedPolicy::<512, 32>::compile(&FIXED).expect("fits");
    for (name, request, _, _) in requests() {
        let n = allocations_during(|| {
            std::hint::black_box(policy.decide(&request));
        });
        assert_eq!(n, 0, "{name}");
    }
}

#[test]
fn the_counter_counts() {
    // Guards the guard: a test that can never see an allocation proves nothing.
    let n = allocations_during(|| {
        std::hint::black_box(vec![1u8; 16]);
    });
    assert!(n >= 1);
}
