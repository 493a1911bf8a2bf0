//! The adapters side by side with the libraries people use today, on the
//! same policy, the same requests and the same trivial application:
//!
//! * `tower`: no CORS (baseline) · `cors_engine::tower::CorsLayer` ·
//!   `tower_http::cors::CorsLayer`;
//! * `actix`: no CORS (baseline) · `cors_engine::actix::Cors` ·
//!   `actix_cors::Cors`, through `actix_web::test` services.
//!
//! ```text
//! cargo bench --bench peers --all-features
//! ```
//!
//! After criterion's own report, a table gives each median (from
//! criterion's estimates), the CORS overhead over the baseline and the heap
//! allocations per request (a counting allocator, one request after
//! warm-up).

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{BatchSize, Criterion};
use http::header::{AUTHORIZATION, CONTENT_TYPE};
use http::{HeaderName, HeaderValue, Method, Request, Response};
use http_body_util::Full;
use hyper::body::Bytes;
use tower::{service_fn, Layer, Service};

#[path = "../tests/common/app.rs"]
mod app;

#[path = "../tests/common/counting.rs"]
#[allow(dead_code)]
mod counting;

#[global_allocator]
static GLOBAL: counting::Counting = counting::Counting;

const ORIGINS: [&str; 2] = ["https://app.example.com", "https://www.example.com"];
const METHODS: [&str; 3] = ["GET", "PUT", "DELETE"];
const HEADERS: [&str; 3] = ["content-type", "authorization", "x-request-id"];

const CONFIG: cors_engine::Config = cors_engine::Config::new()
    .allowed_origins(&ORIGINS)
    .allowed_methods(&METHODS)
    .allowed_headers(&HEADERS)
    .exposed_headers(&["x-total-count"])
    .allow_credentials(true)
    .max_age(600);

/// The requests, as (name, method, header lines).
type Scenario = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

const SCENARIOS: [Scenario; 5] = [
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

const IMPLEMENTATIONS: [&str; 3] = ["baseline", "cors-engine", "peer"];

// ---------------------------------------------------------------------------
// tower
// ---------------------------------------------------------------------------

type Body = Full<Bytes>;

/// The application: the example server's (DESIGN §5).
async fn app(_: Request<Body>) -> Result<Response<Body>, Infallible> {
    let body = Full::new(Bytes::from_static(app::BODY.as_bytes()));
    Ok(app::http_response(body))
}

/// A request whose header values share their bytes, as hyper's parser
/// leaves them.
fn tower_request((_, method, lines): Scenario) -> Request<Body> {
    let mut builder = Request::builder().method(method).uri("/items");
    for (n, v) in lines {
        builder = builder.header(*n, HeaderValue::from_static(v));
    }
    builder.body(Full::new(Bytes::new())).expect("request")
}

fn tower_http_layer() -> tower_http::cors::CorsLayer {
    use tower_http::cors::{AllowOrigin, CorsLayer};
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(ORIGINS.map(HeaderValue::from_static)))
        .allow_methods(METHODS.map(|m| Method::from_bytes(m.as_bytes()).expect("method")))
        .allow_headers([
            CONTENT_TYPE,
            AUTHORIZATION,
            HeaderName::from_static("x-request-id"),
        ])
        .expose_headers([HeaderName::from_static("x-total-count")])
        .allow_credentials(true)
        .max_age(Duration::from_secs(600))
}

/// Benchmarks `service` on `scenario` and counts its allocations.
fn bench_tower<S>(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    scenario: Scenario,
    implementation: &'static str,
    service: &mut S,
    allocs: &mut Allocs,
) where
    S: Service<Request<Body>, Error = Infallible>,
{
    let mut serve = |req| {
        counting::ready(std::future::poll_fn(|cx| service.poll_ready(cx))).expect("ready");
        counting::ready(service.call(req)).expect("response")
    };
    // Warm up, then count one request.
    drop(serve(tower_request(scenario)));
    let req = tower_request(scenario);
    let (n, response) = counting::allocations_during(|| serve(req));
    drop(response);
    allocs.insert(("tower", scenario.0, implementation), n);
    group.bench_function(format!("{}/{implementation}", scenario.0), |b| {
        b.iter_batched(
            || tower_request(scenario),
            &mut serve,
            BatchSize::SmallInput,
        )
    });
}

/// Scenario by scenario, the three implementations one after the other:
/// a machine whose speed drifts during the run then shifts all three
/// alike, and the overheads stay comparable.
fn tower_benches(c: &mut Criterion, allocs: &mut Allocs) {
    let policy = cors_engine::Policy::compile(&CONFIG).expect("valid policy");
    let mut baseline = service_fn(app);
    let mut ours = cors_engine::tower::CorsLayer::new(policy).layer(service_fn(app));
    let mut peer = tower_http_layer().layer(service_fn(app));
    let mut group = c.benchmark_group("peers-tower");
    for scenario in SCENARIOS {
        bench_tower(&mut group, scenario, "baseline", &mut baseline, allocs);
        bench_tower(&mut group, scenario, "cors-engine", &mut ours, allocs);
        bench_tower(&mut group, scenario, "peer", &mut peer, allocs);
    }
    group.finish();
}

// ---------------------------------------------------------------------------
// actix
// ---------------------------------------------------------------------------

mod actix {
    use actix_web::dev::{Service, ServiceResponse};
    use actix_web::http::header::HeaderValue;
    use actix_web::test::{self, TestRequest};
    use actix_web::{web, App};
    use criterion::{BatchSize, Criterion};

    use super::{counting, Allocs, Scenario, CONFIG, HEADERS, METHODS, ORIGINS, SCENARIOS};

