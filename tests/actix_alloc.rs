//! What the `actix` middleware costs in heap allocations per request: a
//! counting global allocator watches `actix_web::test::call_service` on the
//! same application with and without it, for an actual request and a
//! preflight. The CORS overhead must stay within 2 allocations per request
//! (DESIGN §4); a request that reaches the application gets its CORS
//! headers with none at all (after warm-up: the joined `Vary` is kept).
//! `actix-cors` is measured alongside, for reference only.
//!
//! Request header values are `HeaderValue::from_static`, whose clones share
//! the bytes — as the values a server parses out of its read buffer do (one
//! reference-counted buffer per request head). Values built with
//! `HeaderValue::from_str` would make the first clone of each allocate, an
//! artifact of the test request, not of serving.
#![cfg(feature = "actix")]

mod common;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::test::{call_service, init_service, TestRequest};
use actix_web::{web, App, Error};
use common::counting::{allocations, Counting};
use cors_engine::actix::Cors;
use cors_engine::{Config, Policy};

#[global_allocator]
static GLOBAL: Counting = Counting;

const ORIGIN: &str = "https://app.example.com";

fn config() -> Config<'static, 'static> {
    Config::new()
        .allowed_origins(&[ORIGIN])
        .allowed_methods(&["GET", "POST", "PUT", "DELETE", "PATCH"])
        .allowed_headers(&["content-type", "x-request-id", "authorization"])
        .exposed_headers(&["x-total-count"])
        .allow_credentials(true)
        .max_age(600)
}

#[derive(Clone, Copy, Debug)]
enum Scenario {
    Actual,
    Preflight,
}

fn request(scenario: Scenario) -> TestRequest {
    let origin = (header::ORIGIN, HeaderValue::from_static(ORIGIN));
    match scenario {
        Scenario::Actual => TestRequest::get().insert_header(origin),
        Scenario::Preflight => TestRequest::default()
            .method(Method::OPTIONS)
            .insert_header(origin)
            .insert_header((
                header::ACCESS_CONTROL_REQUEST_METHOD,
                HeaderValue::from_static("PUT"),
            ))
            .insert_header((
                header::ACCESS_CONTROL_REQUEST_HEADERS,
                HeaderValue::from_static("content-type,x-request-id"),
            )),
    }
}

const ROUNDS: usize = 200;

/// Mean allocations per `call_service` (request built outside the count,
/// response dropped inside it), after a warm-up.
async fn per_request<S, R, B>(
    app: &S,
    make: impl Fn() -> R,
    scenario: Scenario,
    expected: StatusCode,
) -> f64
where
    S: Service<R, Response = ServiceResponse<B>, Error = Error>,
    B: MessageBody,
{
    for _ in 0..20 {
        let response = call_service(app, make()).await;
        assert_eq!(response.status(), expected, "{scenario:?}");
    }
    let mut total = 0;
    for _ in 0..ROUNDS {
        let req = make();
        let before = allocations();
        let response = call_service(app, req).await;
        drop(response);
        total += allocations() - before;
    }
    total as f64 / ROUNDS as f64
}

#[actix_web::test]
async fn cors_overhead_is_at_most_two_allocations_per_request() {
    let policy = Policy::compile(&config()).expect("valid policy");
    let baseline =
        init_service(App::new().default_service(web::to(common::app::actix_handler))).await;
    let with_cors = init_service(
        App::new()
            .wrap(Cors::new(policy))
            .default_service(web::to(common::app::actix_handler)),
    )
    .await;
    let actix_cors = init_service(
        App::new()
            .wrap(
                actix_cors::Cors::default()
                    .allowed_origin(ORIGIN)
                    .allowed_methods(["GET", "POST", "PUT", "DELETE", "PATCH"])
                    .allowed_headers(["content-type", "x-request-id", "authorization"])
                    .expose_headers(["x-total-count"])
                    .supports_credentials()
                    .max_age(600),
            )
            .default_service(web::to(common::app::actix_handler)),
    )
    .await;

    println!("allocations per request (mean of {ROUNDS}, actix_web::test::call_service):");
    println!(
        "  {:<10} {:>9} {:>17} {:>9} {:>11} {:>10}",
        "scenario", "baseline", "cors-engine", "overhead", "actix-cors", "overhead"
    );
    // (scenario, status with CORS, most allocations CORS may add)
    for (scenario, status, budget) in [
        (Scenario::Actual, StatusCode::OK, 0.0),
        (Scenario::Preflight, StatusCode::NO_CONTENT, 2.0),
    ] {
        // Without CORS the preflight reaches the handler (200).
        let make = || request(scenario).to_request();
        let base = per_request(&baseline, make, scenario, StatusCode::OK).await;
        let ours = per_request(&with_cors, make, scenario, status).await;
        let theirs = per_request(&actix_cors, make, scenario, StatusCode::OK).await;
        println!(
            "  {:<10} {base:>9.2} {ours:>17.2} {:>+9.2} {theirs:>11.2} {:>+10.2}",
            format!("{scenario:?}"),
            ours - base,
            theirs - base,
        );
        assert!(
            ours - base <= budget,
            "{scenario:?}: {ours:.2} allocations with the middleware, {base:.2} without"
        );
    }
}

#[actix_web::test]
async fn the_counter_counts() {
    let before = allocations();
    std::hint::black_box(vec![1u8; 16]);
    assert!(allocations() > before);
}
