//! Live policies (DESIGN §3.12): the policies of a running `tower` layer
//! and actix-web middleware are swapped a thousand times while clients send
//! requests over real HTTP, and every response must come whole from one
//! policy — never a failed request, never headers from two policies.
#![cfg(all(feature = "tower", feature = "actix"))]

mod common;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use common::http_table::{try_send_to, Response};
use cors_engine::{Config, Policy, PolicySet, Route};

const SWAPS: usize = 1_000;
const CLIENTS: usize = 3;
/// Bounds on the load: each client stops after this many requests, or
/// when the swaps are done, or at the deadline, whichever comes first.
const MAX_REQUESTS_PER_CLIENT: usize = 20_000;
const DEADLINE: Duration = Duration::from_secs(60);

const ORIGIN: &str = "https://app.example.com";

/// Two policies that allow the same origin and differ in every value a
/// response carries: their expose list, their max-age and the method they
/// allow. A response mixing them would show one's expose list with the
/// other's method or max-age.
fn policy(which: char) -> PolicySet {
    let (expose, method, max_age): (&[&str], &[&str], u64) = match which {
        'a' => (&["x-policy-a"], &["PUT"], 100),
        _ => (&["x-policy-b"], &["PATCH"], 200),
    };
    let top = Config::new()
        .allowed_origins(&[ORIGIN])
        .allowed_methods(method)
        .exposed_headers(expose)
        .max_age(max_age);
    // A route too, so that routing is swapped along with the policies:
    // under `a`, `/off/*` has CORS off; under `b` it does not exist.
    let routes = [Route::new(&["/off/*"])];
    let routes: &[Route] = if which == 'a' { &routes } else { &[] };
    PolicySet::compile(Some(&top), routes)
        .expect("test policies compile")
        .0
}

/// Which policy produced `response` to request number `n`, or why it is
/// not exactly one of them.
fn which(n: usize, response: &Response) -> Result<char, String> {
    let expose = response.get("access-control-expose-headers");
    let max_age = response.get("access-control-max-age");
    let method = response.get("access-control-allow-methods");
    let seen = match n % 3 {
        // An actual request on a path both policies decide.
        0 => match expose {
            Some(b"x-policy-a") if response.status == 200 => 'a',
            Some(b"x-policy-b") if response.status == 200 => 'b',
            _ => return Err(format!("actual request: {response:?}")),
        },
        // A preflight for PUT: allowed by `a` only.
        1 => match (response.status, method, max_age) {
            (204, Some(b"PUT"), Some(b"100")) => 'a',
            (403, None, None) => 'b',
            _ => return Err(format!("preflight: {response:?}")),
        },
        // An actual request under `/off/`: CORS off in `a`, decided by `b`.
        _ => match expose {
            None if response.status == 200 => 'a',
            Some(b"x-policy-b") if response.status == 200 => 'b',
            _ => return Err(format!("request under /off/: {response:?}")),
        },
    };
    // No header of the other policy may appear.
    let foreign = match seen {
        'a' => expose == Some(b"x-policy-b") || max_age == Some(b"200"),
        _ => expose == Some(b"x-policy-a") || max_age == Some(b"100") || method.is_some(),
    };
    if foreign || response.get_all("access-control-allow-origin").count() > 1 {
        return Err(format!("headers of two policies: {response:?}"));
    }
    Ok(seen)
}

fn request(addr: SocketAddr, n: usize) -> std::io::Result<Response> {
    let origin = ("Origin", ORIGIN.as_bytes());
    match n % 3 {
        0 => try_send_to(addr, b"GET", "/data", &[origin]),
        1 => try_send_to(
            addr,
            b"OPTIONS",
            "/data",
            &[origin, ("Access-Control-Request-Method", b"PUT")],
        ),
        _ => try_send_to(addr, b"GET", "/off/data", &[origin]),
    }
}

