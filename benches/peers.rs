//! The adapters side by side with the libraries people use today, on the
//! same policy, the same requests and the same trivial application:
//!
//! * `tower`: no CORS (baseline) · the floor · `cors_engine::tower::CorsLayer` ·
//!   `tower_http::cors::CorsLayer`;
//! * `actix`: no CORS (baseline) · the floor · `cors_engine::actix::Cors` ·
//!   `actix_cors::Cors`, through `actix_web::test` services.
//!
//! The *floor* is not a CORS implementation: it writes the scenario's
//! response headers, with constant values, into the application's
//! response, and joins `Origin` into its `Vary` line, deciding nothing.
//! That header-map work is what any CORS layer on the framework's types
//! must do for a request that reaches the application, so the floor's
//! overhead bounds how cheap one can be. Preflights have no floor: the
//! layer answers them without the application, so the baseline is not a
//! lower bound either.
//!
//! ```text
//! cargo bench --bench peers --all-features
//! ```
//!
//! After criterion's own report, a table gives each implementation's
//! fastest sample (see [`fastest_ns`]), its overhead over the baseline and
//! its heap allocations per request (a counting allocator, one request
//! after warm-up).

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
use counting::{Scenario, SCENARIOS};

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

const IMPLEMENTATIONS: [&str; 4] = ["baseline", "floor", "cors-engine", "peer"];

/// The headers a CORS layer adds to the response of a scenario that
/// reaches the application (besides joining `Origin` into `Vary`), with
/// the values this policy gives them; `None` for preflights.
fn floor_headers((name, ..): Scenario) -> Option<&'static [(&'static str, &'static str)]> {
    match name {
        "not CORS" | "actual, denied" => Some(&[]),
        "actual, allowed" => Some(&[
            ("access-control-allow-origin", "https://app.example.com"),
            ("access-control-allow-credentials", "true"),
            ("access-control-expose-headers", "x-total-count"),
        ]),
        _ => None,
    }
}

/// The application's `Vary` with CORS's name joined in.
const FLOOR_VARY: &str = "Accept-Encoding, Origin";

/// `add` in a framework's own name and value types, made once (and kept
/// for the whole run) so that the floor only clones them.
fn floor_table<N, V>(
    add: &[(&'static str, &'static str)],
    name: fn(&'static str) -> N,
    value: fn(&'static str) -> V,
) -> &'static [(N, V)] {
    add.iter()
        .map(|&(n, v)| (name(n), value(v)))
        .collect::<Vec<_>>()
        .leak()
}

type Group<'a> = criterion::BenchmarkGroup<'a, criterion::measurement::WallTime>;

/// Counts the allocations of one request served (after one to warm up),
/// then benchmarks `serve` on fresh requests from `request`, which are made
/// outside the measurement.
fn measure<R, O>(
    group: &mut Group<'_>,
    allocs: &mut Allocs,
    (framework, scenario, implementation): (&'static str, Scenario, &'static str),
    request: impl Fn() -> R,
    mut serve: impl FnMut(R) -> O,
) {
    drop(serve(request()));
    let req = request();
    let (n, served) = counting::allocations_during(|| serve(req));
    drop(served);
    allocs.insert((framework, scenario.0, implementation), n);
    group.bench_function(format!("{}/{implementation}", scenario.0), |b| {
        b.iter_batched(&request, &mut serve, BatchSize::SmallInput)
    });
}

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
    group: &mut Group<'_>,
    scenario: Scenario,
    implementation: &'static str,
    service: &mut S,
    allocs: &mut Allocs,
) where
    S: Service<Request<Body>, Error = Infallible>,
{
    let serve = |req| {
        counting::ready(std::future::poll_fn(|cx| service.poll_ready(cx))).expect("ready");
        counting::ready(service.call(req)).expect("response")
    };
    let key = ("tower", scenario, implementation);
    measure(group, allocs, key, || tower_request(scenario), serve);
}

/// The floor for `scenario` (see the module docs): the application, and
/// the header writes alone in its response.
fn tower_floor(
    scenario: Scenario,
) -> Option<impl Service<Request<Body>, Response = Response<Body>, Error = Infallible>> {
    use tower::ServiceExt;
    let add = floor_table(
        floor_headers(scenario)?,
        HeaderName::from_static,
        HeaderValue::from_static,
    );
    Some(
        service_fn(app).map_response(move |mut response: Response<Body>| {
            let headers = response.headers_mut();
            if let Some(vary) = headers.get_mut(http::header::VARY) {
                *vary = HeaderValue::from_static(FLOOR_VARY);
            }
            for (name, value) in add {
                headers.insert(name.clone(), value.clone());
            }
            response
        }),
    )
}

