//! The `actix` adapter over real HTTP: the shared spec table against one
//! actix-web server per named policy, and what only a real server shows —
//! error responses, the application's `Vary`, hostile input.
#![cfg(feature = "actix")]

mod common;

use std::collections::HashMap;
use std::future::{ready, Ready};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, OnceLock};

use actix_web::dev::{Service, ServiceRequest};
use actix_web::error::{ErrorBadRequest, ErrorUnauthorized, InternalError};
use actix_web::http::{header, StatusCode};
use actix_web::test as actix_test;
use actix_web::{web, App, HttpResponse, HttpServer};
use common::http_table::{self, send, try_send, Response};
use common::spec::{CREDENTIALED, POLICIES};
use cors_engine::actix::Cors;
use cors_engine::{Decision, Policy};

/// A 500 from a handler, with the application's own `Vary`.
async fn failing_handler() -> HttpResponse {
    HttpResponse::InternalServerError()
        .insert_header((header::VARY, "Accept-Encoding"))
        .body("broken")
}

/// A handler returning `Err`: actix turns it into a response inside the
/// handler, before the middleware sees it.
async fn erring_handler() -> Result<HttpResponse, actix_web::Error> {
    Err(ErrorBadRequest("bad input"))
}

/// A handler that sets a CORS header of its own.
async fn acao_setting_handler() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "https://stale.example"))
        .body("ok")
}

/// A handler that varies on the name in its path already.
async fn varying_handler(name: web::Path<String>) -> HttpResponse {
    let vary = if name.as_str() == "star" {
        "*"
    } else {
        "origin"
    };
    HttpResponse::Ok()
        .insert_header((header::VARY, vary))
        .body("ok")
}

/// An inner middleware that fails every request with `Err` (as an
/// authentication layer inside CORS would): the middleware sees the `Err`.
fn refuse<S>(
    _: ServiceRequest,
    _: &S,
) -> Ready<Result<actix_web::dev::ServiceResponse, actix_web::Error>> {
    ready(Err(ErrorUnauthorized("no token")))
}

/// Starts an actix-web server (one worker, its own System, in a background
/// thread) on a free loopback port.
fn start(policy: Policy) -> SocketAddr {
    let cors = Cors::new(policy);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let server = HttpServer::new(move || {
                App::new()
                    .wrap(cors.clone())
                    .route("/fail", web::to(failing_handler))
                    .route("/handler-err", web::to(erring_handler))
                    .route("/sets-acao", web::to(acao_setting_handler))
                    .route("/vary/{name}", web::to(varying_handler))
                    .service(
                        web::scope("/refused")
                            .wrap_fn(refuse)
                            .default_service(web::to(common::app::actix_handler)),
                    )
                    .default_service(web::to(common::app::actix_handler))
            })
            .workers(1)
            .disable_signals()
            .shutdown_timeout(0)
            .bind(("127.0.0.1", 0))
            .expect("bind a loopback port");
            tx.send(server.addrs()[0]).expect("report the address");
            server.run().await
        })
    });
    rx.recv().expect("server thread started")
}

/// One server per named policy, started once for the whole test binary.
fn servers() -> &'static HashMap<&'static str, SocketAddr> {
    static SERVERS: OnceLock<HashMap<&'static str, SocketAddr>> = OnceLock::new();
    SERVERS.get_or_init(|| {
        POLICIES
            .iter()
            .map(|p| {
                let policy = Policy::compile(&p.config).expect("named policy compiles");
                (p.name, start(policy))
            })
            .collect()
    })
}

fn addr(policy: &str) -> SocketAddr {
    servers()[policy]
}

const APP: &[u8] = b"https://app.example.com";

/// Sends a request to `path` on the server of `policy`.
fn send_to(policy: &str, path: &str, method: &[u8], lines: &[(&str, &[u8])]) -> Response {
    http_table::send_to(addr(policy), method, path, lines)
}

fn values<'a>(response: &'a Response, name: &'a str) -> Vec<&'a [u8]> {
    response.get_all(name).collect()
}

