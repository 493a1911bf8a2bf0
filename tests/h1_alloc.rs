//! The whole `h1` flow — parse with `httparse`, collect, decide, write the
//! headers (slice and `fmt::Write`) and the preflight response — touches
//! no heap, for every request of the shared spec table. (A test binary of
//! its own: it installs a counting global allocator.)
#![cfg(all(feature = "h1", feature = "alloc"))]

use std::collections::HashMap;

mod common;

use common::counting::{allocations_during, Counting};
use common::spec::{CASES, POLICIES};
use cors_engine::{h1, Config, FixedPolicy, Policy};

#[global_allocator]
static GLOBAL: Counting = Counting;

/// One request through the adapter, as a server's loop runs it. Returns
/// how many bytes were written, so nothing is optimised away.
fn serve(decide: impl Fn(&h1::Request<'_>) -> usize, request: &[u8]) -> usize {
    let mut lines = [httparse::EMPTY_HEADER; 64];
    let mut parsed = httparse::Request::new(&mut lines);
    assert!(matches!(
        parsed.parse(request),
        Ok(httparse::Status::Complete(_))
    ));
    let method = parsed.method.unwrap_or_default().as_bytes();
    let cors = h1::Request::from_headers(method, parsed.headers.iter().map(|h| (h.name, h.value)));
    decide(&cors)
}

fn write(decision: &cors_engine::Decision<'_>) -> usize {
    let mut buf = [0u8; 8192];
    let mut written = h1::write_headers(decision.headers(), &mut buf).expect("fits");
    written += h1::write_preflight(decision, &mut buf).unwrap_or(0);
    // Too small: the error carries the size, no allocation either.
    let _ = std::hint::black_box(h1::write_headers(decision.headers(), &mut buf[..1]));
    // A `fmt::Write` sink on the stack.
    let mut text = heapless::String::<8192>::new();
    h1::write_headers_fmt(decision.headers(), &mut text).expect("fits");
    written + text.len()
}

/// The request head of a spec case, when HTTP/1 can carry it.
fn request_bytes(case: &common::spec::Case) -> Option<Vec<u8>> {
    if !case.request.is_http_representable() {
        return None;
    }
    let mut out = case.request.method.to_vec();
    out.extend_from_slice(b" / HTTP/1.1\r\nHost: a\r\n");
    for (name, value) in case.request.header_lines() {
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    Some(out)
}

#[test]
fn the_h1_flow_never_allocates() {
    let policies: HashMap<&str, Policy> = POLICIES
        .iter()
        .map(|p| (p.name, Policy::compile(&p.config).expect("named policy")))
        .collect();
    let mut ran = 0;
    for case in CASES {
        let Some(bytes) = request_bytes(case) else {
            continue;
        };
        let policy = &policies[case.policy.name];
        let (n, written) =
            allocations_during(|| serve(|cors| write(&policy.decide(&cors.descriptor())), &bytes));
        assert_eq!(n, 0, "{}: {n} allocation(s)", case.name);
        assert!(
            written > 0
                || policy
                    .decide(&case.request.descriptor())
                    .headers()
                    .is_empty()
        );
        ran += 1;
    }
    assert!(ran >= CASES.len() * 9 / 10, "{ran}");
}

#[test]
fn the_h1_flow_with_a_fixed_policy_never_allocates() {
    let config = Config::new()
        .allowed_origins(&["https://example.com", "https://*.example.org"])
        .allowed_methods(&["PUT"])
        .allowed_headers(&["content-type"])
        .allow_credentials(true)
        .max_age(600);
    let policy = FixedPolicy::<512, 32>::compile(&config).expect("fits");
    for case in CASES {
        let Some(bytes) = request_bytes(case) else {
            continue;
        };
        let (n, _) = allocations_during(|| {
            std::hint::black_box(serve(
                |cors| write(&policy.decide(&cors.descriptor())),
                &bytes,
            ))
        });
        assert_eq!(n, 0, "{}", case.name);
    }
}

#[test]
fn the_counter_counts() {
    let (n, _) = allocations_during(|| {
        std::hint::black_box(vec![1u8; 16]);
    });
    assert!(n >= 1);
}
