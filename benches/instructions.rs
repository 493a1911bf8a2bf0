//! Instruction counts (callgrind, through gungraun): the core decision and
//! both adapters against their baselines, floors and peers, on
//! browser-like requests. Unlike time, the counts do not depend on the
//! machine's load, so CI gates them (`benches/instructions/gate.sh`).
//!
//! ```text
//! cargo install gungraun-runner --locked --version 0.20.0   # once
//! cargo bench --all-features --bench instructions
//! ```
//!
//! Every benchmark's setup (compiling the policy, building the service and
//! the request, serving one request to warm up) runs outside the counted
//! function; the counted function serves one request or makes one
//! decision. The adapters' overhead is an implementation's count minus the
//! baseline's of the same scenario (`benches/tables.py`).

use std::hint::black_box;

use cors_engine::{Config, Decision, Policy, RequestDescriptor};
use gungraun::{library_benchmark, library_benchmark_group, main};

#[path = "../tests/common/app.rs"]
mod app;

#[path = "../tests/common/counting.rs"]
#[allow(dead_code)]
mod counting;

#[path = "common/peers.rs"]
mod peers;

use peers::{Scenario, SCENARIOS};

// ---------------------------------------------------------------------------
// The core
// ---------------------------------------------------------------------------

fn origins(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| format!("https://app{i}.example.com"))
        .collect()
}

/// The policy of `benches/decide.rs`: `n` exact origins, a subdomain
/// pattern (10 only), a regex, four methods, three headers.
fn policy(n: usize) -> &'static Policy {
    let list = origins(n);
    let mut list: Vec<&str> = list.iter().map(String::as_str).collect();
    if n == 10 {
        list.push("https://*.example.org");
    }
    let config = Config::new()
        .allowed_origins(&list)
        .allowed_origin_regexes(&[r"^https://[a-z0-9-]+\.preview\.example\.net$"])
        .allowed_methods(&["GET", "POST", "PUT", "DELETE"])
        .allowed_headers(&["content-type", "authorization", "x-request-id"])
        .exposed_headers(&["x-total-count"])
        .allow_credentials(true)
        .max_age(600);
    Box::leak(Box::new(Policy::compile(&config).expect("valid policy")))
}

fn leak(bytes: &[u8]) -> &'static [u8] {
    bytes.to_vec().leak()
}

/// The request of a core scenario, and the policy it is decided by.
fn decide_setup(scenario: &str) -> (&'static Policy, RequestDescriptor<'static>) {
    let get = RequestDescriptor::new(b"GET");
    let preflight = |headers: &[u8]| {
        let lines: &'static [&'static [u8]] = vec![leak(headers)].leak();
        RequestDescriptor::new(b"OPTIONS")
            .origin(b"https://app7.example.com")
            .request_method(b"PUT")
            .request_headers(if headers.is_empty() { &[] } else { lines })
    };
    match scenario {
        "not_cors" => (policy(10), get),
        "actual_allowed_10" => (policy(10), get.origin(b"https://app7.example.com")),
        "actual_allowed_1000" => (policy(1000), get.origin(b"https://app777.example.com")),
        "actual_denied_10" => (policy(10), get.origin(b"https://app7.example.com.evil.com")),
        "actual_denied_1000" => (
            policy(1000),
            get.origin(b"https://app7.example.com.evil.com"),
        ),
        "actual_pattern" => (policy(10), get.origin(b"https://a.b.example.org")),
        "actual_regex" => (policy(10), get.origin(b"https://pr-42.preview.example.net")),
        "preflight_0" => (policy(10), preflight(b"")),
        "preflight_1" => (policy(10), preflight(b"content-type")),
        // As browsers send it: lower case, sorted, no spaces.
        "preflight_3" => (
            policy(10),
            preflight(b"authorization,content-type,x-request-id"),
        ),
        // As a hand-written client might: the general parser.
        "preflight_3_spaced" => (
            policy(10),
            preflight(b"Content-Type, Authorization, X-Request-ID"),
        ),
        "preflight_denied_method" => (
            policy(10),
            preflight(b"content-type").request_method(b"PATCH"),
        ),
        "preflight_denied_header" => (policy(10), preflight(b"content-type,x-other")),
        "preflight_8KiB_commas" => (policy(10), preflight(&[b','; 8192])),
        "preflight_8KiB_name" => (policy(10), preflight(&[b'a'; 8192])),
        _ => panic!("unknown scenario {scenario}"),
    }
}