/// The server still answers an ordinary allowed request normally.
fn assert_still_serving(policy: &str, origin: &[u8]) {
    let r = send(addr(policy), b"GET", &[("origin", origin)]);
    assert_eq!(r.status, 200);
    assert!(r.handler_ran());
    assert_eq!(r.get("access-control-allow-origin"), Some(origin));
}

#[test]
fn spec_table_over_http() {
    http_table::run("actix", &addr);
}

#[test]
fn error_status_from_a_handler_gets_cors_headers_and_keeps_vary() {
    let r = send_to(CREDENTIALED.name, "/fail", b"GET", &[("origin", APP)]);
    assert_eq!(r.status, 500);
    assert_eq!(r.body, b"broken");
    assert_eq!(r.get("access-control-allow-origin"), Some(APP));
    assert_eq!(
        r.get("access-control-allow-credentials"),
        Some(&b"true"[..])
    );
    assert_eq!(values(&r, "vary"), [&b"Accept-Encoding, Origin"[..]]);
}

#[test]
fn err_from_a_handler_gets_cors_headers() {
    let r = send_to(
        CREDENTIALED.name,
        "/handler-err",
        b"POST",
        &[("origin", APP)],
    );
    assert_eq!(r.status, 400);
    assert_eq!(r.get("access-control-allow-origin"), Some(APP));
    assert_eq!(values(&r, "vary"), [&b"Origin"[..]]);
}

#[test]
fn err_from_the_inner_service_gets_cors_headers_over_http() {
    // The inner service returns `Err`; the server turns it into a 401.
    let r = send_to(CREDENTIALED.name, "/refused/x", b"GET", &[("origin", APP)]);
    assert_eq!(r.status, 401);
    assert_eq!(r.get("access-control-allow-origin"), Some(APP));
    assert_eq!(
        r.get("access-control-allow-credentials"),
        Some(&b"true"[..])
    );
    assert_eq!(values(&r, "vary"), [&b"Origin"[..]]);
    // A preflight never reaches it: CORS answers first.
    let r = send_to(
        CREDENTIALED.name,
        "/refused/x",
        b"OPTIONS",
        &[
            ("origin", APP),
            ("access-control-request-method", b"DELETE"),
        ],
    );
    assert_eq!(r.status, 204);
    assert_eq!(r.get("access-control-allow-methods"), Some(&b"DELETE"[..]));
}

#[actix_web::test]
async fn err_from_the_inner_service_stays_err_of_its_own_type() {
    let policy = Policy::compile(&CREDENTIALED.config).unwrap();
    let app = actix_test::init_service(
        App::new().wrap(Cors::new(policy)).service(
            web::scope("")
                .wrap_fn(refuse)
                .default_service(web::to(common::app::actix_handler)),
        ),
    )
    .await;
    let request = actix_test::TestRequest::get()
        .insert_header((header::ORIGIN, "https://app.example.com"))
        .to_request();
    let error = match actix_test::try_call_service(&app, request).await {
        Err(e) => e,
        Ok(r) => panic!("expected Err, got {}", r.status()),
    };
    // Outer code can still downcast it.
    assert!(error.as_error::<InternalError<&str>>().is_some());
    // The response actix builds from it carries the CORS headers, each
    // time it is built.
    for _ in 0..2 {
        let response = error.error_response();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let h = response.headers();
        assert_eq!(
            h.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).unwrap(),
            "https://app.example.com"
        );
        assert_eq!(h.get_all(header::VARY).count(), 1);
    }
}

