//! Heap allocations the `poem` adapter adds per request, measured against
//! the same endpoint without the middleware.
#![cfg(feature = "poem")]

mod common;

use common::counting::{allocations_during, ready, Counting, CONFIG, SCENARIOS};
use cors_engine::poem::Cors;
use cors_engine::Policy;
use poem::http::{HeaderValue, Method};
use poem::{handler, Endpoint, EndpointExt, Request, Response};

#[global_allocator]
static GLOBAL: Counting = Counting;

/// The DESIGN §5 application handler.
#[handler]
fn app() -> Response {
    let mut response = Response::builder();
    for (name, value) in common::app::HEADERS {
        response = response.header(name, HeaderValue::from_static(value));
    }
    response.body(common::app::BODY)
}

fn request(method: Method, lines: &[(&'static str, &'static str)]) -> Request {
    let mut builder = Request::builder().method(method).uri_str("/items");
    for (n, v) in lines {
        builder = builder.header(*n, HeaderValue::from_static(v));
    }
    builder.finish()
}

/// Allocations to serve `make()` through `endpoint`, the request built
/// outside the count; the median of several runs (warm-up aside).
fn allocations(endpoint: &impl Endpoint, make: &dyn Fn() -> Request) -> usize {
    let mut counts: Vec<usize> = (0..5)
        .map(|_| {
            let req = make();
            let (n, response) = allocations_during(|| ready(endpoint.get_response(req)));
            drop(response);
            n
        })
        .collect();
    counts.sort_unstable();
    counts[2]
}

#[test]
fn allocations_the_middleware_adds_per_request() {
    let with = app.with(Cors::new(Policy::compile(&CONFIG).unwrap()));
    for (name, method, lines) in SCENARIOS {
        let method = Method::from_bytes(method.as_bytes()).expect("a method");
        let make = &|| request(method.clone(), lines);
        let baseline = allocations(&app, make);
        let layered = allocations(&with, make);
        println!("{name:22} baseline {baseline} allocations, with the middleware {layered}");
        // A preflight never runs the endpoint, so all its allocations are
        // the middleware's; otherwise, the difference.
        let overhead = if name.starts_with("preflight") {
            layered
        } else {
            layered.saturating_sub(baseline)
        };
        // The `http` adapter's bound (DESIGN §4): one map for a preflight
        // (two allocations), at most one `Vary` join otherwise.
        assert!(
            overhead <= 2,
            "{name}: the middleware adds {overhead} allocations (baseline {baseline}, with it {layered})"
        );
    }
}