    fn request((_, method, lines): Scenario) -> actix_http::Request {
        let method = actix_web::http::Method::from_bytes(method.as_bytes()).expect("method");
        let mut req = TestRequest::default().method(method).uri("/items");
        for (name, value) in lines {
            // Shared bytes, as a server's parser leaves them.
            req = req.insert_header((*name, HeaderValue::from_static(value)));
        }
        req.to_request()
    }

    fn actix_cors() -> actix_cors::Cors {
        let mut cors = actix_cors::Cors::default()
            .allowed_methods(METHODS)
            .allowed_headers(HEADERS)
            .expose_headers(["x-total-count"])
            .supports_credentials()
            .max_age(600)
            // Let denied actual requests reach the handler, as DESIGN §3.3
            // (and cors-engine) do, instead of answering 400.
            .block_on_origin_mismatch(false);
        for origin in ORIGINS {
            cors = cors.allowed_origin(origin);
        }
        cors
    }

    /// The services answer without waiting, so each request is polled once
    /// with no runtime in the measurement.
    fn bench<S, B>(
        group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
        scenario: Scenario,
        implementation: &'static str,
        service: &S,
        allocs: &mut Allocs,
    ) where
        S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    {
        let serve = |req| super::counting::ready(service.call(req)).expect("response");
        drop(serve(request(scenario)));
        let req = request(scenario);
        let (n, response) = counting::allocations_during(|| serve(req));
        drop(response);
        allocs.insert(("actix", scenario.0, implementation), n);
        group.bench_function(format!("{}/{implementation}", scenario.0), |b| {
            b.iter_batched(|| request(scenario), serve, BatchSize::SmallInput)
        });
    }

    /// In the same order as the tower benchmarks: scenario by scenario.
    pub fn benches(c: &mut Criterion, allocs: &mut Allocs) {
        let rt = actix_web::rt::System::new();
        let policy = cors_engine::Policy::compile(&CONFIG).expect("valid policy");
        let baseline = rt.block_on(test::init_service(
            App::new().default_service(web::to(super::app::actix_handler)),
        ));
        let ours = rt.block_on(test::init_service(
            App::new()
                .wrap(cors_engine::actix::Cors::new(policy))
                .default_service(web::to(super::app::actix_handler)),
        ));
        let peer = rt.block_on(test::init_service(
            App::new()
                .wrap(actix_cors())
                .default_service(web::to(super::app::actix_handler)),
        ));
        let mut group = c.benchmark_group("peers-actix");
        for scenario in SCENARIOS {
            bench(&mut group, scenario, "baseline", &baseline, allocs);
            bench(&mut group, scenario, "cors-engine", &ours, allocs);
            bench(&mut group, scenario, "peer", &peer, allocs);
        }
        group.finish();
    }
}

// ---------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------

/// (framework, scenario, implementation) → allocations per request.
type Allocs = BTreeMap<(&'static str, &'static str, &'static str), usize>;

/// Criterion's median for one benchmark, in ns, if it ran.
fn median_ns(group: &str, id: &str) -> Option<f64> {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target"));
    // Criterion turns characters that are unsafe in paths into `_`.
    let dir: String = id
        .chars()
        .map(|c| if "?\"/\\*<>:|^".contains(c) { '_' } else { c })
        .collect();
    let path = target
        .join("criterion")
        .join(group)
        .join(dir)
        .join("new/estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    json["median"]["point_estimate"].as_f64()
}

fn print_table(allocs: &Allocs) {
    println!();
    println!("| framework | scenario | baseline | cors-engine (overhead) | peer (overhead) | overhead ratio peer/ours |");
    println!("|---|---|---|---|---|---|");
    for (framework, peer) in [("tower", "tower-http"), ("actix", "actix-cors")] {
        let group = format!("peers-{framework}");
        for (scenario, ..) in SCENARIOS {
            let cell = |implementation: &'static str| {
                let ns = median_ns(&group, &format!("{scenario}/{implementation}"));
                let n = allocs.get(&(framework, scenario, implementation));
                (ns, n)
            };
            let (base_ns, base_n) = cell(IMPLEMENTATIONS[0]);
            let (ours_ns, ours_n) = cell(IMPLEMENTATIONS[1]);
            let (peer_ns, peer_n) = cell(IMPLEMENTATIONS[2]);
            let show = |ns: Option<f64>, n: Option<&usize>| {
                let time = ns.map_or("-".to_owned(), |ns| format!("{ns:.0} ns"));
                let extra = match (ns, base_ns) {
                    (Some(ns), Some(base)) => format!(" (+{:.0} ns)", ns - base),
                    _ => String::new(),
                };
                let n = n.map_or("-".to_owned(), |n| n.to_string());
                format!("{time}{extra}, {n} alloc")
            };
            let ratio = match (base_ns, ours_ns, peer_ns) {
                (Some(b), Some(o), Some(p)) if o - b > 0.0 => format!("{:.1}×", (p - b) / (o - b)),
                (Some(_), Some(_), Some(_)) => "ours ≤ baseline".to_owned(),
                _ => "-".to_owned(),
            };
            println!(
                "| {framework} ({peer}) | {scenario} | {} | {} | {} | {ratio} |",
                show(base_ns, base_n),
                show(ours_ns, ours_n),
                show(peer_ns, peer_n),
            );
        }
    }
}

fn main() {
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    let mut allocs = Allocs::new();
    tower_benches(&mut c, &mut allocs);
    actix::benches(&mut c, &mut allocs);
    c.final_summary();
    print_table(&allocs);
}
