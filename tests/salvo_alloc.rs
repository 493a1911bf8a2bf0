//! Heap allocations the `salvo` adapter adds per request, measured against
//! the same handler chain without the hoop.
#![cfg(feature = "salvo")]

mod common;

use std::sync::Arc;

use common::counting::{allocations_during, ready, Counting, CONFIG, SCENARIOS};
use cors_engine::salvo::Cors;
use cors_engine::Policy;
use salvo_core::http::{HeaderValue, Method};
use salvo_core::{handler, Depot, FlowCtrl, Handler, Request, Response};

#[global_allocator]
static GLOBAL: Counting = Counting;

/// The DESIGN §5 application handler.
#[handler]
async fn app(response: &mut Response) {
    for (name, value) in common::app::HEADERS {
        response
            .headers_mut()
            .insert(name, HeaderValue::from_static(value));
    }
    response.body(common::app::BODY.as_bytes());
}

fn request(method: Method, lines: &[(&'static str, &'static str)]) -> Request {
    let mut request = Request::new();
    *request.method_mut() = method;
    *request.uri_mut() = "/items".parse().unwrap();
    for (n, v) in lines {
        request
            .headers_mut()
            .append(*n, HeaderValue::from_static(v));
    }
    request
}

/// Allocations to run `chain` on `make()`, everything but the call built
/// outside the count; the median of several runs (warm-up aside).
fn allocations(chain: &[Arc<dyn Handler>], make: &dyn Fn() -> Request) -> usize {
    let mut counts: Vec<usize> = (0..5)
        .map(|_| {
            let mut req = make();
            let mut depot = Depot::new();
            let mut res = Response::new();
            let mut ctrl = FlowCtrl::new(chain.to_vec());
            let (n, _) =
                allocations_during(|| ready(ctrl.call_next(&mut req, &mut depot, &mut res)));
            n
        })
        .collect();
    counts.sort_unstable();
    counts[2]
}

#[test]
fn allocations_the_hoop_adds_per_request() {
    let cors: Arc<dyn Handler> = Arc::new(Cors::new(Policy::compile(&CONFIG).unwrap()));
    let handler: Arc<dyn Handler> = Arc::new(app);
    let without = [handler.clone()];
    let with = [cors, handler];
    for (name, method, lines) in SCENARIOS {
        let method = Method::from_bytes(method.as_bytes()).expect("a method");
        let make = &|| request(method.clone(), lines);
        let baseline = allocations(&without, make);
        let layered = allocations(&with, make);
        println!("{name:22} baseline {baseline} allocations, with the hoop {layered}");
        let overhead = if name.starts_with("preflight") {
            layered
        } else {
            layered.saturating_sub(baseline)
        };
        // Salvo boxes every handler's future (`async_trait`): one
        // allocation is the hoop's being a handler at all. Beyond it, the
        // `http` adapter's bound: a preflight's map (two), at most one
        // `Vary` join otherwise.
        assert!(
            overhead <= 3,
            "{name}: the hoop adds {overhead} allocations (baseline {baseline}, with it {layered})"
        );
    }
}