#[test]
fn application_vary_is_kept_and_cors_vary_appended() {
    let r = send(addr("basic"), b"GET", &[("origin", b"https://example.com")]);
    assert_eq!(values(&r, "vary"), [&b"Accept-Encoding, Origin"[..]]);
    // Denied origin: still appended, application's kept.
    let r = send(addr("basic"), b"GET", &[("origin", b"https://evil.com")]);
    assert_eq!(values(&r, "vary"), [&b"Accept-Encoding, Origin"[..]]);
    assert_eq!(r.get("access-control-allow-origin"), None);
    // No CORS Vary at all (any-origin, no credentials): untouched.
    let r = send(addr("any-origin"), b"GET", &[("origin", b"https://x.test")]);
    assert_eq!(values(&r, "vary"), [&b"Accept-Encoding"[..]]);
    // Names the application already lists, or `*`, are not repeated.
    for (path, vary) in [("/vary/origin", "origin"), ("/vary/star", "*")] {
        let r = send_to("basic", path, b"GET", &[("origin", b"https://example.com")]);
        assert_eq!(values(&r, "vary"), [vary.as_bytes()], "{path}");
    }
    let r = send_to("basic", "/vary/origin", b"GET", &[]);
    assert_eq!(values(&r, "vary"), [&b"origin"[..]]);
}

#[test]
fn an_access_control_header_of_the_application_is_replaced() {
    let r = send_to(CREDENTIALED.name, "/sets-acao", b"GET", &[("origin", APP)]);
    assert_eq!(values(&r, "access-control-allow-origin"), [APP]);
}

#[test]
fn denied_preflight_is_403_with_only_vary() {
    let r = send(
        addr(CREDENTIALED.name),
        b"OPTIONS",
        &[
            ("origin", b"https://evil.com"),
            ("access-control-request-method", b"PUT"),
            ("access-control-request-headers", b"x-custom"),
        ],
    );
    assert_eq!(r.status, 403);
    assert!(!r.handler_ran());
    assert!(r.body.is_empty());
    let cors: Vec<&str> = r
        .headers
        .iter()
        .map(|(n, _)| n.as_str())
        .filter(|n| n.starts_with("access-control-") || *n == "vary")
        .collect();
    assert_eq!(cors, ["vary"]);
    assert_eq!(
        r.get("vary"),
        Some(&b"Origin, Access-Control-Request-Method, Access-Control-Request-Headers"[..])
    );
}

#[test]
fn hostile_input_gets_a_response_and_the_server_keeps_serving() {
    let basic = "basic";
    let ex: &[u8] = b"https://example.com";

    // Non-UTF-8 origin: an actual request, denied, the handler runs.
    let r = send(
        addr(basic),
        b"GET",
        &[("origin", b"https://ex\xffample.com\xc3")],
    );
    assert_eq!(r.status, 200);
    assert!(r.handler_ran());
    assert_eq!(r.get("access-control-allow-origin"), None);
    assert_still_serving(basic, ex);

    // 50 Origin lines: ambiguous, denied; as a preflight, 403.
    let many: Vec<(&str, &[u8])> = (0..50).map(|_| ("origin", ex)).collect();
    let r = send(addr(basic), b"GET", &many);
    assert!(r.handler_ran());
    assert_eq!(r.get("access-control-allow-origin"), None);
    let mut preflight = many.clone();
    preflight.push(("access-control-request-method", b"PUT"));
    let r = send(addr(basic), b"OPTIONS", &preflight);
    assert_eq!(r.status, 403);
    assert_still_serving(basic, ex);

    // A 60 KiB Access-Control-Request-Headers line: over the cap, 403.
    let huge = vec![b'x'; 60 * 1024];
    let r = send(
        addr("caps"),
        b"OPTIONS",
        &[
            ("origin", ex),
            ("access-control-request-method", b"PUT"),
            ("access-control-request-headers", &huge),
        ],
    );
    assert_eq!(r.status, 403);
    assert_eq!(r.get("access-control-allow-headers"), None);
    assert_still_serving("caps", ex);

    // 90 Access-Control-Request-Headers lines: far over the line cap, 403.
    let mut lines: Vec<(&str, &[u8])> =
        vec![("origin", ex), ("access-control-request-method", b"PUT")];
    lines.extend((0..90).map(|_| ("access-control-request-headers", &b"x-a"[..])));
    let r = send(addr("caps"), b"OPTIONS", &lines);
    assert_eq!(r.status, 403);
    assert_still_serving("caps", ex);

    // 100 Origin lines: more header lines than actix parses (96); it
    // refuses the request itself with 431 before any middleware runs.
    let hundred: Vec<(&str, &[u8])> = (0..100).map(|_| ("origin", ex)).collect();
    match try_send(addr(basic), b"GET", &hundred) {
        Ok(r) => assert_eq!(r.status, 431),
        Err(e) => println!("100 Origin lines: connection closed ({e})"),
    }
    assert_still_serving(basic, ex);

    // obs-text in every CORS header at once: denied, 403.
    let r = send(
        addr(CREDENTIALED.name),
        b"OPTIONS",
        &[
            ("origin", b"https://app.example.com\x80"),
            ("access-control-request-method", b"P\x80T"),
            ("access-control-request-headers", b"\xfe\xff, x\xc3\xa9"),
            ("access-control-request-private-network", b"\xff"),
        ],
    );
    assert_eq!(r.status, 403);
    assert_still_serving(CREDENTIALED.name, APP);

    // Control bytes: actix's own parser refuses the request (400) before
    // any middleware runs.
    let r = send(
        addr(CREDENTIALED.name),
        b"OPTIONS",
        &[
            ("origin", b"https://app.example.com\x7f"),
            ("access-control-request-method", b"PUT\x01"),
        ],
    );
    assert!(r.status == 400 || r.status == 403, "{}", r.status);
    assert_still_serving(CREDENTIALED.name, APP);
}