/// Runs the clients against `addr` while `swap` is called [`SWAPS`]
/// times, alternating the two policies; returns how many responses each
/// policy gave.
fn swap_under_load(addr: SocketAddr, swap: impl Fn(PolicySet)) -> [usize; 2] {
    let done = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let clients: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let done = Arc::clone(&done);
            std::thread::spawn(move || -> Result<[usize; 2], String> {
                let mut counts = [0, 0];
                for n in c..c + MAX_REQUESTS_PER_CLIENT {
                    if done.load(Ordering::Relaxed) || started.elapsed() > DEADLINE {
                        break;
                    }
                    let response = request(addr, n).map_err(|e| format!("request failed: {e}"))?;
                    counts[usize::from(which(n, &response)? == 'b')] += 1;
                }
                Ok(counts)
            })
        })
        .collect();
    let (a, b) = (policy('a'), policy('b'));
    for i in 0..SWAPS {
        swap(if i % 2 == 0 { b.clone() } else { a.clone() });
        // A pause between swaps lets requests land on each policy.
        std::thread::sleep(Duration::from_millis(1));
    }
    done.store(true, Ordering::Relaxed);
    let mut total = [0, 0];
    for client in clients {
        let counts = client
            .join()
            .expect("client thread")
            .unwrap_or_else(|e| panic!("{e}"));
        total[0] += counts[0];
        total[1] += counts[1];
    }
    eprintln!(
        "{SWAPS} swaps in {:?}: {} responses from policy a, {} from policy b",
        started.elapsed(),
        total[0],
        total[1]
    );
    total
}

fn app_response() -> http::Response<Body> {
    common::app::http_response(Body::from(common::app::BODY))
}

#[test]
fn tower_swaps_never_fail_or_mix_policies() {
    let layer = cors_engine::tower::CorsLayer::new(policy('a'));
    let handle = layer.clone();
    let addr = common::servers::start_one(|listener| async move {
        let app = axum::Router::new()
            .fallback(|| async { app_response() })
            .layer(layer);
        axum::serve(listener, app).await.expect("serve");
    });
    let [a, b] = swap_under_load(addr, |set| handle.swap(set));
    assert!(a > 0 && b > 0, "both policies answered: {a} and {b}");
}

#[test]
fn actix_swaps_never_fail_or_mix_policies() {
    let cors = cors_engine::actix::Cors::new(policy('a'));
    let handle = cors.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let server = actix_web::HttpServer::new(move || {
                actix_web::App::new()
                    .wrap(cors.clone())
                    .default_service(actix_web::web::to(common::app::actix_handler))
            })
            .workers(2)
            .bind(("127.0.0.1", 0))
            .expect("bind");
            tx.send(server.addrs()[0]).expect("send address");
            server.run().await.expect("serve");
        });
    });
    let addr = rx.recv().expect("server started");
    let [a, b] = swap_under_load(addr, |set| handle.swap(set));
    assert!(a > 0 && b > 0, "both policies answered: {a} and {b}");
}

#[test]
fn a_policy_swapped_in_applies_to_the_next_request() {
    // Deterministic companion of the load tests: after `swap` returns,
    // every new request sees the new policy.
    let set = |origin: &'static str| {
        PolicySet::from(
            Policy::compile(&Config::new().allowed_origins(&[origin])).expect("compiles"),
        )
    };
    let layer = cors_engine::tower::CorsLayer::new(set("https://one.example"));
    let handle = layer.clone();
    let service = tower::Layer::layer(
        &layer,
        tower::service_fn(|_: http::Request<()>| async {
            Ok::<_, std::convert::Infallible>(http::Response::new(()))
        }),
    );
    let call = |origin: &str| {
        let request = http::Request::builder()
            .uri("/")
            .header("origin", origin)
            .body(())
            .expect("request");
        let response =
            futures_lite(tower::ServiceExt::oneshot(service.clone(), request)).expect("infallible");
        response
            .headers()
            .get("access-control-allow-origin")
            .map(|v| v.as_bytes().to_vec())
    };
    assert_eq!(
        call("https://one.example"),
        Some(b"https://one.example".to_vec())
    );
    assert_eq!(call("https://two.example"), None);
    handle.swap(set("https://two.example"));
    assert_eq!(call("https://one.example"), None);
    assert_eq!(
        call("https://two.example"),
        Some(b"https://two.example".to_vec())
    );
}

/// Polls a future that never waits to completion.
fn futures_lite<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime")
        .block_on(future)
}