/// Scenario by scenario, the implementations one after the other:
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
        if let Some(mut floor) = tower_floor(scenario) {
            bench_tower(&mut group, scenario, "floor", &mut floor, allocs);
        }
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
    use criterion::Criterion;

    use super::{
        counting, floor_headers, Allocs, Scenario, CONFIG, FLOOR_VARY, HEADERS, METHODS, ORIGINS,
        SCENARIOS,
    };

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
        group: &mut super::Group<'_>,
        scenario: Scenario,
        implementation: &'static str,
        service: &S,
        allocs: &mut Allocs,
    ) where
        S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    {
        let serve = |req| counting::ready(service.call(req)).expect("response");
        let key = ("actix", scenario, implementation);
        super::measure(group, allocs, key, || request(scenario), serve);
    }

    /// The floor's header writes (see the module docs), names and values
    /// made once. The application sets none of these names, so `append`
    /// (cheaper than `insert` here) is enough.
    fn floor(
        add: &'static [(&'static str, &'static str)],
    ) -> impl Fn(&mut actix_web::http::header::HeaderMap) + Clone {
        use actix_web::http::header::{HeaderName, VARY};
        let add = super::floor_table(add, HeaderName::from_static, HeaderValue::from_static);
        move |headers| {
            if let Some(vary) = headers.get_mut(VARY) {
                *vary = HeaderValue::from_static(FLOOR_VARY);
            }
            for (name, value) in add {
                headers.append(name.clone(), value.clone());
            }
        }
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
            if let Some(add) = floor_headers(scenario) {
                let floor = floor(add);
                let floor = rt.block_on(test::init_service(
                    App::new()
                        .wrap_fn(move |req, srv| {
                            let response = srv.call(req);
                            let floor = floor.clone();
                            async move {
                                let mut response = response.await?;
                                floor(response.headers_mut());
                                Ok(response)
                            }
                        })
                        .default_service(web::to(super::app::actix_handler)),
                ));
                bench(&mut group, scenario, "floor", &floor, allocs);
            }
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

/// One benchmark's fastest sample, in ns per request, if it ran.
///
/// Each of criterion's samples is the mean of many requests. On a shared
/// machine interference only ever adds time, and it comes and goes within
/// a benchmark: the fastest sample is the closest to the code's own cost,
/// and the least noisy statistic to subtract a baseline from (criterion's
/// report above has the medians and their spread).
fn fastest_ns(group: &str, id: &str) -> Option<f64> {
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
        .join("new/sample.json");
    let text = std::fs::read_to_string(path).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    let (iters, times) = (json["iters"].as_array()?, json["times"].as_array()?);
    iters
        .iter()
        .zip(times)
        .filter_map(|(n, t)| Some(t.as_f64()? / n.as_f64()?))
        .min_by(f64::total_cmp)
}

fn print_table(allocs: &Allocs) {
    println!();
    println!(
        "| framework | scenario | baseline | floor (overhead) | cors-engine (overhead) \
         | peer (overhead) | peer's overhead ÷ ours | peer's ÷ floor's |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for (framework, peer) in [("tower", "tower-http"), ("actix", "actix-cors")] {
        let group = format!("peers-{framework}");
        for (scenario, ..) in SCENARIOS {
            let [base, floor, ours, theirs] = IMPLEMENTATIONS.map(|implementation| {
                let ns = fastest_ns(&group, &format!("{scenario}/{implementation}"));
                let n = allocs.get(&(framework, scenario, implementation));
                (ns, n)
            });
            let base_ns = base.0;
            let overhead = |ns: Option<f64>| Some(ns? - base_ns?);
            // Time, overhead over the baseline, allocations.
            let show = |(ns, n): (Option<f64>, Option<&usize>)| match (ns, n, overhead(ns)) {
                (Some(ns), Some(n), Some(extra)) => format!("{ns:.0} ns ({extra:+.0}), {n} alloc"),
                _ => "-".to_owned(),
            };
            let ratio = |over: Option<f64>| match (overhead(theirs.0), over) {
                (Some(p), Some(o)) if o > 0.0 && p > 0.0 => format!("{:.1}×", p / o),
                (Some(_), Some(o)) if o <= 0.0 => "below baseline".to_owned(),
                _ => "-".to_owned(),
            };
            println!(
                "| {framework} ({peer}) | {scenario} | {} | {} | {} | {} | {} | {} |",
                base.0.map_or("-".to_owned(), |ns| format!("{ns:.0} ns")),
                show(floor),
                show(ours),
                show(theirs),
                ratio(overhead(ours.0)),
                ratio(overhead(floor.0)),
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