static DENIALS: AtomicUsize = AtomicUsize::new(0);

fn count_denials(_: &ServiceRequest, decision: &Decision<'_>) {
    if decision.denial().is_some() {
        DENIALS.fetch_add(1, Ordering::Relaxed);
    }
}

#[actix_web::test]
async fn the_decision_hook_sees_every_decision() {
    let policy = Policy::compile(&CREDENTIALED.config).unwrap();
    let app = actix_test::init_service(
        App::new()
            .wrap(Cors::new(policy).on_decision(count_denials))
            .default_service(web::to(common::app::actix_handler)),
    )
    .await;
    let before = DENIALS.load(Ordering::Relaxed);
    for origin in ["https://app.example.com", "https://evil.com"] {
        let request = actix_test::TestRequest::get()
            .insert_header((header::ORIGIN, origin))
            .to_request();
        let response = actix_test::call_service(&app, request).await;
        assert_eq!(response.status(), StatusCode::OK);
    }
    assert_eq!(DENIALS.load(Ordering::Relaxed) - before, 1);
}

#[actix_web::test]
async fn preflight_never_reaches_the_application() {
    let policy = Policy::compile(&CREDENTIALED.config).unwrap();
    let calls = std::rc::Rc::new(std::cell::Cell::new(0));
    let seen = calls.clone();
    let app = actix_test::init_service(
        App::new()
            // Inside CORS: wrapped first.
            .wrap_fn(move |req, srv| {
                seen.set(seen.get() + 1);
                srv.call(req)
            })
            .wrap(Cors::new(policy))
            .default_service(web::to(common::app::actix_handler)),
    )
    .await;
    let request = actix_test::TestRequest::default()
        .method(actix_web::http::Method::OPTIONS)
        .insert_header((header::ORIGIN, "https://app.example.com"))
        .insert_header((header::ACCESS_CONTROL_REQUEST_METHOD, "PATCH"))
        .append_header((header::ACCESS_CONTROL_REQUEST_HEADERS, "x-a"))
        .append_header((header::ACCESS_CONTROL_REQUEST_HEADERS, "x-b"))
        .to_request();
    let response = actix_test::call_service(&app, request).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(calls.get(), 0);
    let acah: Vec<_> = response
        .headers()
        .get_all(header::ACCESS_CONTROL_ALLOW_HEADERS)
        .collect();
    assert_eq!(acah, ["x-a", "x-b"]);
    assert_eq!(
        response
            .headers()
            .get(header::ACCESS_CONTROL_MAX_AGE)
            .unwrap(),
        "600"
    );
}