#[library_benchmark]
#[bench::not_cors(args = ("not_cors"), setup = decide_setup)]
#[bench::actual_allowed_10(args = ("actual_allowed_10"), setup = decide_setup)]
#[bench::actual_allowed_1000(args = ("actual_allowed_1000"), setup = decide_setup)]
#[bench::actual_denied_10(args = ("actual_denied_10"), setup = decide_setup)]
#[bench::actual_denied_1000(args = ("actual_denied_1000"), setup = decide_setup)]
#[bench::actual_pattern(args = ("actual_pattern"), setup = decide_setup)]
#[bench::actual_regex(args = ("actual_regex"), setup = decide_setup)]
#[bench::preflight_0(args = ("preflight_0"), setup = decide_setup)]
#[bench::preflight_1(args = ("preflight_1"), setup = decide_setup)]
#[bench::preflight_3(args = ("preflight_3"), setup = decide_setup)]
#[bench::preflight_3_spaced(args = ("preflight_3_spaced"), setup = decide_setup)]
#[bench::preflight_denied_method(args = ("preflight_denied_method"), setup = decide_setup)]
#[bench::preflight_denied_header(args = ("preflight_denied_header"), setup = decide_setup)]
#[bench::preflight_8kib_commas(args = ("preflight_8KiB_commas"), setup = decide_setup)]
#[bench::preflight_8kib_name(args = ("preflight_8KiB_name"), setup = decide_setup)]
fn decide((policy, request): (&'static Policy, RequestDescriptor<'static>)) -> Decision<'static> {
    black_box(policy).decide(black_box(&request))
}

// ---------------------------------------------------------------------------
// The adapters
// ---------------------------------------------------------------------------

fn scenario(id: &str) -> Scenario {
    SCENARIOS
        .into_iter()
        .find(|s| s.1 == id)
        .unwrap_or_else(|| panic!("unknown scenario {id}"))
}

type Tower = (
    &'static mut dyn FnMut(peers::tower::Req) -> peers::tower::Resp,
    peers::tower::Req,
);
type Actix = (
    &'static mut dyn FnMut(peers::actix::Req) -> peers::actix::Resp,
    peers::actix::Req,
);

/// `implementation` for scenario `id`, kept for the process (dropping it
/// is no part of a request), and the request.
fn tower_setup(implementation: &str, id: &str) -> Tower {
    let s = scenario(id);
    let serve = peers::tower::serve(implementation, s).expect("no floor for a preflight");
    (Box::leak(serve), peers::tower::request(s))
}

fn actix_setup(implementation: &str, id: &str) -> Actix {
    let s = scenario(id);
    let serve = peers::actix::serve(implementation, s).expect("no floor for a preflight");
    (Box::leak(serve), peers::actix::request(s))
}

// One function per implementation (the floor has no preflights): gungraun
// names a benchmark by function and id.
#[library_benchmark]
#[bench::not_cors(args = ("baseline", "not_cors"), setup = tower_setup)]
#[bench::actual_allowed(args = ("baseline", "actual_allowed"), setup = tower_setup)]
#[bench::actual_denied(args = ("baseline", "actual_denied"), setup = tower_setup)]
#[bench::preflight_allowed(args = ("baseline", "preflight_allowed"), setup = tower_setup)]
#[bench::preflight_denied(args = ("baseline", "preflight_denied"), setup = tower_setup)]
fn tower_baseline((serve, request): Tower) -> peers::tower::Resp {
    serve(black_box(request))
}

#[library_benchmark]
#[bench::not_cors(args = ("floor", "not_cors"), setup = tower_setup)]
#[bench::actual_allowed(args = ("floor", "actual_allowed"), setup = tower_setup)]
#[bench::actual_denied(args = ("floor", "actual_denied"), setup = tower_setup)]
fn tower_floor((serve, request): Tower) -> peers::tower::Resp {
    serve(black_box(request))
}

#[library_benchmark]
#[bench::not_cors(args = ("ours", "not_cors"), setup = tower_setup)]
#[bench::actual_allowed(args = ("ours", "actual_allowed"), setup = tower_setup)]
#[bench::actual_denied(args = ("ours", "actual_denied"), setup = tower_setup)]
#[bench::preflight_allowed(args = ("ours", "preflight_allowed"), setup = tower_setup)]
#[bench::preflight_denied(args = ("ours", "preflight_denied"), setup = tower_setup)]
fn tower_ours((serve, request): Tower) -> peers::tower::Resp {
    serve(black_box(request))
}

#[library_benchmark]
#[bench::not_cors(args = ("peer", "not_cors"), setup = tower_setup)]
#[bench::actual_allowed(args = ("peer", "actual_allowed"), setup = tower_setup)]
#[bench::actual_denied(args = ("peer", "actual_denied"), setup = tower_setup)]
#[bench::preflight_allowed(args = ("peer", "preflight_allowed"), setup = tower_setup)]
#[bench::preflight_denied(args = ("peer", "preflight_denied"), setup = tower_setup)]
fn tower_peer((serve, request): Tower) -> peers::tower::Resp {
    serve(black_box(request))
}

#[library_benchmark]
#[bench::not_cors(args = ("baseline", "not_cors"), setup = actix_setup)]
#[bench::actual_allowed(args = ("baseline", "actual_allowed"), setup = actix_setup)]
#[bench::actual_denied(args = ("baseline", "actual_denied"), setup = actix_setup)]
#[bench::preflight_allowed(args = ("baseline", "preflight_allowed"), setup = actix_setup)]
#[bench::preflight_denied(args = ("baseline", "preflight_denied"), setup = actix_setup)]
fn actix_baseline((serve, request): Actix) -> peers::actix::Resp {
    serve(black_box(request))
}

#[library_benchmark]
#[bench::not_cors(args = ("floor", "not_cors"), setup = actix_setup)]
#[bench::actual_allowed(args = ("floor", "actual_allowed"), setup = actix_setup)]
#[bench::actual_denied(args = ("floor", "actual_denied"), setup = actix_setup)]
fn actix_floor((serve, request): Actix) -> peers::actix::Resp {
    serve(black_box(request))
}

#[library_benchmark]
#[bench::not_cors(args = ("ours", "not_cors"), setup = actix_setup)]
#[bench::actual_allowed(args = ("ours", "actual_allowed"), setup = actix_setup)]
#[bench::actual_denied(args = ("ours", "actual_denied"), setup = actix_setup)]
#[bench::preflight_allowed(args = ("ours", "preflight_allowed"), setup = actix_setup)]
#[bench::preflight_denied(args = ("ours", "preflight_denied"), setup = actix_setup)]
fn actix_ours((serve, request): Actix) -> peers::actix::Resp {
    serve(black_box(request))
}

#[library_benchmark]
#[bench::not_cors(args = ("peer", "not_cors"), setup = actix_setup)]
#[bench::actual_allowed(args = ("peer", "actual_allowed"), setup = actix_setup)]
#[bench::actual_denied(args = ("peer", "actual_denied"), setup = actix_setup)]
#[bench::preflight_allowed(args = ("peer", "preflight_allowed"), setup = actix_setup)]
#[bench::preflight_denied(args = ("peer", "preflight_denied"), setup = actix_setup)]
fn actix_peer((serve, request): Actix) -> peers::actix::Resp {
    serve(black_box(request))
}

library_benchmark_group!(name = core; benchmarks = decide);
library_benchmark_group!(
    name = tower;
    benchmarks = tower_baseline, tower_floor, tower_ours, tower_peer
);
library_benchmark_group!(
    name = actix;
    benchmarks = actix_baseline, actix_floor, actix_ours, actix_peer
);

main!(library_benchmark_groups = core, tower, actix);
